"""The screening workspace in the Wagtail admin, for contractors and city approvers.

Thin views: every one starts from ``access.call_or_404`` or ``access.candidacy_or_404``
(so a contractor gets 404 for anything of a call not assigned to them), asks
``access`` what the user may see and calls the services of ``screening`` for
every change. Registered under /admin/screening/ in ``wagtail_hooks``.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.paginator import Paginator
from django.db.models import Count, Exists, F, IntegerField, OuterRef, Q, QuerySet, Value
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.views.decorators.http import require_http_methods
from wagtail.admin.auth import require_admin_access
from wagtail.log_actions import registry as log_action_registry
from wagtail.models import ModelLogEntry, PageLogEntry

from portal.groups import SCREENING_CONTRACTORS
from recruitment.models import CallPage, RolePage

from . import access
from . import forms as step_forms
from .models import Attachment, Candidacy, Review, Shortlist
from .screening import (
    ALLOWED_TRANSITIONS,
    APPROVER,
    CONTRACTOR,
    ScreeningError,
    TransitionConflict,
    actor_kind,
    audit,
    candidacies_assign_reviewer,
    candidacy_transition,
    note_add,
    review_submit,
    shortlist_decide,
    shortlist_limit,
    shortlist_submit,
)
from .selectors import answer_sections
from .text import furigana, name_key
from .uploads import CANONICAL_EXTENSIONS, MIME_TYPES

S = Candidacy.Status
PER_PAGE = 50
TEMPLATES = "applications/screening/"
#: Score bands of the dashboard chart, on the 0–5 scale of ``scoring.aggregate_scores``.
SCORE_BANDS = [(Decimal(n), Decimal(n + 1)) for n in range(5)]
#: Answers that identify the applicant as surely as a name (a registered invoice number is public with it).
#: The types a checked upload can have, with the extension a download gets (``uploads`` maps kinds to both).
SAFE_CONTENT_TYPES = {MIME_TYPES[kind]: CANONICAL_EXTENSIONS[kind] for kind in MIME_TYPES}


def screening_view(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Admin login (Wagtail's ``require_admin_access``) and GET/POST only."""
    return require_admin_access(require_http_methods(["GET", "POST"])(view))


def _forbidden(request: HttpRequest, reason: str) -> HttpResponse:
    return TemplateResponse(request, TEMPLATES + "forbidden.html", {"reason": reason}, status=403)


def _next_statuses(user: Any, status: str) -> list[str]:
    """Where this user may move a candidacy from ``status``, read off ``ALLOWED_TRANSITIONS``."""
    kinds = actor_kind(user)
    return [to for (frm, to), who in ALLOWED_TRANSITIONS.items() if frm == status and who & kinds]


def _bulk_statuses(user: Any) -> list[str]:
    kinds = actor_kind(user)
    targets = {to for (_frm, to), who in ALLOWED_TRANSITIONS.items() if who & kinds}
    return [s for s in S.values if s in targets]


# --- calls and dashboard -------------------------------------------------------------------


@screening_view
def calls(request: HttpRequest) -> HttpResponse:
    """The calls this user may screen, with their counts."""
    if not access.can_screen(request.user):
        return _forbidden(request, "審査の権限がありません。 You have no screening access.")
    live = ~Q(applications__candidacies__status=S.WITHDRAWN)
    rows = (
        CallPage.objects.filter(pk__in=access.screenable_calls(request.user).values("pk"))
        .select_related("organisation", "shortlist")
        .annotate(
            application_count=Count("applications", distinct=True),
            candidacy_count=Count("applications__candidacies", filter=live, distinct=True),
            reviewed_count=Count(
                "applications__candidacies", filter=live & Q(applications__candidacies__review_count__gt=0),
                distinct=True,
            ),
            shortlisted_count=Count(
                "applications__candidacies", filter=Q(applications__candidacies__status=S.SHORTLISTED), distinct=True
            ),
        )
        .order_by("-first_published_at", "title")
    )  # fmt: skip
    return TemplateResponse(request, TEMPLATES + "calls.html", {"calls": rows})


