"""The access matrix, as data: every URL of the portal × every identity → the answer it must give.

City X (Kobe) and city Y (Miki) each have a call, roles in every selection state, a
candidacy with an attachment, a finished export and a team. Each row names a URL pattern,
how to build its address, and the answer each identity gets:

* 200 the page, 302 a redirect (to the login for anonymous visitors; elsewhere noted),
* 403 a refusal, 404 "does not exist for you", 405 wrong method, 400 bad input;
* for the screening POSTs that change something: "done" (the change is there), "refused"
  (the page answered with a message and nothing changed), "404", or "login".

The screening and export rows are not written by hand: they are generated from
:data:`POWERS`, the table of what each identity may do on each city's call (issue 18:
authority per city). The test walks Django's URL conf and fails when a URL pattern of
ours has no row, so a new URL cannot ship without its line here. Each POST runs in a
transaction rolled back afterwards, so no row changes what the next one sees.
Run with ``KOBO_MATRIX_PRINT=1`` to print the answers as they are (to write a new row).
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.db import transaction
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone, translation

from applications.models import (
    Assignment,
    Attachment,
    Candidacy,
    CandidacyMessage,
    FinalDecision,
    InterviewInvitation,
    InterviewRound,
    OrganisationMember,
    Review,
    Scorecard,
    ScreeningOutcome,
    Shortlist,
)
from applications.teams.authority import Power
from exports.models import ExportJob
from tests.applications.factories import candidacy
from tests.applications.teams_world import RUBRIC, two_cities
from tests.recruitment import factories as f

pytestmark = pytest.mark.django_db

IDENTITIES = [
    "anonymous",
    "superuser",
    "editor_x",
    "approver_x",
    "official_x",
    "contractor_x",
    "contractor_none",
    "approver_y",
    "approver_y_official_x",  # Miki's approver whom Kobe made an official
    "contractor_y_member_x",  # Miki's contractor whom Kobe made an approver
]
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
    expected: dict[str, int | str]
    method: str = "get"
    data: dict[str, str] | Callable[[Any], dict[str, str]] = field(default_factory=dict)
    #: For a POST that changes something: did the change happen (world, user)? Answers become "done"/"refused".
    effect: Callable[[Any, Any], bool] | None = None


def same(status: int) -> dict[str, int]:
    return dict.fromkeys(IDENTITIES, status)


def staff(*, anonymous: int = 302, **statuses: int) -> dict[str, int]:
    """Anonymous visitors are sent to the login; everyone else as given (``others`` for the rest)."""
    others = statuses.pop("others")
    return {"anonymous": anonymous, **{i: statuses.get(i, others) for i in IDENTITIES[1:]}}


# --- the table of powers: what each identity may do on each city's call -------------------------

P = Power
APPROVER = {P.VIEW, P.APPROVE, P.DECIDE, P.AUDIT, P.EXPORT, P.INTERVIEW, P.READ_INTERVIEWS, P.MESSAGE}
OFFICIAL = {P.VIEW, P.EXPORT, P.READ_INTERVIEWS}
CONTRACTOR = {P.VIEW, P.REVIEW, P.SHORTLIST, P.SUBMIT, P.EXPORT, P.MESSAGE}
#: identity → city → powers on that city's call. Site-wide groups give none of these: only a
#: membership of the call's city or a running assignment to the call does (a superuser: all).
#: Y's contractor is an approver of X: on Y it is a contractor, and nothing more.
POWERS: dict[str, dict[str, set[Power]]] = {
    "anonymous": {},
    "superuser": {"x": set(Power), "y": set(Power)},
    "editor_x": {"x": set()},
    "approver_x": {"x": APPROVER},
    "official_x": {"x": OFFICIAL},
    "contractor_x": {"x": CONTRACTOR},
    "contractor_none": {},
    "approver_y": {"y": APPROVER},
    "approver_y_official_x": {"x": OFFICIAL, "y": APPROVER},
    "contractor_y_member_x": {"x": APPROVER, "y": CONTRACTOR},
}
#: Who requested each city's finished export (a reviewer gets no one else's file: it may hold scores).
REQUESTER = {"x": "contractor_x", "y": "contractor_y_member_x"}


def _held(identity: str, city: str) -> set[Power]:
    return POWERS[identity].get(city, set())


def screen(city: str, power: Power, *, allowed: int = 200) -> dict[str, int | str]:
    """A page of ``city``'s screening: 404 without the power to view, 403 without ``power``."""

    def answer(identity: str) -> int:
        held = _held(identity, city)
        if P.VIEW not in held:
            return 404
        return allowed if power in held else 403

    return {"anonymous": 302, **{i: answer(i) for i in IDENTITIES[1:]}}


