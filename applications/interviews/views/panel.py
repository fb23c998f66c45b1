"""The panel's pages: the rounds one may read, and an interview's scorecards and consensus.

A round's own page (its times, bookings, the panel's scorecards status and consensus) is the role's
interview page, ``views.rounds``.

Access: the call must be one the user may view (else 404, ``teams.access``); the interview stage shows
only to its panel and the city (``screening.visibility.interview_visible``, else 403). Colleagues'
scorecards show once one's own is in. Every view is in the audit log.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse

from applications.admin_pages import admin_view, forbidden
from applications.interviews.models_panel import Recommendation
from applications.interviews.scorecards import (
    consensus_record,
    interview_rubric,
    interview_score,
    live_booking,
    panel_complete,
    scorecard_submit,
    scorecard_total,
)
from applications.models import InterviewInvitation, InterviewRound
from applications.screening import visibility
from applications.screening.audit import audit
from applications.screening.rubric import parse
from applications.screening.services import ScreeningError
from applications.teams import access, authority
from applications.teams.authority import Power
from cms.web.numbers import MAX_SMALL, parse_int
from recruitment.selectors import role_call

TEMPLATES = "applications/interviews/"


@admin_view
def rounds(request: HttpRequest) -> HttpResponse:
    """The interview rounds the user sits on or reads for the city, with the decision page for approvers."""
    user = request.user
    found = (
        InterviewRound.objects.exclude(status=InterviewRound.Status.CANCELLED)
        .select_related("role")
        .order_by("-opened_at")
    )  # a city holds a few rounds a year: each is checked by the one visibility rule
    items = []
    for interview_round in found:
        call = role_call(interview_round.role)
        if not visibility.interview_visible(user, call, interview_round):
            continue
        items.append(
            {
                "round": interview_round,
                "call": call,
                "on_panel": bool(authority.panel_member(user, interview_round)),
                "decides": bool(authority.decide(user, call, Power.DECIDE)),
            }
        )
    return TemplateResponse(request, TEMPLATES + "rounds.html", {"items": items})


def _invitation_or_404(user: Any, invitation_id: int) -> tuple[InterviewInvitation, Any]:
    invitation = (
        InterviewInvitation.objects.select_related(
            "round__role", "candidacy__application__applicant", "candidacy__role", "booking__slot"
        )
        .filter(pk=invitation_id)
        .first()
    )
    if invitation is None:
        raise Http404
    call = access.call_or_404(user, role_call(invitation.round.role).pk)
    return invitation, call


def _scores_from(post: Any, count: int) -> list[int | None] | None:
    scores: list[int | None] = []
    for i in range(count):
        raw = post.get(f"score_{i}", "")
        if raw == "na":
            scores.append(None)
            continue
        value = parse_int(raw, minimum=1, maximum=MAX_SMALL)
        if value is None:
            return None
        scores.append(value)
    return scores


@admin_view
def scorecard(request: HttpRequest, invitation_id: int) -> HttpResponse:
    """One interview: person, booking, accommodation, one's scorecard, colleagues' once it is in, the consensus."""
    user = request.user
    invitation, call = _invitation_or_404(user, invitation_id)
    interview_round = invitation.round
    if not visibility.interview_visible(user, call, interview_round):
        return forbidden(request, str(authority.decide(user, call, Power.READ_INTERVIEWS).reason))
    on_panel = bool(authority.panel_member(user, interview_round))
    if request.method == "POST":
        return _post(request, invitation, on_panel)
    cards = list(invitation.scorecards.select_related("panelist").order_by("submitted_at", "pk"))
    mine = next((c for c in cards if c.panelist_id == user.pk), None)
    show_others = visibility.others_scorecards_visible(user, interview_round, scored_by_me=mine is not None)
    criteria = parse(mine.rubric) if mine else interview_rubric(interview_round.role)
    shown = [
        {
            "card": c,
            "total": scorecard_total(c),
            "rows": list(zip(parse(c.rubric), c.scores, strict=True)),
        }
        for c in cards
        if show_others or c.panelist_id == user.pk
    ]
    audit(user=user, action="kobo.interview.view", call=call, candidacy=invitation.candidacy,
          round_id=interview_round.pk, others_shown=show_others)  # fmt: skip
    consensus = getattr(invitation, "consensus", None)
    return TemplateResponse(
        request,
        TEMPLATES + "scorecard.html",
        {
            "call": call,
            "round": interview_round,
            "invitation": invitation,
            "candidacy": invitation.candidacy,
            "applicant": invitation.candidacy.application.applicant,
            "booking": live_booking(invitation),
            "on_panel": on_panel,
            "criteria": [
                {"c": c, "value": (mine.scores[i] if mine else None), "options": range(1, c.max_score + 1)}
                for i, c in enumerate(criteria)
            ],
            "mine": mine,
            "shown": shown,
            "hidden_count": len(cards) - len(shown),
            "score": interview_score(cards) if show_others else None,
            "recommendations": Recommendation.choices,
            "consensus": consensus,
            "panel_complete": panel_complete(invitation),
        },
    )


def _post(request: HttpRequest, invitation: InterviewInvitation, on_panel: bool) -> HttpResponse:
    user = request.user
    action = request.POST.get("action")
    if not on_panel:
        messages.error(request, str(authority.panel_member(user, invitation.round).reason))
        return redirect("interviews_scorecard", invitation.pk)
    try:
        if action == "score":
            count = len(
                invitation.scorecards.filter(panelist=user).values_list("rubric", flat=True).first()
                or interview_rubric(invitation.round.role)
            )
            scores = _scores_from(request.POST, count)
            if scores is None:
                raise ScreeningError("点数を選んでください。 Choose a score for every criterion.")
            scorecard_submit(
                invitation=invitation,
                by=user,
                scores=scores,
                recommendation=request.POST.get("recommendation", ""),
                comment=request.POST.get("comment", "")[:5000],
            )
            messages.success(request, "面接評価を保存しました。 Your scorecard was saved.")
        elif action == "consensus":
            rank_raw = request.POST.get("rank", "").strip()
            rank = parse_int(rank_raw, minimum=1, maximum=999) if rank_raw else None
            if rank_raw and rank is None:
                raise ScreeningError("順位は1以上の整数です。 The rank is a whole number from 1.")
            consensus_record(
                invitation=invitation,
                by=user,
                text=request.POST.get("text", "")[:10000],
                recommendation=request.POST.get("recommendation", ""),
                rank=rank,
            )
            messages.success(request, "合議を記録しました。 The consensus was recorded.")
        else:
            messages.error(request, "操作を選んでください。 Choose what to do.")
    except ScreeningError as exc:
        messages.error(request, exc.message)
    return redirect("interviews_scorecard", invitation.pk)
