"""Mail to the staff of a call: deadline digests, shortlist notices, erasure requests after a decision.

Who receives each kind is its catalogue entry's ``to`` (the call's contractors, its city's
approvers); who those people are is the caller's ``staff`` (``teams.authority.mail_recipients``),
so this module asks no feature package.
"""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation

from applications.mail.catalogue import DIGEST_LOOKBACK
from applications.mail.rendering import admin_url
from applications.mail.triggers.common import StaffOf, staff_to, title_in, to_staff, ts
from applications.models import Application, Candidacy, Shortlist
from cms.web.jobs import each_row_alone
from recruitment.formatting import format_japan_datetime
from recruitment.models import CallPage, RolePage
from recruitment.selectors import role_call


def deadline_digests_send(*, staff: StaffOf, now: datetime | None = None) -> int:
    """At each role's deadline, tell its call's contractors and the city's approvers how many applied."""
    now = now or timezone.now()
    written = 0
    roles = RolePage.objects.live().filter(closes_at__lte=now, closes_at__gt=now - DIGEST_LOOKBACK)
    for role in roles.order_by("pk"):
        with each_row_alone("deadline_digests_send", role):
            written += _deadline_digest(role, staff)
    return written


def _deadline_digest(role: RolePage, staff: StaffOf) -> int:
    call = role_call(role)
    count = Candidacy.objects.filter(role=role).exclude(status=Candidacy.Status.WITHDRAWN).count()
    values = {"count": count, "dashboard_link": admin_url(reverse("screening_dashboard", args=[call.pk]))}

    def in_language(language: str) -> dict[str, str]:
        with translation.override(language):
            deadline = format_japan_datetime(role.closes_at, language)
        return {"role": title_in(role, language), "call": title_in(call, language), "deadline": deadline}

    with transaction.atomic():
        return to_staff(
            staff_to("deadline_digest", call, staff), kind="deadline_digest",
            key=f"deadline_digest:role:{role.pk}@{ts(role.closes_at)}", values=values, in_language=in_language,
        )  # fmt: skip


#: The kind of each shortlist event; its recipients are the kind's (catalogue).
SHORTLIST_EVENTS = {
    "submitted": "shortlist_submitted",
    "approved": "shortlist_approved",
    "returned": "shortlist_returned",
    "reopened": "shortlist_reopened",
}


def shortlist_notify(*, shortlist: Shortlist, event: str, staff: StaffOf, now: datetime | None = None) -> int:
    """Staff notice of a shortlist event, in its transaction (applicants' results are ``results``' own).

    ``event`` is "submitted" (to the city's approvers) or "approved", "returned", "reopened"
    (to the call's contractors), from ``screening.services``.
    """
    now = now or timezone.now()
    kind = SHORTLIST_EVENTS[event]
    role = shortlist.role
    call = role_call(role)
    when = (shortlist.submitted_at if event == "submitted" else shortlist.decided_at) or now
    by = shortlist.submitted_by if event == "submitted" else shortlist.decided_by
    values = {
        "actor": (by.get_full_name() or by.get_username()) if by is not None else "",
        "comment": shortlist.comment,
        "dashboard_link": admin_url(reverse("screening_dashboard", args=[call.pk])),
    }

    def in_language(language: str) -> dict[str, str]:
        if language == "en":
            return {"scope": f"{title_in(role, language)} ({title_in(call, language)})"}
        return {"scope": f"{role.title}({call.title})"}

    with transaction.atomic():
        return to_staff(
            staff_to(kind, call, staff), kind=kind, key=f"{kind}:shortlist:{shortlist.pk}@{ts(when)}", values=values,
            in_language=in_language,
        )  # fmt: skip


def erasure_request_send(*, application: Application, call: CallPage, staff: StaffOf) -> int:
    """Ask the city's approvers to decide on an erasure asked for after a decision (in the request's transaction)."""
    values = {
        "reference": application.reference,
        "erasure_link": admin_url(reverse("screening_erasure", args=[application.pk])),
    }
    return to_staff(
        staff_to("erasure_request", call, staff),
        kind="erasure_request",
        key=f"erasure_request:application:{application.pk}",
        values=values,
        in_language=lambda language: {"call": title_in(call, language)},
    )