def export_file(city: str) -> dict[str, int | str]:
    """A finished export of ``city``: for those who may export, except a reviewer who did not request it."""

    def answer(identity: str) -> int:
        held = _held(identity, city)
        if P.EXPORT not in held:
            return 404
        return 404 if P.REVIEW in held and identity != REQUESTER[city] else 200

    return {"anonymous": 302, **{i: answer(i) for i in IDENTITIES[1:]}}


def act(city: str, power: Power) -> dict[str, int | str]:
    """A POST that changes ``city``'s screening: done with ``power``, refused without it, 404 outside."""

    def answer(identity: str) -> str:
        held = _held(identity, city)
        if P.VIEW not in held:
            return "404"
        return "done" if power in held else "refused"

    return {"anonymous": "login", **{i: answer(i) for i in IDENTITIES[1:]}}


def never(city: str) -> dict[str, int | str]:
    """A POST that nobody may make: refused for whoever sees ``city``'s screening, 404 outside."""
    return {"anonymous": "login", **{i: "refused" if P.VIEW in _held(i, city) else "404" for i in IDENTITIES[1:]}}


def any_call() -> dict[str, int | str]:
    """The list of one's calls: for anyone with a call to view in some city, 403 for the rest."""
    return {
        "anonymous": 302,
        **{i: 200 if any(P.VIEW in held for held in POWERS[i].values()) else 403 for i in IDENTITIES[1:]},
    }


#: Who sits on each city's interview panel (issue 20): Y's panel has its contractor, X's an official.
PANEL = {"x": {"official_x"}, "y": {"contractor_y_member_x"}}


def interview_stage(city: str) -> dict[str, int | str]:
    """A page of ``city``'s interview stage: 404 without the power to view, 403 unless the city's or on the panel."""

    def answer(identity: str) -> int:
        held = _held(identity, city)
        if P.VIEW not in held:
            return 404
        return 200 if P.READ_INTERVIEWS in held or identity in PANEL[city] else 403

    return {"anonymous": 302, **{i: answer(i) for i in IDENTITIES[1:]}}


def panel_act(city: str) -> dict[str, int | str]:
    """A panel member's POST (a scorecard): done on the panel, refused for the city's readers, 403 or 404 outside."""
    page = interview_stage(city)
    return {
        "anonymous": "login",
        **{i: "done" if i in PANEL[city] else ("refused" if page[i] == 200 else str(page[i])) for i in IDENTITIES[1:]},
    }


def decide_page_act(city: str) -> dict[str, int | str]:
    """A POST of the approver's decision page: done with the power to decide, 403 without, 404 outside."""
    page = screen(city, P.DECIDE)
    return {"anonymous": "login", **{i: "done" if page[i] == 200 else str(page[i]) for i in IDENTITIES[1:]}}


def _status(to: str, reason: str) -> Callable[[Any], Callable[[Candidacy], dict[str, str]]]:
    return lambda person: {"action": "status", "to": to, "version": str(person.version), "reason": reason}


def _shortlist_status(world: Any, city: str, state: str) -> str:
    return Shortlist.objects.get(role=world.selection[city][state]).status


