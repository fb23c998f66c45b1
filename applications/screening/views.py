"""The screening workspace in the Wagtail admin, for contractors and city approvers.

Thin views: every one starts from ``access.call_or_404`` or ``visibility.candidacy_or_404``
(so a contractor gets 404 for anything of a call not assigned to them, and a screener for
a person they declared they know), asks ``visibility`` what the user may see and calls the
services of ``screening`` for every change. Registered under /admin/screening/ in ``wagtail_hooks``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import F, Func, OuterRef, QuerySet, Subquery
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.views.decorators.http import require_http_methods
from wagtail.admin.auth import require_admin_access

from applications.intake.selectors import answer_sections
from applications.intake.uploads import CANONICAL_EXTENSIONS, MIME_TYPES
from applications.mail.triggers.results import told_outcomes
from applications.models import (
    AUDIT_ACTIONS,
    Application,
    Attachment,
    AuditEntry,
    Candidacy,
    Review,
    ScreeningOutcome,
    Shortlist,
)
from applications.screening import visibility
from applications.screening.forms import AuditFilterSet, CandidacyFilterSet, ReviewForm
from applications.screening.rules import ALLOWED_TRANSITIONS, DECISIONS, ROLE_MOVES, Move
from applications.screening.selectors import SCORE_BANDS, CandidacyPages, call_counts, role_overview
from applications.screening.services import (
    ScreeningError,
    TransitionConflict,
    audit,
    candidacies_assign_reviewer,
    candidacy_transition,
    conflict_declare,
    note_add,
    review_change_needs_reason,
    review_submit,
    role_move_check,
    role_stage,
    shortlist_decide,
    shortlist_for,
    shortlist_reopen,
    shortlist_submit,
)
from applications.staff import actor_kind
from applications.teams import access
from applications.teams.authority import Power, decide, holders
from cms.web.downloads import private_download
from cms.web.numbers import MAX_SMALL, parse_id, parse_ids, parse_int
from recruitment.models import CallPage, RolePage

S = Candidacy.Status
PER_PAGE = 50
TEMPLATES = "applications/screening/"
#: The types a checked upload can have, with the extension a download gets (``uploads`` maps kinds to both).
SAFE_CONTENT_TYPES = {MIME_TYPES[kind]: CANONICAL_EXTENSIONS[kind] for kind in MIME_TYPES}


def screening_view(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Admin login (Wagtail's ``require_admin_access``) and GET/POST only."""
    return require_admin_access(require_http_methods(["GET", "POST"])(view))


def _forbidden(request: HttpRequest, reason: str) -> HttpResponse:
    return TemplateResponse(request, TEMPLATES + "forbidden.html", {"reason": reason}, status=403)


def _next_statuses(user: Any, call: CallPage, candidacy: Candidacy) -> list[str]:
    """Where this user may move a candidacy of ``call``, read off ``ALLOWED_TRANSITIONS``.

    採用 / 不採用 only once the role's lifecycle (``ROLE_MOVES``) allows the final decision.
    """
    kinds = actor_kind(user, call)
    targets = [to for (frm, to), who in ALLOWED_TRANSITIONS.items() if frm == candidacy.status and who & kinds]
    if DECISIONS & set(targets) and (role_stage(candidacy.role), Move.DECIDE) not in ROLE_MOVES:
        targets = [to for to in targets if to not in DECISIONS]
    return targets


def _bulk_statuses(user: Any, call: CallPage) -> list[str]:
    kinds = actor_kind(user, call)
    targets = {to for (_frm, to), who in ALLOWED_TRANSITIONS.items() if who & kinds}
    return [s for s in S.values if s in targets]


# --- calls and dashboard -------------------------------------------------------------------


def _count(qs: QuerySet) -> Subquery:
    """``COUNT(*)`` of ``qs`` as a subquery (for an annotation that must not multiply the outer rows)."""
    return Subquery(qs.order_by().annotate(n=Func(F("pk"), function="COUNT")).values("n")[:1])


@screening_view
def calls(request: HttpRequest) -> HttpResponse:
    """The calls this user may screen, with their counts."""
    if not access.can_screen(request.user):
        return _forbidden(request, "審査の権限がありません。 You have no screening access.")
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


# --- the list of candidacies -----------------------------------------------------------------


def _filtered(
    request: HttpRequest, call: CallPage, params: QueryDict, roles: list[RolePage]
) -> tuple[CandidacyFilterSet, QuerySet]:
    """The FilterSet bound to ``params`` and the candidacies it selects (``selectors.candidacy_list``)."""
    filterset = CandidacyFilterSet(params, request=request, call=call, roles=roles)
    return filterset, filterset.qs


