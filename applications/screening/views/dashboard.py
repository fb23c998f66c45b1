"""The calls a user may screen, and one call's dashboard: per role its counts, score spread and shortlist.

The dashboard's posts submit the checked roles' shortlists (contractor), approve, return or
reopen one (approver), each through its service in ``screening.services``.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.db.models import F, Func, OuterRef, QuerySet, Subquery
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse

from applications.admin_pages import forbidden
from applications.mail.triggers.results import told_outcomes
from applications.models import Candidacy, ScreeningOutcome, Shortlist
from applications.screening.audit import audit
from applications.screening.rules import ROLE_MOVES, Move
from applications.screening.selectors import SCORE_BANDS, call_counts, role_overview
from applications.screening.services import (
    ScreeningError,
    role_move_check,
    role_stage,
    shortlist_decide,
    shortlist_for,
    shortlist_reopen,
    shortlist_submit,
)
from applications.screening.views.base import TEMPLATES, screening_view
from applications.teams import access
from applications.teams.authority import Power, decide
from cms.web.numbers import parse_id, parse_ids
from recruitment.models import CallPage, RolePage

S = Candidacy.Status


def _count(qs: QuerySet) -> Subquery:
    """``COUNT(*)`` of ``qs`` as a subquery (for an annotation that must not multiply the outer rows)."""
    return Subquery(qs.order_by().annotate(n=Func(F("pk"), function="COUNT")).values("n")[:1])


@screening_view
def calls(request: HttpRequest) -> HttpResponse:
    """The calls this user may screen, with their counts."""
    if not access.can_screen(request.user):
        return forbidden(request, "審査の権限がありません。 You have no screening access.")
    rows = (
        CallPage.objects.filter(pk__in=access.screenable_calls(request.user).values("pk"))
        .select_related("organisation")
        .annotate(
            role_count=_count(RolePage.objects.filter(path__startswith=OuterRef("path"), depth=OuterRef("depth") + 1)),
            approved_count=_count(
                Shortlist.objects.filter(role__path__startswith=OuterRef("path"), status=Shortlist.Status.APPROVED)
            ),
        )
        .order_by("-first_published_at", "title")
    )
    rows = call_counts(list(rows))
    return TemplateResponse(request, TEMPLATES + "calls.html", {"calls": rows})


def _score_chart(counts: list[int]) -> list[dict[str, Any]]:
    """Bar geometry for the small SVG chart (80 px high at most) of one role's score bands."""
    top = max(counts) or 1
    bars = []
    for i, ((low, high), count) in enumerate(zip(SCORE_BANDS, counts, strict=True)):
        height = round(60 * count / top)
        bars.append({"label": f"{low}–{high}", "count": count, "x": 8 + i * 44, "y": 76 - height, "height": height})
    return bars


@screening_view
def dashboard(request: HttpRequest, call_id: int) -> HttpResponse:
    """One call at a glance, per role: state, counts, score spread (visible scores only) and its shortlist."""
    call = access.call_or_404(request.user, call_id)
    if request.method == "POST":
        return _shortlist_action(request, call)
    list_url = reverse("screening_candidacies", args=[call.pk])
    user = request.user
    may_submit, may_approve = bool(decide(user, call, Power.SUBMIT)), bool(decide(user, call, Power.APPROVE))
    rows = role_overview(fetched_by=request.user, call=call)
    roles = [
        {
            "row": row,
            "role": row.role,
            "bars": _score_chart(row.bands),
            "unscored": row.unscored,
            "url": f"{list_url}?role={row.role.pk}",
            "reviewed_url": f"{list_url}?role={row.role.pk}&reviewed=yes",
            "shortlisted_url": f"{list_url}?role={row.role.pk}&status={S.SHORTLISTED}",
            "can_submit": may_submit and row.submittable,
            "can_decide": may_approve and row.shortlist_status == Shortlist.Status.SUBMITTED,
            "can_reopen": may_approve
            and row.shortlist_status == Shortlist.Status.APPROVED
            and (role_stage(row.role), Move.REOPEN) in ROLE_MOVES,
        }
        for row in rows
    ]
    context = {
        "call": call,
        "roles": roles,
        "factor": call.shortlist_factor,
        "open_roles": [r["role"] for r in roles if r["row"].publication == "live" and not r["row"].closed],
        "any_submittable": any(r["can_submit"] for r in roles),
        "can_read_audit": bool(access.can_read_audit(user, call)),
        "list_url": list_url,
    }
    return TemplateResponse(request, TEMPLATES + "dashboard.html", context)


