"""An applicant on a phone opens the manage link and erases their data; axe on every state of the page."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from applications.intake.tokens import hash_token
from applications.models import Applicant, Application, Candidacy
from tests.applications import factories as af
from tests.conftest import site_content_now
from tests.recruitment import factories as f

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_applicant_erases_their_data_from_the_manage_link(page: Page, live_server, assert_accessible):
    site_content_now()
    call = f.call()
    role = f.role(call, closes_at=timezone.now() + timedelta(days=3), title="広報動画の企画")
    candidacy = af.candidacy(role, family_name="消去", email="erase@example.jp")
    Application.objects.filter(pk=candidacy.application_id).update(manage_token_hash=hash_token("browser-token"))

    page.goto(f"{live_server.url}/apply/manage/browser-token/")
    expect(page.get_by_role("heading", name="個人情報の削除")).to_be_visible()
    assert_accessible(page)

    # Without the confirmation: a message next to the box, tied to it; nothing erased.
    page.get_by_role("button", name="個人情報を削除する").click()
    box = page.get_by_label("元に戻せないことを理解しました。")
    expect(page.locator("#erase-error")).to_have_text("削除してよいことを確認するため、チェックを入れてください。")
    expect(box).to_have_attribute("aria-invalid", "true")
    assert_accessible(page)
    assert Applicant.objects.filter(family_name="消去").exists()

    box.check()
    page.get_by_role("button", name="個人情報を削除する").click()
    expect(page.get_by_role("status")).to_contain_text("氏名・連絡先・回答・添付ファイルを削除しました")
    assert_accessible(page)
    assert not Applicant.objects.filter(family_name="消去").exists()
    assert Candidacy.objects.get(pk=candidacy.pk).status == Candidacy.Status.WITHDRAWN
