"""Issue 18: blindness per person and per role, conflicts that void, independent review, audit filters.

One person applies for two roles of a blind call. Shortlisted for role A, they are a person
there; in role B (still in review) they stay a code on every screen and in every export, and
nothing on B's side (reference, the "other roles" panel, a search) leads to A's named row.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from applications.models import Attachment, AuditEntry, Candidacy, Review
from applications.screening.reviewing import ReasonRequired, conflict_declare, review_submit
from applications.screening.services import candidacy_transition, shortlist_decide, shortlist_for, shortlist_submit
from applications.staff import CITY_APPROVERS, OFFICIALS, SCREENING_CONTRACTORS
from cms.web.storage import PrivateFileSystemStorage
from exports.documents.candidacy_csv import csv_rows
from exports.documents.decision_pack import decision_pack_context
from exports.documents.dossiers import dossiers_context
from exports.jobs import export_request
from exports.models import ExportJob
from tests.applications import factories as af
from tests.exports.conftest import pdftotext
from tests.recruitment import factories as rf

S = Candidacy.Status
pytestmark = pytest.mark.django_db

RUBRIC = [
    ("criterion", {"name": "実績", "name_en": "Track record", "weight": "2", "max_score": 5}),
    ("criterion", {"name": "企画力", "name_en": "Ideas", "weight": "1", "max_score": 5}),
]
FAMILY, GIVEN = "鳴門屋", "渦潮"
PHONE = "0886-12-3456"
EMAIL = "uzushio.narutoya@example.jp"
FILE_NAME = "鳴門屋渦潮_作品集.pdf"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def private_root(tmp_path, monkeypatch) -> Path:
    root = tmp_path / "private"
    root.mkdir()
    storage = PrivateFileSystemStorage(location=str(root))
    monkeypatch.setattr(ExportJob._meta.get_field("file"), "storage", storage)
    monkeypatch.setattr(Attachment._meta.get_field("file"), "storage", storage)
    return root


@dataclass
class Two:
    call: Any
    role_a: Any
    role_b: Any
    in_a: Candidacy  # the person's candidacy for A (rank 1)
    in_b: Candidacy  # the same application's candidacy for B (rank 2)
    others: list[Candidacy]
    attachment: Attachment
    screener: Any
    colleague: Any
    approver: Any
    official: Any


def _reload(candidacy: Candidacy) -> Candidacy:
    return Candidacy.objects.select_related("application__call", "role").get(pk=candidacy.pk)


@pytest.fixture
def two(site_content) -> Two:
    """A blind call with two closed roles; the person applied for A (first) and B (second)."""
    call = rf.call(blind_review=True)
    closed = timezone.now() - timedelta(hours=2)
    role_a = rf.role(call, closes_at=closed, rubric=RUBRIC, headcount=1, title="記事作成")
    role_b = rf.role(call, closes_at=closed, rubric=RUBRIC, headcount=1, title="写真撮影")
    in_a = af.candidacy(role_a, family_name=FAMILY, email=EMAIL, rank=1)
    applicant = in_a.applicant
    applicant.given_name, applicant.phone = GIVEN, PHONE
    applicant.save()
    in_b = Candidacy.objects.create(
        application=in_a.application, applicant=applicant, email_key=in_a.email_key, role=role_b, rank=2
    )
    others = [af.candidacy(role, family_name="他人") for role in (role_a, role_b)]
    attachment = Attachment(application=in_a.application, original_name=FILE_NAME, content_type="application/pdf",
                            size=len(PDF), sha256="0" * 64)  # fmt: skip
    attachment.file.save(f"{uuid.uuid4().hex}.pdf", ContentFile(PDF), save=True)
    screener = af.staff("screener-18", SCREENING_CONTRACTORS, call=call)
    colleague = af.staff("colleague-18", SCREENING_CONTRACTORS, call=call)
    approver = af.staff("approver-18", CITY_APPROVERS, organisation=call.organisation)
    official = af.staff("official-18", OFFICIALS, organisation=call.organisation)
    return Two(call, role_a, role_b, in_a, in_b, others, attachment, screener, colleague, approver, official)


def _review(candidacy: Candidacy, by: Any, scores: list[int], **kwargs: Any) -> Review:
    return review_submit(
        candidacy=_reload(candidacy), reviewer=by, scores=scores, comment="", recommendation="yes", **kwargs
    )


def _shortlist_in_a(two: Two) -> None:
    _review(two.in_a, two.screener, [5, 5])
    candidacy_transition(candidacy=_reload(two.in_a), to=S.SHORTLISTED, by=two.screener, reason="上位")


def _row_of(html: str, candidacy: Candidacy) -> str:
    """The list's table row that links to ``candidacy`` ('' when it is not listed)."""
    link = reverse("screening_candidacy", args=[candidacy.pk])
    return next((row for row in html.split("<tr") if link in row), "")


