"""Issue 9: selection per role (the Kobe timeline), blind means blind, need-to-know, conflicts, the audit log."""

from __future__ import annotations

import csv
import io
import logging
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone
from wagtail.models import ModelLogEntry, PageLogEntry

from applications.intake.services import candidacy_withdraw
from applications.models import AuditEntry, Candidacy, Shortlist
from applications.screening.reviewing import candidacies_assign_reviewer, review_submit
from applications.screening.services import (
    ScreeningError,
    candidacy_transition,
    shortlist_decide,
    shortlist_for,
    shortlist_reopen,
    shortlist_submit,
)
from applications.staff import CITY_APPROVERS, OFFICIALS, SCREENING_CONTRACTORS
from exports.jobs import export_request
from exports.models import ExportJob
from tests.applications import factories as af
from tests.conftest import shared_world, site_content_now
from tests.exports.conftest import pdftotext, private_root  # noqa: F401 - private_root: an autouse fixture
from tests.recruitment import factories as rf

S = Candidacy.Status
pytestmark = pytest.mark.django_db

RUBRIC = [
    ("criterion", {"name": "実績", "name_en": "Track record", "weight": "2", "max_score": 5}),
    ("criterion", {"name": "企画力", "name_en": "Ideas", "weight": "1", "max_score": 5}),
]
NAMES_A = [("山田", "一郎"), ("川口", "二郎"), ("森本", "三郎")]
NAMES_B = [("北村", "花子"), ("南野", "桜子"), ("西田", "楓子")]


@dataclass
class Kobe:
    call: Any
    role_a: Any
    role_b: Any
    start: Any
    contractor: Any
    approver: Any
    other_approver: Any
    official: Any


def _people(role, names):
    people = []
    for family, given in names:
        candidacy = af.candidacy(role, family_name=family)
        candidacy.applicant.given_name = given
        candidacy.applicant.save()
        people.append(candidacy)
    return people


@shared_world
def selection_per_role_kobe() -> Kobe:
    """Two roles of one call: A closes tomorrow, B two days after A (built once for the file's tests in a row)."""
    site_content_now()
    start = timezone.now()
    call = rf.call(blind_review=True)
    role_a = rf.role(call, closes_at=start + timedelta(days=1), rubric=RUBRIC, headcount=1, title="記事作成")
    role_b = rf.role(call, closes_at=start + timedelta(days=3), rubric=RUBRIC, headcount=1, title="写真撮影")
    contractor = af.staff("kobe-contractor", SCREENING_CONTRACTORS, call=call)
    approver = af.staff("kobe-approver", CITY_APPROVERS, organisation=call.organisation)
    other_approver = af.staff("osaka-approver", CITY_APPROVERS, organisation=rf.organisation())
    official = af.staff("kobe-official", OFFICIALS, organisation=call.organisation)
    return Kobe(call, role_a, role_b, start, contractor, approver, other_approver, official)


@pytest.fixture
def kobe(selection_per_role_kobe: Kobe) -> Kobe:
    return selection_per_role_kobe


def _review_and_shortlist(kobe: Kobe, people: list[Candidacy], top: int) -> list[Candidacy]:
    for i, candidacy in enumerate(people):
        review_submit(
            candidacy=candidacy, reviewer=kobe.contractor, scores=[5 - i, 4], comment="", recommendation="yes"
        )
    chosen = []
    for candidacy in people[:top]:
        current = Candidacy.objects.select_related("application__call", "role").get(pk=candidacy.pk)
        chosen.append(candidacy_transition(candidacy=current, to=S.SHORTLISTED, by=kobe.contractor, reason="上位"))
    return chosen


def _decision_pack_text(call, by, role=None) -> str:
    from django.db import transaction

    callbacks = []
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(transaction, "on_commit", lambda fn, using=None, robust=False: callbacks.append(fn))
        job = export_request(call=call, kind=ExportJob.Kind.DECISION_PACK, by=by, role=role)
    for fn in callbacks:
        fn()
    job.refresh_from_db()
    assert job.status == ExportJob.Status.DONE, job.error
    return pdftotext(Path(job.file.path))


