"""Screening: contractors review and shortlist each role's candidacies, the city approves.

``services`` (writes), ``selectors`` (reads), ``forms``, ``views`` (registered in
``applications.wagtail_hooks``). The services are importable from here, e.g.
``applications.screening.shortlist_submit``.
"""

from .services import (
    ALLOWED_TRANSITIONS,
    APPLICANT,
    APPROVER,
    CONTRACTOR,
    DECISIONS,
    WITHDRAWABLE,
    ReasonRequired,
    ScreeningError,
    TransitionConflict,
    actor_kind,
    audit,
    candidacies_assign_reviewer,
    candidacy_refresh_score,
    candidacy_transition,
    conflict_declare,
    has_conflict,
    note_add,
    review_change_needs_reason,
    review_submit,
    role_is_closed,
    shortlist_decide,
    shortlist_for,
    shortlist_limit,
    shortlist_reopen,
    shortlist_submit,
)

__all__ = [
    "ALLOWED_TRANSITIONS",
    "APPLICANT",
    "APPROVER",
    "CONTRACTOR",
    "DECISIONS",
    "WITHDRAWABLE",
    "ReasonRequired",
    "ScreeningError",
    "TransitionConflict",
    "actor_kind",
    "audit",
    "candidacies_assign_reviewer",
    "candidacy_refresh_score",
    "candidacy_transition",
    "conflict_declare",
    "has_conflict",
    "note_add",
    "review_change_needs_reason",
    "review_submit",
    "role_is_closed",
    "shortlist_decide",
    "shortlist_for",
    "shortlist_limit",
    "shortlist_reopen",
    "shortlist_submit",
]
