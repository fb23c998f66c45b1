"""Reads of the interview stage: who may sit on a panel, what an applicant may book, what the panel sees.

An applicant's interviews are grouped as they are booked: the invitations of one person to open
rounds with the same panel are one interview (:func:`applicant_interviews`). Who sees the bookings
with names and accommodation requests: the panel and the city (:func:`can_see_bookings`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from applications.models import (
    Application,
    InterviewBooking,
    InterviewInvitation,
    InterviewRound,
    InterviewSlot,
)
from applications.screening.visibility import interview_visible
from applications.teams import authority
from applications.teams.authority import Power
from recruitment.models import CallPage, RolePage
from recruitment.selectors import role_call

Status = InterviewRound.Status
_PANEL = "_kobo_panel_ids"


def panel_candidates(call: CallPage) -> QuerySet[Any]:
    """Who may sit on a panel of ``call``: its city's members who may view its screening, its running contractors."""
    return authority.holders(call, Power.VIEW).order_by("last_name", "first_name", "username")


def panel_ids(interview_round: InterviewRound) -> frozenset[int]:
    """The users on the round's panel (read once per instance)."""
    if _PANEL not in interview_round.__dict__:
        interview_round.__dict__[_PANEL] = frozenset(interview_round.panel.values_list("pk", flat=True))
    return interview_round.__dict__[_PANEL]


def shares_panel(one: InterviewRound, other: InterviewRound) -> bool:
    """Are the two rounds interviewed by the same (non-empty) panel? One booking then covers both."""
    return one.pk == other.pk or (bool(panel_ids(one)) and panel_ids(one) == panel_ids(other))


def can_see_bookings(user: Any, interview_round: InterviewRound) -> bool:
    """May ``user`` see the round's bookings with names and accommodation requests: those who see the
    interview stage (``screening.visibility.interview_visible``: the panel and the city), and whoever runs
    the round (``Power.INTERVIEW``: a contractor, when the call lets it run its interviews)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    call = role_call(interview_round.role)
    return interview_visible(user, call, interview_round) or Power.INTERVIEW in authority.powers(user, call)


def live_round(role: RolePage) -> InterviewRound | None:
    """The role's round that is open or closed (not cancelled), if any."""
    return InterviewRound.objects.filter(role=role).exclude(status=Status.CANCELLED).first()


@dataclass
class FreeSlot:
    """A time the applicant may choose: the slot and its free seats."""

    slot: InterviewSlot
    free: int


@dataclass
class Interview:
    """One interview of a person: the invitations it covers (rounds sharing a panel), its booking, its free times."""

    invitations: list[InterviewInvitation]
    booking: InterviewBooking | None = None
    free_slots: list[FreeSlot] = field(default_factory=list)
    state: str = "open"  # open, closed (no booking or change), cancelled (the role is being reviewed again)
    can_change: bool = False  # the booking may still be moved or cancelled

    @property
    def key(self) -> str:
        """A name for the page's anchors and form ids (no database id leaves the server otherwise)."""
        return f"i{self.invitations[0].pk}"

    @property
    def roles(self) -> list[RolePage]:
        return [i.candidacy.role for i in self.invitations]

    @property
    def interview_round(self) -> InterviewRound:
        return self.booking.slot.round if self.booking else self.invitations[0].round


def applicant_interviews(application: Application, now: datetime | None = None) -> list[Interview]:
    """Every interview ``application``'s person is invited to, booked or not, with the times still free."""
    now = now or timezone.now()
    invitations = list(
        InterviewInvitation.objects.filter(candidacy__application=application)
        .select_related("round__role", "booking__slot__round", "candidacy__role")
        .order_by("round__opened_at", "pk")
    )
    interviews: list[Interview] = []
    by_booking: dict[int, Interview] = {}
    for invitation in invitations:
        booking = invitation.booking
        if booking is not None and booking.cancelled_at is None:
            if booking.pk in by_booking:
                by_booking[booking.pk].invitations.append(invitation)
                continue
            by_booking[booking.pk] = Interview([invitation], booking=booking)
            interviews.append(by_booking[booking.pk])
            continue
        if invitation.round.status == Status.CANCELLED:
            interviews.append(Interview([invitation], state="cancelled"))
            continue
        shared = next(
            (
                i
                for i in interviews
                if i.booking is None and i.state == "open" and shares_panel(i.interview_round, invitation.round)
            ),
            None,
        )
        if shared is not None and invitation.round.status == Status.OPEN:
            shared.invitations.append(invitation)
        else:
            state = "open" if invitation.round.status == Status.OPEN else "closed"
            interviews.append(Interview([invitation], state=state))
    for interview in interviews:
        if interview.state == "cancelled":
            continue
        rounds = {i.round_id for i in interview.invitations if i.round.status == Status.OPEN}
        if interview.booking is not None:
            slot = interview.booking.slot
            open_round = slot.round.status == Status.OPEN
            interview.state = "open" if open_round else "closed"
            interview.can_change = open_round and slot.starts_at - timedelta(hours=slot.round.cutoff_hours) > now
            if not interview.can_change:
                continue
        elif not rounds:
            interview.state = "closed"
            continue
        interview.free_slots = [
            FreeSlot(slot, slot.capacity - slot.booked)
            for slot in InterviewSlot.objects.filter(round_id__in=rounds)
            .select_related("round")
            .order_by("starts_at", "pk")
            if slot.booked < slot.capacity
            and slot.starts_at - timedelta(hours=slot.round.cutoff_hours) > now
            and (interview.booking is None or slot.pk != interview.booking.slot_id)
        ]
    return interviews


def invitation_of(application: Application, slot: InterviewSlot) -> InterviewInvitation | None:
    """The person's invitation that lets them book ``slot``: to its round, or to a round sharing its panel.

    Whatever the rounds' status: the booking service says plainly when one is closed or cancelled.
    """
    invitations = InterviewInvitation.objects.filter(candidacy__application=application).select_related(
        "round", "candidacy__application"
    )
    for invitation in invitations.order_by("pk"):
        if shares_panel(invitation.round, slot.round):
            return invitation
    return None


@dataclass
class SlotRow:
    """A slot of the staff page with who booked it."""

    slot: InterviewSlot
    bookings: list[InterviewBooking]


def round_slots(interview_round: InterviewRound) -> list[SlotRow]:
    """The round's slots with their live bookings (people and what they asked for): for the panel and the city."""
    slots = list(interview_round.slots.order_by("starts_at", "pk"))
    bookings = (
        InterviewBooking.objects.filter(slot__in=slots, cancelled_at__isnull=True)
        .select_related("application__applicant")
        .prefetch_related("invitations__candidacy__role")
        .order_by("booked_at", "pk")
    )
    by_slot: dict[int, list[InterviewBooking]] = {}
    for booking in bookings:
        by_slot.setdefault(booking.slot_id, []).append(booking)
    return [SlotRow(slot, by_slot.get(slot.pk, [])) for slot in slots]


def unbooked_invitations(interview_round: InterviewRound) -> list[InterviewInvitation]:
    """The round's invitations with no live seat yet."""
    return list(
        interview_round.invitations.filter(booking__isnull=True)
        .select_related("candidacy__application__applicant", "candidacy")
        .order_by("candidacy__reference")
    )