def _score_chart(counts: list[int]) -> list[dict[str, Any]]:
    """Bar geometry for the small SVG chart (80 px high at most) of one role's score bands."""
    top = max(counts) or 1
    bars = []
    for i, ((low, high), count) in enumerate(zip(SCORE_BANDS, counts, strict=True)):
        height = round(60 * count / top)
        bars.append({"label": f"{low}–{high}", "count": count, "x": 8 + i * 44, "y": 76 - height, "height": height})
    return bars


def _role_stats(user: Any, call: CallPage) -> dict[int, dict[str, int]]:
    live = ~Q(status=S.WITHDRAWN)
    bands = {
        f"band{i}": Count("pk", filter=live & Q(score__gte=low) & (Q(score__lt=high) if i < 4 else Q(score__lte=high)))
        for i, (low, high) in enumerate(SCORE_BANDS)
    }
    rows = (
        access.candidacies_for(user, call)
        .order_by()
        .values("role")
        .annotate(
            applications=Count("pk", filter=live),
            reviewed=Count("pk", filter=live & Q(review_count__gt=0)),
            unscored=Count("pk", filter=live & Q(score__isnull=True)),
            shortlisted=Count("pk", filter=Q(status=S.SHORTLISTED)),
            selected=Count("pk", filter=Q(status=S.SELECTED)),
            **bands,
        )
    )
    return {row["role"]: row for row in rows}


@screening_view
def dashboard(request: HttpRequest, call_id: int) -> HttpResponse:
    """One call at a glance, per role, and its shortlist: submit (contractor), approve or return (approver)."""
    call = access.call_or_404(request.user, call_id)
    if request.method == "POST":
        return _shortlist_action(request, call)
    shortlist = Shortlist.objects.filter(call=call).select_related("submitted_by", "decided_by").first()
    factor = shortlist.factor if shortlist else Shortlist._meta.get_field("factor").default
    stats = _role_stats(request.user, call)
    list_url = reverse("screening_candidacies", args=[call.pk])
    roles = []
    for role in RolePage.objects.child_of(call).order_by("path"):
        row = stats.get(role.pk, {})
        counts = [row.get(f"band{i}", 0) for i in range(len(SCORE_BANDS))]
        roles.append(
            {
                "role": role,
                "applications": row.get("applications", 0),
                "reviewed": row.get("reviewed", 0),
                "unscored": row.get("unscored", 0),
                "shortlisted": row.get("shortlisted", 0),
                "selected": row.get("selected", 0),
                "limit": shortlist_limit(role, factor),
                "bars": _score_chart(counts),
                "url": f"{list_url}?role={role.pk}",
                "reviewed_url": f"{list_url}?role={role.pk}&reviewed=yes",
                "shortlisted_url": f"{list_url}?role={role.pk}&status={S.SHORTLISTED}",
            }
        )
    kinds = actor_kind(request.user)
    status = shortlist.status if shortlist else Shortlist.Status.DRAFT
    context = {
        "call": call,
        "roles": roles,
        "shortlist": shortlist,
        "shortlist_status": Shortlist.Status(status).label,
        "factor": factor,
        "can_submit": CONTRACTOR in kinds and status in {Shortlist.Status.DRAFT, Shortlist.Status.RETURNED},
        "can_decide": APPROVER in kinds and status == Shortlist.Status.SUBMITTED,
        "can_read_audit": bool(access.can_read_audit(request.user)),
        "list_url": list_url,
    }
    return TemplateResponse(request, TEMPLATES + "dashboard.html", context)


