"""Personal data does not outlive its purpose: the purge, its dry run, and erasure through the manage link."""

from __future__ import annotations

import io
import os
from datetime import timedelta
from pathlib import Path

import pytest
import time_machine
from django.core import mail
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.utils import timezone

from applications.intake.tokens import hash_token
from applications.interviews.decisions import final_decision
from applications.models import (
    Applicant,
    Application,
    Attachment,
    AuditEntry,
    Candidacy,
    Draft,
    Note,
    OutboxEmail,
    Review,
)
from applications.screening.reviewing import note_add
from applications.screening.services import candidacy_transition, shortlist_decide, shortlist_for, shortlist_submit
from applications.staff import CITY_APPROVERS, OFFICIALS
from applications.tasks import expire_draft_files, send_outbox
from cms.web.storage import PrivateFileSystemStorage
from exports.models import ExportJob
from tests.applications import factories as af
from tests.recruitment import factories as f

S = Candidacy.Status
NAME = ("鷺ノ宮", "花子")
EMAIL = "saginomiya.hanako@example.jp"


@pytest.fixture
def private_root(tmp_path, settings, monkeypatch) -> Path:
    """Every private file (attachments, draft uploads, exports) in a fresh folder of this test's own."""
    root = tmp_path / "private"
    root.mkdir()
    settings.STORAGES = {
        **settings.STORAGES,
        "private": {"BACKEND": "cms.web.storage.PrivateFileSystemStorage", "OPTIONS": {"location": str(root)}},
    }
    storage = PrivateFileSystemStorage(location=str(root))
    monkeypatch.setattr(Attachment._meta.get_field("file"), "storage", storage)
    monkeypatch.setattr(ExportJob._meta.get_field("file"), "storage", storage)
    return root


def files_in(root: Path) -> list[str]:
    """Walk the storage folder: every file left, by its path inside the storage."""
    return sorted(str(Path(d, n).relative_to(root)) for d, _dirs, names in os.walk(root) for n in names)


def text_columns_containing(needle: str) -> list[str]:
    """Search every text column (and JSON, as text) of every table of the database for ``needle``."""
    found = []
    introspection = connection.introspection
    with connection.cursor() as cursor:
        for table in introspection.table_names(cursor):
            for column in introspection.get_table_description(cursor, table):
                try:
                    kind = introspection.get_field_type(column.type_code, column)
                except KeyError:  # e.g. tsvector: derived from text columns searched here anyway
                    continue
                if kind not in {"CharField", "TextField", "JSONField"}:
                    continue
                qn = connection.ops.quote_name
                cast = f"CAST({qn(column.name)} AS TEXT)"
                cursor.execute(f"SELECT COUNT(*) FROM {qn(table)} WHERE {cast} LIKE %s", [f"%{needle}%"])  # noqa: S608
                if cursor.fetchone()[0]:
                    found.append(f"{table}.{column.name}")
    return found


@pytest.fixture
def finished_call(site_content, private_root, committed):
    """A call whose only role was decided: a named applicant with a file, notes, reviews, mail and an export."""
    call, role, contractor, approver = af.one_post_call(timezone.now() + timedelta(days=1))
    person = af.candidacy(role, family_name=NAME[0], email=EMAIL, status=S.IN_REVIEW)
    Applicant.objects.filter(pk=person.applicant_id).update(given_name=NAME[1], given_name_kana="ハナコ")
    other = af.candidacy(role, family_name="別人", status=S.IN_REVIEW)
    application = person.application
    application.answers["experience"]["strengths"] = f"{NAME[0]}{NAME[1]}として10年"
    application.save()
    attachment = Attachment(
        application=application, original_name=f"{NAME[0]}_作品.pdf", content_type="application/pdf", size=9,
        sha256="0" * 64,
    )  # fmt: skip
    attachment.file.save("a1b2c3.pdf", ContentFile(b"%PDF-1.4\n"), save=False)
    attachment.save()
    Review.objects.create(candidacy=person, reviewer=contractor, rubric=[], scores=[], recommendation="yes",
                          comment=f"{NAME[0]}さんは経験豊富", submitted_at=timezone.now())  # fmt: skip
    Candidacy.objects.filter(pk=person.pk).update(score=4.5)
    upload = {"portfolio": {"portfolio-file_1": {"tmp_name": "drafts/abc"}}}
    draft = Draft.objects.create(
        token_hash="d" * 64, call=call, email=EMAIL, expires_at=role.closes_at,
        data={"step_data": {"about": {"about-family_name": [NAME[0]]}}, "step_files": upload},
    )  # fmt: skip
    private_root.joinpath("drafts").mkdir()
    private_root.joinpath("drafts/abc").write_bytes(b"draft upload")
    job = ExportJob.objects.create(kind=ExportJob.Kind.DOSSIERS, call=call, requested_by=approver,
                                   status=ExportJob.Status.DONE, sha256="f" * 64, size=4)  # fmt: skip
    job.file.save(f"{job.pk}.pdf", ContentFile(b"%PDF"), save=True)

    with time_machine.travel(role.closes_at + timedelta(hours=1), tick=False):
        note_add(candidacy=person, author=contractor, text=f"{NAME[0]}さんに電話済み")
        person = candidacy_transition(candidacy=Candidacy.objects.get(pk=person.pk), to=S.SHORTLISTED, by=contractor)
        committed(shortlist_submit, role=role, by=contractor)
        committed(
            shortlist_decide,
            shortlist=shortlist_for(role),
            by=approver,
            approve=False,
            comment=f"{NAME[0]}さんの実績を確認して",
        )
        committed(shortlist_submit, role=role, by=contractor)
        committed(shortlist_decide, shortlist=shortlist_for(role), by=approver, approve=True)
        final_decision(candidacy=person, by=approver, outcome=S.SELECTED, reason="strong_fit")
        send_outbox.delay()
    draft.refresh_from_db()
    return {
        "call": call,
        "role": role,
        "person": person,
        "other": other,
        "decided": role.closes_at + timedelta(hours=1),
    }