def _has(text: str, family: str, given: str) -> bool:
    return f"{family} {given}" in text or f"{family}{given}" in "".join(text.split())


def test_the_kobe_timeline_role_by_role(kobe):
    """A closes and is approved while B is open; B follows two days later; A is reopened and approved again."""
    people_a = _people(kobe.role_a, NAMES_A)
    people_b = _people(kobe.role_b, NAMES_B)

    with time_machine.travel(kobe.start + timedelta(days=1, hours=1), tick=False):
        chosen_a = _review_and_shortlist(kobe, people_a, top=2)  # headcount 1 × factor 2
        with pytest.raises(ScreeningError, match="締切"):
            shortlist_submit(role=kobe.role_b, by=kobe.contractor)  # B still takes applications
        with pytest.raises(ScreeningError):
            shortlist_submit(role=kobe.role_a, by=kobe.approver)  # not the call's contractor
        shortlist_submit(role=kobe.role_a, by=kobe.contractor)
        with pytest.raises(ScreeningError):
            shortlist_decide(shortlist=shortlist_for(kobe.role_a), by=kobe.other_approver, approve=True)
        shortlist_decide(shortlist=shortlist_for(kobe.role_a), by=kobe.approver, approve=True)
        assert shortlist_for(kobe.role_a).status == Shortlist.Status.APPROVED
        assert shortlist_for(kobe.role_b).status == Shortlist.Status.DRAFT  # B is not frozen by A's approval

        text = _decision_pack_text(kobe.call, kobe.official)
        for candidacy in chosen_a:
            assert _has(text, candidacy.applicant.family_name, candidacy.applicant.given_name)
        assert "承認待ち" in text  # B is pending
        assert "北村" not in text

    with time_machine.travel(kobe.start + timedelta(days=3, hours=1), tick=False):
        chosen_b = _review_and_shortlist(kobe, people_b, top=2)
        shortlist_submit(role=kobe.role_b, by=kobe.contractor)
        shortlist_decide(shortlist=shortlist_for(kobe.role_b), by=kobe.approver, approve=True)

        with pytest.raises(ScreeningError):
            shortlist_reopen(shortlist=shortlist_for(kobe.role_a), by=kobe.approver, reason="  ")  # reason required
        with pytest.raises(ScreeningError):
            shortlist_reopen(shortlist=shortlist_for(kobe.role_a), by=kobe.other_approver, reason="他市")
        reopened = shortlist_reopen(shortlist=shortlist_for(kobe.role_a), by=kobe.approver, reason="辞退者が出たため")
        assert reopened.status == Shortlist.Status.RETURNED
        entry = AuditEntry.objects.get(action="kobo.shortlist.reopen")
        assert entry.user == kobe.approver
        assert entry.data["reason"] == "辞退者が出たため"

        # The contractor swaps the second for the third, then it goes through again.
        second = Candidacy.objects.select_related("application__call", "role").get(pk=chosen_a[1].pk)
        candidacy_transition(candidacy=second, to=S.IN_REVIEW, by=kobe.contractor, reason="入れ替え")
        third = Candidacy.objects.select_related("application__call", "role").get(pk=people_a[2].pk)
        candidacy_transition(candidacy=third, to=S.SHORTLISTED, by=kobe.contractor, reason="入れ替え")
        shortlist_submit(role=kobe.role_a, by=kobe.contractor)
        shortlist_decide(shortlist=shortlist_for(kobe.role_a), by=kobe.approver, approve=True)

        text = _decision_pack_text(kobe.call, kobe.official)
        for candidacy in [chosen_a[0], people_a[2], *chosen_b]:
            assert _has(text, candidacy.applicant.family_name, candidacy.applicant.given_name), candidacy
        assert not _has(text, "川口", "二郎")  # taken off A's shortlist on reopening
        assert "承認待ち" not in text
        assert "記事作成" in text
        assert "写真撮影" in text

        # One role's pack, as the dashboard's per-role button asks for it.
        text = _decision_pack_text(kobe.call, kobe.official, role=kobe.role_b)
        assert "写真撮影" in text
        assert "記事作成" not in text
        assert not _has(text, chosen_a[0].applicant.family_name, chosen_a[0].applicant.given_name)
        for candidacy in chosen_b:
            assert _has(text, candidacy.applicant.family_name, candidacy.applicant.given_name)