def _call_roles(call: CallPage) -> list[RolePage]:
    return list(RolePage.objects.child_of(call).order_by("path").only("pk", "title"))


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
        "kana": f"{applicant.family_name_kana} {applicant.given_name_kana}" if applicant else None,
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
    roles = _call_roles(call)
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


# --- one candidacy ---------------------------------------------------------------------------


def _criteria(candidacy: Candidacy, my_review: Review | None) -> list[dict[str, Any]]:
    """The rubric to score against: the pinned copy of one's earlier review, else the role's rubric now."""
    current = [dict(block.value) for block in candidacy.role.rubric]
    descriptions = {c["name"]: c.get("description", "") for c in current}
    base = my_review.rubric if my_review else current
    return [
        {
            "name": c["name"],
            "name_en": c.get("name_en", ""),
            "weight": c["weight"],
            "max_score": int(c["max_score"]),
            "description": descriptions.get(c["name"], ""),
        }
        for c in base
    ]


def _answer_sections(answers: dict[str, Any], identity_visible: bool) -> list[dict[str, Any]]:
    return [
        {"title": title, "rows": [{"label": label, "value": value} for label, value in rows]}
        for title, rows in answer_sections(answers, identity_visible=identity_visible)
    ]


def _portfolio_links(answers: dict[str, Any]) -> list[dict[str, Any]]:
    links = answers.get("portfolio_links") or []
    return [{"url": url, "safe": str(url).lower().startswith(("https://", "http://"))} for url in links]


def _attachments(candidacy: Candidacy, identity_visible: bool) -> list[dict[str, Any]]:
    """Attachments with download links; their original names only where identity is visible.

    The link names the candidacy it was opened from, so the download is named as this page is.
    """
    items = []
    query = f"?candidacy={candidacy.pk}"
    for n, attachment in enumerate(candidacy.application.attachments.order_by("pk"), start=1):
        kind = SAFE_CONTENT_TYPES.get(attachment.content_type, "").lstrip(".").upper() or "file"
        items.append(
            {
                "name": attachment.original_name if identity_visible else f"添付ファイル {n} Attachment {n}",
                "kind": kind,
                "size": attachment.size,
                "url": reverse("screening_attachment", args=[attachment.pk]) + query,
            }
        )
    return items


def _neighbours(request: HttpRequest, call: CallPage, candidacy: Candidacy, list_query: str) -> dict[str, str | None]:
    """Previous and next candidacy in the list's order (filters and sort of ``list_query``), else by reference."""
    user = request.user
    _filterset, qs = _filtered(request, call, QueryDict(list_query), _call_roles(call))
    order = list(qs.values_list("pk", flat=True))
    if candidacy.pk not in order:
        order = list(
            visibility.candidacies_for(user, call).order_by("reference", "rank", "pk").values_list("pk", flat=True)
        )
        list_query = ""
    i = order.index(candidacy.pk)
    suffix = ""
    if list_query:
        q = QueryDict(mutable=True)
        q["from"] = list_query
        suffix = f"?{q.urlencode()}"

    def url(pk: int) -> str:
        return reverse("screening_candidacy", args=[pk]) + suffix

    return {
        "previous": url(order[i - 1]) if i > 0 else None,
        "next": url(order[i + 1]) if i + 1 < len(order) else None,
        "position": i + 1,
        "total": len(order),
    }