def _shortlist_action(request: HttpRequest, call: CallPage) -> HttpResponse:
    action = request.POST.get("action")
    try:
        if action == "submit":
            shortlist_submit(call=call, by=request.user)
            messages.success(request, "候補者リストを市に提出しました。 The shortlist was submitted to the city.")
        elif action in {"approve", "return"}:
            shortlist_decide(
                call=call, by=request.user, approve=action == "approve", comment=request.POST.get("comment", "")
            )
            if action == "approve":
                messages.success(request, "候補者リストを承認しました。 The shortlist was approved.")
            else:
                messages.success(request, "候補者リストを差し戻しました。 The shortlist was returned.")
        else:
            messages.error(request, "不明な操作です。 Unknown action.")
    except ScreeningError as exc:
        messages.error(request, exc.message)
    return redirect("screening_dashboard", call.pk)


# --- the list of candidacies -----------------------------------------------------------------

ANY = [("", "すべて All")]
YES_NO = [*ANY, ("yes", "はい Yes"), ("no", "いいえ No")]
SORTS = {
    "reference": ("受付番号順 Reference", ["application__reference", "rank"]),
    "score": ("スコアの高い順 Score, highest first", [F("score").desc(nulls_last=True), "application__reference"]),
    "score_asc": ("スコアの低い順 Score, lowest first", [F("score").asc(nulls_last=True), "application__reference"]),
    "submitted": ("応募の新しい順 Newest first", ["-application__submitted_at", "rank"]),
    "submitted_asc": ("応募の古い順 Oldest first", ["application__submitted_at", "rank"]),
    "rank": ("希望順位順 Preference", ["rank", "application__reference"]),
}


