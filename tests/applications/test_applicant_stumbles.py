"""What a new applicant stumbled on (issue 12), each as the person would notice it.

Every test here failed before its fix.
"""

from __future__ import annotations

import io
import re
import threading
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import translate_url
from pypdf import PdfWriter

from applications.intake.postcodes import postcode_address
from applications.models import Application, Candidacy
from recruitment.prefectures import PREFECTURES
from tests.applications.test_wizard import closes_soon
from tests.applications.wizard_helpers import GOOD_ANSWERS, draft_saved, manage_path, post_step, step_url, walk
from tests.recruitment import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def call_with_roles(site_content):
    return f.open_call({"title_en": "Instagram articles"}, title_en="Test call")


def en(url: str) -> str:
    return translate_url(url, "en")


def small_pdf(name: str = "作品集.pdf") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    writer.write(buffer)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="application/pdf")


# 2. A good file is lost when another file fails.
def test_a_good_file_is_kept_when_another_file_is_refused(client, call_with_roles):
    call, roles = call_with_roles
    walk(client, call, [roles[0].pk], until="portfolio")
    bad = SimpleUploadedFile("setup.pdf", b"MZ\x90\x00" + b"\x00" * 200, content_type="application/pdf")
    response = post_step(client, call, "portfolio", {}, files={"file_1": small_pdf(), "file_2": bad}, follow=True)
    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="id_portfolio-file_2-error"' in html
    assert "アップロード済み: <strong>作品集.pdf</strong>" in html  # shown as kept, not only named
    # Fix file 2 by sending nothing in its place: file 1 is still there without sending it again.
    post_step(client, call, "portfolio", {})
    for step in ["sidework", "consent", "review"]:
        post_step(client, call, step, GOOD_ANSWERS[step])
    application = Application.objects.get()
    assert list(application.attachments.values_list("original_name", flat=True)) == ["作品集.pdf"]


# 3. Resuming a draft greets the person with an error.
def test_resuming_a_draft_shows_the_step_without_errors(client, call_with_roles, django_capture_on_commit_callbacks):
    call, roles = call_with_roles
    walk(client, call, [roles[0].pk], until="experience")
    path = draft_saved(client, call, "experience", {"occupation": "freelance"}, django_capture_on_commit_callbacks)
    browser = client.__class__()
    page = browser.get(browser.post(path)["Location"])
    html = page.content.decode()
    assert page.status_code == 200
    assert 'id="error-summary"' not in html
    assert "入力内容に問題があります" not in html
    assert 'aria-invalid="true"' not in html
    assert re.search(r'<input type="radio"[^>]*value="freelance"[^>]*checked', html)  # what was saved is still there


# 4. English wizard lists roles in Japanese.
def test_english_wizard_names_roles_in_english_and_marks_japanese_fallbacks(client, call_with_roles):
    call, roles = call_with_roles
    html = client.get(en(step_url(call, "roles"))).content.decode()
    assert "Instagram articles" in html
    assert "Instagram記事制作" not in html
    assert '<span lang="ja">動画撮影</span>' in html  # no English title: Japanese, marked as such
    assert "締切" not in html
    walk(client, call, [roles[0].pk, roles[1].pk], until="review")
    review = client.get(en(step_url(call, "review"))).content.decode()
    assert "Instagram articles" in review
    assert '<span lang="ja">動画撮影</span>' in review
    check = client.get(en(step_url(call, "check"))).content.decode()
    assert "<span>Instagram articles</span>" in check
    assert '<span lang="ja">動画撮影</span>' in check


# 5. Back throws away what was typed on the current step.
def test_back_keeps_what_was_typed_on_the_current_step(client, call_with_roles):
    call, roles = call_with_roles
    walk(client, call, [roles[0].pk], until="experience")
    typed = {"occupation": "", "experience": "", "strengths": "取材が得意", "hobbies": ""}
    response = post_step(client, call, "experience", typed, extra={"wizard_goto_step": "about"})
    assert response["Location"] == step_url(call, "about")
    page = client.get(step_url(call, "experience")).content.decode()
    assert "取材が得意" in page
    assert 'id="error-summary"' not in page  # kept, not yet checked


# 6. A role that closed while the person was on the review step shows as a number.
def test_a_role_closing_during_review_is_named_and_the_rest_can_be_sent(client, call_with_roles):
    call, roles = call_with_roles
    closes_soon(roles[0])
    walk(client, call, [roles[0].pk, roles[1].pk], until="review")
    with time_machine.travel(roles[0].closes_at + timedelta(seconds=1)):
        review = client.get(step_url(call, "review")).content.decode()
        roles_section = review.split('<section class="review-section">')[1].split("</section>")[0]
        assert "Instagram記事制作" in roles_section
        preferences = re.findall(r"<dd>(.*?)</dd>", roles_section, re.S)
        assert len(preferences) == 2
        assert all(any(r.title in shown for r in roles) for shown in preferences)  # each one named, not a number
        refused = post_step(client, call, "review", {}, follow=True)
        assert refused.status_code == 200
        assert 'name="submit_remaining"' in refused.content.decode()
        assert not Application.objects.exists()
        sent = post_step(client, call, "review", {}, extra={"submit_remaining": "1"})
    assert sent.status_code == 302, sent.content.decode()[:3000]
    assert list(Candidacy.objects.values_list("role_id", flat=True)) == [roles[1].pk]


