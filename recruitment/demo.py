"""Demo content: the City of Kobe's 2020 call for PR side-job professionals, and a smaller call.

The content is data, in ``recruitment/fixtures/``: ``site.json`` (the call index, the
organisations and the ten task categories with their rubrics), ``kobe-2020.json`` and
``miki.json`` (one call and its roles each). This module reads them and builds the pages
through the same code paths as always (``add_child``, ``save_revision().publish()``,
``cities.city_ensure``). Run by ``load_kobe_demo`` (``make run``) and by tests.
Idempotent: organisations and task categories are found by slug, pages by slug under
their parent, and updated in place; a page gets a new published revision only when its
content changed.

The Kobe facts come from public news reports (``shared/reference/kobe-2020.md``, beside the
checkout); each role's ``notes`` in the fixture say which of its values were reported and
which are demo values (as the call page says too).

The original call opened on 2020-09-24 with deadlines about a month later. A fixture with a
``demo_today`` has its dates in that year: they keep their spacing but all move by the same
number of days, so that ``demo_today`` (2020-10-03 for Kobe) becomes the day the loader runs.
A role may instead give ``days_after``: its deadline is that many days after the loader's day.
"""

from __future__ import annotations

import copy
import json
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from django.utils import timezone
from wagtail.fields import StreamField
from wagtail.models import Page

from cms.content import ensure_site_content
from cms.models import HomePage

from .cities import city_ensure
from .deadlines import extension_refusal
from .models import CallIndexPage, CallPage, CityPage, Organisation, RolePage, TaskCategory

JST = ZoneInfo("Asia/Tokyo")
DEADLINE_TIME = time(23, 59)
FIXTURES = Path(__file__).resolve().parent / "fixtures"


def _stream(items: list[dict[str, Any]]) -> list[tuple[str, Any]]:
    """A fixture's ``[{"type": ..., "value": ...}]`` as the (type, value) pairs a StreamField takes."""
    return [(item["type"], item["value"]) for item in items]