def test_after_the_retention_period_no_file_and_no_name_remain(finished_call, private_root):
    call = finished_call["call"]
    assert len(files_in(private_root)) == 3  # attachment, draft upload, export
    assert text_columns_containing(NAME[0])  # the search finds the name while it is there

    # The day before the period ends nothing goes; the day after, everything personal.
    with time_machine.travel(finished_call["decided"] + timedelta(days=364), tick=False):
        call_command("purge_expired", stdout=io.StringIO())
    assert Applicant.objects.filter(family_name=NAME[0]).exists()
    with time_machine.travel(finished_call["decided"] + timedelta(days=366), tick=False):
        out = io.StringIO()
        call_command("purge_expired", stdout=out)
    assert f"deleted: call {call.pk}" in out.getvalue()

    assert files_in(private_root) == []
    for needle in (NAME[0], f"{NAME[1]}", "ハナコ", EMAIL, "saginomiya"):
        assert text_columns_containing(needle) == [], needle
    # Counts and scores stay for statistics.
    person = Candidacy.objects.get(pk=finished_call["person"].pk)
    assert person.status == S.SELECTED
    assert float(person.score) == 4.5
    assert Candidacy.objects.filter(role=finished_call["role"]).count() == 2
    assert Application.objects.get(pk=person.application_id).anonymised_at is not None
    assert Applicant.objects.get(pk=person.applicant_id).prefecture == "兵庫県"
    job = ExportJob.objects.get(call=call)
    assert (job.file.name, job.sha256) == ("", "f" * 64)  # the job and its checksum stay
    assert Note.objects.filter(candidacy=person).count() == 1


def test_dry_run_lists_and_changes_nothing(finished_call, private_root):
    before = files_in(private_root)
    with time_machine.travel(finished_call["decided"] + timedelta(days=400), tick=False):
        out = io.StringIO()
        call_command("purge_expired", "--dry-run", stdout=out)
    report = out.getvalue()
    assert f"would delete: call {finished_call['call'].pk}" in report
    assert "would delete: file attachments/" in report
    assert files_in(private_root) == before
    assert Applicant.objects.filter(family_name=NAME[0]).exists()
    assert Application.objects.filter(anonymised_at__isnull=False).count() == 0


def test_expired_drafts_and_orphan_uploads_go_live_ones_stay(site_content, private_root):
    call = f.call()
    role = f.role(call, closes_at=timezone.now() + timedelta(days=2))
    (private_root / "drafts").mkdir()
    for name in ("old", "live", "orphan"):
        (private_root / "drafts" / name).write_bytes(b"x")
    files = {"portfolio": {"portfolio-file_1": {"tmp_name": "drafts/old"}}}
    Draft.objects.create(token_hash="1" * 64, call=call, data={"step_files": files}, expires_at=role.closes_at)
    live = {"portfolio": {"portfolio-file_1": {"tmp_name": "drafts/live"}}}
    kept = Draft.objects.create(token_hash="2" * 64, call=call, data={"step_files": live},
                                expires_at=role.closes_at + timedelta(days=5))  # fmt: skip
    purged_at = role.closes_at + timedelta(days=2)
    Draft.objects.filter(pk=kept.pk).update(updated_at=purged_at - timedelta(hours=1))  # in use: keeps its files
    with time_machine.travel(purged_at, tick=False):
        call_command("purge_expired", stdout=io.StringIO())
    assert list(Draft.objects.values_list("pk", flat=True)) == [kept.pk]
    assert files_in(private_root) == ["drafts/live"]