def test_shortlist_events_reach_one_hook_after_commit(kobe, django_capture_on_commit_callbacks, caplog):
    people = _people(kobe.role_a, NAMES_A[:1])
    with time_machine.travel(kobe.start + timedelta(days=1, hours=1), tick=False):
        _review_and_shortlist(kobe, people, top=1)
        caplog.set_level(logging.INFO, logger="applications.screening.services")
        with django_capture_on_commit_callbacks(execute=True):
            shortlist_submit(role=kobe.role_a, by=kobe.contractor)
        with django_capture_on_commit_callbacks(execute=True):
            shortlist_decide(shortlist=shortlist_for(kobe.role_a), by=kobe.approver, approve=False, comment="再考を")
    events = [r.getMessage().rsplit(": ", 1)[-1] for r in caplog.records if r.getMessage().startswith("shortlist ")]
    assert events == ["submitted", "returned"]


def test_the_dashboard_submits_several_closed_roles_at_once_and_warns_of_open_ones(client, kobe):
    people_a = _people(kobe.role_a, NAMES_A[:1])
    late = rf.role(kobe.call, closes_at=kobe.start + timedelta(days=30), rubric=RUBRIC, title="動画編集")
    with time_machine.travel(kobe.start + timedelta(days=3, hours=1), tick=True):
        people_b = _people(kobe.role_b, NAMES_B[:1])
        _review_and_shortlist(kobe, people_a, top=1)
        _review_and_shortlist(kobe, people_b, top=1)
        client.force_login(kobe.contractor)
        url = reverse("screening_dashboard", args=[kobe.call.pk])
        html = client.get(url).content.decode()
        assert "まだ受付中の業務があります(1件)" in html
        assert late.title in html
        assert html.count('form="submit-shortlists" name="role"') == 2  # A and B, not the open one
        response = client.post(url, {"action": "submit", "role": [kobe.role_a.pk, kobe.role_b.pk]}, follow=True)
        assert response.status_code == 200
    assert shortlist_for(kobe.role_a).status == Shortlist.Status.SUBMITTED
    assert shortlist_for(kobe.role_b).status == Shortlist.Status.SUBMITTED


def test_the_dashboard_shows_draft_and_scheduled_roles_as_such_not_closed(client, kobe):
    draft = rf.role(kobe.call, live=False, title="下書きの業務")
    client.force_login(kobe.approver)
    response = client.get(reverse("screening_dashboard", args=[kobe.call.pk]))
    rows = {item["role"].pk: item["row"] for item in response.context["roles"]}
    assert rows[draft.pk].publication == "draft"
    assert rows[draft.pk].state_label == "下書き"
    assert rows[kobe.role_a.pk].publication == "live"
    assert "受付終了" not in draft.get_admin_display_title()
    assert "下書き" in draft.get_admin_display_title()


def test_a_scheduled_role_is_labelled_scheduled_in_the_explorer_and_moderation_mail(kobe):
    """Wagtail's explorer and its moderation mail print ``get_admin_display_title``."""
    role = rf.role(kobe.call, live=False, title="公開予定の業務")
    role.go_live_at = kobe.start + timedelta(days=5)
    role.save_revision().publish()
    role.refresh_from_db()
    assert not role.live
    assert role.publication_state() == "scheduled"
    assert role.get_admin_display_title().startswith("公開予定の業務【公開予定・締切 ")


# --- blind means blind ----------------------------------------------------------------------