def _no_person(text: str, two: Two) -> None:
    for secret in (FAMILY, GIVEN, PHONE, EMAIL, FILE_NAME, two.in_a.application.reference):
        assert secret not in text, secret


# --- shortlisted in A, a code in B ---------------------------------------------------------------


def test_shortlisted_in_a_stays_a_code_on_bs_detail_page_and_its_other_roles_panel(client, two):
    _shortlist_in_a(two)
    client.force_login(two.screener)
    a_page = client.get(reverse("screening_candidacy", args=[two.in_a.pk])).content.decode()
    assert f"{FAMILY} {GIVEN}" in a_page  # named where shortlisted

    for user in (two.screener, two.approver, two.official):
        client.force_login(user)
        html = client.get(reverse("screening_candidacy", args=[two.in_b.pk])).content.decode()
        _no_person(html, two)
        assert two.in_b.applicant_code in html
        panel = html[html.index('id="siblings-heading"') : html.index('id="status-heading"')]
        assert "記事作成" in panel
        assert "第1希望" in panel
        assert reverse("screening_candidacy", args=[two.in_a.pk]) not in panel  # no link to the named page
        assert "Shortlisted" not in panel
        assert "書類選考通過" not in panel
        # A's page names the person; its panel does not point back at B either.
        a_page = client.get(reverse("screening_candidacy", args=[two.in_a.pk])).content.decode()
        a_panel = a_page[a_page.index('id="siblings-heading"') : a_page.index('id="status-heading"')]
        assert reverse("screening_candidacy", args=[two.in_b.pk]) not in a_panel
        assert two.in_b.applicant_code not in a_panel


def test_shortlisted_in_a_stays_a_code_in_bs_row_of_the_list_and_search_by_reference(client, two):
    _shortlist_in_a(two)
    reference = two.in_a.application.reference
    url = reverse("screening_candidacies", args=[two.call.pk])
    for user in (two.screener, two.approver):
        client.force_login(user)
        html = client.get(url).content.decode()
        assert f"{FAMILY} {GIVEN}" in _row_of(html, two.in_a)
        b_row = _row_of(html, two.in_b)
        assert b_row
        assert two.in_b.applicant_code in b_row
        _no_person(b_row, two)

        found = client.get(url, {"q": reference}).content.decode()
        assert _row_of(found, two.in_a)  # the named row: this user may see it
        assert not _row_of(found, two.in_b)  # never beside it: the blind row of the same person
        by_code = client.get(url, {"q": two.in_b.applicant_code}).content.decode()
        assert _row_of(by_code, two.in_b)
        _no_person(_row_of(by_code, two.in_b), two)
        for name in (FAMILY, "オウボ"):
            assert not _row_of(client.get(url, {"q": name, "role": two.role_b.pk}).content.decode(), two.in_b)


def test_shortlisted_in_a_stays_a_code_in_the_csv_and_the_documents(two):
    _shortlist_in_a(two)
    reference = two.in_a.application.reference
    for user in (two.screener, two.approver):
        rows = {row[1]: row for row in csv_rows(call=two.call, requested_by=user)}
        a, b = rows[two.in_a.applicant_code], rows[two.in_b.applicant_code]
        assert (a[0], a[2]) == (reference, f"{FAMILY} {GIVEN}")
        assert b[0] == b[2] == b[3] == ""  # neither the shared reference nor the name
        assert b[5] == "写真撮影"

    for user in (two.screener, two.approver):
        dossiers = dossiers_context(call=two.call, requested_by=user, role=two.role_b)
        assert all(d.candidate.code != two.in_b.applicant_code for d in dossiers.dossiers)
        _no_person(repr(dossiers), two)
        pack = decision_pack_context(call=two.call, requested_by=user, role=two.role_b)
        _no_person(repr(pack), two)


