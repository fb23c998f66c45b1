"""Writes of a role's interview round: open it with its panel and times, add times, close it, cancel it.

A round opens only where the role's lifecycle allows it (``screening.rules.ROLE_MOVES``, move
``interview``: after the approved shortlist's results are sent), by a user holding the power to run
the call's interviews (``teams.authority``, :attr:`Power.INTERVIEW`: the city's approvers, and the
call's contractors when the call says so). It invites exactly the role's candidacies that passed
document screening and wait for a decision (``rules.INTERVIEWABLE``), each told once by a keyed
outbox row with the link to book (the manage link). While it is open, the same people may add times
(checked as at the opening, ``interviews.slots``); those invited who can still book (no live seat, still in
the selection) see them at once and are told once per add, in the add's transaction.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from applications.intake.services import manage_link_token
from applications.interviews.ics import booking_calendar
from applications.interviews.seats import free_seat
from applications.interviews.selectors import panel_candidates, shares_panel
from applications.interviews.slots import InterviewError, SlotSpec, check_slots, check_terms, slot_specs
from applications.mail.triggers.interviews import invitations_send, round_cancelled_send, times_added_send
from applications.models import (
    Candidacy,
    InterviewBooking,
    InterviewInvitation,
    InterviewRound,
    InterviewSlot,
    Shortlist,
)
from applications.screening.audit import audit
from applications.screening.rules import INTERVIEWABLE, Move
from applications.screening.services import require_power, role_move_check, shortlist_for
from applications.teams.authority import Power
from recruitment.models import RolePage
from recruitment.selectors import role_call

Mode = InterviewRound.Mode
Status = InterviewRound.Status


def _create_slots(interview_round: InterviewRound, specs: list[SlotSpec]) -> list[InterviewSlot]:
    online = interview_round.mode == Mode.ONLINE
    return InterviewSlot.objects.bulk_create(
        InterviewSlot(
            round=interview_round, starts_at=s.starts_at, capacity=s.capacity, video_url=s.video_url if online else ""
        )
        for s in specs
    )


def interview_round_open(
    *,
    role: RolePage,
    by: Any,
    slots: Iterable[SlotSpec | Mapping[str, Any]],
    length_minutes: int = 30,
    mode: str = Mode.ONLINE,
    place: str = "",
    panel: Iterable[Any] = (),
    cutoff_hours: int = 24,
    now: datetime | None = None,
) -> InterviewRound:
    """Open ``role``'s interview round with its ``slots`` and ``panel``, and invite its shortlisted candidacies.

    Refused (:class:`InterviewError`) unless ``by`` may run the call's interviews, the lifecycle allows
    the move ``interview`` (results of an approved shortlist sent, no live round, no decision), the panel
    is people of the call (its city's members who may view it, its running contractors) and every slot
    can still be booked, none overlapping another. Each invitation is mailed once; one already covered
    by the person's booking of a round with the same panel points at that booking.
    """
    now = now or timezone.now()
    call = role_call(role)
    require_power(by, call, Power.INTERVIEW)
    specs = slot_specs(slots)
    place = place.strip()
    check_terms(mode=mode, place=place, length_minutes=length_minutes, cutoff_hours=cutoff_hours)
    check_slots(specs, mode=mode, length_minutes=length_minutes, cutoff_hours=cutoff_hours, now=now)
    members = list({getattr(u, "pk", u) for u in panel})
    eligible = set(panel_candidates(call).filter(pk__in=members).values_list("pk", flat=True))
    if not members:
        raise InterviewError(_("Choose the panel."), field="panel")
    if eligible != set(members):
        raise InterviewError(
            _("The panel may be only members of the city and contractors assigned to this call."), field="panel"
        )
    with transaction.atomic():
        # The role's lifecycle is serialised on its shortlist's row (as the reopen that cancels rounds is).
        Shortlist.objects.select_for_update().get(pk=shortlist_for(role).pk)
        role_move_check(role, Move.INTERVIEW, now)
        try:
            with transaction.atomic():
                interview_round = InterviewRound.objects.create(
                    role=role,
                    opened_by=by,
                    opened_at=now,
                    length_minutes=length_minutes,
                    mode=mode,
                    place=place if mode == Mode.IN_PERSON else "",
                    cutoff_hours=cutoff_hours,
                )
        except IntegrityError as exc:  # another round of the role opened meanwhile
            raise InterviewError(_("This role already has an interview round.")) from exc
        interview_round.panel.set(members)
        _create_slots(interview_round, specs)
        candidacies = list(
            Candidacy.objects.filter(role=role, status__in=INTERVIEWABLE)
            .select_related("application__applicant", "application__call", "role")
            .order_by("rank", "pk")
        )
        InterviewInvitation.objects.bulk_create(
            InterviewInvitation(round=interview_round, candidacy=c, invited_at=now) for c in candidacies
        )
        invitations = list(
            InterviewInvitation.objects.filter(round=interview_round).select_related(
                "round", "candidacy__application__applicant", "candidacy__application__call", "candidacy__role"
            )
        )
        calendars = _join_shared_bookings(interview_round, invitations, now=now)
        audit(user=by, action="kobo.interview.open", call=call, role_id=role.pk, role=role.title,
              slots=len(specs), invited=len(invitations), panel=sorted(members))  # fmt: skip
        invitations_send(invitations=invitations, manage_token=manage_link_token, calendars=calendars)
    return interview_round


def _join_shared_bookings(
    interview_round: InterviewRound, invitations: list[InterviewInvitation], *, now: datetime
) -> dict[int, str]:
    """Point each new invitation at its person's live booking in an open round with the same panel, if any,
    and return the updated calendar of each booking so joined, by invitation.

    The booking's SEQUENCE goes up (its event now names one more role), so the person's calendar takes
    the REQUEST as an update of the event it holds.
    """
    applications = [i.candidacy.application_id for i in invitations]
    bookings = (
        InterviewBooking.objects.filter(
            application_id__in=applications, cancelled_at__isnull=True, slot__round__status=Status.OPEN
        )
        .exclude(slot__round=interview_round)
        .select_related("slot__round")
    )
    by_application: dict[int, InterviewBooking] = {}
    for booking in bookings:
        if shares_panel(booking.slot.round, interview_round):
            by_application.setdefault(booking.application_id, booking)
    calendars: dict[int, str] = {}
    for invitation in invitations:
        shared = by_application.get(invitation.candidacy.application_id)
        if shared is None:
            continue
        InterviewInvitation.objects.filter(pk=invitation.pk).update(booking=shared)
        invitation.booking = shared
        InterviewBooking.objects.filter(pk=shared.pk).update(sequence=F("sequence") + 1)
        updated = InterviewBooking.objects.select_related(
            "slot__round", "application__applicant", "application__call__organisation"
        ).get(pk=shared.pk)
        calendars[invitation.pk] = booking_calendar(updated, now=now)
    return calendars


def _not_open() -> InterviewError:
    return InterviewError(_("This interview round is not open."), "closed")


def interview_slots_add(
    *,
    interview_round: InterviewRound,
    by: Any,
    slots: Iterable[SlotSpec | Mapping[str, Any]],
    now: datetime | None = None,
) -> list[InterviewSlot]:
    """Add ``slots`` to an open round, by whoever may run its interviews; those invited who can still book
    (:func:`_still_booking`) may book them at once and are told so by mail, once per add, in its transaction.

    Checked as at the opening with the round's own mode, length and cut-off: each can still be booked,
    has its seats and (online) its video link, and overlaps neither another new time nor one the round
    has (:class:`InterviewError` naming the field and which time). Refused when the round is closed or
    cancelled (``closed``). The round's row is locked meanwhile, so two people adding times at once
    never overlap them.
    """
    now = now or timezone.now()
    call = role_call(interview_round.role)
    require_power(by, call, Power.INTERVIEW)
    specs = slot_specs(slots)
    with transaction.atomic():
        locked = InterviewRound.objects.select_for_update().get(pk=interview_round.pk)
        if locked.status != Status.OPEN:
            raise _not_open()
        check_slots(
            specs,
            mode=locked.mode,
            length_minutes=locked.length_minutes,
            cutoff_hours=locked.cutoff_hours,
            now=now,
            existing=locked.slots.values_list("starts_at", flat=True),
        )
        created = _create_slots(locked, specs)
        told = _still_booking(locked)
        audit(user=by, action="kobo.interview.slots_add", call=call, role_id=locked.role_id,
              role=interview_round.role.title, slots=[s.starts_at.isoformat() for s in specs],
              told=len(told))  # fmt: skip
        times_added_send(invitations=told, slots=created, manage_token=manage_link_token)
    return created


def _still_booking(interview_round: InterviewRound) -> list[InterviewInvitation]:
    """The round's invitations whose person may still book a time: the candidacy waits for a decision
    (``rules.INTERVIEWABLE``: not withdrawn, not decided) and the invitation holds no live seat (a booking in
    a round with the same panel is this invitation's too: ``seats.interview_book``, ``_join_shared_bookings``)."""
    return list(
        InterviewInvitation.objects.filter(round=interview_round, candidacy__status__in=INTERVIEWABLE)
        .filter(Q(booking__isnull=True) | Q(booking__cancelled_at__isnull=False))
        .select_related("round", "candidacy__application__applicant", "candidacy__application__call", "candidacy__role")
        .order_by("candidacy__rank", "pk")
    )


def interview_round_close(*, interview_round: InterviewRound, by: Any, now: datetime | None = None) -> InterviewRound:
    """Stop the round's bookings and moves (those booked keep their seats); by whoever may run its interviews."""
    call = role_call(interview_round.role)
    require_power(by, call, Power.INTERVIEW)
    with transaction.atomic():
        updated = InterviewRound.objects.filter(pk=interview_round.pk, status=Status.OPEN).update(
            status=Status.CLOSED, closed_at=now or timezone.now()
        )
        if not updated:
            raise _not_open()
        audit(user=by, action="kobo.interview.close", call=call, role_id=interview_round.role_id,
              role=interview_round.role.title)  # fmt: skip
    interview_round.refresh_from_db()
    return interview_round


def interview_rounds_cancel(*, role: RolePage, by: Any, now: datetime | None = None) -> int:
    """Cancel ``role``'s live round (its shortlist was reopened): free its seats and tell everyone it invited, once.

    Called by ``screening.services.shortlist_reopen`` in its transaction. A booking that also covers
    a round still live (a shared panel) stays for that round; any other is cancelled, and its notice
    carries the calendar cancellation. Returns how many rounds were cancelled.
    """
    now = now or timezone.now()
    rounds = list(InterviewRound.objects.select_for_update().filter(role=role).exclude(status=Status.CANCELLED))
    for interview_round in rounds:
        invitations = list(
            InterviewInvitation.objects.filter(round=interview_round)
            .select_related(
                "booking__slot__round",
                "candidacy__application__applicant",
                "candidacy__application__call",
                "candidacy__role",
            )
            .order_by("pk")
        )
        calendars: dict[int, str] = {}
        for invitation in invitations:
            booking = invitation.booking
            if booking is None or booking.cancelled_at is not None:
                continue
            still = booking.invitations.exclude(round=interview_round).exclude(round__status=Status.CANCELLED)
            if still.exists():
                continue
            free_seat(booking, now)
            calendars[invitation.pk] = booking_calendar(booking, cancel=True, now=now)
        InterviewInvitation.objects.filter(round=interview_round).update(booking=None)
        InterviewRound.objects.filter(pk=interview_round.pk).update(status=Status.CANCELLED, cancelled_at=now)
        audit(user=by, action="kobo.interview.cancel", call=role_call(role), role_id=role.pk, role=role.title,
              invited=len(invitations), bookings=len(calendars))  # fmt: skip
        told = [i for i in invitations if i.candidacy.status != Candidacy.Status.WITHDRAWN]
        round_cancelled_send(invitations=told, calendars=calendars)
    return len(rounds)
