"""Reads of calls and roles for the public pages. Each returns in a fixed number of queries."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Length, Substr
from django.utils import timezone
from wagtail.models import Page

from .deadlines import RoleState, next_state_change, role_state
from .models import CallPage, RolePage, TaskCategory
from .organisations import CONTACT_FIELDS
from .readings import normalise_query


@dataclass
class CallSummary:
    """A live call with its open roles counted and the nearest deadline among them."""

    call: CallPage
    open_roles: int = 0
    total_roles: int = 0
    next_deadline: datetime | None = None


@dataclass
class CategoryGroup:
    """The roles of one task category on a call page."""

    category: TaskCategory
    roles: list[RolePage] = field(default_factory=list)


#: What a link to a page and its title in either language need (with ``only()``; the rest stays in the database).
PAGE_LINK_FIELDS = ("id", "path", "depth", "url_path", "slug", "live", "content_type", "locale", "title", "title_en")

#: What a call's line in a list of calls needs (its link, title and organisation).
CALL_SUMMARY_FIELDS = (*PAGE_LINK_FIELDS, "organisation__name", "organisation__name_en")


#: What a role's page shows of its call: the breadcrumb, the contract, the apply link, the organisation.
ROLE_PAGE_CALL_FIELDS = (
    *PAGE_LINK_FIELDS,
    *("contract_form", "organisation__name", "organisation__name_en", "organisation__url"),
    # The footer shows the city's contact (portal/templates/base.html).
    *(f"organisation__{name}" for name in CONTACT_FIELDS),
)


def role_call(role: RolePage) -> CallPage:
    """The call ``role`` belongs to, with its organisation: one query the first time, then remembered on ``role``.

    Services and mail ask for a role's call several times in one action; the lookup is by path
    (the parent), so a role moved since it was loaded is looked up again.
    """
    parent_path = role.path[: -Page.steplen]
    call = role.__dict__.get("_kobo_call")
    if call is None or call.path != parent_path:
        call = CallPage.objects.select_related("organisation").get(path=parent_path)
        role.__dict__["_kobo_call"] = call
    return call


def role_page_call(role: RolePage) -> CallPage:
    """The call of ``role`` with what its page shows (1 query; :func:`role_call` loads every field)."""
    calls = CallPage.objects.select_related("organisation").only(*ROLE_PAGE_CALL_FIELDS)
    return calls.get(path=role.path[: -Page.steplen])


def open_call_summaries(*, now: datetime | None = None) -> list[CallSummary]:
    """Live calls that have at least one role open now, nearest deadline first (2 queries)."""
    now = now or timezone.now()
    calls = CallPage.objects.live().select_related("organisation").only(*CALL_SUMMARY_FIELDS)
    summaries = {call.path: CallSummary(call) for call in calls}
    for path, opens_at, closes_at in RolePage.objects.live().values_list("path", "opens_at", "closes_at"):
        summary = summaries.get(path[: -Page.steplen])
        if summary is None:
            continue  # a role of an unpublished call
        summary.total_roles += 1
        if role_state(
            role_live=True, call_live=True, opens_at=opens_at, closes_at=closes_at, now=now
        ).accepts_applications:
            summary.open_roles += 1
            if summary.next_deadline is None or closes_at < summary.next_deadline:
                summary.next_deadline = closes_at
    found = [s for s in summaries.values() if s.open_roles]
    return sorted(found, key=lambda s: s.next_deadline or now)  # an open role always sets it


@dataclass
class CallRoles:
    """A call page's roles: the groups to show and every category the call has (for its filter)."""

    groups: list[CategoryGroup]
    categories: list[TaskCategory]


#: What a role's card and state need: a call page loads only these (the rich text and rubric stay in the database).
ROLE_CARD_FIELDS = (
    *PAGE_LINK_FIELDS,
    *("opens_at", "closes_at", "headcount", "pay_text", "pay_text_en", "work_style", "category"),
    *("category__name", "category__name_en", "category__slug", "category__sort_order"),
)


def call_roles_by_category(
    call: CallPage, *, now: datetime | None = None, category: str = "", state: str = ""
) -> CallRoles:
    """The call's published roles grouped by category, filtered by category slug and state (1 query)."""
    now = now or timezone.now()
    roles = call.roles().only(*ROLE_CARD_FIELDS).order_by("category__sort_order", "closes_at", "path")
    categories: dict[int, TaskCategory] = {}
    groups: dict[int, CategoryGroup] = {}
    for role in roles:
        categories.setdefault(role.category_id, role.category)
        if category and role.category.slug != category:
            continue
        role_state = role.state(now)
        if state == "open" and not role_state.accepts_applications:
            continue
        if state in {s.value for s in RoleState} - {"open"} and role_state != state:
            continue
        role.current_state = role_state
        groups.setdefault(role.category_id, CategoryGroup(role.category)).roles.append(role)
    for group in groups.values():
        # Open roles first by deadline; closed ones stay readable at the end.
        group.roles.sort(key=lambda r: r.current_state == RoleState.CLOSED)
    return CallRoles(groups=list(groups.values()), categories=list(categories.values()))


