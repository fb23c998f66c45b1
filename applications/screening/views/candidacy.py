"""One candidacy's page: the application, notes, status, the review form, and the posts that change them.

Every view is audited. Names, file names and others' reviews show only where ``visibility``
lets them; each post calls its service (review, status move, conflict, note).
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse

from applications.intake.selectors import answer_sections
from applications.models import Candidacy, Review, Shortlist
from applications.screening import visibility
from applications.screening.audit import audit
from applications.screening.forms import ReviewForm
from applications.screening.reviewing import conflict_declare, note_add, review_change_needs_reason, review_submit
from applications.screening.rubric import Criterion, parse, role_rubric
from applications.screening.rules import ALLOWED_TRANSITIONS, DECISIONS, PASSED
from applications.screening.services import ScreeningError, TransitionConflict, candidacy_transition
from applications.screening.views.base import SAFE_CONTENT_TYPES, TEMPLATES, call_roles, filtered, screening_view
from applications.staff import actor_kind
from applications.teams import access
from applications.teams.authority import Power, decide
from cms.web.numbers import MAX_SMALL, parse_int
from recruitment.models import CallPage

S = Candidacy.Status


def _next_statuses(user: Any, call: CallPage, candidacy: Candidacy) -> list[str]:
    """Where this user may move a candidacy of ``call`` here, read off ``ALLOWED_TRANSITIONS``.

    Never a final decision: 採用 / 不採用 / 補欠 and a hire's decline are recorded on the role's decision
    page, one by one with a reason from the list (``interviews.decisions``; :func:`_decision_page`).
    """
    kinds = actor_kind(user, call)
    return [
        to
        for (frm, to), who in ALLOWED_TRANSITIONS.items()
        if frm == candidacy.status and who & kinds and to not in DECISIONS
    ]


def _decision_page(user: Any, call: CallPage, candidacy: Candidacy) -> str | None:
    """Where an approver records this finalist's final decision with its reason, once the shortlist is approved."""
    if candidacy.status not in PASSED or not decide(user, call, Power.DECIDE):
        return None
    if not Shortlist.objects.filter(role_id=candidacy.role_id, status=Shortlist.Status.APPROVED).exists():
        return None
    return reverse("interviews_decisions", args=[candidacy.role_id]) + f"#person-{candidacy.pk}"


def _criteria(candidacy: Candidacy, my_review: Review | None) -> list[Criterion]:
    """The rubric to score against: the pinned copy of one's earlier review, else the role's rubric now.

    Each criterion shows the role's current description of it (a pinned copy keeps none).
    """
    current = role_rubric(candidacy.role)
    descriptions = {c.name: c.description for c in current}
    base = parse(my_review.rubric) if my_review else current
    return [replace(c, description=descriptions.get(c.name, "")) for c in base]


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
    _filterset, qs = filtered(request, call, QueryDict(list_query), call_roles(call))
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
        "decision_page": _decision_page(user, call, candidacy),
        "review_form": review_form,
        "my_review": my_review,
        "show_scores": show_scores,
        "other_reviews": [
            {"review": r, "rows": list(zip(parse(r.rubric), r.scores, strict=False))}
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