# 7. Full-width email not normalised.
def test_a_full_width_email_is_accepted_like_full_width_digits(client, call_with_roles):
    call, roles = call_with_roles
    about = {
        **GOOD_ANSWERS["about"],
        "email": "ＨＡＮＡＫＯ＠ｅｘａｍｐｌｅ．ｊｐ",
        "email_confirm": "hanako@example.jp",
    }
    response = walk(client, call, [roles[0].pk], answers={"about": about})
    assert response.status_code == 302, response.content.decode()[:3000]
    assert Application.objects.get().applicant.email == "HANAKO@example.jp"


# 8. Upload errors are one fixed Japanese+English string on both sites.
def test_upload_errors_are_in_the_language_of_the_site(client, call_with_roles):
    call, roles = call_with_roles
    walk(client, call, [roles[0].pk], until="portfolio")
    program = b"MZ\x90\x00" + b"\x00" * 200
    data = {f"apply-{call.pk}-current_step": "portfolio", "portfolio-file_1": SimpleUploadedFile("a.pdf", program)}
    japanese = client.post(step_url(call, "portfolio"), data, follow=True).content.decode()
    assert "PDF、JPEG、PNG のファイルだけを送れます。" in japanese
    assert "Only PDF, JPEG and PNG files can be sent" not in japanese
    data["portfolio-file_1"] = SimpleUploadedFile("a.pdf", program)
    english = client.post(en(step_url(call, "portfolio")), data, follow=True).content.decode()
    assert "Only PDF, JPEG and PNG files can be sent" in english
    assert "送れます" not in english


# 9. Withdrawal is one irreversible click.
def test_withdrawing_asks_for_confirmation_first(client, call_with_roles, django_capture_on_commit_callbacks):
    call, roles = call_with_roles
    with django_capture_on_commit_callbacks(execute=True):
        walk(client, call, [roles[0].pk, roles[1].pk])
    path = manage_path(*(m.body for m in mail.outbox))
    page = client.get(path).content.decode()
    assert "button--warning" in page

    asked = client.post(path, {"withdraw_all": "1"})
    html = asked.content.decode()
    assert asked.status_code == 200
    assert "元に戻せません" in html
    assert "Instagram記事制作" in html
    assert "動画撮影" in html
    assert not Candidacy.objects.filter(status="withdrawn").exists()  # nothing happened yet

    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(path, {"withdraw_all": "1", "confirm": "1"})
    assert Candidacy.objects.filter(status="withdrawn").count() == 2
    after = done.content.decode()
    assert "withdraw_all" not in after  # nothing left to withdraw: no buttons
    assert 'name="candidacy"' not in after


# The finish: specific messages, the required marker, the postcode.
def test_every_required_field_says_what_is_missing(client, call_with_roles):
    call, roles = call_with_roles
    walk(client, call, [roles[0].pk], until="about")
    for step in ["about", "experience", "sidework"]:
        html = post_step(client, call, step, {}, follow=True).content.decode()
        assert 'id="error-summary"' in html, step
        assert "この項目は必須です" not in html, step
    about = post_step(client, call, "about", {}, follow=True).content.decode()
    for message in ("姓を入力してください。", "名を入力してください。", "郵便番号を入力してください。"):
        assert message in about
    experience = post_step(client, call, "experience", {}, follow=True).content.decode()
    assert "強みを入力してください。" in experience
    # A radio group's error links to its first radio, which the link can focus.
    assert 'href="#id_experience-occupation_0"' in experience
    assert 'id="id_experience-occupation_0"' in experience


def test_the_required_marker_is_not_read_as_part_of_the_name(client, call_with_roles):
    call, roles = call_with_roles
    walk(client, call, [roles[0].pk], until="about")
    html = client.get(step_url(call, "about")).content.decode()
    assert '<span class="required">' not in html
    assert '<span class="required" aria-hidden="true">※必須</span>' in html
    assert re.search(r'<input type="text" name="about-family_name"[^>]*required', html)


def test_a_postcode_gives_prefecture_and_city_offline(client):
    found = client.get("/apply/postcode/", {"code": "６５０-８５７０"})
    assert found.json() == {"prefecture": "兵庫県", "city": "神戸市中央区"}
    assert client.get("/apply/postcode/", {"code": "1000001"}).json() == {"prefecture": "東京都", "city": "千代田区"}
    assert client.get("/apply/postcode/", {"code": "0000000"}).status_code == 404
    assert client.get("/apply/postcode/", {"code": "12"}).status_code == 404
    # Web servers answer from several threads.
    answers = []
    worker = threading.Thread(target=lambda: answers.append(postcode_address("650-8570")))
    worker.start()
    worker.join()
    assert answers == [postcode_address("6508570")]
    assert answers[0].prefecture in PREFECTURES
