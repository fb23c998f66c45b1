"""The list of a call's candidacies (filters, search, sort, pages; every page audited) and its bulk actions.

Bulk status moves go one by one through ``services.candidacy_transition`` (never a bulk update),
bulk assignment through ``reviewing.candidacies_assign_reviewer``. No final decision in bulk: 採用 /
不採用 / 補欠 are recorded one finalist at a time, each with its own reason, on the role's decision page
(the list links to it). The finalists are few (headcount × the call's factor) and each decision is a
record the city may have to explain about a named person; one reason pasted over many would defeat that.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse

from applications.models import Candidacy, Shortlist
from applications.screening import visibility
from applications.screening.audit import audit
from applications.screening.forms import CandidacyFilterSet
from applications.screening.reviewing import candidacies_assign_reviewer
from applications.screening.rules import ALLOWED_TRANSITIONS, DECISIONS
from applications.screening.selectors import CandidacyPages
from applications.screening.services import ScreeningError, candidacy_transition
from applications.screening.views.base import PER_PAGE, TEMPLATES, call_roles, screening_view
from applications.staff import actor_kind
from applications.teams import access
from applications.teams.authority import Power, decide, holders
from cms.web.numbers import parse_ids
from recruitment.models import CallPage

S = Candidacy.Status


def _bulk_statuses(user: Any, call: CallPage) -> list[str]:
    """The moves the bulk menu offers this user: screening moves, never a final decision."""
    kinds = actor_kind(user, call)
    targets = {to for (_frm, to), who in ALLOWED_TRANSITIONS.items() if who & kinds} - DECISIONS
    return [s for s in S.values if s in targets]


def _decision_pages(user: Any, call: CallPage) -> list[tuple[str, str]]:
    """(role title, decision page) of each role with an approved shortlist, for whoever may decide on ``call``."""
    if not decide(user, call, Power.DECIDE):
        return []
    roles = call_roles(call)
    approved = set(
        Shortlist.objects.filter(role__in=roles, status=Shortlist.Status.APPROVED).values_list("role", flat=True)
    )
    return [(role.title, reverse("interviews_decisions", args=[role.pk])) for role in roles if role.pk in approved]


def _row(user: Any, call: CallPage, candidacy: Candidacy) -> dict[str, Any]:
    """What the list shows of one candidacy: the name and reference only where identity is visible,
    scores only after one's review (``visibility``)."""
    visible = visibility.identity_visible(user, call, candidacy)
    applicant = candidacy.applicant if visible else None
    return {
        "candidacy": candidacy,
        "code": candidacy.applicant_code,
        "label": visibility.candidacy_label(user, call, candidacy),
        "reference": candidacy.reference if visible else None,
        "name": f"{applicant.family_name} {applicant.given_name}" if applicant else None,
        "kana": applicant.reading_marked if applicant else None,
        "status": S(candidacy.status).label,
        "score_visible": visibility.others_reviews_visible(user, call, reviewed_by_me=candidacy.reviewed_by_me),
        "assignee": candidacy.assigned_reviewer.get_username() if candidacy.assigned_reviewer_id else None,
    }


@screening_view
def candidacy_list(request: HttpRequest, call_id: int) -> HttpResponse:
    """The candidacies of a call: filters, search, sort, 50 a page, and status changes on checked rows.

    Every page shown is audited with its row count (and how many rows showed a name).
    """
    call = access.call_or_404(request.user, call_id)
    if request.method == "POST":
        if request.POST.get("action") == "assign":
            return _bulk_assign(request, call)
        return _bulk_status(request, call)
    roles = call_roles(call)
    filterset = CandidacyFilterSet(request.GET, request=request, call=call, roles=roles)
    rows_of_list = CandidacyPages(
        fetched_by=request.user,
        call=call,
        filters=filterset.conditions(),
        related=("application", "applicant", "role", "assigned_reviewer"),
    )
    page = Paginator(rows_of_list, PER_PAGE).get_page(request.GET.get("page"))
    list_query = request.GET.copy()
    list_query.pop("page", None)
    detail_query = QueryDict(mutable=True)
    detail_query["from"] = list_query.urlencode()
    rows = [_row(request.user, call, c) for c in page]
    audit(
        user=request.user,
        action="kobo.candidacy.list",
        call=call,
        rows=len(rows),
        named=sum(1 for row in rows if row["name"]),
        page=page.number,
        query=list_query.urlencode()[:500],
    )
    context = {
        "call": call,
        "form": filterset.form,
        "page": page,
        "rows": rows,
        "bulk_statuses": [(s, S(s).label) for s in _bulk_statuses(request.user, call)],
        "decision_pages": _decision_pages(request.user, call),
        "reviewers": _call_reviewers(call) if decide(request.user, call, Power.REVIEW) else [],
        "list_query": list_query.urlencode(),
        "detail_query": detail_query.urlencode() if list_query else "",
    }
    return TemplateResponse(request, TEMPLATES + "candidacy_list.html", context)


