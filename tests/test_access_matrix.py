"""The access matrix, as data: every URL of the portal × every identity → the status it must answer.

City X has a call, a role, a candidacy with an attachment, a finished export and a
team; city Y has its own call and approver. Each row names a URL pattern, how to
build its address for city X's objects, and the status each identity gets:

* 200 the page, 302 a redirect (to the login for anonymous visitors; elsewhere noted),
* 403 Wagtail's refusal, 404 "does not exist for you", 405 wrong method, 400 bad input.

The test walks Django's URL conf and fails when a URL pattern of ours (our apps'
views, the team screens, our snippets and Wagtail's page actions on our pages) has
no row, so a new URL cannot ship without its line here. Requests are GETs (and a
POST of an unknown export kind), so no row changes what the next one sees.
Run with ``KOBO_MATRIX_PRINT=1`` to print the statuses as they are (to write a new row).
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import translation

from applications.models import Assignment, Attachment, OrganisationMember
from exports.models import ExportJob
from tests.applications.teams_world import two_cities

pytestmark = pytest.mark.django_db

IDENTITIES = ["anonymous", "editor_x", "approver_x", "approver_y", "official_x", "contractor_x", "contractor_none"]
OUR_APPS = ("portal.", "cms.", "recruitment.", "applications.", "exports.")
#: Wagtail's own URLs that concern our models or pages, so they belong in the table too.
OUR_NAMESPACES = (
    "organisation:",
    "organisationmember:",
    "assignment:",
    "wagtailsnippets_recruitment_taskcategory:",
    "wagtailsnippetchoosers_recruitment_taskcategory:",
)
PAGE_ACTIONS = ("wagtailadmin_pages:edit", "wagtailadmin_pages:unpublish", "wagtailadmin_pages:delete",
                "wagtailadmin_pages:copy")  # fmt: skip


@dataclass
class Row:
    name: str  # the URL pattern's name (namespaced); "page:<what>" for pages served by Wagtail
    url: Callable[[Any], str]
    expected: dict[str, int]
    method: str = "get"
    data: dict[str, str] = field(default_factory=dict)


def same(status: int) -> dict[str, int]:
    return dict.fromkeys(IDENTITIES, status)


def staff(*, anonymous: int = 302, **statuses: int) -> dict[str, int]:
    """Anonymous visitors are sent to the login; everyone else as given (``others`` for the rest)."""
    others = statuses.pop("others")
    return {"anonymous": anonymous, **{i: statuses.get(i, others) for i in IDENTITIES[1:]}}


# Who gets what, in words:
# - screening of city X: its approver and official and its assigned contractor; everyone else 404;
#   the audit log is for approvers only (the official and the contractor get 403).
# - team screens: model rights for approvers only (Wagtail answers others with its "no access"
#   redirect, 302); an approver of Y finds no row of X (404); cities are created only by superusers.
# - task categories: editors and approvers view them (inspect), nobody but superusers changes them.
# - city X's pages: its editor and approver edit; only its approver unpublishes; nobody of ours
#   deletes a live call (no delete right); copy needs the right to add in the city.
SCREENING_X = staff(approver_x=200, official_x=200, contractor_x=200, others=404)
TEAM_INDEX = staff(approver_x=200, approver_y=200, others=302)
TEAM_OBJECT_X = staff(approver_x=200, approver_y=404, others=302)
#: Delete, history and usage look the row up before Wagtail checks rights: no row for you is a 404.
TEAM_OBJECT_X_LOOKUP = staff(approver_x=200, others=404)
CATEGORY_VIEW = staff(editor_x=200, approver_x=200, approver_y=200, others=302)
SUPERUSER_ONLY = staff(others=302)


def _category_url(prefix: str, view: str) -> Callable[[Any], str]:
    with_pk = view not in ("list", "list_results", "add", "choose", "choose_results", "chosen_multiple", "create")
    name = f"{prefix}_recruitment_taskcategory:{view}"
    return lambda w: reverse(name, args=[w.category_x.pk] if with_pk else [])


ROWS: list[Row] = [
    # --- public pages, machine endpoints ---
    Row("healthz", lambda w: reverse("healthz"), same(200)),
    Row("sitemap", lambda w: reverse("sitemap"), same(200)),
    Row("recruitment:roles_feed", lambda w: reverse("recruitment:roles_feed"), same(200)),
    Row("page:home", lambda w: "/", same(200)),
    Row("page:call index", lambda w: "/calls/", same(200)),
    Row("page:call index (en)", lambda w: "/en/calls/", same(200)),
    Row("page:city folder", lambda w: w.org_x.city_page.url, same(302)),
    Row("page:call", lambda w: w.call_x.url, same(200)),
    Row("page:role", lambda w: w.role_x.url, same(200)),
    # --- the application wizard (public; tokens and references that do not exist answer 404) ---
    Row("applications:apply", lambda w: reverse("applications:apply", args=[w.call_x.pk]), same(302)),
    Row(
        "applications:apply_step", lambda w: reverse("applications:apply_step", args=[w.call_x.pk, "roles"]), same(200)
    ),
    Row("applications:postcode", lambda w: reverse("applications:postcode") + "?code=6508570", same(200)),
    Row("applications:save_draft", lambda w: reverse("applications:save_draft", args=[w.call_x.pk]), same(302)),
    Row("applications:resume", lambda w: reverse("applications:resume", args=["not-a-token"]), same(404)),
    Row("applications:receipt", lambda w: reverse("applications:receipt", args=["XCTY-NOPE00"]), same(404)),
    Row("applications:manage", lambda w: reverse("applications:manage", args=["not-a-token"]), same(404)),
    # --- screening (admin) ---
    Row("screening_calls", lambda w: reverse("screening_calls"), staff(editor_x=403, others=200)),
    Row("screening_dashboard", lambda w: reverse("screening_dashboard", args=[w.call_x.pk]), SCREENING_X),
    Row("screening_candidacies", lambda w: reverse("screening_candidacies", args=[w.call_x.pk]), SCREENING_X),
    Row(
        "screening_audit",
        lambda w: reverse("screening_audit", args=[w.call_x.pk]),
        staff(approver_x=200, official_x=403, contractor_x=403, others=404),
    ),
    Row("screening_candidacy", lambda w: reverse("screening_candidacy", args=[w.candidacy_x.pk]), SCREENING_X),
    Row("screening_attachment", lambda w: reverse("screening_attachment", args=[w.attachment_x.pk]), SCREENING_X),
    # --- statistics (admin: counts only, the call's screeners; public: only once the city publishes results) ---
    Row("call_statistics", lambda w: reverse("call_statistics", args=[w.call_x.pk]), SCREENING_X),
    Row("call_statistics_press_csv", lambda w: reverse("call_statistics_press_csv", args=[w.call_x.pk]), SCREENING_X),
    Row("call_results", lambda w: reverse("call_results", args=[w.org_x.slug, w.call_x.slug]), same(404)),
    Row("call_results_json", lambda w: reverse("call_results_json", args=[w.org_x.slug, w.call_x.slug]), same(404)),
    Row("call_results_csv", lambda w: reverse("call_results_csv", args=[w.org_x.slug, w.call_x.slug]), same(404)),
    # --- exports ---
    Row(
        "exports_request",
        lambda w: reverse("exports_request", args=[w.call_x.pk]),
        staff(approver_x=400, official_x=400, contractor_x=400, others=404),
        method="post",
        data={"kind": "nope"},
    ),
    Row("exports_status", lambda w: reverse("exports_status", args=[w.job_x.pk]), SCREENING_X),
    Row("exports_status_json", lambda w: reverse("exports_status_json", args=[w.job_x.pk]), SCREENING_X),
    Row("exports_download", lambda w: reverse("exports_download", args=[w.job_x.pk]), SCREENING_X),
    # --- teams: organisations ---
    Row("organisation:index", lambda w: reverse("organisation:index"), TEAM_INDEX),
    Row("organisation:index_results", lambda w: reverse("organisation:index_results"), TEAM_INDEX),
    Row("organisation:add", lambda w: reverse("organisation:add"), SUPERUSER_ONLY),
    Row("organisation:edit", lambda w: reverse("organisation:edit", args=[w.org_x.pk]), TEAM_OBJECT_X),
    Row("organisation:delete", lambda w: reverse("organisation:delete", args=[w.org_x.pk]), SUPERUSER_ONLY),
    Row("organisation:history", lambda w: reverse("organisation:history", args=[w.org_x.pk]), TEAM_OBJECT_X_LOOKUP),
    Row(
        "organisation:history_results",
        lambda w: reverse("organisation:history_results", args=[w.org_x.pk]),
        TEAM_OBJECT_X_LOOKUP,
    ),
    Row("organisation:usage", lambda w: reverse("organisation:usage", args=[w.org_x.pk]), TEAM_OBJECT_X_LOOKUP),
    # --- teams: members ---
    Row("organisationmember:index", lambda w: reverse("organisationmember:index"), TEAM_INDEX),
    Row("organisationmember:index_results", lambda w: reverse("organisationmember:index_results"), TEAM_INDEX),
    Row("organisationmember:add", lambda w: reverse("organisationmember:add"), TEAM_INDEX),
    Row("organisationmember:edit", lambda w: reverse("organisationmember:edit", args=[w.member_x.pk]), TEAM_OBJECT_X),
    Row(
        "organisationmember:delete",
        lambda w: reverse("organisationmember:delete", args=[w.member_x.pk]),
        TEAM_OBJECT_X_LOOKUP,
    ),
    Row(
        "organisationmember:history",
        lambda w: reverse("organisationmember:history", args=[w.member_x.pk]),
        TEAM_OBJECT_X_LOOKUP,
    ),
    Row(
        "organisationmember:history_results",
        lambda w: reverse("organisationmember:history_results", args=[w.member_x.pk]),
        TEAM_OBJECT_X_LOOKUP,
    ),
    Row(
        "organisationmember:usage",
        lambda w: reverse("organisationmember:usage", args=[w.member_x.pk]),
        TEAM_OBJECT_X_LOOKUP,
    ),
    # --- teams: assignments ---
    Row("assignment:index", lambda w: reverse("assignment:index"), TEAM_INDEX),
    Row("assignment:index_results", lambda w: reverse("assignment:index_results"), TEAM_INDEX),
    Row("assignment:add", lambda w: reverse("assignment:add"), TEAM_INDEX),
    Row("assignment:edit", lambda w: reverse("assignment:edit", args=[w.assignment_x.pk]), TEAM_OBJECT_X),
    Row("assignment:delete", lambda w: reverse("assignment:delete", args=[w.assignment_x.pk]), TEAM_OBJECT_X_LOOKUP),
    Row("assignment:history", lambda w: reverse("assignment:history", args=[w.assignment_x.pk]), TEAM_OBJECT_X_LOOKUP),
    Row(
        "assignment:history_results",
        lambda w: reverse("assignment:history_results", args=[w.assignment_x.pk]),
        TEAM_OBJECT_X_LOOKUP,
    ),
    Row("assignment:usage", lambda w: reverse("assignment:usage", args=[w.assignment_x.pk]), TEAM_OBJECT_X_LOOKUP),
    # --- task categories (snippets and their chooser) ---
    *[
        Row(f"wagtailsnippets_recruitment_taskcategory:{view}", _category_url("wagtailsnippets", view), expected)
        for view, expected in [
            ("list", CATEGORY_VIEW),
            ("list_results", CATEGORY_VIEW),
            ("inspect", CATEGORY_VIEW),
            ("add", SUPERUSER_ONLY),
            ("edit", SUPERUSER_ONLY),
            ("copy", SUPERUSER_ONLY),
            ("delete", SUPERUSER_ONLY),
            ("usage", SUPERUSER_ONLY),
            ("history", SUPERUSER_ONLY),
            ("history_results", SUPERUSER_ONLY),
        ]
    ],
    *[
        Row(
            f"wagtailsnippetchoosers_recruitment_taskcategory:{view}",
            _category_url("wagtailsnippetchoosers", view),
            expected,
        )
        for view, expected in [
            # The chooser lists categories (not personal data) to anyone in the admin, as Wagtail does.
            ("choose", staff(others=200)),
            ("choose_results", staff(others=200)),
            ("chosen", staff(others=200)),
            ("chosen_multiple", staff(others=200)),
            ("create", staff(others=302)),
        ]
    ],
    # --- Wagtail's page actions on city X's call ---
    Row(
        "wagtailadmin_pages:edit",
        lambda w: reverse("wagtailadmin_pages:edit", args=[w.call_x.pk]),
        staff(editor_x=200, approver_x=200, others=302),
    ),
    Row(
        "wagtailadmin_pages:unpublish",
        lambda w: reverse("wagtailadmin_pages:unpublish", args=[w.call_x.pk]),
        staff(approver_x=200, others=302),
    ),
    Row(
        "wagtailadmin_pages:delete",
        lambda w: reverse("wagtailadmin_pages:delete", args=[w.call_x.pk]),
        staff(others=302),
    ),
    Row(
        "wagtailadmin_pages:copy",
        lambda w: reverse("wagtailadmin_pages:copy", args=[w.call_x.pk]),
        staff(editor_x=200, approver_x=200, others=302),
    ),
]


def _origin(callback: Any) -> str:
    """The module of the view behind ``callback``, looking through decorators and class-based views."""
    for _ in range(6):
        if hasattr(callback, "view_class"):
            return callback.view_class.__module__
        inner = getattr(callback, "__wrapped__", None)
        if inner is None:
            cells = [c.cell_contents for c in (getattr(callback, "__closure__", None) or ()) if _has(c)]
            inner = next((c for c in cells if callable(c) and hasattr(c, "__module__")), None)
        if inner is None:
            break
        callback = inner
    return getattr(callback, "__module__", "")


def _has(cell: Any) -> bool:
    try:
        cell.cell_contents  # noqa: B018
    except ValueError:
        return False
    return True


def _patterns(resolver: URLResolver, namespace: str = "") -> list[tuple[str, Any]]:
    found = []
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            found += _patterns(pattern, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            found.append((f"{namespace}{pattern.name}", pattern.callback))
    return found


def our_url_names() -> set[str]:
    """Every named URL pattern of ours in the URL conf (Wagtail's own internals left out)."""
    names = set()
    for name, callback in _patterns(get_resolver()):
        if _origin(callback).startswith(OUR_APPS) or name.startswith(OUR_NAMESPACES) or name in PAGE_ACTIONS:
            names.add(name)
    return names


def test_every_url_of_ours_has_a_row():
    covered = {row.name for row in ROWS}
    missing = our_url_names() - covered
    assert not missing, f"URL patterns with no row in the access matrix: {sorted(missing)}"
    assert {"screening_calls", "exports_download", "assignment:add", "applications:apply_step"} <= our_url_names()


@pytest.fixture
def world(site_content, settings):
    settings.RATELIMIT_ENABLE = False
    cities = two_cities()
    pdf = b"%PDF-1.4\n%%EOF\n"
    attachment = Attachment(
        application=cities.candidacy_x.application, original_name="portfolio.pdf", content_type="application/pdf",
        size=len(pdf), sha256="0" * 64,
    )  # fmt: skip
    attachment.file.save(f"{uuid.uuid4().hex}.pdf", ContentFile(pdf), save=False)
    attachment.save()
    job = ExportJob.objects.create(
        kind=ExportJob.Kind.CSV, call=cities.call_x, requested_by=cities.users["contractor_x"],
        status=ExportJob.Status.DONE, progress=100,
    )  # fmt: skip
    job.file.save(f"matrix-{job.pk}.csv", ContentFile(b"a,b\n"), save=True)
    cities.attachment_x = attachment
    cities.job_x = job
    cities.member_x = OrganisationMember.objects.get(user=cities.users["official_x"])
    cities.assignment_x = Assignment.objects.get(user=cities.users["contractor_x"])
    cities.category_x = cities.role_x.category
    yield cities
    attachment.file.delete(save=False)
    job.file.delete(save=False)


def test_access_matrix(client, world):
    with translation.override("ja"):
        expected = {f"{row.name} {row.method.upper()} {row.url(world)}": row.expected for row in ROWS}
        requests = [(key, row, key.split(" ")[-1]) for key, row in zip(expected, ROWS, strict=True)]
    actual: dict[str, dict[str, int]] = {}
    for identity in IDENTITIES:
        client.logout()
        if identity != "anonymous":
            client.force_login(world.users[identity])
        for key, row, url in requests:
            response = getattr(client, row.method)(url, row.data)
            actual.setdefault(key, {})[identity] = response.status_code
    if os.environ.get("KOBO_MATRIX_PRINT"):
        for key, statuses in actual.items():
            print("MATRIX", key, statuses)
    wrong = {
        key: {i: f"{actual[key][i]} (expected {want[i]})" for i in IDENTITIES if actual[key][i] != want[i]}
        for key, want in expected.items()
    }
    wrong = {key: cells for key, cells in wrong.items() if cells}
    assert not wrong, "\n".join(f"{key}: {cells}" for key, cells in wrong.items())
