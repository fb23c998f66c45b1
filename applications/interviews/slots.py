"""What a round and its times may say, checked once for opening a round and for adding times to it.

A round lasts 10 to 240 minutes an interview and closes changes 0 to 14 days before each time; an in-person
round says where. Each time is an aware datetime that starts after the cut-off from now (else nobody
could book it), has 1 to 50 seats and, online, its video link; no two times of a round overlap (the
panel sits in one interview at a time). A refusal names the field it is about (and which time), so that
the staff page shows it next to that field.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils import timezone
from django.utils.translation import gettext as _

from applications.models import InterviewRound, InterviewSlot
from applications.screening.services import ScreeningError
from recruitment.formatting import format_japan_datetime

Mode = InterviewRound.Mode

#: Bounds of what a round may say (the staff form shows the same).
LENGTH_MINUTES = (10, 240)
CUTOFF_HOURS = (0, 14 * 24)
SEATS = (1, 50)


class InterviewError(ScreeningError):
    """A refused interview action; ``code`` names the case (``taken``, ``too_late``, ``closed``, ``booked``,
    ``not_invited``, ``not_live``, ``invalid``) so that a page can answer it plainly. ``field`` names the
    input it is about (a round's ``mode``, ``place``, ``length_minutes``, ``cutoff_hours``, ``panel``, or a
    time's ``starts_at``, ``capacity``, ``video_url``) and ``index`` which of the given times, when known."""

    def __init__(self, message: str, code: str = "invalid", *, field: str = "", index: int | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.field = field
        self.index = index


@dataclass(frozen=True)
class SlotSpec:
    """A slot to open: when it starts (an aware datetime), how many seats, and its video link (online)."""

    starts_at: datetime
    capacity: int = 1
    video_url: str = ""


def slot_specs(slots: Iterable[SlotSpec | Mapping[str, Any]]) -> list[SlotSpec]:
    """The given times as :class:`SlotSpec` (a mapping of its fields is accepted too)."""
    return [s if isinstance(s, SlotSpec) else SlotSpec(**dict(s)) for s in slots]


def bookable(slot: InterviewSlot, now: datetime | None = None) -> bool:
    """May a seat of ``slot`` still be taken, given up or moved (its round's cut-off not passed)?"""
    now = now or timezone.now()
    return slot.starts_at - timedelta(hours=slot.round.cutoff_hours) > now


def check_terms(*, mode: str, place: str, length_minutes: int, cutoff_hours: int) -> None:
    """Refuse a round whose mode, place, length or cut-off is out of bounds."""
    if mode not in Mode.values:
        raise InterviewError(_("Choose online or in person."), field="mode")
    if not LENGTH_MINUTES[0] <= length_minutes <= LENGTH_MINUTES[1]:
        raise InterviewError(
            _("An interview lasts %(low)s to %(high)s minutes.")
            % {"low": LENGTH_MINUTES[0], "high": LENGTH_MINUTES[1]},
            field="length_minutes",
        )
    if not CUTOFF_HOURS[0] <= cutoff_hours <= CUTOFF_HOURS[1]:
        raise InterviewError(
            _("The cut-off is %(low)s to %(high)s hours.") % {"low": CUTOFF_HOURS[0], "high": CUTOFF_HOURS[1]},
            field="cutoff_hours",
        )
    if mode == Mode.IN_PERSON and not place.strip():
        raise InterviewError(_("Say where the interviews take place."), field="place")


def check_slots(
    specs: list[SlotSpec],
    *,
    mode: str,
    length_minutes: int,
    cutoff_hours: int,
    now: datetime,
    existing: Iterable[datetime] = (),
) -> None:
    """Refuse times that could not be booked or that overlap each other or the round's ``existing`` times."""
    if not specs:
        raise InterviewError(_("Add at least one time."), field="starts_at", index=0)
    check_url = URLValidator(schemes=["https", "http"])
    taken = list(existing)
    length = timedelta(minutes=length_minutes)
    for index, spec in enumerate(specs):
        if timezone.is_naive(spec.starts_at):
            raise InterviewError(_("A time must say its time zone."), field="starts_at", index=index)
        if spec.starts_at - timedelta(hours=cutoff_hours) <= now:
            raise InterviewError(
                _("Every time must start after the cut-off from now, so that someone can book it."),
                field="starts_at",
                index=index,
            )
        clash = next((t for t in taken if abs(t - spec.starts_at) < length), None)
        if clash is not None:
            raise InterviewError(
                _("This time overlaps the time at %(time)s: the panel sits in one interview at a time.")
                % {"time": format_japan_datetime(clash)},
                field="starts_at",
                index=index,
            )
        taken.append(spec.starts_at)
        if not SEATS[0] <= spec.capacity <= SEATS[1]:
            raise InterviewError(
                _("A time has %(low)s to %(high)s seats.") % {"low": SEATS[0], "high": SEATS[1]},
                field="capacity",
                index=index,
            )
        if mode == Mode.ONLINE:
            try:
                check_url(spec.video_url)
            except ValidationError as exc:
                raise InterviewError(
                    _("Give each online time its video link (https://…)."), field="video_url", index=index
                ) from exc