@pytest.fixture
def scored(kobe):
    """Role A closed; three candidacies scored 1, 3 and 5 by a colleague; ``kobe.contractor`` reviewed nothing."""
    colleague = af.staff("kobe-colleague", SCREENING_CONTRACTORS, call=kobe.call)
    people = _people(kobe.role_a, NAMES_A)
    for candidacy, score in zip(people, (1, 3, 5), strict=True):
        review_submit(candidacy=candidacy, reviewer=colleague, scores=[score, score], comment="", recommendation="yes")
    with time_machine.travel(kobe.start + timedelta(days=1, hours=1), tick=True):
        yield kobe, people


def _references_in_order(html: str, people) -> list[str]:
    """The people's candidate codes in the order the list shows them (blind rows show codes, not references)."""
    codes = [c.applicant_code for c in people]
    return sorted(codes, key=html.index)


def test_a_screener_who_reviewed_nothing_gets_the_default_order_from_sort_by_score(client, scored):
    kobe, people = scored
    client.force_login(kobe.contractor)
    url = reverse("screening_candidacies", args=[kobe.call.pk])
    default = _references_in_order(client.get(url).content.decode(), people)
    by_score = _references_in_order(client.get(url, {"sort": "score"}).content.decode(), people)
    assert by_score == default
    # The approver (who does not review) sees the real order: 5, 3, 1.
    client.force_login(kobe.approver)
    real = _references_in_order(client.get(url, {"sort": "score"}).content.decode(), people)
    assert real == [people[2].applicant_code, people[1].applicant_code, people[0].applicant_code]


def test_a_screener_who_reviewed_nothing_finds_nothing_above_a_score(client, scored):
    kobe, people = scored
    client.force_login(kobe.contractor)
    url = reverse("screening_candidacies", args=[kobe.call.pk])
    response = client.get(url, {"score_min": "4"})
    assert response.context["page"].paginator.count == 0
    assert "条件に合う候補はありません" in response.content.decode()
    # Once they review the best one themselves, it is theirs to see.
    review_submit(candidacy=people[2], reviewer=kobe.contractor, scores=[5, 5], comment="", recommendation="yes")
    assert client.get(url, {"score_min": "4"}).context["page"].paginator.count == 1


def test_a_screener_who_reviewed_nothing_gets_no_score_in_their_csv(scored, django_capture_on_commit_callbacks):
    kobe, _people_a = scored
    with django_capture_on_commit_callbacks(execute=True):
        job = export_request(call=kobe.call, kind=ExportJob.Kind.CSV, by=kobe.contractor)
    job.refresh_from_db()
    assert job.status == ExportJob.Status.DONE, job.error
    rows = list(csv.reader(io.StringIO(Path(job.file.path).read_text(encoding="utf-8-sig"))))
    header, body = rows[0], rows[1:]
    assert len(body) == 3
    for column in ("総合点 Score", "評価内訳 Criteria (mean)", "意見の相違 Disagreement"):
        i = header.index(column)
        assert [row[i] for row in body] == ["", "", ""], column


def test_the_dashboard_chart_shows_no_score_the_screener_may_not_see(client, scored):
    kobe, _people_a = scored
    client.force_login(kobe.contractor)
    response = client.get(reverse("screening_dashboard", args=[kobe.call.pk]))
    item = next(i for i in response.context["roles"] if i["role"].pk == kobe.role_a.pk)
    assert [bar["count"] for bar in item["bars"]] == [0, 0, 0, 0, 0]
    assert item["unscored"] == 3
    client.force_login(kobe.approver)
    response = client.get(reverse("screening_dashboard", args=[kobe.call.pk]))
    item = next(i for i in response.context["roles"] if i["role"].pk == kobe.role_a.pk)
    assert sum(bar["count"] for bar in item["bars"]) == 3


# --- conflict of interest -------------------------------------------------------------------


