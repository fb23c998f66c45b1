"""Screening: contractors review and shortlist each role's candidacies, the city approves.

``rules`` (the candidacy status table and the role's selection lifecycle table),
``services`` (writes, one per move), ``selectors`` (reads), ``forms``, ``views`` (registered in
``applications.wagtail_hooks``). The services are importable from here, e.g.
``applications.screening.shortlist_submit``.
"""

from .rules import (
    ALLOWED_TRANSITIONS,
    APPLICANT,
    APPROVER,
    CONTRACTOR,
    DECISIONS,
    ROLE_MOVES,
    WITHDRAWABLE,
    Move,
    Stage,
)
from .services import (
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
    review_submit,
    role_is_closed,
    role_move_check,
    role_stage,
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
    "ROLE_MOVES",
    "WITHDRAWABLE",
    "Move",
    "ScreeningError",
    "Stage",
    "TransitionConflict",
    "actor_kind",
    "audit",
    "candidacies_assign_reviewer",
    "candidacy_refresh_score",
    "candidacy_transition",
    "conflict_declare",
    "has_conflict",
    "note_add",
    "review_submit",
    "role_is_closed",
    "role_move_check",
    "role_stage",
    "shortlist_decide",
    "shortlist_for",
    "shortlist_limit",
    "shortlist_reopen",
    "shortlist_submit",
]