class CandidacyFilterForm(forms.Form):
    """The filters, search and sort of the candidacy list (GET); invalid values are ignored."""

    q = forms.CharField(
        label="検索 Search",
        required=False,
        max_length=100,
        help_text="受付番号・候補番号・氏名・フリガナ Reference, code, name, kana",
    )
    role = forms.TypedChoiceField(label="業務 Role", required=False, coerce=int, empty_value=None)
    status = forms.ChoiceField(
        label="選考状況 Status", required=False, choices=[("", "取り下げ以外 All but withdrawn"), *S.choices]
    )
    rank = forms.TypedChoiceField(
        label="希望順位 Preference",
        required=False,
        coerce=int,
        empty_value=None,
        choices=[*ANY, *((str(n), f"第{n}希望 #{n}") for n in range(1, step_forms.MAX_ROLES + 1))],
    )
    score_min = forms.DecimalField(
        label="スコア下限 Score from", required=False, min_value=0, max_value=5, decimal_places=2
    )
    score_max = forms.DecimalField(
        label="スコア上限 Score to", required=False, min_value=0, max_value=5, decimal_places=2
    )
    mine = forms.ChoiceField(label="自分の審査 Reviewed by me", required=False, choices=YES_NO)
    reviewed = forms.ChoiceField(label="審査あり Has reviews", required=False, choices=YES_NO)
    assigned = forms.ChoiceField(
        label="審査担当 Assigned to", required=False,
        choices=[("", "すべて All"), ("me", "自分 Me"), ("nobody", "未割り当て Nobody")],
    )  # fmt: skip
    disagreement = forms.ChoiceField(label="評価の不一致 Reviewers disagree", required=False, choices=YES_NO)
    sort = forms.ChoiceField(
        label="並び順 Sort", required=False, choices=[(key, label) for key, (label, _order) in SORTS.items()]
    )

    def __init__(self, *args: Any, roles: list[RolePage], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = [*ANY, *((str(r.pk), r.title) for r in roles)]

    def value(self, name: str) -> Any:
        """The cleaned value of a field, or None when it was empty or invalid."""
        if not hasattr(self, "cleaned_data"):
            self.is_valid()
        value = self.cleaned_data.get(name)
        return None if value in (None, "") else value


def _search(user: Any, call: CallPage, q: str) -> Q:
    """Reference and candidate code always; names only where the user may see names (blind review)."""
    match = Q(application__reference__icontains=q)
    code = re.fullmatch(r"[Cc]-?0*(\d{1,9})", q)
    if code:
        match |= Q(pk=int(code.group(1)))
    kana = furigana(q)
    names = (
        Q(applicant__name_key__contains=name_key(q))
        | Q(applicant__family_name__icontains=q)
        | Q(applicant__given_name__icontains=q)
        | Q(applicant__family_name_kana__icontains=kana)
        | Q(applicant__given_name_kana__icontains=kana)
    )
    return match | (names & Q(status__in=access.identity_visible_statuses(user, call)))


def _filtered(
    user: Any, call: CallPage, params: QueryDict, roles: list[RolePage]
) -> tuple[CandidacyFilterForm, QuerySet]:
    """The filter form bound to ``params`` and the candidacies it selects, in its order."""
    form = CandidacyFilterForm(params, roles=roles)
    form.is_valid()
    qs = access.candidacies_for(user, call).annotate(
        reviewed_by_me=Exists(Review.objects.filter(candidacy=OuterRef("pk"), reviewer=user))
    )
    filters = {
        "role_id": form.value("role"),
        "status": form.value("status"),
        "rank": form.value("rank"),
        "score__gte": form.value("score_min"),
        "score__lte": form.value("score_max"),
    }
    qs = qs.filter(**{k: v for k, v in filters.items() if v is not None})
    if not form.value("status"):
        qs = qs.exclude(status=S.WITHDRAWN)
    if form.value("assigned") == "me":
        qs = qs.filter(assigned_reviewer=user)
    elif form.value("assigned") == "nobody":
        qs = qs.filter(assigned_reviewer__isnull=True)
    for name, lookup in [("mine", "reviewed_by_me"), ("disagreement", "disagreement")]:
        if form.value(name):
            qs = qs.filter(**{lookup: form.value(name) == "yes"})
    if form.value("reviewed"):
        qs = qs.filter(review_count__gt=0) if form.value("reviewed") == "yes" else qs.filter(review_count=0)
    if form.value("q"):
        qs = qs.filter(_search(user, call, form.value("q").strip()))
    order = SORTS[form.value("sort") or "reference"][1]
    return form, qs.order_by(*order, "pk")


def _call_roles(call: CallPage) -> list[RolePage]:
    return list(RolePage.objects.child_of(call).order_by("path").only("pk", "title"))


def _row(user: Any, call: CallPage, candidacy: Candidacy) -> dict[str, Any]:
    """What the list shows of one candidacy: the name only where identity is visible, scores only after one's review."""
    visible = access.identity_visible(user, call, candidacy)
    applicant = candidacy.applicant if visible else None
    return {
        "candidacy": candidacy,
        "code": candidacy.applicant_code,
        "name": f"{applicant.family_name} {applicant.given_name}" if applicant else None,
        "kana": f"{applicant.family_name_kana} {applicant.given_name_kana}" if applicant else None,
        "status": S(candidacy.status).label,
        "score_visible": access.others_reviews_visible(user, reviewed_by_me=candidacy.reviewed_by_me),
    }


@screening_view
def candidacy_list(request: HttpRequest, call_id: int) -> HttpResponse:
    """The candidacies of a call: filters, search, sort, 50 a page, and status changes on checked rows."""
    call = access.call_or_404(request.user, call_id)
    if request.method == "POST":
        if request.POST.get("action") == "assign":
            return _bulk_assign(request, call)
        return _bulk_status(request, call)
    roles = _call_roles(call)
    form, qs = _filtered(request.user, call, request.GET, roles)
    qs = qs.select_related("application", "applicant", "role")
    page = Paginator(qs, PER_PAGE).get_page(request.GET.get("page"))
    list_query = request.GET.copy()
    list_query.pop("page", None)
    detail_query = QueryDict(mutable=True)
    detail_query["from"] = list_query.urlencode()
    context = {
        "call": call,
        "form": form,
        "page": page,
        "rows": [_row(request.user, call, c) for c in page],
        "bulk_statuses": [(s, S(s).label) for s in _bulk_statuses(request.user)],
        "reviewers": _call_reviewers(call) if CONTRACTOR in actor_kind(request.user) else [],
        "list_query": list_query.urlencode(),
        "detail_query": detail_query.urlencode() if list_query else "",
    }
    return TemplateResponse(request, TEMPLATES + "candidacy_list.html", context)


def _call_reviewers(call: CallPage) -> list[Any]:
    """Screening staff assigned to the call, who can be asked to review."""
    users = get_user_model().objects.filter(screening_assignments__call=call, groups__name=SCREENING_CONTRACTORS)
    return list(users.order_by("username").distinct())


def _list_url(request: HttpRequest, call: CallPage) -> str:
    back = reverse("screening_candidacies", args=[call.pk])
    query = QueryDict(request.POST.get("list_query", "")).urlencode()
    return f"{back}?{query}" if query else back


def _bulk_assign(request: HttpRequest, call: CallPage) -> HttpResponse:
    """Assign the checked candidacies to one reviewer (each audited)."""
    back = _list_url(request, call)
    ids = {int(v) for v in request.POST.getlist("candidacy") if v.isdigit()}
    reviewer = next((u for u in _call_reviewers(call) if str(u.pk) == request.POST.get("reviewer")), None)
    if not ids or reviewer is None:
        messages.error(request, "候補と審査担当を選んでください。 Choose candidacies and a reviewer.")
        return redirect(back)
    candidacies = list(access.candidacies_for(request.user, call).filter(pk__in=ids).select_related("application"))
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
    ids = {int(v) for v in request.POST.getlist("candidacy") if v.isdigit()}
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
        access.candidacies_for(request.user, call).filter(pk__in=ids).select_related("application__call", "role")
    )
    done = 0
    refused: dict[str, list[str]] = defaultdict(list)
    for candidacy in candidacies.order_by("application__reference", "rank"):
        try:
            candidacy_transition(candidacy=candidacy, to=to, by=request.user, reason=reason)
            done += 1
        except ScreeningError as exc:
            refused[exc.message].append(str(candidacy))
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