def test_a_draft_untouched_for_a_day_loses_its_files_and_keeps_its_answers(site_content, private_root):
    call = f.call()
    role = f.role(call, closes_at=timezone.now() + timedelta(days=20))
    (private_root / "drafts").mkdir()
    answers = {"about": {"about-family_name": ["神戸"]}}
    drafts = {}
    for name, idle in (("abandoned", timedelta(hours=25)), ("recent", timedelta(hours=23))):
        (private_root / "drafts" / name).write_bytes(b"x" * 1000)
        files = {"portfolio": {"portfolio-file_1": {"tmp_name": f"drafts/{name}", "size": 1000}}}
        drafts[name] = Draft.objects.create(
            token_hash=name.ljust(64, "0"), call=call, data={"step_data": answers, "step_files": files},
            expires_at=role.closes_at,
        )  # fmt: skip
        Draft.objects.filter(pk=drafts[name].pk).update(updated_at=timezone.now() - idle)
    assert expire_draft_files() == 1
    assert files_in(private_root) == ["drafts/recent"]
    abandoned = Draft.objects.get(pk=drafts["abandoned"].pk)
    assert abandoned.data["step_data"] == answers
    assert abandoned.data["step_files"] == {}


def test_export_files_go_after_thirty_days_the_job_stays(site_content, private_root, demo_users):
    from django.contrib.auth import get_user_model

    call = f.call()
    user = get_user_model().objects.get(username="approver")
    job = ExportJob.objects.create(
        kind=ExportJob.Kind.CSV, call=call, requested_by=user, status="done", sha256="a" * 64
    )
    job.file.save(f"{job.pk}.csv", ContentFile(b"a,b"), save=True)
    with time_machine.travel(timezone.now() + timedelta(days=29), tick=False):
        call_command("purge_expired", stdout=io.StringIO())
    assert files_in(private_root) == [job.file.name]
    with time_machine.travel(timezone.now() + timedelta(days=31), tick=False):
        call_command("purge_expired", stdout=io.StringIO())
    assert files_in(private_root) == []
    job.refresh_from_db()
    assert (job.status, job.sha256, job.file.name) == ("done", "a" * 64, "")


# --- erasure through the manage link -------------------------------------------------------------


def _manage_link(candidacy: Candidacy) -> str:
    token = "manage-token-for-test"
    Application.objects.filter(pk=candidacy.application_id).update(manage_token_hash=hash_token(token))
    return f"/apply/manage/{token}/"


def test_the_applicant_erases_their_data_before_a_decision(site_content, private_root):
    call = f.call()
    role = f.role(call, closes_at=timezone.now() + timedelta(days=3))
    person = af.candidacy(role, family_name=NAME[0], email=EMAIL)
    attachment = Attachment(application=person.application, original_name="a.pdf", content_type="application/pdf",
                            size=4, sha256="0" * 64)  # fmt: skip
    attachment.file.save("erase-me.pdf", ContentFile(b"%PDF"), save=True)
    client, link = Client(), _manage_link(person)

    unconfirmed = client.post(link, {"erase": "1"})
    page = unconfirmed.content.decode()
    assert "削除してよいことを確認するため、チェックを入れてください。" in page
    assert 'aria-describedby="erase-hint erase-error"' in page
    assert Applicant.objects.filter(family_name=NAME[0]).exists()

    mail.outbox.clear()
    done = client.post(link, {"erase": "1", "erase_confirm": "1"})
    assert "氏名・連絡先・回答・添付ファイルを削除しました" in done.content.decode()
    person.refresh_from_db()
    assert person.status == S.WITHDRAWN
    assert not Applicant.objects.filter(family_name=NAME[0]).exists()
    assert files_in(private_root) == []
    send_outbox.delay()
    subjects = [m.subject for m in mail.outbox if m.to == [EMAIL]]
    assert any("個人情報を削除しました" in s for s in subjects), subjects
    assert any("取り下げ" in s for s in subjects), subjects
    # The rows that carried the confirmations are the last trace of the address; they hold no name.
    assert text_columns_containing(NAME[0]) == []
    again = client.get(link)
    assert "氏名・連絡先・回答・添付ファイルを削除しました" in again.content.decode()


def test_after_a_decision_the_request_goes_to_the_citys_approvers(site_content, private_root, committed):
    _call, role, contractor, approver = af.one_post_call(timezone.now() + timedelta(days=1))
    person = af.candidacy(role, family_name=NAME[0], email=EMAIL, status=S.IN_REVIEW)
    with time_machine.travel(role.closes_at + timedelta(hours=1), tick=False):
        person = candidacy_transition(candidacy=person, to=S.SHORTLISTED, by=contractor)
        committed(shortlist_submit, role=role, by=contractor)
        committed(shortlist_decide, shortlist=shortlist_for(role), by=approver, approve=True)
    mail.outbox.clear()
    client, link = Client(), _manage_link(person)
    response = client.post(link, {"erase": "1", "erase_confirm": "1"})
    client.post(link, {"erase": "1", "erase_confirm": "1"})  # asked twice: the city hears once
    assert "市に伝えました" in response.content.decode()
    send_outbox.delay()
    requests = [m for m in mail.outbox if m.to == ["approver-1@example.jp"] and "削除" in m.subject]
    assert len(requests) == 1
    assert person.application.reference in requests[0].subject
    assert f"/admin/screening/erasure/{person.application_id}/" in requests[0].body
    assert Applicant.objects.filter(family_name=NAME[0]).exists()  # nothing erased without the city
    assert OutboxEmail.objects.filter(kind="erasure_request").count() == 1