def call_roles_preview(call: CallPage, *, now: datetime | None = None) -> CallRoles:
    """Every role of ``call`` as its latest revision would publish it, for the editor's preview only.

    A role that is not live, or has unpublished changes, is marked ``preview_draft`` (the page says
    "not yet published") and shows the state it would have once published with its call; the live
    page never calls this (``call_roles_by_category`` lists published roles only).
    """
    now = now or timezone.now()
    groups: dict[int, CategoryGroup] = {}
    categories: dict[int, TaskCategory] = {}
    for page in RolePage.objects.child_of(call).select_related("category").order_by("path"):
        role = page.get_latest_revision_as_object() if page.has_unpublished_changes else page
        role.preview_draft = not page.live or page.has_unpublished_changes
        role.call_live = True
        role.current_state = role_state(
            role_live=True, call_live=True, opens_at=role.opens_at, closes_at=role.closes_at, now=now
        )
        category = categories.setdefault(role.category_id, role.category)
        groups.setdefault(role.category_id, CategoryGroup(category)).roles.append(role)
    ordered = sorted(groups.values(), key=lambda g: (g.category.sort_order, g.category.name))
    for group in ordered:
        group.roles.sort(key=lambda r: (r.current_state == RoleState.CLOSED, r.closes_at))
    return CallRoles(groups=ordered, categories=[g.category for g in ordered])


def search_open_roles(
    *,
    q: str = "",
    category: str = "",
    work_style: str = "",
    pay_basis: str = "",
    order: str = "closing",
    now: datetime | None = None,
) -> QuerySet[RolePage]:
    """Open roles across all calls, filtered and searched (one query when iterated).

    Japanese has no spaces between words, so each term matches as a substring
    (SQL ``LIKE``) of the role's and its category's and call's text, and by its
    reading at the start of a word of the role's or its category's stored
    ``search_reading`` (どうが, douga and 動画 alike; ライン finds LINE, not
    オンライン); a kana-only term by its reading alone (``recruitment.readings``).
    Terms are AND-ed.
    """
    now = now or timezone.now()
    parent_path = Substr(OuterRef("path"), 1, Length(OuterRef("path")) - Page.steplen)
    call_titles = CallPage.objects.filter(path=parent_path)
    roles = (
        RolePage.objects.open_at(now)
        .select_related("category")
        .only(*ROLE_CARD_FIELDS)
        .annotate(call_title=Subquery(call_titles.values("title")[:1]))
        .annotate(call_title_en=Subquery(call_titles.values("title_en")[:1]))
    )
    if category:
        roles = roles.filter(category__slug=category)
    if work_style:
        roles = roles.filter(work_style=work_style)
    if pay_basis:
        roles = roles.filter(pay_basis=pay_basis)
    for term in normalise_query(q):
        match = Q()
        if term.text:
            match |= (
                Q(title__icontains=term.text)
                | Q(title_en__icontains=term.text)
                | Q(summary__icontains=term.text)
                | Q(duties__icontains=term.text)
                | Q(requirements__icontains=term.text)
                | Q(category__name__icontains=term.text)
                | Q(category__name_en__icontains=term.text)
                | Q(call_title__icontains=term.text)
            )
        for pattern in term.patterns:
            match |= Q(search_reading__contains=pattern) | Q(category__search_reading__contains=pattern)
        roles = roles.filter(match)
    ordering = {"closing": ["closes_at", "path"], "newest": ["-first_published_at", "path"]}
    return roles.order_by(*ordering.get(order, ordering["closing"]))


def next_role_state_change(*, now: datetime | None = None) -> datetime | None:
    """When the state of any role (live or not) next changes by the clock alone (1 query).

    ``None`` when every role has closed. The public page cache keeps no page past this instant.
    """
    now = now or timezone.now()
    changes = (
        next_state_change(opens_at=opens_at, closes_at=closes_at, now=now)
        for opens_at, closes_at in RolePage.objects.filter(closes_at__gt=now).values_list("opens_at", "closes_at")
    )
    return min((t for t in changes if t is not None), default=None)
