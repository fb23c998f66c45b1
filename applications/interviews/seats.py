"""Writes of the applicant's seat: book, move and cancel it, and let it go when the person withdraws.

A booking takes a seat with one conditional UPDATE of the slot's counter (``booked < capacity``) in the
booking's transaction, so two people never hold the last seat (the check constraint
``interviews_slot_not_overbooked`` is the database's own guard). A person invited to several rounds of
one call whose panels are the same books one interview for all of them: the invitations point at the
same :class:`InterviewBooking`. Booking, moving and cancelling close ``cutoff_hours`` before the slot;
nothing is booked in a round that is closed or cancelled. Every change writes its audit entry and its
mail (with the calendar part) in its own transaction.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from applications.intake.services import manage_link_token
from applications.interviews.ics import booking_calendar
from applications.interviews.selectors import shares_panel
from applications.interviews.slots import InterviewError, bookable
from applications.mail.triggers.interviews import booking_confirmation_send
from applications.models import Candidacy, InterviewBooking, InterviewInvitation, InterviewRound, InterviewSlot
from applications.screening.audit import audit
from applications.screening.rules import INTERVIEWABLE

Status = InterviewRound.Status


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


def _open_slot(slot: InterviewSlot, now: datetime, candidacy: Candidacy | None = None) -> InterviewSlot:
    """``slot`` read again with its round; refused when the round is not open, when ``candidacy`` (if given)
    no longer waits for a decision, or when the slot's cut-off has passed."""
    slot = InterviewSlot.objects.select_related("round").get(pk=slot.pk)
    if slot.round.status != Status.OPEN:
        raise _closed()
    if candidacy is not None and candidacy.status not in INTERVIEWABLE:
        raise InterviewError(_("This application is no longer in the selection."), "not_live")
    if not bookable(slot, now):
        raise _too_late(slot.round.cutoff_hours)
    return slot


# --- the seat and what the person is told ---------------------------------------------------------------


def _take_seat(slot: InterviewSlot) -> None:
    if not InterviewSlot.objects.filter(pk=slot.pk, booked__lt=F("capacity")).update(booked=F("booked") + 1):
        raise _taken()


def free_seat(booking: InterviewBooking, now: datetime) -> None:
    """Cancel ``booking`` (kept for the history) and give its seat back; the caller holds the transaction."""
    InterviewSlot.objects.filter(pk=booking.slot_id, booked__gt=0).update(booked=F("booked") - 1)
    booking.cancelled_at = now
    booking.sequence += 1
    booking.save(update_fields=["cancelled_at", "sequence"])


def _loaded(booking: InterviewBooking) -> InterviewBooking:
    return InterviewBooking.objects.select_related(
        "slot__round__role", "application__applicant", "application__call__organisation"
    ).get(pk=booking.pk)


def _tell(booking: InterviewBooking, kind: str, now: datetime, *, cancel: bool = False) -> None:
    """Write the person's notice of a booked, moved or cancelled interview with its calendar part (outbox)."""
    booking_confirmation_send(
        booking=booking,
        kind=kind,
        calendar=booking_calendar(booking, cancel=cancel, now=now),
        manage_token=manage_link_token,
    )


def _give_back(locked: InterviewBooking, now: datetime, *, by: str) -> InterviewBooking:
    """Cancel a locked live booking: its seat back, the audit entry, the calendar cancellation to the person.

    Before its invitations let go of it (the notice names the roles it covered); the caller holds the transaction.
    """
    free_seat(locked, now)
    cancelled = _loaded(locked)
    audit(user=None, action="kobo.interview.booking_cancel", call=cancelled.application.call, by=by,
          booking=str(cancelled.uid), slot=cancelled.slot.starts_at.isoformat())  # fmt: skip
    _tell(cancelled, "interview_cancelled", now, cancel=True)
    return cancelled


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


# --- the applicant's own changes ------------------------------------------------------------------------


def _group(candidacy_application_id: int, target: InterviewRound) -> list[InterviewInvitation]:
    """The person's invitations (locked) to open rounds that share ``target``'s panel: one interview covers them."""
    invitations = list(
        InterviewInvitation.objects.select_for_update(of=("self",))
        .filter(candidacy__application_id=candidacy_application_id, round__status=Status.OPEN)
        .select_related("round", "booking", "candidacy")
        .order_by("pk")
    )
    return [i for i in invitations if i.round_id == target.pk or shares_panel(i.round, target)]


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
    slot = _open_slot(slot, now, candidacy)
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
        _tell(booking, "interview_booked", now)
    return booking


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
    slot = _open_slot(slot, now)
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
        _tell(moved, "interview_moved", now)
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
