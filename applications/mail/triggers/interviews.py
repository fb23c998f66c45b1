"""Mail to applicants about their interviews: the invitation (or the booking it joins), more times added, the
booking (with its calendar part), the reminder the day before, and the notice that a reopened role's interviews
are cancelled.

The calendar parts are made by ``applications.interviews.ics`` and given here as text; the manage
link's token by ``applications.intake.services.manage_link_token`` (given as ``manage_token``):
mail imports no feature package.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from datetime import datetime
from typing import Any

from django.db import transaction
from django.db.models import F
from django.db.models.functions import Coalesce
from django.utils import timezone, translation

from applications.mail.catalogue import INTERVIEW_REMINDER_BEFORE
from applications.mail.triggers.common import applicant_values, person_name, route_link, title_in, to_applicant, ts
from applications.models import Application, InterviewBooking, InterviewInvitation, InterviewRound, InterviewSlot
from cms.web.jobs import each_row_alone
from recruitment.formatting import format_japan_datetime

#: Makes a manage link's token for an application (``intake.services.manage_link_token``).
ManageToken = Callable[[Application], str]

#: The kinds a booking's change writes, and the key of each (the move's names its SEQUENCE: one per move).
BOOKING_KEYS = {
    "interview_booked": "interview_booked:booking:{pk}",
    "interview_moved": "interview_moved:booking:{pk}:seq:{sequence}",
    "interview_cancelled": "interview_cancelled:booking:{pk}",
}


def booking_link(application: Application, manage_token: ManageToken) -> str:
    """The applicant's interview page, under a fresh manage link, in their language."""
    return route_link("interviews:booking", application.language, token=manage_token(application))


def invitations_send(
    *,
    invitations: Iterable[InterviewInvitation],
    manage_token: ManageToken,
    calendars: Mapping[int, str] | None = None,
) -> int:
    """One mail per candidacy invited to a round, in the round's transaction: the link to book, or, for an
    invitation the person's live booking already covers (a round with the same panel), that booking with
    its updated calendar (``calendars``: invitation pk → the booking's REQUEST, its SEQUENCE raised)."""
    written = 0
    for invitation in invitations:
        candidacy = invitation.candidacy
        booking = invitation.booking
        if booking is not None and booking.cancelled_at is None:
            role = title_in(candidacy.role, candidacy.application.language)
            values = {**_booking_values(booking, manage_token), "role": role}
            calendar = (calendars or {}).get(invitation.pk, "")
            written += _to_invited(invitation, "interview_covered", values, calendar=calendar)
            continue
        written += _to_invited(invitation, "interview_invitation", _invited_values(invitation, manage_token))
    return written


def _invited_values(invitation: InterviewInvitation, manage_token: ManageToken) -> dict[str, Any]:
    """What a mail asking the invited person to book says: the role, the round's terms and the link to book."""
    return {
        **applicant_values(invitation.candidacy),
        "length": invitation.round.length_minutes,
        "cutoff_hours": invitation.round.cutoff_hours,
        "booking_link": booking_link(invitation.candidacy.application, manage_token),
    }


def times_added_send(
    *, invitations: Iterable[InterviewInvitation], slots: list[InterviewSlot], manage_token: ManageToken
) -> int:
    """Tell each of ``invitations`` (the caller chose those who can still book) of the times just added, once per
    add: keyed by the invitation and the add's first new slot, so a repeated call writes nothing more."""
    if not slots:
        return 0
    first = min(slot.pk for slot in slots)
    written = 0
    for invitation in invitations:
        application = invitation.candidacy.application
        language = application.language
        with translation.override(language):
            times = "\n".join(
                f"{'・' if language == 'ja' else '- '}{format_japan_datetime(slot.starts_at, language)}"
                for slot in sorted(slots, key=lambda s: s.starts_at)
            )
        values = {**_invited_values(invitation, manage_token), "times": times}
        written += _to_invited(invitation, "interview_times_added", values, once_per=f"slot:{first}")
    return written


