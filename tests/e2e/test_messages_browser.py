"""An applicant on a phone opens the manage link, sees where each role stands and their answers, reads the
selection team's message and answers it with a file (a hostile one first); axe on every state."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from applications.intake.tokens import hash_token
from applications.messaging.services import message_send
from applications.models import Application, AuditEntry, CandidacyMessage
from applications.staff import SCREENING_CONTRACTORS
from tests.applications import factories as af
from tests.applications.test_uploads import make_pdf, pdf_with_javascript
from tests.conftest import site_content_now
from tests.recruitment import factories as f

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

QUESTION = "ポートフォリオのリンクが開けませんでした。作品のPDFを送っていただけますか。"


def test_applicant_sees_the_status_and_answers_a_message_with_a_file(
    page: Page, live_server, assert_accessible, tmp_path
):
    site_content_now()
    call = f.call()
    role = f.role(call, closes_at=timezone.now() + timedelta(days=3), title="広報動画の企画")
    person = af.candidacy(role, family_name="返信", email="answer@example.jp")
    Application.objects.filter(pk=person.application_id).update(manage_token_hash=hash_token("phone-token"))
    contractor = af.staff("browser-contractor", SCREENING_CONTRACTORS, call=call)
    message_send(candidacy=person, by=contractor, body=QUESTION)

    page.goto(f"{live_server.url}/apply/manage/phone-token/")
    expect(page.get_by_role("heading", name="選考の状況")).to_be_visible()
    expect(page.get_by_text("受付済み", exact=True).first).to_be_visible()
    expect(page.get_by_role("heading", name="応募内容", exact=True)).to_be_visible()
    expect(page.get_by_text("広報誌の編集を5年。")).to_be_visible()
    expect(page.get_by_role("status")).to_contain_text("新しいメッセージが1件")
    assert_accessible(page)

    page.get_by_role("link", name="新しいメッセージ(1件)を読んで返信する").click()
    expect(page.get_by_text(QUESTION)).to_be_visible()
    assert_accessible(page)

    # A PDF that carries a script: refused next to the file field, what was typed kept, nothing saved.
    typed = "失礼しました。作品のPDFを添付します。"
    hostile = tmp_path / "works.pdf"
    hostile.write_bytes(pdf_with_javascript())
    page.locator("#id_body").fill(typed)
    page.locator("#id_file").set_input_files(str(hostile))
    page.get_by_role("button", name="返信を送る").click()
    expect(page.locator("#error-summary")).to_be_visible()
    expect(page.locator("#id_file-error")).to_be_visible()
    expect(page.locator("#id_file")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#id_body")).to_have_value(typed)
    assert_accessible(page)
    assert not CandidacyMessage.objects.filter(sender="applicant").exists()

    good = tmp_path / "works-ok.pdf"
    good.write_bytes(make_pdf())
    page.locator("#id_file").set_input_files(str(good))
    page.get_by_role("button", name="返信を送る").click()
    expect(page.get_by_role("status")).to_contain_text("返信を送りました")
    expect(page.get_by_text(typed)).to_be_visible()
    assert_accessible(page)
    answer = CandidacyMessage.objects.get(sender="applicant")
    assert answer.file_name == "works-ok.pdf"
    assert AuditEntry.objects.filter(action="kobo.message.answer", candidacy=person).count() == 1