# --- a conflict of interest hides the person and voids the declarer's reviews -----------------------


def _scored_and_declared(two: Two) -> None:
    """The screener scores A and B high, the colleague low (they disagree); then the screener knows them."""
    for candidacy in (two.in_a, two.in_b):
        _review(candidacy, two.screener, [5, 5])
        _review(candidacy, two.colleague, [1, 2])
    _review(two.others[0], two.colleague, [3, 3])
    two.in_a.refresh_from_db()
    assert two.in_a.disagreement
    assert two.in_a.review_count == 2
    conflict_declare(candidacy=_reload(two.in_b), by=two.screener)  # declared on B: the person, so A too


def test_a_conflict_voids_the_declarers_reviews_in_score_disagreement_count_and_sort(client, two):
    _scored_and_declared(two)
    for candidacy in (two.in_a, two.in_b):
        candidacy.refresh_from_db()
        assert candidacy.score == Decimal("1.33")  # the colleague's alone: (2×1 + 1×2) / 3 on the 0–5 scale
        assert not candidacy.disagreement
        assert candidacy.review_count == 1
    voided = Review.objects.filter(reviewer=two.screener, candidacy__in=[two.in_a, two.in_b])
    assert voided.count() == 2
    assert all(r.voided_at for r in voided)
    assert AuditEntry.objects.get(action="kobo.candidacy.conflict").data["reviews_voided"] == 2

    client.force_login(two.approver)
    html = client.get(reverse("screening_candidacies", args=[two.call.pk]), {"sort": "score", "role": two.role_a.pk})
    html = html.content.decode()
    assert html.index(two.others[0].applicant_code) < html.index(two.in_a.applicant_code)  # 3.00 before 1.33
    detail = client.get(reverse("screening_candidacy", args=[two.in_a.pk])).content.decode()
    assert "1.33 / 5" in detail
    assert "評価の不一致" not in detail


def test_a_conflict_voids_the_declarers_review_in_the_decision_pack(two):
    _scored_and_declared(two)
    candidacy_transition(candidacy=_reload(two.in_a), to=S.SHORTLISTED, by=two.colleague, reason="上位")
    shortlist_submit(role=two.role_a, by=two.colleague)
    shortlist_decide(shortlist=shortlist_for(two.role_a), by=two.approver, approve=True)
    pack = decision_pack_context(call=two.call, requested_by=two.approver, role=two.role_a)
    (candidate,) = pack.roles[0].candidates
    assert candidate.label == f"{FAMILY} {GIVEN}"
    assert candidate.reviewers == ["colleague-18"]
    assert candidate.review_count == 1
    assert candidate.score == "1.33"
    assert not candidate.disagreement


def test_a_conflict_hides_the_person_everywhere_from_the_declarer(client, two):
    _scored_and_declared(two)
    client.force_login(two.screener)
    for candidacy in (two.in_a, two.in_b):
        assert client.get(reverse("screening_candidacy", args=[candidacy.pk])).status_code == 404
    attachment = reverse("screening_attachment", args=[two.attachment.pk])
    assert client.get(attachment, {"candidacy": two.in_a.pk}).status_code == 404
    assert client.get(attachment).status_code == 404
    html = client.get(reverse("screening_candidacies", args=[two.call.pk])).content.decode()
    assert not _row_of(html, two.in_a)
    assert not _row_of(html, two.in_b)
    assert two.others[0].applicant_code in html
    # The colleague still sees and downloads them.
    client.force_login(two.colleague)
    assert client.get(reverse("screening_candidacy", args=[two.in_a.pk])).status_code == 200
    assert client.get(attachment, {"candidacy": two.in_a.pk}).status_code == 200


def test_the_declarers_dossier_pdf_leaves_the_person_out(two):
    _scored_and_declared(two)
    for candidacy in (two.in_a, two.others[0]):
        candidacy_transition(candidacy=_reload(candidacy), to=S.SHORTLISTED, by=two.colleague, reason="上位")
    callbacks = []
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(transaction, "on_commit", lambda fn, using=None, robust=False: callbacks.append(fn))
        job = export_request(call=two.call, kind=ExportJob.Kind.DOSSIERS, by=two.screener, role=two.role_a)
    for fn in callbacks:
        fn()
    job.refresh_from_db()
    assert job.status == ExportJob.Status.DONE, job.error
    text = pdftotext(Path(job.file.path))
    squashed = "".join(text.split())
    assert "他人" in squashed  # the other shortlisted candidate is there
    for secret in (FAMILY, PHONE.replace("-", ""), EMAIL):
        assert secret not in squashed.replace("-", ""), secret


