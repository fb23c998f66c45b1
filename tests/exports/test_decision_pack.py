"""The 選考結果報告書 of a Kobe-like call, and the candidate dossiers: what a city official receives."""

from __future__ import annotations

import hashlib
import re
import subprocess
from pathlib import Path

import pytest

from applications.models import AuditEntry
from exports.documents import dossiers
from exports.jobs import export_render, export_request
from exports.models import ExportJob
from tests.conftest import shared_world, site_content_now
from tests.exports.conftest import make_small_call, pdffonts, pdftotext

pytestmark = pytest.mark.django_db
HOSTILE = [("<script>alert(1)</script>", "&amp; 𠮷"), ("=cmd|' /C calc'!A0", "@SUM(1)")]


@shared_world
def decision_pack_small_calls():
    """The site content and three small calls, built once for the tests after the Kobe ones (writes undone).

    ``hostile``: hostile names, approved; ``approved``: approved; ``blind``: a blind call, nothing approved.
    """
    site_content_now()
    hostile, approved = make_small_call(names=HOSTILE), make_small_call()
    hostile.approve()
    approved.approve()
    return {"hostile": hostile, "approved": approved, "blind": make_small_call(blind=True)}


def flat(text: str) -> str:
    return "".join(text.split())


def has_name(text: str, family: str, given: str) -> bool:
    return re.search(re.escape(family) + r"\s+" + re.escape(given), text) is not None


def page_texts(path: Path) -> list[str]:
    from pypdf import PdfReader

    count = len(PdfReader(str(path)).pages)
    return [
        subprocess.run(
            ["pdftotext", "-f", str(n), "-l", str(n), "-layout", str(path), "-"], capture_output=True, text=True
        ).stdout
        for n in range(1, count + 1)
    ]


def test_decision_pack_of_the_kobe_call_names_every_role_and_shortlisted_candidate(
    kobe_approved, django_capture_on_commit_callbacks
):
    call, users, shortlisted = kobe_approved
    assert len(shortlisted) >= 10
    with django_capture_on_commit_callbacks(execute=True):  # the task runs eagerly on commit
        job = export_request(call=call, kind=ExportJob.Kind.DECISION_PACK, by=users["official"])
    job.refresh_from_db()
    assert job.status == ExportJob.Status.DONE, job.error
    path = Path(job.file.path)

    fonts = pdffonts(path).splitlines()[2:]
    cjk = [line for line in fonts if "Noto-Sans-CJK-JP" in line or "NotoSansCJK" in line]
    assert cjk, fonts
    assert all(line.split()[-5] == "yes" for line in cjk), "the CJK font must be embedded"

    text = pdftotext(path)
    for role in call.roles():
        assert flat(role.title) in flat(text)
    for candidacy in shortlisted:
        applicant = candidacy.application.applicant
        assert has_name(text, applicant.family_name, applicant.given_name), applicant
    assert "承認済み" in text
    assert "承認 太郎" in text
    assert "付録A 評価基準" in text
    assert "付録B 選考スケジュール" in text

    pages = page_texts(path)
    assert len(pages) == job.pages > 1
    for n, page in enumerate(pages, start=1):  # the margin boxes, on every page
        assert f"page {n} / {len(pages)}" in page
        assert "募集番号 KOBE-" in page
        assert "(日本時間)" in page

    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    assert job.sha256 == digest
    logged = AuditEntry.objects.filter(action="kobo.export", call=call, data__event="generated")
    assert [entry.data["sha256"] for entry in logged] == [digest]
    assert [entry.rows for entry in logged] == [len(shortlisted)]  # whose data the file holds


def test_before_approval_the_pack_lists_every_role_as_pending_and_nobody_in_it(kobe_shortlisted):
    call, users, shortlisted = kobe_shortlisted
    job = ExportJob.objects.create(call=call, kind=ExportJob.Kind.DECISION_PACK, requested_by=users["approver"])
    text = pdftotext(Path(export_render(job_id=job.pk).file.path))
    assert "候補者リストが未承認の業務" in flat(text)
    assert flat(text).count("この業務の候補者リストは承認待ちです") == len(list(call.roles()))
    for candidacy in shortlisted:
        applicant = candidacy.application.applicant
        assert not has_name(text, applicant.family_name, applicant.given_name)
        assert candidacy.applicant_code not in text