def screening_rows(city: str) -> list[Row]:
    """Every screening and export URL of ``city``'s call, and every POST that changes its selection."""
    S = Candidacy.Status

    def c(w: Any) -> Any:
        return w.call_x if city == "x" else w.call_y

    def person(w: Any) -> Any:
        return w.candidacy_x if city == "x" else w.candidacy_y

    def decided(w: Any) -> Any:
        return w.selection[city]["approved_person"]

    def dashboard(w: Any) -> str:
        return reverse("screening_dashboard", args=[c(w).pk])

    def get(name: str, pk: Callable[[Any], Any], expected: dict) -> Row:
        """A GET of the page ``name`` for the object whose key ``pk(world)`` gives."""
        return Row(name, lambda w: reverse(name, args=[pk(w)]), expected)

    def status_post(fragment: str, who: Callable[[Any], Candidacy], to: str, reason: str, expected: dict) -> Row:
        """The status form of ``who``'s candidacy page: done when the candidacy's status became ``to``."""
        return Row(
            "screening_candidacy",
            lambda w: reverse("screening_candidacy", args=[who(w).pk]) + fragment,
            expected,
            method="post",
            data=lambda w: _status(to, reason)(who(w)),
            effect=lambda w, u: Candidacy.objects.get(pk=who(w).pk).status == to,
        )

    def dashboard_post(action: str, state: str, power: Power, becomes: str, **fields: str) -> Row:
        """The dashboard's ``action`` on the role whose shortlist is ``state``: done when it became ``becomes``."""
        return Row(
            "screening_dashboard",
            lambda w: dashboard(w) + f"#{action}",
            act(city, power),
            method="post",
            data=lambda w: {"action": action, "role": str(w.selection[city][state].pk), **fields},
            effect=lambda w, u: _shortlist_status(w, city, state) == becomes,
        )

    return [
        Row("screening_dashboard", dashboard, screen(city, P.VIEW)),
        get("screening_candidacies", lambda w: c(w).pk, screen(city, P.VIEW)),
        get("screening_audit", lambda w: c(w).pk, screen(city, P.AUDIT)),
        # One role's interviews: shown to those who may view the call (names only to the panel and the city).
        get("interview_round", lambda w: (w.role_x if city == "x" else w.role_y).pk, screen(city, P.VIEW)),
        get("screening_candidacy", lambda w: person(w).pk, screen(city, P.VIEW)),
        get("screening_attachment", lambda w: w.attachments[city].pk, screen(city, P.VIEW)),
        get("screening_erasure", lambda w: person(w).application_id, screen(city, P.DECIDE)),
        get("messaging_answer_file", lambda w: w.answers[city].pk, screen(city, P.VIEW)),
        get("messaging_send", lambda w: person(w).pk, staff(others=405)),
        get("exports_status", lambda w: w.jobs[city].pk, export_file(city)),
        get("exports_status_json", lambda w: w.jobs[city].pk, export_file(city)),
        get("exports_download", lambda w: w.jobs[city].pk, export_file(city)),
        Row(
            "exports_request",
            lambda w: reverse("exports_request", args=[c(w).pk]),
            screen(city, P.EXPORT, allowed=400),
            method="post",
            data={"kind": "nope"},
        ),
        # --- POSTs that change the selection ---
        Row(
            "exports_request",
            lambda w: reverse("exports_request", args=[c(w).pk]) + "#csv",
            act(city, P.EXPORT),
            method="post",
            data={"kind": "csv"},
            effect=lambda w, u: ExportJob.objects.filter(call=c(w), requested_by=u, status="queued").exists(),
        ),
        Row(
            "screening_candidacy",
            lambda w: reverse("screening_candidacy", args=[person(w).pk]) + "#review",
            act(city, P.REVIEW),
            method="post",
            data={"action": "review", "score_0": "4", "recommendation": "yes", "comment": "良い"},
            effect=lambda w, u: Review.objects.filter(candidacy=person(w), reviewer=u).exists(),
        ),
        status_post("#status", person, S.IN_REVIEW, "確認", act(city, P.SHORTLIST)),
        # A final decision is never a bare status move: refused on the candidacy page for everyone, even the
        # approver; the decision page records it with a reason from the list.
        status_post("#decide", decided, S.SELECTED, "採用", never(city)),
        Row(
            "interviews_decisions",
            lambda w: reverse("interviews_decisions", args=[decided(w).role_id]) + "#decide",
            decide_page_act(city),
            method="post",
            data=lambda w: {
                "action": "decide",
                "candidacy": str(decided(w).pk),
                "outcome": S.SELECTED,
                "reason": "strong_fit",
            },
            effect=lambda w, u: Candidacy.objects.get(pk=decided(w).pk).status == S.SELECTED,
        ),
        Row(
            "messaging_send",
            lambda w: reverse("messaging_send", args=[person(w).pk]) + "#post",
            act(city, P.MESSAGE),
            method="post",
            data={"body": "ポートフォリオのリンクが開けません。もう一度送っていただけますか。"},
            effect=lambda w, u: CandidacyMessage.objects.filter(candidacy=person(w), author=u).exists(),
        ),
        dashboard_post("submit", "draft", P.SUBMIT, Shortlist.Status.SUBMITTED),
        dashboard_post("approve", "submitted", P.APPROVE, Shortlist.Status.APPROVED),
        # --- the interview stage (issue 20): the panel's pages and the approver's decision page ---
        # A round's one staff page (the role's interviews): shown to those who may view the call; names,
        # scorecards and the consensus on it only to the panel and the city (tests/applications/test_interview_*).
        get("interview_round", lambda w: w.rounds[city].round.role_id, screen(city, P.VIEW)),
        get("interviews_scorecard", lambda w: w.rounds[city].invitation.pk, interview_stage(city)),
        Row(
            "interviews_scorecard",
            lambda w: reverse("interviews_scorecard", args=[w.rounds[city].invitation.pk]) + "#score",
            panel_act(city),
            method="post",
            data={"action": "score", "score_0": "4", "recommendation": "select", "comment": "明快"},
            effect=lambda w, u: Scorecard.objects.filter(invitation=w.rounds[city].invitation, panelist=u).exists(),
        ),
        get("interviews_decisions", lambda w: w.rounds[city].round.role_id, screen(city, P.DECIDE)),
        Row(
            "interviews_decisions",
            lambda w: reverse("interviews_decisions", args=[w.rounds[city].round.role_id]) + "#decide",
            decide_page_act(city),
            method="post",
            data=lambda w: {
                "action": "decide",
                "candidacy": str(w.rounds[city].person.pk),
                "outcome": "reserve",
                "reason": "headcount",
            },
            effect=lambda w, u: FinalDecision.objects.filter(candidacy=w.rounds[city].person, decided_by=u).exists(),
        ),
        dashboard_post("reopen", "approved", P.APPROVE, Shortlist.Status.RETURNED, comment="見直し", confirm="yes"),
    ]