def _day(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def read_fixture(name: str) -> dict[str, Any]:
    """One demo fixture file, with its streams as (type, value) pairs and its dates as dates.

    ``about`` and a role's ``notes`` are for the reader of the file; nothing loads them.
    """
    data = json.loads((FIXTURES / name).read_text(encoding="utf-8"))
    for spec in data.get("categories", []):
        spec["rubric"] = _stream(spec["rubric"])
    if "call" in data:
        call = data["call"]
        call["body"] = _stream(call["body"])
        call["body_en"] = _stream(call.get("body_en", []))
        for step in call["timeline"]:
            step["starts_on"], step["ends_on"] = _day(step["starts_on"]), _day(step["ends_on"])
        for role in data["roles"]:
            if "deadline" in role:
                role["deadline"] = _day(role["deadline"])
        data["demo_today"], data["opened"] = _day(data.get("demo_today")), _day(data.get("opened"))
    return data


SITE = read_fixture("site.json")
CALL_INDEX: dict[str, str] = SITE["call_index"]
ORGANISATIONS: list[dict[str, str]] = SITE["organisations"]
#: The ten task categories of the 2020 call, in its order, with their default rubrics.
CATEGORIES: list[dict[str, Any]] = SITE["categories"]
#: The demo calls, Kobe first: each has its organisation's slug, the call, its roles and maybe ``demo_today``.
DEMO_CALLS: list[dict[str, Any]] = [read_fixture("kobe-2020.json"), read_fixture("miki.json")]
KOBE_CALL: dict[str, Any] = DEMO_CALLS[0]["call"]
MIKI_CALL: dict[str, Any] = DEMO_CALLS[1]["call"]

CALL_FIELDS = (
    "title",
    "title_en",
    "department",
    "summary",
    "summary_en",
    "body",
    "eligibility",
    "online_work",
    "contract_form",
    "pay_summary",
    "term_summary",
    "selection_process",
    "contact",
    "contact_email",
    "personal_data_notice",
    "blind_review",
    "shortlist_factor",
)
#: The English versions a fixture may give (empty when it does not: the English site then falls back).
CALL_ENGLISH_FIELDS = (
    "department_en",
    "body_en",
    "eligibility_en",
    "contract_form_en",
    "pay_summary_en",
    "term_summary_en",
    "selection_process_en",
    "contact_en",
    "personal_data_notice_en",
)
ROLE_FIELDS = (
    "title",
    "title_en",
    "headcount",
    "summary",
    "summary_en",
    "duties",
    "deliverables",
    "requirements",
    "hours_min",
    "hours_max",
    "work_style",
    "term",
    "pay_text",
    "pay_min",
    "pay_max",
    "pay_basis",
)
ROLE_ENGLISH_FIELDS = ("duties_en", "deliverables_en", "requirements_en", "term_en", "pay_text_en")

# Page data that changes on every save and says nothing about the content.
_VOLATILE = {
    "latest_revision",
    "latest_revision_created_at",
    "live_revision",
    "last_published_at",
    "first_published_at",
    "has_unpublished_changes",
    "draft_title",
    "url_path",
}


def _deadline(day: date) -> datetime:
    """23:59 Japan time on ``day``."""
    return datetime.combine(day, DEADLINE_TIME, tzinfo=JST)


def _without_ids(data: Any) -> Any:
    """``data`` with StreamField block ids removed, which are new each time a stream is assigned."""
    if isinstance(data, dict):
        return {key: _without_ids(value) for key, value in data.items() if key != "id"}
    if isinstance(data, list):
        return [_without_ids(item) for item in data]
    return data


def _content(page: Page) -> Any:
    """What a revision of ``page`` would hold, minus bookkeeping, for telling whether it changed."""
    data = {key: value for key, value in page.serializable_data().items() if key not in _VOLATILE}
    for field in page._meta.concrete_fields:
        if isinstance(field, StreamField) and isinstance(data.get(field.name), str):
            data[field.name] = json.loads(data[field.name])  # streams are serialised as JSON text
    return _without_ids(data)


def _save_page(parent: Page, page: Page, fields: dict[str, Any]) -> Page:
    """Create ``page`` under ``parent`` or update it with ``fields``; publish when new or changed.

    ``page`` is either an existing page (found by slug) or an unsaved instance.
    """
    if page.pk is None:
        for name, value in fields.items():
            setattr(page, name, value)
        page = parent.add_child(instance=page)
        page.save_revision().publish()
        return page
    before = _content(page)
    for name, value in fields.items():
        setattr(page, name, value)
    if _content(page) != before or not page.live:
        page.save_revision().publish()
    return page


def ensure_organisation(spec: dict[str, str]) -> Organisation:
    """Create or update the organisation of ``spec``, found by slug (or by its unique name)."""
    organisation = (
        Organisation.objects.filter(slug=spec["slug"]).first()
        or Organisation.objects.filter(name=spec["name"]).first()
        or Organisation()
    )
    for name, value in spec.items():
        setattr(organisation, name, value)
    organisation.save()
    return organisation


def ensure_categories() -> dict[str, TaskCategory]:
    """Create or update the ten task categories of the 2020 call, keyed by slug."""
    categories = {}
    for order, spec in enumerate(CATEGORIES, start=1):
        category = (
            TaskCategory.objects.filter(slug=spec["slug"]).first()
            or TaskCategory.objects.filter(name=spec["name"]).first()
            or TaskCategory()
        )
        for name, value in spec.items():
            setattr(category, name, value)
        category.sort_order = order
        category.save()
        categories[spec["slug"]] = category
    return categories


def ensure_call_index(home: HomePage) -> CallIndexPage:
    """Create or update the site's one call index under the home page."""
    index = (
        CallIndexPage.objects.child_of(home).filter(slug=CALL_INDEX["slug"]).first()
        or CallIndexPage.objects.child_of(home).first()
        or CallIndexPage()
    )
    return _save_page(home, index, CALL_INDEX)


def ensure_call(
    city: CityPage,
    organisation: Organisation,
    fixture: dict[str, Any],
    categories: dict[str, TaskCategory],
    *,
    now: datetime,
) -> CallPage:
    """Create or update the call of ``fixture`` (see :func:`read_fixture`) and its roles.

    A role's deadline is its ``deadline`` moved by the fixture's shift (``demo_today`` onto
    ``now``'s day), or ``days_after`` days after ``now``'s day; 23:59 Japan time in both cases.
    Roles with dates open on the fixture's ``opened`` day (moved likewise).
    """
    spec = fixture["call"]
    today = now.astimezone(JST).date()
    shift = today - fixture["demo_today"] if fixture["demo_today"] else timedelta(0)
    call = CallPage.objects.child_of(city).filter(slug=spec["slug"]).first() or CallPage(slug=spec["slug"])
    fields = {name: spec[name] for name in CALL_FIELDS}
    fields |= {name: spec.get(name, []) if name == "body_en" else spec.get(name, "") for name in CALL_ENGLISH_FIELDS}
    fields["organisation"] = organisation
    fields["timeline"] = [
        (
            "step",
            {
                "label": step["label"],
                "label_en": step["label_en"],
                "starts_on": step["starts_on"] + shift,
                "ends_on": step["ends_on"] + shift if step["ends_on"] else None,
            },
        )
        for step in spec["timeline"]
    ]
    call = _save_page(city, call, fields)

    for role_spec in fixture["roles"]:
        category = categories[role_spec["category"]]
        if "deadline" in role_spec:
            closes_at = _deadline(role_spec["deadline"] + shift)
            opens_at = datetime.combine(fixture["opened"] + shift, time(0, 0), tzinfo=JST)
        else:
            closes_at = _deadline(today + timedelta(days=role_spec["days_after"]))
            opens_at = None
        slug = category.slug
        role = RolePage.objects.child_of(call).filter(slug=slug).first() or RolePage(slug=slug)
        fields = {name: role_spec[name] for name in ROLE_FIELDS}
        fields |= {name: role_spec.get(name, "") for name in ROLE_ENGLISH_FIELDS}
        fields.update(category=category, opens_at=opens_at, closes_at=closes_at, rubric=category.rubric.raw_data)
        if role.pk is not None:
            moved = copy.copy(role)
            moved.opens_at, moved.closes_at = opens_at, closes_at
            if extension_refusal(moved):  # its shortlist is with the city: reloading keeps its dates
                fields.update(opens_at=role.opens_at, closes_at=role.closes_at)
        _save_page(call, role, fields)
    return call


def ensure_kobe_demo(*, now: datetime | None = None) -> CallPage:
    """Create or update the Kobe 2020 demo call and the smaller Miki call; return the Kobe call.

    Also makes sure the site content (home page), the call index and each city (its folder
    of calls, groups and workflow: ``recruitment.cities``) exist. ``now`` (default:
    the current time) decides where the deadlines fall: one Kobe role closed, one closing
    within 72 hours, the others 5 to 22 days ahead.
    """
    now = now or timezone.now()
    home = ensure_site_content()
    ensure_call_index(home)
    organisations = {spec["slug"]: ensure_organisation(spec) for spec in ORGANISATIONS}
    cities = {slug: city_ensure(organisation=organisation) for slug, organisation in organisations.items()}
    categories = ensure_categories()
    calls = []
    for fixture in DEMO_CALLS:
        slug = fixture["organisation"]
        calls.append(ensure_call(cities[slug], organisations[slug], fixture, categories, now=now))
    return calls[0]


def demo_calls() -> list[CallPage]:
    """The demo calls as loaded, Kobe first (those that exist)."""
    slugs = [fixture["call"]["slug"] for fixture in DEMO_CALLS]
    calls = {call.slug: call for call in CallPage.objects.filter(slug__in=slugs)}
    return [calls[slug] for slug in slugs if slug in calls]
