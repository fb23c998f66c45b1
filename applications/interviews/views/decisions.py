"""The approver's decision page per role: each finalist's interview summary and consensus, the decision form
(outcome, reason, text, share flag), the reserve order, and a hire's decline recorded by staff.

Access: the call must be one the user may view (else 404); deciding needs the power to decide (else 403).
Every view is in the audit log; each post calls its service (``interviews.decisions``).
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse

from applications.admin_pages import admin_view, forbidden
from applications.interviews.decisions import (
    CHOSEN_REASONS,
    current_decision,
    final_decision,
    hire_decline,
    reserve_order_set,
    reserves,
)
from applications.interviews.scorecards import interview_score, live_booking
from applications.models import Candidacy, Consensus, FinalDecision, InterviewInvitation, InterviewRound
from applications.screening.audit import audit
from applications.screening.rules import PASSED
from applications.screening.services import ScreeningError, role_stage
from applications.teams import access, authority
from applications.teams.authority import Power
from cms.web.numbers import parse_id, parse_int
from recruitment.models import RolePage
from recruitment.selectors import role_call

S = Candidacy.Status
TEMPLATES = "applications/interviews/"


def _role_or_404(user: Any, role_id: int) -> tuple[RolePage, Any]:
    role = RolePage.objects.filter(pk=role_id).first()
    if role is None:
        raise Http404
    return role, access.call_or_404(user, role_call(role).pk)


@admin_view
def decisions(request: HttpRequest, role_id: int) -> HttpResponse:
    """The role's finalists with their interview summary and consensus, and the decision form for each."""
    user = request.user
    role, call = _role_or_404(user, role_id)
    decision = authority.decide(user, call, Power.DECIDE)
    if not decision:
        return forbidden(request, decision.reason)
    if request.method == "POST":
        return _post(request, role)
    live = InterviewRound.objects.filter(role=role).exclude(status=InterviewRound.Status.CANCELLED).first()
    invitations = {}
    if live is not None:
        for invitation in InterviewInvitation.objects.filter(round=live).select_related("booking__slot"):
            invitations[invitation.candidacy_id] = invitation
    consensus = {c.invitation_id: c for c in Consensus.objects.filter(invitation__in=invitations.values())}
    people = list(
        Candidacy.objects.filter(role=role, status__in=PASSED)
        .select_related("application__applicant")
        .order_by("reference", "rank")
    )
    rows = []
    for candidacy in people:
        invitation = invitations.get(candidacy.pk)
        cards = list(invitation.scorecards.all()) if invitation else []
        rows.append(
            {
                "candidacy": candidacy,
                "applicant": candidacy.application.applicant,
                "status": S(candidacy.status).label,
                "booking": live_booking(invitation) if invitation else None,
                "score": interview_score(cards) if cards else None,
                "cards": len(cards),
                "consensus": consensus.get(invitation.pk) if invitation else None,
                "decision": current_decision(candidacy),
                "decidable": candidacy.status in (S.SHORTLISTED, S.RESERVE),
                "declinable": candidacy.status == S.SELECTED,
            }
        )
    rows.sort(key=lambda r: (r["consensus"] is None or r["consensus"].rank is None,
                             getattr(r["consensus"], "rank", 0) or 0))  # fmt: skip
    audit(user=user, action="kobo.interview.decisions_view", call=call, rows=len(rows), role_id=role.pk)
    return TemplateResponse(
        request,
        TEMPLATES + "decisions.html",
        {
            "call": call,
            "role": role,
            "round": live,
            "stage": role_stage(role).label,
            "rows": rows,
            "selected": sum(1 for c in people if c.status == S.SELECTED),
            "reserves": reserves(role),
            "outcomes": FinalDecision.Outcome.choices,
            "reasons": [(v, label) for v, label in FinalDecision.Reason.choices if v in CHOSEN_REASONS],
        },
    )


def _candidacy(role: RolePage, raw: Any) -> Candidacy:
    pk = parse_id(raw)
    candidacy = (
        Candidacy.objects.select_related("application__call", "application__applicant", "role")
        .filter(pk=pk, role=role)
        .first()
        if pk
        else None
    )
    if candidacy is None:
        raise ScreeningError("候補を選んでください。 Choose a candidate of this role.")
    return candidacy


def _post(request: HttpRequest, role: RolePage) -> HttpResponse:
    user = request.user
    post = request.POST
    action = post.get("action")
    try:
        if action == "decide":
            candidacy = _candidacy(role, post.get("candidacy"))
            final_decision(
                candidacy=candidacy,
                by=user,
                outcome=post.get("outcome", ""),
                reason=post.get("reason", ""),
                reason_text=post.get("reason_text", "")[:5000],
                share_reason=post.get("share_reason") == "yes",
            )
            messages.success(request, "最終決定を記録しました。応募者にお知らせします。 The decision was recorded.")
        elif action == "order":
            ranked = []
            for candidacy in reserves(role):
                position = parse_int(post.get(f"order_{candidacy.pk}", ""), minimum=1, maximum=999)
                ranked.append((position if position is not None else 1000, candidacy.reference, candidacy.pk))
            reserve_order_set(role=role, by=user, order=[pk for _p, _r, pk in sorted(ranked)])
            messages.success(request, "補欠の順位を保存しました。 The reserve order was saved.")
        elif action == "decline":
            candidacy = _candidacy(role, post.get("candidacy"))
            promoted = hire_decline(candidacy=candidacy, by=user, note=post.get("note", "")[:2000])
            messages.success(
                request,
                "辞退を記録しました。 The decline was recorded."
                + (
                    f" 補欠 {promoted.reference} を繰り上げました。 The first reserve was promoted." if promoted else ""
                ),
            )
        else:
            messages.error(request, "操作を選んでください。 Choose what to do.")
    except ScreeningError as exc:
        messages.error(request, exc.message)
    return redirect("interviews_decisions", role.pk)
