"""Writes of the interview stage, by idea, importable from here (the contract names stay in this module):

- ``rounds``: a role's round — :func:`interview_round_open` (panel, times, invitations),
  :func:`interview_slots_add` (more times while it is open), :func:`interview_round_close`, and
  :func:`interview_rounds_cancel` when the role's shortlist is reopened;
- ``seats``: the applicant's seat — :func:`interview_book`, :func:`interview_booking_move`,
  :func:`interview_booking_cancel`, and :func:`interview_seats_release` when a person withdraws;
- ``slots``: what a round and its times may say (:class:`SlotSpec`, the bounds) and the refusal
  every one of them raises (:class:`InterviewError`).

The panel's scorecards and consensus are in ``scorecards``; the final decision in ``decisions``.
"""

from __future__ import annotations

from applications.interviews.rounds import (
    interview_round_close,
    interview_round_open,
    interview_rounds_cancel,
    interview_slots_add,
)
from applications.interviews.seats import (
    interview_book,
    interview_booking_cancel,
    interview_booking_move,
    interview_seats_release,
)
from applications.interviews.slots import CUTOFF_HOURS, LENGTH_MINUTES, SEATS, InterviewError, SlotSpec, bookable

__all__ = [
    "CUTOFF_HOURS",
    "LENGTH_MINUTES",
    "SEATS",
    "InterviewError",
    "SlotSpec",
    "bookable",
    "interview_book",
    "interview_booking_cancel",
    "interview_booking_move",
    "interview_round_close",
    "interview_round_open",
    "interview_rounds_cancel",
    "interview_seats_release",
    "interview_slots_add",
]
