"""Writes of the interview stage: open, close and cancel a role's round; book, move and cancel a seat.

A round opens only where the role's lifecycle allows it (``screening.rules.ROLE_MOVES``, move
``interview``: after the approved shortlist's results are sent), by a user holding the power to run
the call's interviews (``teams.authority``, :attr:`Power.INTERVIEW`: the city's approvers, and the
call's contractors when the call says so). It invites exactly the role's candidacies that passed
document screening and wait for a decision (``rules.INTERVIEWABLE``), each told once by a keyed
outbox row with the link to book (the manage link).

Seats: a booking takes a seat with one conditional UPDATE of the slot's counter (``booked <
capacity``) in the booking's transaction, so two people never hold the last seat (the check
constraint ``interviews_slot_not_overbooked`` is the database's own guard). A person invited to
several rounds of one call whose panels are the same books one interview for all of them: the
invitations point at the same :class:`InterviewBooking`. Booking, moving and cancelling close
``cutoff_hours`` before the slot; nothing is booked in a round that is closed or cancelled. Every
change writes its mail (with the calendar part) in its own transaction.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from applications.intake.services import manage_link_token
from applications.interviews.ics import booking_calendar, joined_calendars
from applications.interviews.selectors import panel_candidates, shares_panel
from applications.mail.triggers.interviews import booking_confirmation_send, invitations_send, round_cancelled_send
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
from applications.screening.services import ScreeningError, require_power, role_move_check, shortlist_for
from applications.teams.authority import Power
from recruitment.models import RolePage
from recruitment.selectors import role_call

Mode = InterviewRound.Mode
Status = InterviewRound.Status

#: Bounds of what a round may say (the staff form shows the same).
LENGTH_MINUTES = (10, 240)
CUTOFF_HOURS = (0, 14 * 24)
SEATS = (1, 50)


class InterviewError(ScreeningError):
    """A refused interview action; ``code`` names the case (``taken``, ``too_late``, ``closed``, ``booked``,
    ``not_invited``, ``not_live``, ``invalid``) so that a page can answer it plainly."""

    def __init__(self, message: str, code: str = "invalid") -> None:
        super().__init__(message)
        self.code = code


@dataclass(frozen=True)
class SlotSpec:
    """A slot to open: when it starts (an aware datetime), how many seats, and its video link (online)."""

    starts_at: datetime
    capacity: int = 1
    video_url: str = ""


def _spec(slot: SlotSpec | Mapping[str, Any]) -> SlotSpec:
    return slot if isinstance(slot, SlotSpec) else SlotSpec(**dict(slot))


# --- refusals the applicant reads ---------------------------------------------------------------------


def _taken() -> InterviewError:
    return InterviewError(
        _("Sorry, the last seat at this time has just been taken by someone else. Please choose another time."),
        "taken",
    )


def _too_late(hours: int) -> InterviewError:
    return InterviewError(
        _(
            "It is too late to book, change or cancel this interview here: that closes %(hours)s hours before "
            "the interview. If you cannot attend, please tell the city."
        )
        % {"hours": hours},
        "too_late",
    )


def _closed() -> InterviewError:
    return InterviewError(_("Booking for these interviews has closed."), "closed")


def bookable(slot: InterviewSlot, now: datetime | None = None) -> bool:
    """May a seat of ``slot`` still be taken, given up or moved (its round's cut-off not passed)?"""
    now = now or timezone.now()
    return slot.starts_at - timedelta(hours=slot.round.cutoff_hours) > now


# --- the round ---------------------------------------------------------------------------------------


def _check_round(
    *, mode: str, place: str, length_minutes: int, cutoff_hours: int, slots: list[SlotSpec], now: datetime
) -> None:
    if mode not in Mode.values:
        raise InterviewError(_("Choose online or in person."))
    if not LENGTH_MINUTES[0] <= length_minutes <= LENGTH_MINUTES[1]:
        raise InterviewError(
            _("An interview lasts %(low)s to %(high)s minutes.") % {"low": LENGTH_MINUTES[0], "high": LENGTH_MINUTES[1]}
        )
    if not CUTOFF_HOURS[0] <= cutoff_hours <= CUTOFF_HOURS[1]:
        raise InterviewError(
            _("The cut-off is %(low)s to %(high)s hours.") % {"low": CUTOFF_HOURS[0], "high": CUTOFF_HOURS[1]}
        )
    if mode == Mode.IN_PERSON and not place.strip():
        raise InterviewError(_("Say where the interviews take place."))
    if not slots:
        raise InterviewError(_("Add at least one time."))
    check_url = URLValidator(schemes=["https", "http"])
    for spec in slots:
        if timezone.is_naive(spec.starts_at):
            raise InterviewError(_("A time must say its time zone."))
        if spec.starts_at - timedelta(hours=cutoff_hours) <= now:
            raise InterviewError(_("Every time must start after the cut-off from now, so that someone can book it."))
        if not SEATS[0] <= spec.capacity <= SEATS[1]:
            raise InterviewError(_("A time has %(low)s to %(high)s seats.") % {"low": SEATS[0], "high": SEATS[1]})
        if mode == Mode.ONLINE:
            try:
                check_url(spec.video_url)
            except ValidationError as exc:
                raise InterviewError(_("Give each online time its video link (https://…).")) from exc


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
    can still be booked. Each invitation is mailed once; one already covered by the person's booking of
    a round with the same panel points at that booking.
    """
    now = now or timezone.now()
    call = role_call(role)
    require_power(by, call, Power.INTERVIEW)
    specs = [_spec(s) for s in slots]
    place = place.strip()
    _check_round(mode=mode, place=place, length_minutes=length_minutes, cutoff_hours=cutoff_hours, slots=specs, now=now)
    members = list({getattr(u, "pk", u) for u in panel})
    eligible = set(panel_candidates(call).filter(pk__in=members).values_list("pk", flat=True))
    if not members:
        raise InterviewError(_("Choose the panel."))
    if eligible != set(members):
        raise InterviewError(_("The panel may be only members of the city and contractors assigned to this call."))
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
        InterviewSlot.objects.bulk_create(
            InterviewSlot(
                round=interview_round,
                starts_at=s.starts_at,
                capacity=s.capacity,
                video_url=s.video_url if mode == Mode.ONLINE else "",
            )
            for s in specs
        )
        candidacies = list(
            Candidacy.objects.filter(role=role, status__in=INTERVIEWABLE)
            .select_related("application__applicant", "application__call", "role")
            .order_by("rank", "pk")
        )
        invitations = InterviewInvitation.objects.bulk_create(
            InterviewInvitation(round=interview_round, candidacy=c, invited_at=now) for c in candidacies
        )
        invitations = list(
            InterviewInvitation.objects.filter(round=interview_round).select_related(
                "round", "candidacy__application__applicant", "candidacy__application__call", "candidacy__role"
            )
        )
        _join_shared_bookings(interview_round, invitations)
        audit(user=by, action="kobo.interview.open", call=call, role_id=role.pk, role=role.title,
              slots=len(specs), invited=len(invitations), panel=sorted(members))  # fmt: skip
        invitations_send(
            invitations=invitations, manage_token=manage_link_token, calendars=joined_calendars(invitations, now=now)
        )
    return interview_round


def _join_shared_bookings(interview_round: InterviewRound, invitations: list[InterviewInvitation]) -> None:
    """Point each new invitation at its person's live booking in an open round with the same panel, if any."""
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
    for invitation in invitations:
        shared = by_application.get(invitation.candidacy.application_id)
        if shared is not None:
            InterviewInvitation.objects.filter(pk=invitation.pk).update(booking=shared)
            invitation.booking = shared


def interview_round_close(*, interview_round: InterviewRound, by: Any, now: datetime | None = None) -> InterviewRound:
    """Stop the round's bookings and moves (those booked keep their seats); by whoever may run its interviews."""
    call = role_call(interview_round.role)
    require_power(by, call, Power.INTERVIEW)
    with transaction.atomic():
        updated = InterviewRound.objects.filter(pk=interview_round.pk, status=Status.OPEN).update(
            status=Status.CLOSED, closed_at=now or timezone.now()
        )
        if not updated:
            raise InterviewError(_("This interview round is not open."), "closed")
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
            _free(booking, now)
            calendars[invitation.pk] = booking_calendar(booking, cancel=True, now=now)
        InterviewInvitation.objects.filter(round=interview_round).update(booking=None)
        InterviewRound.objects.filter(pk=interview_round.pk).update(status=Status.CANCELLED, cancelled_at=now)
        audit(user=by, action="kobo.interview.cancel", call=role_call(role), role_id=role.pk, role=role.title,
              invited=len(invitations), bookings=len(calendars))  # fmt: skip
        told = [i for i in invitations if i.candidacy.status != Candidacy.Status.WITHDRAWN]
        round_cancelled_send(invitations=told, calendars=calendars)
    return len(rounds)


def _free(booking: InterviewBooking, now: datetime) -> None:
    """Cancel ``booking`` (kept for the history) and give its seat back; the caller holds the transaction."""
    InterviewSlot.objects.filter(pk=booking.slot_id, booked__gt=0).update(booked=F("booked") - 1)
    booking.cancelled_at = now
    booking.sequence += 1
    booking.save(update_fields=["cancelled_at", "sequence"])


def interview_seats_release(*, candidacies: Iterable[Candidacy], now: datetime | None = None) -> int:
    """Withdrawn ``candidacies`` let go of their interview, in the withdrawal's transaction; returns seats freed.

    Their invitations leave their booking; a booking that then covers no live candidacy gives its seat
    back (whatever the cut-off: nobody will come) and the person is sent the calendar cancellation.
    """
    now = now or timezone.now()
    ids = [candidacy.pk for candidacy in candidacies]
    booking_ids = set(
        InterviewInvitation.objects.filter(
            candidacy_id__in=ids, booking__isnull=False, booking__cancelled_at__isnull=True
        ).values_list("booking_id", flat=True)
    )
    freed = 0
    for booking_id in sorted(booking_ids):
        locked = InterviewBooking.objects.select_for_update(of=("self",)).get(pk=booking_id)
        held = InterviewInvitation.objects.filter(booking=locked)
        still_needed = held.exclude(candidacy_id__in=ids).exclude(candidacy__status=Candidacy.Status.WITHDRAWN)
        if locked.cancelled_at is None and not still_needed.exists():
            _give_back(locked, now, by="withdrawal")
            freed += 1
        held.filter(candidacy_id__in=ids).update(booking=None)
    return freed


def _give_back(locked: InterviewBooking, now: datetime, *, by: str) -> InterviewBooking:
    """Cancel a locked live booking: its seat back, the audit entry, the calendar cancellation to the person.

    Before its invitations let go of it (the notice names the roles it covered); the caller holds the transaction.
    """
    _free(locked, now)
    cancelled = _loaded(locked)
    audit(user=None, action="kobo.interview.booking_cancel", call=cancelled.application.call, by=by,
          booking=str(cancelled.uid), slot=cancelled.slot.starts_at.isoformat())  # fmt: skip
    booking_confirmation_send(
        booking=cancelled,
        kind="interview_cancelled",
        calendar=booking_calendar(cancelled, cancel=True, now=now),
        manage_token=manage_link_token,
    )
    return cancelled


# --- the applicant's seat ------------------------------------------------------------------------------


def _group(candidacy_application_id: int, target: InterviewRound) -> list[InterviewInvitation]:
    """The person's invitations (locked) to open rounds that share ``target``'s panel: one interview covers them."""
    invitations = list(
        InterviewInvitation.objects.select_for_update(of=("self",))
        .filter(candidacy__application_id=candidacy_application_id, round__status=Status.OPEN)
        .select_related("round", "booking", "candidacy")
        .order_by("pk")
    )
    return [i for i in invitations if i.round_id == target.pk or shares_panel(i.round, target)]


def _take_seat(slot: InterviewSlot) -> None:
    if not InterviewSlot.objects.filter(pk=slot.pk, booked__lt=F("capacity")).update(booked=F("booked") + 1):
        raise _taken()


def interview_book(
    *, candidacy: Candidacy, slot: InterviewSlot, accommodation: str = "", now: datetime | None = None
) -> InterviewBooking:
    """Book a seat of ``slot`` for ``candidacy``'s person, for every open round of theirs sharing its panel.

    Refused (:class:`InterviewError` with its ``code``) when the slot is full (``taken``), its cut-off has
    passed (``too_late``), its round is closed or cancelled (``closed``), the person already holds a
    seat for these rounds (``booked``), the candidacy is not invited to them (``not_invited``) or no
    longer waits for a decision (``not_live``). The confirmation (with its calendar part) is written
    in the same transaction.
    """
    now = now or timezone.now()
    slot = InterviewSlot.objects.select_related("round").get(pk=slot.pk)
    if slot.round.status != Status.OPEN:
        raise _closed()
    if candidacy.status not in INTERVIEWABLE:
        raise InterviewError(_("This application is no longer in the selection."), "not_live")
    if not bookable(slot, now):
        raise _too_late(slot.round.cutoff_hours)
    with transaction.atomic():
        group = _group(candidacy.application_id, slot.round)
        if not any(i.candidacy_id == candidacy.pk for i in group):
            raise InterviewError(_("You are not invited to these interviews."), "not_invited")
        if any(i.booking is not None and i.booking.cancelled_at is None for i in group):
            raise InterviewError(_("You have already booked this interview: change or cancel it below."), "booked")
        _take_seat(slot)
        booking = InterviewBooking.objects.create(
            slot=slot, application_id=candidacy.application_id, accommodation=accommodation.strip()[:2000],
            booked_at=now,
        )  # fmt: skip
        InterviewInvitation.objects.filter(pk__in=[i.pk for i in group]).update(booking=booking)
        booking = _loaded(booking)
        audit(user=None, action="kobo.interview.book", call=booking.application.call, candidacy=candidacy,
              by="applicant", slot=slot.starts_at.isoformat(), roles=len(group))  # fmt: skip
        booking_confirmation_send(
            booking=booking,
            kind="interview_booked",
            calendar=booking_calendar(booking, now=now),
            manage_token=manage_link_token,
        )
    return booking


def _loaded(booking: InterviewBooking) -> InterviewBooking:
    return InterviewBooking.objects.select_related(
        "slot__round__role", "application__applicant", "application__call__organisation"
    ).get(pk=booking.pk)


def _locked_live(booking: InterviewBooking) -> InterviewBooking:
    # FOR UPDATE over the join on purpose: the booking, its slot and its round's row. Moves of one round
    # then queue on the round's row, so two people swapping seats between two slots (each taking the
    # other's slot's counter) never deadlock; a booking only updates one slot's counter and never waits here.
    locked = InterviewBooking.objects.select_for_update().select_related("slot__round").get(pk=booking.pk)
    if locked.cancelled_at is not None:
        raise InterviewError(_("This booking has been cancelled."), "closed")
    if locked.slot.round.status != Status.OPEN:
        raise _closed()
    if not bookable(locked.slot):
        raise _too_late(locked.slot.round.cutoff_hours)
    return locked


def interview_booking_move(
    *, booking: InterviewBooking, slot: InterviewSlot, now: datetime | None = None
) -> InterviewBooking:
    """Move a live booking to another ``slot`` of its rounds, both before their cut-off (same refusals as booking).

    The same booking (same calendar UID) takes the new seat and gives the old one back, in one
    transaction; its SEQUENCE goes up and the applicant gets the updated invitation.
    """
    now = now or timezone.now()
    slot = InterviewSlot.objects.select_related("round").get(pk=slot.pk)
    if slot.round.status != Status.OPEN:
        raise _closed()
    if not bookable(slot, now):
        raise _too_late(slot.round.cutoff_hours)
    with transaction.atomic():
        locked = _locked_live(booking)
        if slot.pk == locked.slot_id:
            return _loaded(locked)
        rounds = set(locked.invitations.values_list("round_id", flat=True))
        if slot.round_id not in rounds:
            raise InterviewError(_("You are not invited to these interviews."), "not_invited")
        _take_seat(slot)
        InterviewSlot.objects.filter(pk=locked.slot_id, booked__gt=0).update(booked=F("booked") - 1)
        old = locked.slot.starts_at
        locked.slot = slot
        locked.sequence += 1
        locked.moved_at = now
        locked.save(update_fields=["slot", "sequence", "moved_at"])
        moved = _loaded(locked)
        audit(user=None, action="kobo.interview.move", call=moved.application.call, by="applicant",
              booking=str(moved.uid), slot_from=old.isoformat(), slot_to=slot.starts_at.isoformat())  # fmt: skip
        booking_confirmation_send(
            booking=moved,
            kind="interview_moved",
            calendar=booking_calendar(moved, now=now),
            manage_token=manage_link_token,
        )
    return moved


def interview_booking_cancel(*, booking: InterviewBooking, now: datetime | None = None) -> InterviewBooking:
    """The applicant gives their seat back before the cut-off; they are sent the calendar cancellation.

    The row stays (``cancelled_at``) for the history; the invitations are free to book again.
    """
    now = now or timezone.now()
    with transaction.atomic():
        locked = _locked_live(booking)
        cancelled = _give_back(locked, now, by="applicant")
        InterviewInvitation.objects.filter(booking=locked).update(booking=None)
    return cancelled