def _shortlist_action(request: HttpRequest, call: CallPage) -> HttpResponse:
    """Submit the checked roles' shortlists (contractor), or decide on / reopen one role's (approver)."""
    action = request.POST.get("action")
    roles = {r.pk: r for r in RolePage.objects.child_of(call).specific()}
    if action == "submit":
        picked = [roles[pk] for pk in parse_ids(request.POST.getlist("role")) if pk in roles]
        if not picked:
            messages.error(request, "提出する業務を選んでください。 Choose the roles whose shortlist to submit.")
        for role in picked:
            try:
                shortlist_submit(role=role, by=request.user)
                messages.success(request, f"「{role.title}」の候補者リストを市に提出しました。 Submitted to the city.")
            except ScreeningError as exc:
                messages.error(request, f"{role.title}: {exc.message}")
        return redirect("screening_dashboard", call.pk)
    role = roles.get(parse_id(request.POST.get("role")))
    if role is None or action not in {"approve", "return", "reopen"}:
        messages.error(request, "不明な操作です。 Unknown action.")
        return redirect("screening_dashboard", call.pk)
    comment = request.POST.get("comment", "")
    if action == "reopen" and not request.POST.get("confirm"):
        return _reopen_confirmation(request, call, role, comment)
    try:
        if action == "reopen":
            shortlist_reopen(shortlist=shortlist_for(role), by=request.user, reason=comment)
            messages.success(request, f"「{role.title}」の候補者リストを差し戻しました。 The shortlist was reopened.")
        else:
            shortlist_decide(
                shortlist=shortlist_for(role), by=request.user, approve=action == "approve", comment=comment
            )
            if action == "approve":
                messages.success(request, f"「{role.title}」の候補者リストを承認しました。 The shortlist was approved.")
            else:
                messages.success(
                    request, f"「{role.title}」の候補者リストを差し戻しました。 The shortlist was returned."
                )
    except ScreeningError as exc:
        messages.error(request, f"{role.title}: {exc.message}")
    return redirect("screening_dashboard", call.pk)


def _reopen_confirmation(request: HttpRequest, call: CallPage, role: RolePage, reason: str) -> HttpResponse:
    """Before reopening an approved shortlist: who was told what (reference, outcome), then confirm with a reason.

    After the next approval only those whose outcome changes receive a correction (訂正).
    """
    if not decide(request.user, call, Power.APPROVE):
        messages.error(request, f"{role.title}: 再開する権限がありません。 You may not reopen this shortlist.")
        return redirect("screening_dashboard", call.pk)
    try:
        role_move_check(role, Move.REOPEN)
    except ScreeningError as exc:
        messages.error(request, f"{role.title}: {exc.message}")
        return redirect("screening_dashboard", call.pk)
    told = told_outcomes(shortlist_for(role))
    audit(user=request.user, action="kobo.candidacy.list", call=call, rows=len(told), named=0,
          purpose="reopen confirmation", role_id=role.pk)  # fmt: skip
    context = {
        "call": call,
        "role": role,
        "reason": reason,
        "told": [
            {
                "reference": o.candidacy.reference,
                "code": o.candidacy.applicant_code,
                "outcome": ScreeningOutcome.Outcome(o.outcome).label,
                "passed": o.outcome == ScreeningOutcome.Outcome.PASSED,
            }
            for o in told
        ],
    }
    return TemplateResponse(request, TEMPLATES + "reopen_confirm.html", context)
