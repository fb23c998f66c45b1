"""Writes and reads of the panel's work: each member's scorecard of an interview, then the panel's consensus.

A role's interview rubric is its own criteria (``RolePage.interview_rubric``), read by screening's one
parser (``screening.rubric.criterion``); a role that names none is scored with :data:`DEFAULT_INTERVIEW_RUBRIC`.
A scorecard is pinned to the rubric as it was when first written (a later edit of the role changes
neither its scores nor their meaning). Scoring is independent: a member sees colleagues' scorecards
only once their own is in (``screening.visibility.others_scorecards_visible``). The consensus is
recorded by a member of the panel once every member has scored that interview. Every write and
every read of these pages is in the screening audit log.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from applications.interviews.models_panel import Recommendation
from applications.models import Consensus, InterviewInvitation, InterviewRound, Scorecard
from applications.screening.audit import audit
from applications.screening.rubric import Criterion, criterion, parse
from applications.screening.rules import PASSED
from applications.screening.scoring import aggregate_reviews, review_score
from applications.screening.services import ScreeningError
from applications.teams import authority
from recruitment.selectors import role_call

#: The interview criteria of a role that names none of its own.
DEFAULT_INTERVIEW_RUBRIC: list[dict[str, Any]] = [
    {"name": "意欲", "name_en": "Motivation", "weight": "1", "max_score": 5,
     "description": "業務と市の広報への関心、続ける意思。"},
    {"name": "コミュニケーション", "name_en": "Communication", "weight": "1", "max_score": 5,
     "description": "オンラインでのやり取りが明快で、相手に合わせられるか。"},
    {"name": "業務の理解", "name_en": "Understanding of the role", "weight": "1", "max_score": 5,
     "description": "求める成果物と読者を理解しているか。"},
    {"name": "実行力", "name_en": "Delivery", "weight": "1", "max_score": 5,
     "description": "締切と分量を守って進める具体的な見通しがあるか。"},
]  # fmt: skip


def interview_rubric(role: Any) -> list[Criterion]:
    """``role``'s interview rubric as it is now: its own criteria, else :data:`DEFAULT_INTERVIEW_RUBRIC`."""
    own = [criterion(block.value) for block in role.interview_rubric]
    return own or [criterion(c) for c in DEFAULT_INTERVIEW_RUBRIC]


def interview_rubric_snapshot(role: Any) -> list[dict[str, Any]]:
    """The copy a new scorecard is pinned to."""
    return [c.pinned() for c in interview_rubric(role)]


def _call(invitation: InterviewInvitation) -> Any:
    return role_call(invitation.round.role)


def _require_panel(by: Any, interview_round: InterviewRound) -> None:
    decision = authority.panel_member(by, interview_round)
    if not decision:
        raise ScreeningError(decision.reason)


def _require_scorable(invitation: InterviewInvitation) -> None:
    if invitation.round.status == InterviewRound.Status.CANCELLED:
        raise ScreeningError(_("This interview round was cancelled; its interviews are not scored."))
    if invitation.candidacy.status not in PASSED:
        raise ScreeningError(_("This person is no longer a candidate of the role."))


def scorecard_submit(
    *,
    invitation: InterviewInvitation,
    by: Any,
    scores: list[int | None],
    recommendation: str,
    comment: str = "",
    now: datetime | None = None,
) -> Scorecard:
    """Save ``by``'s scorecard of one interview (a panel member), pinned to the interview rubric of its first save.

    A later save changes it (logged with both versions). Scores are whole numbers from 1 to each
    criterion's maximum, ``None`` for not applicable.
    """
    _require_panel(by, invitation.round)
    _require_scorable(invitation)
    if recommendation not in Recommendation.values:
        raise ScreeningError(_("Choose a recommendation."))
    existing = Scorecard.objects.filter(invitation=invitation, panelist=by).first()
    rubric = existing.rubric if existing is not None else interview_rubric_snapshot(invitation.round.role)
    if len(scores) != len(rubric):
        raise ScreeningError(_("Score every criterion (or mark it not applicable)."))
    for score, c in zip(scores, parse(rubric), strict=True):
        if score is not None and not 1 <= score <= c.max_score:
            raise ScreeningError(_("Scores are whole numbers from 1 to the criterion's maximum."))
    call = _call(invitation)
    with transaction.atomic():
        before = (
            {"scores": existing.scores, "recommendation": existing.recommendation, "comment": existing.comment}
            if existing is not None
            else None
        )
        card, _created = Scorecard.objects.update_or_create(
            invitation=invitation,
            panelist=by,
            defaults={
                "rubric": rubric,
                "scores": scores,
                "recommendation": recommendation,
                "comment": comment.strip(),
                "submitted_at": existing.submitted_at if existing is not None else (now or timezone.now()),
            },
        )
        detail: dict[str, Any] = {"round_id": invitation.round_id, "role_id": invitation.round.role_id}
        if before is not None:
            detail |= {f"before_{k}": v for k, v in before.items()}
            detail |= {"after_scores": scores, "after_recommendation": recommendation}
        audit(
            user=by,
            action="kobo.interview.scorecard_changed" if before else "kobo.interview.scorecard",
            call=call,
            candidacy=invitation.candidacy,
            **detail,
        )
    return card