# The other rows, in words (the screening and export rows come from POWERS above):
# - team screens: model rights for approvers only (Wagtail answers others with its "no access"
#   redirect, 302); an approver finds no row of a city they do not approve for (404); cities are
#   created only by superusers.
# - task categories: editors and approvers view them (inspect), nobody but superusers changes them.
# - city X's pages: its editors and approvers edit; only its approvers unpublish; nobody of ours
#   deletes a live call (no delete right); copy needs the right to add in the city.
X_APPROVERS = {"superuser": 200, "approver_x": 200, "contractor_y_member_x": 200}
ANY_APPROVER = {**X_APPROVERS, "approver_y": 200, "approver_y_official_x": 200}
TEAM_INDEX = staff(**ANY_APPROVER, others=302)
TEAM_OBJECT_X = staff(**X_APPROVERS, approver_y=404, approver_y_official_x=404, others=302)
#: Delete, history and usage look the row up before Wagtail checks rights: no row for you is a 404.
TEAM_OBJECT_X_LOOKUP = staff(**X_APPROVERS, others=404)
CATEGORY_VIEW = staff(**ANY_APPROVER, editor_x=200, others=302)
SUPERUSER_ONLY = staff(superuser=200, others=302)


def _category_url(prefix: str, view: str) -> Callable[[Any], str]:
    with_pk = view not in ("list", "list_results", "add", "choose", "choose_results", "chosen_multiple", "create")
    name = f"{prefix}_recruitment_taskcategory:{view}"
    return lambda w: reverse(name, args=[w.category_x.pk] if with_pk else [])