# --- independent review ------------------------------------------------------------------------------


def test_changing_a_review_after_reading_colleagues_needs_a_reason_and_logs_both_versions(client, two):
    detail = reverse("screening_candidacy", args=[two.in_b.pk])
    client.force_login(two.screener)
    client.post(detail, {"action": "review", "score_0": "2", "score_1": "2", "recommendation": "no", "comment": "仮"})
    _review(two.in_b, two.colleague, [5, 5])
    page = client.get(detail).content.decode()
    assert "5 / 5" in page  # the colleague's scores, read after one's own review is in
    assert 'name="reason"' in page

    rewrite = {"action": "review", "score_0": "5", "score_1": "5", "recommendation": "yes", "comment": "本番"}
    refused = client.post(detail, rewrite)
    assert refused.status_code == 200
    assert "修正の理由を書いてください" in refused.content.decode()
    mine = Review.objects.get(candidacy=two.in_b, reviewer=two.screener)
    assert mine.scores == [2, 2]
    assert mine.comment == "仮"
    with pytest.raises(ReasonRequired):
        _review(two.in_b, two.screener, [5, 5])

    response = client.post(detail, {**rewrite, "reason": "作品集の2点目を見落としていた"})
    assert response.status_code == 302
    mine.refresh_from_db()
    assert mine.scores == [5, 5]
    entry = AuditEntry.objects.get(action="kobo.candidacy.review_changed")
    assert entry.user == two.screener
    assert entry.candidacy_id == two.in_b.pk
    assert entry.data["reason"] == "作品集の2点目を見落としていた"
    assert (entry.data["before_scores"], entry.data["after_scores"]) == ([2, 2], [5, 5])
    assert (entry.data["before_comment"], entry.data["after_comment"]) == ("仮", "本番")
    assert AuditEntry.objects.filter(action="kobo.candidacy.review", candidacy=two.in_b, user=two.screener).count() == 1


# --- the audit log's filters -------------------------------------------------------------------------


def test_the_audit_log_filters_by_who_what_which_candidacy_and_when(client, two):
    _review(two.in_b, two.screener, [4, 4])
    _review(two.others[1], two.colleague, [3, 3])
    AuditEntry.objects.create(user=two.colleague, action="kobo.candidacy.view", call=two.call,
                                    candidacy=two.others[0], timestamp=timezone.now() - timedelta(days=10))  # fmt: skip
    url = reverse("screening_audit", args=[two.call.pk])
    client.force_login(two.approver)

    def listed(**query: Any) -> str:
        html = client.get(url, query).content.decode()
        table = html.index("<caption>操作の記録 Audit log")
        return html[table : html.index("</table>", table)]

    everything = listed()
    assert two.in_b.applicant_code in everything
    assert two.others[1].applicant_code in everything
    by_who = listed(user=two.screener.pk)
    assert two.in_b.applicant_code in by_who
    assert two.others[1].applicant_code not in by_who
    by_what = listed(action="kobo.candidacy.view")
    assert two.others[0].applicant_code in by_what
    assert two.in_b.applicant_code not in by_what
    by_code = listed(candidacy=two.others[1].applicant_code)
    assert two.others[1].applicant_code in by_code
    assert two.in_b.applicant_code not in by_code
    by_reference = listed(candidacy=two.in_b.application.reference)
    assert two.in_b.applicant_code in by_reference
    assert two.others[1].applicant_code not in by_reference
    today = timezone.localdate().isoformat()
    recent = listed(date_from=today)
    assert two.others[0].applicant_code not in recent
    assert two.in_b.applicant_code in recent
    ago = (timezone.localdate() - timedelta(days=10)).isoformat()
    assert two.others[0].applicant_code in listed(date_from=ago, date_to=ago)
    assert two.in_b.applicant_code not in listed(date_from=ago, date_to=ago)
    bad = client.get(url, {"date_from": "yesterday"}).content.decode()
    assert "Conditions with errors were ignored" in bad
    assert "YYYY-MM-DD" in bad
