"""What the triggers share: links, the staff's language, the applicant's values, writing to staff."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Any

from django.urls import reverse
from django.utils import translation

from applications.mail.catalogue import KINDS
from applications.mail.outbox import outbox_enqueue
from applications.mail.rendering import public_url
from applications.models import Candidacy
from recruitment.models import CallPage

#: Who on the staff of a call holds a catalogue recipient role (``catalogue.CONTRACTORS``,
#: ``catalogue.APPROVERS``): given by the caller (``teams.authority.mail_recipients``).
StaffOf = Callable[[CallPage, str], Iterable[Any]]


def page_link(page: Any, language: str) -> str:
    """The public address of a page in ``language`` (``/en/…`` for English)."""
    with translation.override(language):
        _site_id, _root, path = page.specific.get_url_parts()
    return public_url(path)


def route_link(name: str, language: str, **kwargs: Any) -> str:
    """The public address of a URL of ours in ``language``."""
    with translation.override(language):
        return public_url(reverse(name, kwargs=kwargs))


def staff_language(user: Any) -> str:
    """The admin language a staff member chose (Japanese unless they chose English)."""
    profile = getattr(user, "wagtail_userprofile", None)
    preferred = getattr(profile, "preferred_language", "") or ""
    return "en" if preferred.startswith("en") else "ja"


def ts(moment: datetime) -> int:
    """A moment as whole seconds, for the window part of a key."""
    return int(moment.timestamp())


def staff_to(kind: str, call: CallPage, staff: StaffOf) -> list[Any]:
    """The users ``kind`` goes to on ``call``: each of its catalogue recipients, once."""
    users: dict[int, Any] = {}
    for who in KINDS[kind].to:
        for user in staff(call, who):
            users.setdefault(user.pk, user)
    return list(users.values())


def to_staff(users: Iterable[Any], *, kind: str, key: str, values: dict[str, Any]) -> int:
    """Write ``kind`` to each of ``users`` with an address, in their language; returns how many were new."""
    sent = 0
    for user in users:
        if user.email:
            sent += outbox_enqueue(
                to=user.email, kind=kind, language=staff_language(user), key=f"{key}:user:{user.pk}", values=values
            )
    return sent


def applicant_values(candidacy: Candidacy) -> dict[str, Any]:
    """The placeholders every result message of a candidacy shares."""
    application = candidacy.application
    applicant = application.applicant
    return {
        "name": f"{applicant.family_name} {applicant.given_name}",
        "reference": application.reference,
        "call": application.call.title,
        "role": candidacy.role.title,
    }


def with_people(queryset: Any) -> Any:
    """Candidacies with their application, applicant, call and role loaded."""
    return queryset.select_related("application__applicant", "application__call__organisation", "role")