@screening_view
def candidacy_detail(request: HttpRequest, candidacy_id: int) -> HttpResponse:
    """One candidacy: the application, notes, status change and the review form. Every view is audited."""
    user = request.user
    candidacy = visibility.candidacy_or_404(user, candidacy_id)
    call = candidacy.application.call
    reviews = list(candidacy.reviews.select_related("reviewer").order_by("submitted_at"))
    my_review = next((r for r in reviews if r.reviewer_id == user.pk), None)
    criteria = _criteria(candidacy, my_review)
    review_form = None
    review_options: dict[str, Any] = {"criteria": criteria}
    if access.can_review(user, call):
        initial = {}
        if my_review:
            initial = {f"score_{i}": ("na" if s is None else str(s)) for i, s in enumerate(my_review.scores)}
            initial |= {"comment": my_review.comment, "recommendation": my_review.recommendation}
            review_options |= {
                "changing": True,
                "reason_required": review_change_needs_reason(candidacy=candidacy, reviewer=user),
            }
        review_form = ReviewForm(initial=initial, **review_options)

    if request.method == "POST":
        action = request.POST.get("action")
        if action == "review":
            if review_form is None:
                messages.error(request, f"審査する権限がありません。 {access.can_review(user, call).reason}")
                return _back_to(request, candidacy)
            review_form = ReviewForm(request.POST, **review_options)
            if review_form.is_valid():
                return _save_review(request, candidacy, review_form)
            messages.error(request, "審査を保存できませんでした。 The review was not saved: see below.")
        elif action == "status":
            return _change_status(request, candidacy)
        elif action == "note":
            return _add_note(request, candidacy)
        elif action == "conflict":
            return _declare_conflict(request, candidacy)
        else:
            return redirect("screening_candidacy", candidacy.pk)

    visible = visibility.identity_visible(user, call, candidacy)
    show_scores = visibility.others_reviews_visible(user, call, reviewed_by_me=my_review is not None)
    list_query = request.GET.get("from", "")
    list_url = reverse("screening_candidacies", args=[call.pk]) + (f"?{list_query}" if list_query else "")
    context = {
        "call": call,
        "candidacy": candidacy,
        "status_label": S(candidacy.status).label,
        "identity_visible": visible,
        "label": visibility.candidacy_label(user, call, candidacy),
        "reference": candidacy.reference if visible else None,
        "applicant": candidacy.application.applicant if visible else None,
        "answers": _answer_sections(candidacy.application.answers, visible),
        "links": _portfolio_links(candidacy.application.answers),
        "attachments": _attachments(candidacy, visible),
        # The application's other roles: titles and ranks only (no status, reference or link to a named page).
        "siblings": Candidacy.objects.filter(application_id=candidacy.application_id)
        .exclude(pk=candidacy.pk)
        .select_related("role")
        .only("rank", "role__title")
        .order_by("rank"),
        "notes": candidacy.notes.select_related("author"),
        "may_note": bool(actor_kind(user, call)),
        "may_declare_conflict": bool(decide(user, call, Power.REVIEW)),
        "next_statuses": [(s, S(s).label) for s in _next_statuses(user, call, candidacy)],
        "review_form": review_form,
        "my_review": my_review,
        "show_scores": show_scores,
        "other_reviews": [
            {"review": r, "rows": list(zip(r.rubric, r.scores, strict=False))}
            for r in reviews
            if show_scores and r is not my_review and r.voided_at is None
        ],
        "nav": _neighbours(request, call, candidacy, list_query),
        "list_url": list_url,
    }
    audit(user=user, action="kobo.candidacy.view", call=call, candidacy=candidacy, rows=1, named=visible)
    return TemplateResponse(request, TEMPLATES + "candidacy_detail.html", context)


def _back_to(request: HttpRequest, candidacy: Candidacy) -> HttpResponse:
    url = reverse("screening_candidacy", args=[candidacy.pk])
    list_query = request.POST.get("from", "")
    if list_query:
        q = QueryDict(mutable=True)
        q["from"] = list_query
        url = f"{url}?{q.urlencode()}"
    return redirect(url)


def _save_review(request: HttpRequest, candidacy: Candidacy, form: ReviewForm) -> HttpResponse:
    try:
        review_submit(
            candidacy=candidacy,
            reviewer=request.user,
            scores=form.scores(),
            comment=form.cleaned_data["comment"],
            recommendation=form.cleaned_data["recommendation"],
            reason=form.cleaned_data.get("reason", ""),
        )
        messages.success(request, "審査を保存しました。 Your review was saved.")
    except ScreeningError as exc:
        messages.error(request, exc.message)
    return _back_to(request, candidacy)


def _change_status(request: HttpRequest, candidacy: Candidacy) -> HttpResponse:
    to = request.POST.get("to", "")
    reason = request.POST.get("reason", "").strip()
    version = parse_int(request.POST.get("version"), maximum=MAX_SMALL)
    if to not in S.values:
        messages.error(request, "変更後の選考状況を選んでください。 Choose the new status.")
    elif not reason:
        messages.error(request, "変更の理由を書いてください。 Give a reason for the change.")
    elif version is None:
        messages.error(request, "ページを読み込み直してください。 Reload the page and try again.")
    else:
        try:
            current = candidacy_transition(
                candidacy=candidacy, to=to, by=request.user, reason=reason, expected_version=version
            )
            messages.success(request, f"選考状況を「{S(current.status).label}」にしました。 Status changed.")
        except TransitionConflict as exc:
            messages.error(request, f"{exc.message} (現在 Now: {S(exc.current.status).label})")
        except ScreeningError as exc:
            messages.error(request, exc.message)
    return _back_to(request, candidacy)


def _declare_conflict(request: HttpRequest, candidacy: Candidacy) -> HttpResponse:
    """A screener knows this person: the candidacy leaves this screener's lists (and its page 404s for them)."""
    try:
        conflict_declare(candidacy=candidacy, by=request.user)
    except ScreeningError as exc:
        messages.error(request, exc.message)
        return _back_to(request, candidacy)
    messages.success(
        request,
        "利益相反を記録しました。この候補は他の審査者が担当します。 "
        "Recorded: another screener will handle this candidacy.",
    )
    return redirect("screening_candidacies", candidacy.application.call_id)


