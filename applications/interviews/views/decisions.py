"""The approver's decision page per role: each finalist's interview summary and consensus, the decision form
(outcome, reason, text, share flag), the reserve order, and a hire's decline recorded by staff.

Access: the call must be one the user may view (else 404); deciding needs the power to decide (else 403).
Every view is in the audit log; each post calls its service (``interviews.decisions``). A refused decision
shows the page again with the error next to the field (or above that finalist's form) and what was typed.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse

from applications.admin_pages import admin_view, forbidden
from applications.interviews.decisions import (
    current_decision,
    final_decision,
    hire_decline,
    reserve_order_set,
    reserves,
)
from applications.interviews.forms import DecisionForm
from applications.interviews.scorecards import interview_score, live_booking
from applications.models import Candidacy, Consensus, InterviewInvitation, InterviewRound
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
        if request.POST.get("action") == "decide":
            return _decide(request, role, call)
        return _post(request, role)
    return _page(request, role, call)


def _page(
    request: HttpRequest, role: RolePage, call: Any, *, failed: tuple[int, DecisionForm] | None = None
) -> HttpResponse:
    """The page; ``failed``: the finalist whose decision was refused, with the bound form to show again."""
    user = request.user
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
                "form": _form(candidacy, failed),
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
        },
        status=400 if failed else 200,
    )


def _form(candidacy: Candidacy, failed: tuple[int, DecisionForm] | None) -> DecisionForm | None:
    """The decision form of one finalist: the refused one as posted, else empty (ids unique per finalist)."""
    if candidacy.status not in (S.SHORTLISTED, S.RESERVE):
        return None
    if failed is not None and failed[0] == candidacy.pk:
        return failed[1]
    return DecisionForm(auto_id=f"d{candidacy.pk}-%s")


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
        if action == "order":
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


def _decide(request: HttpRequest, role: RolePage, call: Any) -> HttpResponse:
    """Record one finalist's decision (``final_decision``); refused: the page again, the error by its field."""
    try:
        candidacy = _candidacy(role, request.POST.get("candidacy"))
    except ScreeningError as exc:
        messages.error(request, exc.message)
        return redirect("interviews_decisions", role.pk)
    form = DecisionForm(request.POST, auto_id=f"d{candidacy.pk}-%s")
    if form.is_valid():
        data = form.cleaned_data
        try:
            final_decision(candidacy=candidacy, by=request.user, outcome=data["outcome"], reason=data["reason"],
                           reason_text=data["reason_text"], share_reason=data["share_reason"])  # fmt: skip
        except ScreeningError as exc:
            form.add_error(None, exc.message)
            # Shown at the top too: the finalist's form is gone when someone else decided meanwhile.
            messages.error(request, exc.message)
        else:
            messages.success(request, "最終決定を記録しました。応募者にお知らせします。 The decision was recorded.")
            return redirect("interviews_decisions", role.pk)
    else:
        messages.error(request, "最終決定は記録されていません。下の入力を確かめてください。 Not recorded: see below.")
    return _page(request, role, call, failed=(candidacy.pk, form))