def test_an_approver_erases_after_a_decision_from_the_mails_link_with_confirmation_and_audit(
    site_content, private_root, committed
):
    """Issue 18: the request after a decision is an admin action, reached from the mail, for a person still blind."""
    call, role, contractor, approver = af.one_post_call(
        timezone.now() + timedelta(days=1), {"blind_review": True}, title="写真撮影"
    )
    elsewhere = af.staff("approver-2", CITY_APPROVERS, organisation=f.organisation())
    official = af.staff("official-1", OFFICIALS, organisation=call.organisation)
    person = af.candidacy(role, family_name=NAME[0], email=EMAIL, status=S.IN_REVIEW)
    chosen = af.candidacy(role, status=S.IN_REVIEW)
    with time_machine.travel(role.closes_at + timedelta(hours=1), tick=False):
        candidacy_transition(candidacy=chosen, to=S.SHORTLISTED, by=contractor)
        committed(shortlist_submit, role=role, by=contractor)
        committed(shortlist_decide, shortlist=shortlist_for(role), by=approver, approve=True)
    # The person was not shortlisted: to the approver they are a code, and their reference leads nowhere on screen.
    mail.outbox.clear()
    Client().post(_manage_link(person), {"erase": "1", "erase_confirm": "1"})
    send_outbox.delay()
    body = next(m.body for m in mail.outbox if m.to == ["approver-1@example.jp"])
    link = next(word for word in body.split() if "/admin/screening/erasure/" in word)
    path = link[link.index("/admin/") :]

    staff_client = Client()
    for outsider, status in ((elsewhere, 404), (official, 403)):
        staff_client.force_login(outsider)
        assert staff_client.get(path).status_code == status
        assert staff_client.post(path, {"confirm": "yes"}).status_code == status
    assert Applicant.objects.filter(family_name=NAME[0]).exists()

    staff_client.force_login(approver)
    page = staff_client.get(path).content.decode()
    assert person.application.reference in page
    assert "写真撮影" in page
    assert NAME[0] not in page  # erasing needs no name
    unconfirmed = staff_client.post(path, {})
    assert unconfirmed.status_code == 400
    assert "確認欄にチェック" in unconfirmed.content.decode()
    assert Applicant.objects.filter(family_name=NAME[0]).exists()

    mail.outbox.clear()
    done = staff_client.post(path, {"confirm": "yes"}, follow=True)
    assert "削除しました" in done.content.decode()
    assert not Applicant.objects.filter(family_name=NAME[0]).exists()
    assert Application.objects.get(pk=person.application_id).anonymised_at is not None
    entry = AuditEntry.objects.get(action="kobo.erasure.approved")
    assert entry.user == approver
    assert entry.data["reference"] == person.application.reference
    send_outbox.delay()
    assert any("個人情報を削除しました" in m.subject for m in mail.outbox if m.to == [EMAIL])
    assert staff_client.post(path, {"confirm": "yes"}, follow=True).status_code == 200  # twice: told, nothing more
    assert AuditEntry.objects.filter(action="kobo.erasure.approved").count() == 1


def test_the_privacy_page_states_the_periods_the_code_uses(site_content):
    from applications.intake.drafts import DRAFT_LIFETIME
    from applications.mail.catalogue import REMINDER_WINDOWS
    from exports.files import EXPORT_FILE_DAYS
    from recruitment.models import CallPage

    page = Client().get("/privacy/").content.decode()
    english = Client().get("/en/privacy/").content.decode()
    retention = CallPage._meta.get_field("retention_days").default
    still = CallPage._meta.get_field("still_reviewing_days").default
    assert f"最長{DRAFT_LIFETIME.days}日" in page
    assert f"作成から{EXPORT_FILE_DAYS}日で削除" in page
    assert f"定めがなければ{retention}日" in page
    assert f"定めがなければ{still}日" in page
    hours = sorted(int(before.total_seconds() // 3600) for _name, before in REMINDER_WINDOWS)
    assert f"締切の{hours[1]}時間前と{hours[0]}時間前" in page
    assert f"{retention} days unless the call states otherwise" in english
    assert "都道府県" in page  # what is kept is said too