def test_hostile_names_and_comments_print_literally(decision_pack_small_calls):
    world = decision_pack_small_calls["hostile"]
    job = ExportJob.objects.create(call=world.call, kind=ExportJob.Kind.DECISION_PACK, requested_by=world.official)
    text = pdftotext(Path(export_render(job_id=job.pk).file.path))
    assert "<script>alert(1)</script> &amp; 𠮷" in text
    assert "=cmd|' /C calc'!A0 @SUM(1)" in text
    assert "<b>太字</b> & 候補0" in text  # a reviewer's comment, escaped too
    assert "&lt;" not in text  # escaped once, by the template, not twice


def test_dossiers_give_each_shortlisted_candidate_their_own_pages(decision_pack_small_calls):
    world = decision_pack_small_calls["approved"]
    answers = world.shortlisted[0].application
    answers.answers = {
        "experience": {"experience": "<img src=x onerror=alert(1)>\n・広報誌の編集8年", "strengths": "取材"},
        "portfolio_links": ["javascript:alert(1)", "https://portfolio.example.jp/me"],
    }
    answers.save()
    job = ExportJob.objects.create(call=world.call, kind=ExportJob.Kind.DOSSIERS, requested_by=world.official)
    job = export_render(job_id=job.pk)
    assert job.status == ExportJob.Status.DONE
    pages = page_texts(Path(job.file.path))
    assert len(pages) == job.pages >= 1 + len(world.shortlisted)
    codes = [c.applicant_code for c in world.shortlisted]
    first_pages = []
    for code in codes:
        first = next(n for n, page in enumerate(pages) if f"({code})" in page)
        assert [other for other in codes if f"({other})" in pages[first]] == [code], "two dossiers share a page"
        first_pages.append(first)
    assert len(set(first_pages)) == len(codes)
    text = "\n".join(pages)
    assert "<img src=x onerror=alert(1)>" in text
    assert "javascript:alert(1)" in text  # shown as text, never as a link
    assert has_name(text, "𠮷田", "花子")


def test_a_contractors_dossiers_of_a_blind_call_follow_the_screens(decision_pack_small_calls):
    world = decision_pack_small_calls["blind"]
    job = ExportJob.objects.create(call=world.call, kind=ExportJob.Kind.DOSSIERS, requested_by=world.contractor)
    text = pdftotext(Path(export_render(job_id=job.pk).file.path))
    # Shortlisted candidacies are identified to contractors on screen too (visibility.identity_visible).
    assert has_name(text, "山田", "太郎")
    assert "佐藤" not in text  # not shortlisted: not in the dossiers at all


def test_dossiers_laid_out_in_parts_read_as_one_document(decision_pack_small_calls, monkeypatch):
    """Laid out a candidate at a time (to bound a worker's memory) and joined: the same pages, numbered as one."""
    world = decision_pack_small_calls["approved"]
    codes = [c.applicant_code for c in world.shortlisted]

    def render(per_part: int) -> tuple[ExportJob, list[str]]:
        monkeypatch.setattr(dossiers, "DOSSIERS_PER_PART", per_part)
        job = ExportJob.objects.create(call=world.call, kind=ExportJob.Kind.DOSSIERS, requested_by=world.official)
        job = export_render(job_id=job.pk)
        assert job.status == ExportJob.Status.DONE, job.error
        return job, page_texts(Path(job.file.path))

    whole_job, whole = render(per_part=100)
    job, pages = render(per_part=1)
    assert len(pages) == job.pages == len(whole) == whole_job.pages
    reference = world.call.organisation.reference_prefix
    for n, page in enumerate(pages, start=1):
        assert f"page {n} / {len(pages)}" in page
        assert f"募集番号 {reference}-" in page
        assert "(日本時間)" in page
        if n > 1:  # the running header, also on the first page of every later part
            assert "候補者資料" in page, n
    for code in codes:  # each candidate starts on the same page as in the single document
        assert next(n for n, p in enumerate(pages) if f"({code})" in p) == next(
            n for n, p in enumerate(whole) if f"({code})" in p
        )
    assert "\n".join(pages).count("収録した候補者") == 1  # one cover
    info = subprocess.run(["pdfinfo", job.file.path], capture_output=True, text=True, check=True).stdout
    assert "候補者資料" in info  # the title survived the join