def _to_invited(
    invitation: InterviewInvitation, kind: str, values: dict[str, Any], *, calendar: str = "", once_per: str = ""
) -> bool:
    """Write ``kind`` about one invitation to its person, once per invitation (and per ``once_per``, if given)."""
    candidacy = invitation.candidacy
    return to_applicant(
        candidacy.application,
        kind=kind,
        key=f"{kind}:invitation:{invitation.pk}" + (f":{once_per}" if once_per else ""),
        values=values,
        roles=[candidacy.role],
        calendar=calendar,
    )


def _booking_values(booking: InterviewBooking, manage_token: ManageToken) -> dict[str, object]:
    application = booking.application
    slot = booking.slot
    interview_round = slot.round
    language = application.language
    titles = [title_in(i.candidacy.role, language) for i in booking.invitations.select_related("candidacy__role")]
    with translation.override(application.language):
        when = format_japan_datetime(slot.starts_at, application.language)
    where = slot.video_url if interview_round.mode == InterviewRound.Mode.ONLINE else interview_round.place
    return {
        "name": person_name(application.applicant, language),
        "reference": application.reference,
        "call": title_in(application.call, language),
        "roles": ("、" if language == "ja" else ", ").join(
            f"“{t}”" for t in (titles or [title_in(interview_round.role, language)])
        ),
        "when": when,
        "length": interview_round.length_minutes,
        "where": where,
        "cutoff_hours": interview_round.cutoff_hours,
        "booking_link": booking_link(application, manage_token),
    }


def booking_confirmation_send(
    *, booking: InterviewBooking, kind: str, calendar: str, manage_token: ManageToken
) -> bool:
    """A booking made, moved or cancelled (``kind``), with its calendar part; in the change's transaction."""
    return to_applicant(
        booking.application,
        kind=kind,
        key=BOOKING_KEYS[kind].format(pk=booking.pk, sequence=booking.sequence),
        values=_booking_values(booking, manage_token),
        calendar=calendar,
    )


def round_cancelled_send(*, invitations: Iterable[InterviewInvitation], calendars: dict[int, str]) -> int:
    """Tell each invitation of a cancelled round; ``calendars`` (invitation pk → CANCEL) for the bookings it freed."""
    written = 0
    for invitation in invitations:
        values = applicant_values(invitation.candidacy)
        written += _to_invited(
            invitation, "interview_round_cancelled", values, calendar=calendars.get(invitation.pk, "")
        )
    return written


def interview_reminders_send(*, manage_token: ManageToken, now: datetime | None = None) -> int:
    """The reminder :data:`INTERVIEW_REMINDER_BEFORE` an interview, once per booking and slot (beat; idempotent).

    Only live bookings of rounds not cancelled, whose slot is still ahead; a booking made or moved
    within that time is left out (its confirmation has just gone out).
    """
    now = now or timezone.now()
    bookings = list(
        InterviewBooking.objects.filter(
            cancelled_at__isnull=True,
            slot__starts_at__gt=now,
            slot__starts_at__lte=now + INTERVIEW_REMINDER_BEFORE,
        )
        .exclude(slot__round__status=InterviewRound.Status.CANCELLED)
        .annotate(taken_at=Coalesce("moved_at", "booked_at"))
        .filter(taken_at__lt=F("slot__starts_at") - INTERVIEW_REMINDER_BEFORE)
        .select_related("slot__round__role", "application__applicant", "application__call")
        .order_by("slot__starts_at", "pk")
    )
    written = 0
    for booking in bookings:
        with each_row_alone("interview_reminders_send", booking), transaction.atomic():
            written += to_applicant(
                booking.application,
                kind="interview_reminder",
                key=f"interview_reminder:booking:{booking.pk}:slot:{booking.slot_id}@{ts(booking.slot.starts_at)}",
                values=_booking_values(booking, manage_token),
            )
    return written
