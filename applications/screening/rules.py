"""The two tables of selection, as plain data: a candidacy's status moves and a role's selection lifecycle.

:data:`ALLOWED_TRANSITIONS` says who may move one candidacy from one status to another
(enforced by ``services.candidacy_transition`` alone). :data:`ROLE_MOVES` says which moves a
role's selection may make from each :class:`Stage`, and where each leads; every service of a
move (``services.shortlist_submit``, ``shortlist_decide``, ``shortlist_reopen``, the result
notices, a final decision, and a deadline change through ``RolePage.full_clean``) asks
:func:`lifecycle.role_move_check`, so a move missing here is refused everywhere. Who may make a
move is not decided here (``access`` and the services' power checks).
"""

from __future__ import annotations

from enum import StrEnum

from django.utils.translation import gettext_lazy as _

from applications.models import Candidacy
from applications.staff import APPLICANT, APPROVER, CONTRACTOR

S = Candidacy.Status


#: (from, to) → who may make the move. Plain data: read it as the pipeline.
ALLOWED_TRANSITIONS: dict[tuple[str, str], set[str]] = {
    (S.SUBMITTED, S.IN_REVIEW): {CONTRACTOR},
    (S.SUBMITTED, S.REJECTED): {CONTRACTOR},
    (S.IN_REVIEW, S.SHORTLISTED): {CONTRACTOR},
    (S.IN_REVIEW, S.REJECTED): {CONTRACTOR},
    (S.SHORTLISTED, S.IN_REVIEW): {CONTRACTOR},
    (S.REJECTED, S.IN_REVIEW): {CONTRACTOR},
    (S.SHORTLISTED, S.SELECTED): {APPROVER},
    (S.SHORTLISTED, S.NOT_SELECTED): {APPROVER},
    (S.SUBMITTED, S.WITHDRAWN): {APPLICANT},
    (S.IN_REVIEW, S.WITHDRAWN): {APPLICANT},
    (S.SHORTLISTED, S.WITHDRAWN): {APPLICANT},
    # --- the final decision after the interviews (applications.interviews.decisions) -------------
    (S.SHORTLISTED, S.RESERVE): {APPROVER},  # 補欠
    (S.RESERVE, S.SELECTED): {APPROVER},  # a reserve promoted (a hire declined, or the approver chose to)
    (S.RESERVE, S.NOT_SELECTED): {APPROVER},  # the reserve list is closed
    (S.SELECTED, S.DECLINED): {APPROVER, APPLICANT},  # a hire declines: recorded by staff or from the manage link
}

#: Statuses from which the applicant may still withdraw (no decision yet), read off the table.
WITHDRAWABLE = frozenset(
    frm for (frm, to), who in ALLOWED_TRANSITIONS.items() if to == S.WITHDRAWN and APPLICANT in who
)

# --- named sets of statuses: declared here once, imported by every user -------------------------

#: Moves that are the final decision: they tell the applicant (through the outbox) and start the retention period.
#: 補欠 (reserve) is a decision too: the applicant is told they are on the reserve list, and a later
#: move from it (promoted, or the list closed) is told again. A hire's decline (declined) is the last
#: word on that candidacy: it is confirmed to the applicant and restarts the retention period.
DECISIONS = frozenset({S.SELECTED, S.NOT_SELECTED, S.RESERVE, S.DECLINED})
#: The city's final decision proper: reached only with its recorded reason (a ``FinalDecision``, written by
#: ``interviews.decisions.final_decision`` or a reserve's promotion), never by a bare status move: no screening
#: page, bulk action or script records 採用 / 不採用 / 補欠 without one. A hire's decline is the hire's word.
REASONED = frozenset({S.SELECTED, S.NOT_SELECTED, S.RESERVE})
#: Reached the shortlist, whatever the city decided afterwards: told they passed the document
#: screening, named to everyone despite blind review, listed in the shortlist documents and counts.
PASSED = frozenset({S.SHORTLISTED, S.SELECTED, S.NOT_SELECTED, S.RESERVE, S.DECLINED})
#: The hires (the statistics' "hired"): a reserve is not (yet) hired, and a hire who declined no longer is.
HIRED = frozenset({S.SELECTED})
#: Live candidacies that have not heard the result of document screening yet.
AWAITING = frozenset({S.SUBMITTED, S.IN_REVIEW, S.SHORTLISTED, S.REJECTED})
#: Passed document screening and no final decision yet: invited to the role's interviews (``applications.interviews``).
INTERVIEWABLE = PASSED - DECISIONS
#: No screening work shows in these: a role whose candidacies are all here has not started screening.
UNSCREENED = frozenset({S.SUBMITTED, S.WITHDRAWN})


