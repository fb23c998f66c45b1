"""Rate limits, in one place: per visitor (their session or draft) and, far more generous, per address.

A carrier's CGNAT, an office or a library puts hundreds of people behind one address near a
deadline, so the address ceiling is ten times the visitor's: one person cannot use it up for
the others. The visitor's own limit follows their session (the draft lives in it); a client
that drops its cookies to escape it meets the address ceiling. Each refusal says which limit
was reached and how long to wait (``too_many``: the 429 page and ``Retry-After``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django_ratelimit.core import get_usage

from .clientip import client_ip


@dataclass(frozen=True)
class Rate:
    """How many per hour (or as django-ratelimit writes it) one visitor, and one address, may make."""

    visitor: str
    address: str


#: "wizard" counts every POST to the wizard, "upload" those carrying files, "submit" the act of
#: submitting, "draft_link" and "manage" their forms, "password_reset" the staff reset form (the
#: visitor there is the account asked for), "login" failed staff logins from one address,
#: "manage_request" the form that mails a manage link again, "code" the confirmation codes sent
#: for one draft (the visitor is the draft), "mail_to" every mail anyone can make us send to one
#: address, whoever asks (the visitor is the recipient's address: codes, draft and manage links),
#: "interview" an applicant's interview bookings, moves and cancellations (the visitor is their manage link);
#: "message" the answers an applicant sends from the manage link (the visitor is the link), "survey"
#: the optional survey's answers (the visitor is the session, or the manage link).
RATES: dict[str, Rate] = {
    "wizard": Rate(visitor="300/h", address="3000/h"),
    "upload": Rate(visitor="30/h", address="300/h"),
    "submit": Rate(visitor="30/h", address="300/h"),
    "draft_link": Rate(visitor="10/h", address="100/h"),
    "manage": Rate(visitor="30/h", address="300/h"),
    "password_reset": Rate(visitor="3/h", address="20/h"),
    "login": Rate(visitor="5/h", address="30/h"),
    "manage_request": Rate(visitor="10/h", address="100/h"),
    "code": Rate(visitor="5/h", address="300/h"),
    "mail_to": Rate(visitor="6/h", address="100/h"),
    "interview": Rate(visitor="20/h", address="300/h"),
    "message": Rate(visitor="20/h", address="200/h"),
    "survey": Rate(visitor="20/h", address="300/h"),
}


@dataclass(frozen=True)
class Refusal:
    """A request over a limit: which (``visitor`` or ``address``) and how many seconds until it lifts."""

    group: str
    by: str
    wait_seconds: int

    @property
    def wait_minutes(self) -> int:
        return max(1, math.ceil(self.wait_seconds / 60))


def over_limit(request: HttpRequest, group: str, *, visitor: str | None, count: bool = True) -> Refusal | None:
    """Count this request against ``group`` for ``visitor`` (if known) and the address; the refusal, if over.

    ``visitor`` names the person (their session key, a draft, an account); with none, only the
    address counts. ``count=False`` only looks. Rate limits switched off (``RATELIMIT_ENABLE``) refuse nothing.
    """
    rate = RATES[group]
    checks = [("address", rate.address, client_ip(request))]
    if visitor:
        checks.insert(0, ("visitor", rate.visitor, visitor))
    for by, limit, value in checks:
        usage = get_usage(
            request, group=f"kobo:{group}:{by}", key=lambda _g, _r, v=value: v, rate=limit, increment=count
        )
        if usage is not None and usage["should_limit"]:
            return Refusal(group=group, by=by, wait_seconds=int(usage["time_left"]))
    return None


def session_visitor(request: HttpRequest) -> str | None:
    """The visitor as their session knows them; a visitor without one is given one, so their first post counts."""
    session = getattr(request, "session", None)
    if session is None:
        return None
    if not session.session_key:
        session.save()
        session.modified = True  # so that the cookie goes out with this response
    return f"session:{session.session_key}"


def too_many(request: HttpRequest, refusal: Refusal, *, template: str = "cms/too_many.html") -> HttpResponse:
    """The 429 page: which limit was reached and how long to wait; ``Retry-After`` says the same to machines."""
    response = render(request, template, {"refusal": refusal}, status=429)
    response["Retry-After"] = str(max(1, refusal.wait_seconds))
    return response