def test_i_know_this_person(client, scored):
    kobe, people = scored
    known = people[0]
    client.force_login(kobe.contractor)
    detail = reverse("screening_candidacy", args=[known.pk])
    response = client.post(detail, {"action": "conflict"})
    assert response.status_code == 302
    assert client.get(detail).status_code == 404
    listing = client.get(reverse("screening_candidacies", args=[kobe.call.pk])).content.decode()
    assert known.applicant_code not in listing
    assert people[1].applicant_code in listing
    with pytest.raises(ScreeningError):
        review_submit(candidacy=known, reviewer=kobe.contractor, scores=[3, 3], comment="", recommendation="yes")
    colleague = get_user_model().objects.get(username="kobe-colleague")
    with pytest.raises(ScreeningError):
        candidacies_assign_reviewer(candidacies=[known], reviewer=kobe.contractor, by=colleague)
    entry = AuditEntry.objects.get(action="kobo.candidacy.conflict")
    assert entry.user == kobe.contractor
    assert entry.candidacy_id == known.pk
    # A colleague still sees it.
    client.force_login(colleague)
    assert client.get(detail).status_code == 200


# --- audit -----------------------------------------------------------------------------------


def test_every_list_page_is_audited_with_its_row_count(client, scored):
    kobe, _people_a = scored
    client.force_login(kobe.official)
    client.get(reverse("screening_candidacies", args=[kobe.call.pk]))
    client.get(reverse("screening_candidacies", args=[kobe.call.pk]), {"score_min": "3"})
    entries = list(AuditEntry.objects.filter(action="kobo.candidacy.list").order_by("pk"))
    assert [(e.user, e.call_id, e.rows) for e in entries] == [
        (kobe.official, kobe.call.pk, 3),
        (kobe.official, kobe.call.pk, 2),
    ]
    assert entries[0].data["named"] == 0  # nobody shortlisted: only codes shown
    html = client.get(reverse("screening_audit", args=[kobe.call.pk]))
    assert html.status_code == 403  # officials do not read the audit log
    client.force_login(kobe.approver)
    html = client.get(reverse("screening_audit", args=[kobe.call.pk])).content.decode()
    assert "候補の一覧の閲覧" in html
    assert "3件 rows" in html


def test_the_applicants_withdrawal_goes_through_the_transition_and_is_audited(kobe):
    candidacy = _people(kobe.role_a, NAMES_A[:1])[0]
    assert candidacy_withdraw(application=candidacy.application, candidacy_ids=[candidacy.pk]) == 1
    entry = AuditEntry.objects.get(action="kobo.candidacy.status", candidacy=candidacy)
    assert entry.user is None
    assert entry.data["to_status"] == S.WITHDRAWN
    assert entry.data["by"] == "applicant"
    candidacy.refresh_from_db()
    assert candidacy.withdrawn_at is not None
    assert candidacy.version == 2


def test_screening_events_stay_out_of_wagtails_page_and_site_history(client, kobe, demo_users):
    people = _people(kobe.role_a, NAMES_A[:1])
    with time_machine.travel(kobe.start + timedelta(days=1, hours=1), tick=True):
        client.force_login(kobe.contractor)
        client.get(reverse("screening_candidacies", args=[kobe.call.pk]))
        client.get(reverse("screening_candidacy", args=[people[0].pk]))
        _review_and_shortlist(kobe, people, top=1)
        shortlist_submit(role=kobe.role_a, by=kobe.contractor)
    assert AuditEntry.objects.filter(call=kobe.call).count() >= 4
    assert not PageLogEntry.objects.filter(action__startswith="kobo.").exists()
    assert not ModelLogEntry.objects.filter(action__startswith="kobo.").exists()

    editor = get_user_model().objects.get(username="editor")
    client.force_login(editor)
    for url in (
        reverse("wagtailadmin_pages:history", args=[kobe.call.pk]),
        reverse("wagtailadmin_reports:site_history"),
    ):
        response = client.get(url)
        assert response.status_code in (200, 302, 403), url
        html = response.content.decode()
        for label in ("一覧の閲覧", "応募内容の閲覧", "候補者リストの提出", "kobo."):
            assert label not in html, (url, label)