def _call_reviewers(call: CallPage) -> list[Any]:
    """Screening staff whose assignment to the call runs today, who can be asked to review."""
    return list(holders(call, Power.REVIEW).order_by("username"))


def _list_url(request: HttpRequest, call: CallPage) -> str:
    back = reverse("screening_candidacies", args=[call.pk])
    query = QueryDict(request.POST.get("list_query", "")).urlencode()
    return f"{back}?{query}" if query else back


def _bulk_assign(request: HttpRequest, call: CallPage) -> HttpResponse:
    """Assign the checked candidacies to one reviewer (each audited)."""
    back = _list_url(request, call)
    ids = set(parse_ids(request.POST.getlist("candidacy")))
    reviewer = next((u for u in _call_reviewers(call) if str(u.pk) == request.POST.get("reviewer")), None)
    if not ids or reviewer is None:
        messages.error(request, "候補と審査担当を選んでください。 Choose candidacies and a reviewer.")
        return redirect(back)
    candidacies = list(visibility.candidacies_for(request.user, call).filter(pk__in=ids).select_related("application"))
    try:
        count = candidacies_assign_reviewer(candidacies=candidacies, reviewer=reviewer, by=request.user)
    except ScreeningError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"{count}件を{reviewer.get_username()}に割り当てました。 {count} assigned.")
    return redirect(back)


def _bulk_status(request: HttpRequest, call: CallPage) -> HttpResponse:
    """Move each checked candidacy through ``candidacy_transition`` (never a bulk update) and report."""
    back = reverse("screening_candidacies", args=[call.pk])
    query = QueryDict(request.POST.get("list_query", "")).urlencode()
    back = f"{back}?{query}" if query else back
    ids = set(parse_ids(request.POST.getlist("candidacy")))
    to = request.POST.get("to", "")
    reason = request.POST.get("reason", "").strip()
    if not ids:
        messages.error(request, "候補を選んでください。 Choose at least one candidacy.")
        return redirect(back)
    if to not in S.values:
        messages.error(request, "変更後の選考状況を選んでください。 Choose the new status.")
        return redirect(back)
    if not reason:
        messages.error(request, "変更の理由を書いてください。 Give a reason for the change.")
        return redirect(back)
    candidacies = (
        visibility.candidacies_for(request.user, call).filter(pk__in=ids).select_related("application__call", "role")
    )
    done = 0
    refused: dict[str, list[str]] = defaultdict(list)
    for candidacy in candidacies.order_by("reference", "rank"):
        try:
            candidacy_transition(candidacy=candidacy, to=to, by=request.user, reason=reason)
            done += 1
        except ScreeningError as exc:
            refused[exc.message].append(visibility.candidacy_label(request.user, call, candidacy))
    if done:
        messages.success(
            request, f"{done}件を「{S(to).label}」に変更しました。 {done} candidacies moved to “{S(to).label}”."
        )
    for message, labels in refused.items():
        messages.error(
            request,
            f"{len(labels)}件は変更できませんでした Not changed ({len(labels)}): {message} — {', '.join(labels)}",
        )
    missing = len(ids) - done - sum(len(v) for v in refused.values())
    if missing:
        messages.error(request, f"{missing}件が見つかりませんでした。 {missing} not found in this call.")
    return redirect(back)