class ReviewForm(forms.Form):
    """One radio group per rubric criterion (1..max or not applicable), a comment and a recommendation."""

    NOT_APPLICABLE = "na"

    comment = forms.CharField(label="コメント Comment", required=False, widget=forms.Textarea(attrs={"rows": 4}))
    recommendation = forms.ChoiceField(
        label="推薦 Recommendation", choices=Review.Recommendation.choices, widget=forms.RadioSelect
    )

    def __init__(self, *args: Any, criteria: list[dict[str, Any]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.criteria = criteria
        for i, criterion in enumerate(criteria):
            choices = [(str(n), str(n)) for n in range(1, int(criterion["max_score"]) + 1)]
            self.fields[f"score_{i}"] = forms.ChoiceField(
                label=criterion["name"],
                help_text=criterion.get("description", ""),
                choices=[*choices, (self.NOT_APPLICABLE, "該当なし Not applicable")],
                widget=forms.RadioSelect,
                error_messages={"required": "点数か「該当なし」を選んでください。 Choose a score or not applicable."},
            )

    def score_fields(self) -> list[tuple[dict[str, Any], forms.BoundField]]:
        return [(c, self[f"score_{i}"]) for i, c in enumerate(self.criteria)]

    def scores(self) -> list[int | None]:
        values = [self.cleaned_data[f"score_{i}"] for i in range(len(self.criteria))]
        return [None if v == self.NOT_APPLICABLE else int(v) for v in values]


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
    """Attachments with download links; their original names only where identity is visible."""
    items = []
    for n, attachment in enumerate(candidacy.application.attachments.order_by("pk"), start=1):
        kind = SAFE_CONTENT_TYPES.get(attachment.content_type, "").lstrip(".").upper() or "file"
        items.append(
            {
                "name": attachment.original_name if identity_visible else f"添付ファイル {n} Attachment {n}",
                "kind": kind,
                "size": attachment.size,
                "url": reverse("screening_attachment", args=[attachment.pk]),
            }
        )
    return items


def _neighbours(user: Any, call: CallPage, candidacy: Candidacy, list_query: str) -> dict[str, str | None]:
    """Previous and next candidacy in the list's order (filters and sort of ``list_query``), else by reference."""
    _form, qs = _filtered(user, call, QueryDict(list_query), _call_roles(call))
    order = list(qs.values_list("pk", flat=True))
    if candidacy.pk not in order:
        order = list(
            access.candidacies_for(user, call)
            .order_by("application__reference", "rank", "pk")
            .values_list("pk", flat=True)
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
    candidacy = access.candidacy_or_404(user, candidacy_id)
    call = candidacy.application.call
    reviews = list(candidacy.reviews.select_related("reviewer").order_by("submitted_at"))
    my_review = next((r for r in reviews if r.reviewer_id == user.pk), None)
    criteria = _criteria(candidacy, my_review)
    review_form = None
    if access.can_review(user):
        initial = {}
        if my_review:
            initial = {f"score_{i}": ("na" if s is None else str(s)) for i, s in enumerate(my_review.scores)}
            initial |= {"comment": my_review.comment, "recommendation": my_review.recommendation}
        review_form = ReviewForm(initial=initial, criteria=criteria)

    if request.method == "POST":
        action = request.POST.get("action")
        if action == "review":
            if review_form is None:
                messages.error(request, f"審査する権限がありません。 {access.can_review(user).reason}")
                return _back_to(request, candidacy)
            review_form = ReviewForm(request.POST, criteria=criteria)
            if review_form.is_valid():
                return _save_review(request, candidacy, review_form)
            messages.error(request, "審査を保存できませんでした。 The review was not saved: see below.")
        elif action == "status":
            return _change_status(request, candidacy)
        elif action == "note":
            return _add_note(request, candidacy)
        else:
            return redirect("screening_candidacy", candidacy.pk)

    visible = access.identity_visible(user, call, candidacy)
    show_scores = access.others_reviews_visible(user, reviewed_by_me=my_review is not None)
    list_query = request.GET.get("from", "")
    list_url = reverse("screening_candidacies", args=[call.pk]) + (f"?{list_query}" if list_query else "")
    context = {
        "call": call,
        "candidacy": candidacy,
        "status_label": S(candidacy.status).label,
        "identity_visible": visible,
        "applicant": candidacy.application.applicant if visible else None,
        "answers": _answer_sections(candidacy.application.answers, visible),
        "links": _portfolio_links(candidacy.application.answers),
        "attachments": _attachments(candidacy, visible),
        "siblings": access.candidacies_for(user, call)
        .filter(applicant_id=candidacy.applicant_id)
        .exclude(pk=candidacy.pk)
        .select_related("role", "application")
        .order_by("application__submitted_at", "rank"),
        "notes": candidacy.notes.select_related("author"),
        "may_note": bool(actor_kind(user)),
        "next_statuses": [(s, S(s).label) for s in _next_statuses(user, candidacy.status)],
        "review_form": review_form,
        "my_review": my_review,
        "show_scores": show_scores,
        "other_reviews": [
            {"review": r, "rows": list(zip(r.rubric, r.scores, strict=False))}
            for r in reviews
            if show_scores and r is not my_review
        ],
        "nav": _neighbours(user, call, candidacy, list_query),
        "list_url": list_url,
    }
    audit(user=user, action="kobo.candidacy.view", call=call, candidacy=candidacy)
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
        )
        messages.success(request, "審査を保存しました。 Your review was saved.")
    except ScreeningError as exc:
        messages.error(request, exc.message)
    return _back_to(request, candidacy)


def _change_status(request: HttpRequest, candidacy: Candidacy) -> HttpResponse:
    to = request.POST.get("to", "")
    reason = request.POST.get("reason", "").strip()
    version = request.POST.get("version", "")
    if to not in S.values:
        messages.error(request, "変更後の選考状況を選んでください。 Choose the new status.")
    elif not reason:
        messages.error(request, "変更の理由を書いてください。 Give a reason for the change.")
    elif not version.isdigit():
        messages.error(request, "ページを読み込み直してください。 Reload the page and try again.")
    else:
        try:
            current = candidacy_transition(
                candidacy=candidacy, to=to, by=request.user, reason=reason, expected_version=int(version)
            )
            messages.success(request, f"選考状況を「{S(current.status).label}」にしました。 Status changed.")
        except TransitionConflict as exc:
            messages.error(request, f"{exc.message} (現在 Now: {S(exc.current.status).label})")
        except ScreeningError as exc:
            messages.error(request, exc.message)
    return _back_to(request, candidacy)


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
    """A portfolio file from private storage, for users who may screen its call; every download is audited."""
    attachment = get_object_or_404(Attachment.objects.select_related("application"), pk=attachment_id)
    call = access.call_or_404(request.user, attachment.application.call_id)
    candidacies = access.candidacies_for(request.user, call).filter(application=attachment.application)
    visible = any(access.identity_visible(request.user, call, c) for c in candidacies)
    extension = SAFE_CONTENT_TYPES.get(attachment.content_type)
    if visible:
        filename = attachment.original_name
    else:
        filename = f"{attachment.application.reference}-{attachment.pk}{extension or ''}"
    try:
        handle = attachment.file.open("rb")
    except (FileNotFoundError, OSError) as exc:
        raise Http404 from exc
    audit(
        user=request.user,
        action="kobo.attachment.download",
        call=call,
        attachment_id=attachment.pk,
        reference=attachment.application.reference,
    )
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=filename,
        content_type=attachment.content_type if extension else "application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "no-store"
    return response


def _log_entries(call: CallPage) -> QuerySet:
    """Both of Wagtail's log tables (candidacies, the call page) for this call, newest first, as (pk, model) rows."""
    subqueries = [
        model.objects.filter(data__call_id=call.pk)
        .values("pk", "timestamp")
        .annotate(log_model=Value(i, output_field=IntegerField()))
        .order_by()
        for i, model in enumerate((ModelLogEntry, PageLogEntry))
    ]
    return subqueries[0].union(subqueries[1], all=True).order_by("-timestamp", "-pk")


def _action_label(action: str) -> str:
    try:
        return str(log_action_registry.get_action_label(action))
    except KeyError:
        return action


@screening_view
def audit_log(request: HttpRequest, call_id: int) -> HttpResponse:
    """Who saw and changed what in this call (approvers only)."""
    call = access.call_or_404(request.user, call_id)
    decision = access.can_read_audit(request.user)
    if not decision:
        return _forbidden(request, decision.reason)
    page = Paginator(_log_entries(call), PER_PAGE).get_page(request.GET.get("page"))
    models = (ModelLogEntry, PageLogEntry)
    wanted: dict[int, list[int]] = defaultdict(list)
    for row in page:
        wanted[row["log_model"]].append(row["pk"])
    found = {
        (i, entry.pk): entry
        for i, pks in wanted.items()
        for entry in models[i].objects.filter(pk__in=pks).select_related("user", "content_type")
    }
    entries = []
    for row in page:
        entry = found[(row["log_model"], row["pk"])]
        entries.append(
            {
                "entry": entry,
                "action": _action_label(entry.action),
                "object_kind": entry.object_verbose_name,
                "detail": {k: v for k, v in entry.data.items() if k != "call_id"},
            }
        )
    context = {"call": call, "page": page, "entries": entries}
    return TemplateResponse(request, TEMPLATES + "audit_log.html", context)