def _team_rows(viewset: str, attribute: str, *, add: dict[str, int], delete: dict[str, int]) -> list[Row]:
    """The eight views of one teams viewset; those that take a row take city X's (``world.<attribute>``)."""

    def url(view: str, with_pk: bool) -> Callable[[Any], str]:
        name = f"{viewset}:{view}"
        return lambda w: reverse(name, args=[getattr(w, attribute).pk] if with_pk else [])

    views = [
        ("index", False, TEAM_INDEX),
        ("index_results", False, TEAM_INDEX),
        ("add", False, add),
        ("edit", True, TEAM_OBJECT_X),
        ("delete", True, delete),
        ("history", True, TEAM_OBJECT_X_LOOKUP),
        ("history_results", True, TEAM_OBJECT_X_LOOKUP),
        ("usage", True, TEAM_OBJECT_X_LOOKUP),
    ]
    return [Row(f"{viewset}:{view}", url(view, with_pk), expected) for view, with_pk, expected in views]


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
    Row("interviews:booking", lambda w: reverse("interviews:booking", args=["not-a-token"]), same(404)),
    Row(
        "interviews:booking_ics",
        lambda w: reverse("interviews:booking_ics", args=["not-a-token", uuid.UUID(int=1)]),
        same(404),
    ),
    Row(
        "applications:manage_messages",
        lambda w: reverse("applications:manage_messages", args=["not-a-token", w.candidacy_x.pk]),
        same(404),
    ),
    Row(
        "applications:decline_offer",
        lambda w: reverse("applications:decline_offer", args=["not-a-token"]),
        same(404),
    ),
    # Anyone may ask for their manage link again: the page says the same whatever the address.
    Row("applications:manage_request", lambda w: reverse("applications:manage_request"), same(200)),
    Row(
        "applications:manage_request",
        lambda w: reverse("applications:manage_request") + "#post",
        same(200),
        method="post",
        data={"email": "nobody@example.jp"},
    ),
    # --- screening and exports (admin): generated from POWERS, for each city's call ---
    Row("screening_calls", lambda w: reverse("screening_calls"), any_call()),
    # The list of interview rounds: anyone in the admin; each sees only the rounds they sit on or read.
    Row("interviews_rounds", lambda w: reverse("interviews_rounds"), staff(others=200)),
    *screening_rows("x"),
    *screening_rows("y"),
    # --- statistics (admin: counts only, for those who view the call; public: only once the city publishes results) ---
    Row("call_statistics", lambda w: reverse("call_statistics", args=[w.call_x.pk]), screen("x", P.VIEW)),
    Row(
        "call_statistics_press_csv",
        lambda w: reverse("call_statistics_press_csv", args=[w.call_x.pk]),
        screen("x", P.VIEW),
    ),
    Row("call_results", lambda w: reverse("call_results", args=[w.org_x.slug, w.call_x.slug]), same(404)),
    Row("call_results_json", lambda w: reverse("call_results_json", args=[w.org_x.slug, w.call_x.slug]), same(404)),
    Row("call_results_csv", lambda w: reverse("call_results_csv", args=[w.org_x.slug, w.call_x.slug]), same(404)),
    # The optional survey: only the browser that just applied (its session) or a working manage link opens it.
    Row("survey", lambda w: reverse("survey"), same(404)),
    Row("survey_manage", lambda w: reverse("survey_manage", args=["not-a-token"]), same(404)),
    # --- teams: organisations (only superusers create or delete a city), members, assignments ---
    *_team_rows("organisation", "org_x", add=SUPERUSER_ONLY, delete=SUPERUSER_ONLY),
    *_team_rows("organisationmember", "member_x", add=TEAM_INDEX, delete=TEAM_OBJECT_X_LOOKUP),
    *_team_rows("assignment", "assignment_x", add=TEAM_INDEX, delete=TEAM_OBJECT_X_LOOKUP),
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
            ("create", SUPERUSER_ONLY),
        ]
    ],
    # --- Wagtail's page actions on city X's call ---
    Row(
        "wagtailadmin_pages:edit",
        lambda w: reverse("wagtailadmin_pages:edit", args=[w.call_x.pk]),
        staff(**X_APPROVERS, editor_x=200, others=302),
    ),
    Row(
        "wagtailadmin_pages:unpublish",
        lambda w: reverse("wagtailadmin_pages:unpublish", args=[w.call_x.pk]),
        staff(**X_APPROVERS, others=302),
    ),
    Row(
        "wagtailadmin_pages:delete",
        lambda w: reverse("wagtailadmin_pages:delete", args=[w.call_x.pk]),
        SUPERUSER_ONLY,
    ),
    Row(
        "wagtailadmin_pages:copy",
        lambda w: reverse("wagtailadmin_pages:copy", args=[w.call_x.pk]),
        staff(**X_APPROVERS, editor_x=200, others=302),
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


def _file(application: Any) -> Attachment:
    pdf = b"%PDF-1.4\n%%EOF\n"
    attachment = Attachment(
        application=application, original_name="portfolio.pdf", content_type="application/pdf",
        size=len(pdf), sha256="0" * 64,
    )  # fmt: skip
    attachment.file.save(f"{uuid.uuid4().hex}.pdf", ContentFile(pdf), save=False)
    attachment.save()
    return attachment


def _answer_with_file(person: Candidacy) -> CandidacyMessage:
    """A question from the city's side and the applicant's answer carrying a file."""
    CandidacyMessage.objects.create(candidacy=person, sender="staff", body="質問")
    pdf = b"%PDF-1.4\n%%EOF\n"
    answer = CandidacyMessage(
        candidacy=person, sender="applicant", body="回答", file_name="answer.pdf", file_type="application/pdf",
        file_size=len(pdf),
    )  # fmt: skip
    answer.file.save(f"{uuid.uuid4().hex}.pdf", ContentFile(pdf), save=False)
    answer.save()
    return answer


def _job(call: Any, requested_by: Any) -> ExportJob:
    job = ExportJob.objects.create(
        kind=ExportJob.Kind.CSV, call=call, requested_by=requested_by, status=ExportJob.Status.DONE, progress=100
    )
    job.file.save(f"matrix-{job.pk}.csv", ContentFile(b"a,b\n"), save=True)
    return job


def _selection(call: Any, contractor: Any, approver: Any) -> dict[str, Any]:
    """Three closed roles of ``call``, each with one shortlisted person: shortlist drafted, submitted, approved."""
    now = timezone.now()
    roles: dict[str, Any] = {}
    for state in ("draft", "submitted", "approved"):
        role = f.role(call, rubric=RUBRIC, closes_at=now - timedelta(hours=1), headcount=2, title=f"締切済み {state}")
        roles[f"{state}_person"] = candidacy(role, status=Candidacy.Status.SHORTLISTED)
        shortlist = Shortlist.objects.create(
            role=role,
            status=state,
            submitted_by=None if state == "draft" else contractor,
            submitted_at=None if state == "draft" else now,
            decided_by=approver if state == "approved" else None,
            decided_at=now if state == "approved" else None,
            approvals=1 if state == "approved" else 0,
        )
        if state == "approved":  # its results were sent: the lifecycle lets it be reopened
            ScreeningOutcome.objects.create(
                shortlist=shortlist, approval=1, candidacy=roles["approved_person"], outcome="passed"
            )
        roles[state] = role
    return roles


@dataclass
class Round:
    round: Any
    invitation: Any
    person: Any


def _interviewed(call: Any, contractor: Any, approver: Any, panel: Any) -> Round:
    """A closed role whose approved shortlist was interviewed: a closed round with ``panel``, one person invited."""
    now = timezone.now()
    role = f.role(
        call, rubric=RUBRIC, interview_rubric=RUBRIC, closes_at=now - timedelta(days=9), headcount=1, title="面接済み"
    )
    person = candidacy(role, status=Candidacy.Status.SHORTLISTED)
    shortlist = Shortlist.objects.create(role=role, status="approved", submitted_by=contractor, submitted_at=now,
                                         decided_by=approver, decided_at=now, approvals=1)  # fmt: skip
    ScreeningOutcome.objects.create(shortlist=shortlist, approval=1, candidacy=person, outcome="passed")
    interview_round = InterviewRound.objects.create(role=role, opened_by=approver, status="closed", closed_at=now)
    interview_round.panel.set([panel])
    invitation = InterviewInvitation.objects.create(round=interview_round, candidacy=person)
    return Round(interview_round, invitation, person)


@pytest.fixture
def world(site_content, settings):
    settings.RATELIMIT_ENABLE = False
    cities = two_cities()
    users = cities.users
    cities.attachments = {"x": _file(cities.candidacy_x.application), "y": _file(cities.candidacy_y.application)}
    cities.answers = {"x": _answer_with_file(cities.candidacy_x), "y": _answer_with_file(cities.candidacy_y)}
    cities.jobs = {
        city: _job(call, users[REQUESTER[city]]) for city, call in (("x", cities.call_x), ("y", cities.call_y))
    }
    cities.selection = {
        "x": _selection(cities.call_x, users["contractor_x"], users["approver_x"]),
        "y": _selection(cities.call_y, users["contractor_y_member_x"], users["approver_y"]),
    }
    cities.rounds = {
        "x": _interviewed(cities.call_x, users["contractor_x"], users["approver_x"], users["official_x"]),
        "y": _interviewed(
            cities.call_y, users["contractor_y_member_x"], users["approver_y"], users["contractor_y_member_x"]
        ),
    }
    cities.member_x = OrganisationMember.objects.get(user=users["official_x"])
    cities.assignment_x = Assignment.objects.get(user=users["contractor_x"])
    cities.category_x = cities.role_x.category
    yield cities
    for stored in [*cities.attachments.values(), *cities.jobs.values(), *cities.answers.values()]:
        stored.file.delete(save=False)


def _answer(client: Any, row: Row, url: str, world: Any, user: Any) -> int | str:
    """The status of a GET; for a POST that changes something, what became of the change (then undone)."""
    data = row.data(world) if callable(row.data) else row.data
    if row.effect is None:
        return getattr(client, row.method)(url, data).status_code
    with transaction.atomic():
        response = client.post(url, data)
        if response.status_code == 302 and "/login/" in response["Location"]:
            answer = "login"
        elif response.status_code in (403, 404):
            answer = str(response.status_code)
        else:
            answer = "done" if row.effect(world, user) else "refused"
        transaction.set_rollback(True)
    return answer


def test_access_matrix(client, world):
    with translation.override("ja"):
        expected = {f"{row.name} {row.method.upper()} {row.url(world)}": row.expected for row in ROWS}
    assert len(expected) == len(ROWS), "two rows ask the same thing"
    requests = [(key, row, key.split(" ")[-1]) for key, row in zip(expected, ROWS, strict=True)]
    actual: dict[str, dict[str, int | str]] = {}
    for identity in IDENTITIES:
        client.logout()
        user = world.users[identity]
        if user is not None:
            client.force_login(user)
        for key, row, url in requests:
            actual.setdefault(key, {})[identity] = _answer(client, row, url, world, user)
    if os.environ.get("KOBO_MATRIX_PRINT"):
        for key, statuses in actual.items():
            print("MATRIX", key, statuses)
    wrong = {
        key: {i: f"{actual[key][i]} (expected {want[i]})" for i in IDENTITIES if actual[key][i] != want[i]}
        for key, want in expected.items()
    }
    wrong = {key: cells for key, cells in wrong.items() if cells}
    assert not wrong, "\n".join(f"{key}: {cells}" for key, cells in wrong.items())
