"""The interview stage of one role in the decision pack (選考結果報告書): panel, dates, scorecards summary,
consensus, decision and reason.

Shown only to the panel and the city (``screening.visibility.interview_visible``); a requester who is
neither (a contractor off the panel) reads that the stage is left out. Reasons are printed with whether
the applicant was told them (the pack is the city's internal record).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from applications.interviews.decisions import current_decision
from applications.interviews.scorecards import interview_score, scorecard_total
from applications.models import Candidacy, Consensus, InterviewInvitation, InterviewRound
from applications.screening import visibility
from recruitment.models import CallPage, RolePage

from .common import DASH, jst, person_name, rounded


@dataclass
class InterviewCard:
    panelist: str
    recommendation: str
    total: str


@dataclass
class InterviewRow:
    label: str
    reference: str
    status: str
    interview_at: str
    score: str
    cards: list[InterviewCard]
    consensus: str
    consensus_recommendation: str
    consensus_rank: str
    outcome: str
    reason: str
    reason_text: str
    reason_shared: bool
    decided_by: str
    decided_at: str


@dataclass
class InterviewStage:
    """One role's round as the pack prints it; ``hidden`` when the requester may not read it."""

    hidden: bool = False
    status: str = ""
    mode: str = ""
    length_minutes: int = 0
    panel: list[str] = field(default_factory=list)
    dates: str = DASH
    rows: list[InterviewRow] = field(default_factory=list)


def interview_stage(*, call: CallPage, role: RolePage, requested_by: Any) -> InterviewStage | None:
    """The role's live (not cancelled) round for the pack; ``None`` when the role has none."""
    interview_round = InterviewRound.objects.filter(role=role).exclude(status=InterviewRound.Status.CANCELLED).first()
    if interview_round is None:
        return None
    if not visibility.interview_visible(requested_by, call, interview_round):
        return InterviewStage(hidden=True)
    starts = list(interview_round.slots.order_by("starts_at").values_list("starts_at", flat=True))
    dates = DASH if not starts else (jst(starts[0]) if len(starts) == 1 else f"{jst(starts[0])} 〜 {jst(starts[-1])}")
    invitations = list(
        InterviewInvitation.objects.filter(round=interview_round)
        .select_related("candidacy__application__applicant", "booking__slot")
        .prefetch_related("scorecards__panelist")
    )
    consensus = {c.invitation_id: c for c in Consensus.objects.filter(invitation__in=invitations)}
    rows = []
    for invitation in invitations:
        candidacy = invitation.candidacy
        applicant = candidacy.application.applicant
        named = visibility.identity_visible(requested_by, call, candidacy)
        cards = list(invitation.scorecards.all())
        agreed = consensus.get(invitation.pk)
        decision = current_decision(candidacy)
        booking = invitation.booking if invitation.booking and invitation.booking.cancelled_at is None else None
        rows.append(
            InterviewRow(
                label=f"{applicant.family_name} {applicant.given_name}" if named else candidacy.applicant_code,
                reference=candidacy.reference if named else DASH,
                status=str(Candidacy.Status(candidacy.status).label),
                interview_at=jst(booking.slot.starts_at) if booking else DASH,
                score=rounded(interview_score(cards)) if cards else DASH,
                cards=[
                    InterviewCard(
                        panelist=person_name(card.panelist),
                        recommendation=str(card.get_recommendation_display()),
                        total=rounded(scorecard_total(card)),
                    )
                    for card in cards
                ],
                consensus=agreed.text if agreed else DASH,
                consensus_recommendation=str(agreed.get_recommendation_display()) if agreed else DASH,
                consensus_rank=str(agreed.rank) if agreed and agreed.rank else DASH,
                outcome=str(decision.get_outcome_display()) if decision else DASH,
                reason=str(decision.get_reason_display()) if decision else DASH,
                reason_text=decision.reason_text if decision else "",
                reason_shared=bool(decision and decision.share_reason),
                decided_by=person_name(decision.decided_by) if decision else DASH,
                decided_at=jst(decision.decided_at) if decision else DASH,
            )
        )
    rows.sort(key=lambda r: (r.consensus_rank == DASH, int(r.consensus_rank) if r.consensus_rank != DASH else 0))
    return InterviewStage(
        status=str(interview_round.get_status_display()),
        mode=str(interview_round.get_mode_display()),
        length_minutes=interview_round.length_minutes,
        panel=[person_name(member) for member in interview_round.panel.order_by("last_name", "username")],
        dates=dates,
        rows=rows,
    )