def _add_note(request: HttpRequest, candidacy: Candidacy) -> HttpResponse:
    try:
        note_add(candidacy=candidacy, author=request.user, text=request.POST.get("text", ""))
    except ScreeningError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "メモを追加しました。 Note added.")
    return _back_to(request, candidacy)


# --- files and the audit log -----------------------------------------------------------------


@screening_view
def attachment_download(request: HttpRequest, attachment_id: int) -> HttpResponse:
    """A portfolio file from private storage, for users who may screen its call; every download is audited.

    404 for a person the user declared they know (``visibility.candidacies_for``). The file is
    named as the candidacy it was opened from (``?candidacy=``) shows its person: the original
    name where that candidacy is named, else a neutral name with the candidate code.
    """
    attachment = get_object_or_404(Attachment.objects.select_related("application"), pk=attachment_id)
    call = access.call_or_404(request.user, attachment.application.call_id)
    candidacies = list(visibility.candidacies_for(request.user, call).filter(application=attachment.application))
    if not candidacies:
        raise Http404
    opened_from = next((c for c in candidacies if str(c.pk) == request.GET.get("candidacy")), None)
    extension = SAFE_CONTENT_TYPES.get(attachment.content_type)
    filename = visibility.attachment_filename(request.user, call, attachment, opened_from, extension or "")
    try:
        handle = attachment.file.open("rb")
    except (FileNotFoundError, OSError) as exc:
        raise Http404 from exc
    audit(
        user=request.user,
        action="kobo.attachment.download",
        call=call,
        candidacy=opened_from,
        attachment_id=attachment.pk,
        reference=attachment.application.reference,
    )
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=filename,
        content_type=attachment.content_type if extension else "application/octet-stream",
    )
    return private_download(response)


ACTION_LABELS = dict(AUDIT_ACTIONS)


@screening_view
def audit_log(request: HttpRequest, call_id: int) -> HttpResponse:
    """Who saw and changed what in this call (approvers only), filtered by who, what, which candidacy and when.

    Kept apart from Wagtail's page history. An entry's candidacy shows as its reference, rank
    and code, so that an approver can follow one person through the log.
    """
    call = access.call_or_404(request.user, call_id)
    decision = access.can_read_audit(request.user, call)
    if not decision:
        return _forbidden(request, decision.reason)
    filterset = AuditFilterSet(request.GET, request=request, call=call)
    filterset.form.is_valid()  # an invalid condition is dropped (django-filter) and shown next to its field
    entries = filterset.qs.select_related("user", "candidacy")
    page = Paginator(entries, PER_PAGE).get_page(request.GET.get("page"))
    rows = [
        {
            "entry": entry,
            "action": ACTION_LABELS.get(entry.action, entry.action),
            "object_kind": visibility.audit_label(entry.candidacy) if entry.candidacy_id else call.title,
            "detail": {k: v for k, v in entry.data.items() if k != "call_id"},
        }
        for entry in page
    ]
    context = {"call": call, "page": page, "entries": rows, "form": filterset.form}
    return TemplateResponse(request, TEMPLATES + "audit_log.html", context)


# --- erasure after a decision ----------------------------------------------------------------


@screening_view
def erasure(request: HttpRequest, application_id: int) -> HttpResponse:
    """An approver carries out an applicant's erasure request that came after a decision.

    The approver's mail links here. The page names the application by its reference, call and
    roles (title and rank): erasing needs no name, so it shows none. A POST with the
    confirmation calls ``retention.application_erase_after_decision`` (audited there).
    """
    from applications.privacy.retention import (
        application_erase_after_decision,
        application_has_decision,
        may_erase_after_decision,
    )

    application = get_object_or_404(Application.objects.select_related("call"), pk=application_id)
    call = access.call_or_404(request.user, application.call_id)
    if not may_erase_after_decision(request.user, application):
        return _forbidden(request, "決定後の削除は、この募集の承認者が行います。 Only an approver of this city erases.")
    error = ""
    if request.method == "POST":
        if request.POST.get("confirm") != "yes":
            error = "削除する場合は確認欄にチェックを入れてください。 Tick the box to confirm the erasure."
        else:
            try:
                application_erase_after_decision(application=application, by=request.user)
            except ScreeningError as exc:
                messages.error(request, exc.message)
            else:
                messages.success(request, f"{application.reference} を削除しました。 The application was erased.")
            return redirect("screening_erasure", application.pk)
    requests = AuditEntry.objects.filter(
        call=call, action="kobo.erasure.request", data__reference=application.reference
    ).order_by("timestamp")
    context = {
        "call": call,
        "application": application,
        "roles": application.candidacies.select_related("role").only("rank", "role__title").order_by("rank"),
        "decided": application_has_decision(application),
        "requests": requests,
        "error": error,
    }
    return TemplateResponse(request, TEMPLATES + "erasure.html", context, status=400 if error else 200)