class Stage(StrEnum):
    """Where one role's selection stands (``lifecycle.role_stage`` reads it off the stored facts)."""

    OPEN = "open"  # takes applications (or will: not open yet)
    CLOSED = "closed"  # past its deadline, nobody screened yet
    SCREENING = "screening"  # closed, and the contractor has reviewed or moved one of its candidacies
    SUBMITTED = "submitted"  # the shortlist is with the city
    RETURNED = "returned"  # the city sent it back before approving it
    APPROVED = "approved"  # the city approved it (results not written yet)
    RESULTS_SENT = "results_sent"  # every judged candidacy was told its result
    DECIDED = "decided"  # a final 採用 / 不採用 / 補欠 is recorded
    # --- the interview stage (applications.interviews): a live round of the role ------------------
    INTERVIEWS = "interviews"  # a round is open: interviews are booked or still to come
    INTERVIEWED = "interviewed"  # the round is closed or its last slot has passed: ready for the decision
    REOPENED = "reopened"  # back with the contractor after an approval (results may have gone out)

    @property
    def label(self) -> str:
        return str(STAGE_LABELS[self])


STAGE_LABELS = {
    Stage.OPEN: _("Taking applications"),
    Stage.CLOSED: _("Closed, not screened yet"),
    Stage.SCREENING: _("Screening"),
    Stage.SUBMITTED: _("Shortlist submitted"),
    Stage.RETURNED: _("Shortlist returned"),
    Stage.APPROVED: _("Shortlist approved"),
    Stage.RESULTS_SENT: _("Results sent"),
    Stage.DECIDED: _("Decided"),
    Stage.REOPENED: _("Shortlist reopened"),
    Stage.INTERVIEWS: _("Interviews under way"),
    Stage.INTERVIEWED: _("Interviews done"),
}


class Move(StrEnum):
    """What can happen to a role's selection."""

    DEADLINE = "deadline"  # the clock passes the deadline
    EXTEND = "extend"  # an editor moves the deadline so that the role takes applications again
    SUBMIT = "submit"  # shortlist_submit
    APPROVE = "approve"  # shortlist_decide(approve=True)
    RETURN = "return"  # shortlist_decide(approve=False)
    SEND_RESULTS = "send_results"  # mail.triggers.results.screening_results_send, in the approval's transaction
    REOPEN = "reopen"  # shortlist_reopen
    DECIDE = "decide"  # candidacy_transition to 採用 / 不採用 / 補欠 (interviews.decisions.final_decision)
    INTERVIEW = "interview"  # interviews.services.interview_round_open (a reopen cancels the round)


St, M = Stage, Move

#: (stage, move) → the stage it leads to. Any pair missing is refused. Plain data: read it as the lifecycle.
#: CLOSED becomes SCREENING with the first review or status move of a candidacy (candidacy work is
#: governed by ALLOWED_TRANSITIONS, not here); only then is there a shortlist to submit.
ROLE_MOVES: dict[tuple[Stage, Move], Stage] = {
    (St.OPEN, M.DEADLINE): St.CLOSED,
    (St.OPEN, M.EXTEND): St.OPEN,
    (St.CLOSED, M.EXTEND): St.OPEN,
    (St.SCREENING, M.EXTEND): St.OPEN,
    (St.SCREENING, M.SUBMIT): St.SUBMITTED,
    (St.SUBMITTED, M.APPROVE): St.APPROVED,
    (St.SUBMITTED, M.RETURN): St.RETURNED,
    (St.RETURNED, M.SUBMIT): St.SUBMITTED,
    (St.RETURNED, M.EXTEND): St.OPEN,
    (St.APPROVED, M.SEND_RESULTS): St.RESULTS_SENT,
    (St.APPROVED, M.DECIDE): St.DECIDED,
    (St.RESULTS_SENT, M.DECIDE): St.DECIDED,
    (St.RESULTS_SENT, M.REOPEN): St.REOPENED,
    (St.DECIDED, M.DECIDE): St.DECIDED,
    (St.REOPENED, M.SUBMIT): St.SUBMITTED,
    (St.REOPENED, M.EXTEND): St.OPEN,
    # --- the interview stage: a round opens after the approval (interviews.services.interview_round_open);
    # a role with a live round decides only once its interviews are done; a role without a round decides
    # from APPROVED / RESULTS_SENT as above (a call with no interview).
    (St.APPROVED, M.INTERVIEW): St.INTERVIEWS,
    (St.RESULTS_SENT, M.INTERVIEW): St.INTERVIEWS,
    (St.INTERVIEWED, M.DECIDE): St.DECIDED,
    (St.INTERVIEWS, M.REOPEN): St.REOPENED,  # the round's cancellation and its notices: interviews.services
    (St.INTERVIEWED, M.REOPEN): St.REOPENED,
}


def moves_from(stage: Stage) -> set[Move]:
    """The moves the table allows from ``stage``."""
    return {move for (frm, move) in ROLE_MOVES if frm == stage}