def panel_complete(invitation: InterviewInvitation) -> bool:
    """Has every member of the round's panel scored this interview?"""
    panel = set(invitation.round.panel.values_list("pk", flat=True))
    scored = set(invitation.scorecards.values_list("panelist_id", flat=True))
    return bool(panel) and panel <= scored


def consensus_record(
    *,
    invitation: InterviewInvitation,
    by: Any,
    text: str,
    recommendation: str,
    rank: int | None = None,
    now: datetime | None = None,
) -> Consensus:
    """The panel's consensus on one interview (one per candidacy per round), recorded by a panel member.

    Only once every member has scored it (the consensus follows independent scores); recording it
    again changes it (logged with both versions).
    """
    _require_panel(by, invitation.round)
    _require_scorable(invitation)
    if not panel_complete(invitation):
        raise ScreeningError(_("Every member of the panel scores the interview before the consensus is recorded."))
    if not text.strip():
        raise ScreeningError(_("Write the panel's consensus."))
    if recommendation not in Recommendation.values:
        raise ScreeningError(_("Choose a recommendation."))
    if rank is not None and not 1 <= rank <= 999:
        raise ScreeningError(_("The rank is a whole number from 1."))
    call = _call(invitation)
    with transaction.atomic():
        existing = Consensus.objects.select_for_update().filter(invitation=invitation).first()
        before = (
            {"text": existing.text, "recommendation": existing.recommendation, "rank": existing.rank}
            if existing
            else None
        )
        consensus, _created = Consensus.objects.update_or_create(
            invitation=invitation,
            defaults={
                "text": text.strip(),
                "recommendation": recommendation,
                "rank": rank,
                "recorded_by": by,
                "recorded_at": existing.recorded_at if existing else (now or timezone.now()),
            },
        )
        audit(
            user=by,
            action="kobo.interview.consensus",
            call=call,
            candidacy=invitation.candidacy,
            round_id=invitation.round_id,
            role_id=invitation.round.role_id,
            recommendation=recommendation,
            rank=rank,
            before=before,
        )
    return consensus


# --- reads ------------------------------------------------------------------------------------------


def scorecard_total(card: Scorecard) -> Decimal | None:
    """One scorecard's weighted mean on the 0–5 scale (screening's rule, ``scoring.review_score``)."""
    value = review_score(card.scores, card.rubric)
    return value.quantize(Decimal("0.01")) if value is not None else None


def interview_score(cards: list[Scorecard]) -> Decimal | None:
    """The mean of an interview's scorecards (screening's one aggregate rule, each pinned to its own rubric)."""
    score, _disagreement = aggregate_reviews([(card.scores, card.rubric) for card in cards])
    return score


def round_invitations(interview_round: InterviewRound) -> list[InterviewInvitation]:
    """The invitations of a round with their person, booking and panel work, by consensus rank then reference."""
    invitations = list(
        interview_round.invitations.select_related(
            "candidacy__application__applicant", "candidacy__role", "booking__slot"
        )
        .prefetch_related("scorecards__panelist")
        .order_by("candidacy__reference", "candidacy__rank")
    )
    consensus = {c.invitation_id: c for c in Consensus.objects.filter(invitation__in=invitations)}
    for invitation in invitations:
        invitation.panel_consensus = consensus.get(invitation.pk)  # type: ignore[attr-defined]

    def order(invitation: InterviewInvitation) -> tuple[bool, int]:
        rank = getattr(consensus.get(invitation.pk), "rank", None)
        return (rank is None, rank or 0)

    return sorted(invitations, key=order)


def live_booking(invitation: InterviewInvitation) -> Any:
    """The seat the invitation holds now (not cancelled), or ``None``."""
    booking = invitation.booking
    return booking if booking is not None and booking.cancelled_at is None else None
