"""The last frictions of the application form (issue 22), each as the applicant would notice it.

Focus and the busy button in a real browser are in tests/e2e/test_application_browser.py.
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone, translation

from applications.intake import steps as step_forms
from applications.intake.steps.base import name_fields_in_errors
from applications.mail.triggers.applicant import format_time_left, reminders_send
from applications.models import Application, Draft, OutboxEmail
from tests.applications.test_wizard import closes_soon
from tests.applications.wizard_helpers import GOOD_ANSWERS, draft_saved, post_step, step_url, walk
from tests.conftest import shared_world, site_content_now
from tests.recruitment import factories as f

pytestmark = pytest.mark.django_db


@shared_world
def wizard_frictions_world():
    """A call with two open roles, built once for this file (each test's writes are undone after it)."""
    site_content_now()
    return f.open_call()


@pytest.fixture
def call_with_roles(wizard_frictions_world):
    return wizard_frictions_world


def main_of(html: str) -> str:
    return html[html.index("<main") : html.index("</main>")]


# 1. The only chosen role closes between the review step and 応募する.
def test_the_only_chosen_role_closing_before_sending_is_named_and_another_can_be_chosen(client, call_with_roles):
    call, roles = call_with_roles
    closes_soon(roles[0])
    walk(client, call, [roles[0].pk], until="review")
    with time_machine.travel(roles[0].closes_at + timedelta(seconds=1)):
        sent = post_step(client, call, "review", {}, follow=True)
        html = main_of(sent.content.decode())
        assert not Application.objects.exists()
        assert "選んだ業務の受付が終了しました" in html
        assert "Instagram記事制作" in html
        assert "業務を1つ以上選んでください。" not in html
        roles_page = main_of(client.get(step_url(call, "roles")).content.decode())
        assert "選んだ業務の受付が終了しました" in roles_page
        assert "業務を1つ以上選んでください。" not in roles_page
        # Choosing the role still open goes on with the answers already given.
        chosen = post_step(client, call, "roles", {"roles": [str(roles[1].pk)]})
        assert chosen["Location"] == step_url(call, "check")
        assert "広報誌の編集を5年。" in client.get(step_url(call, "experience")).content.decode()
        assert Draft.objects.get().expires_at == roles[1].closes_at


# 2 and 6. A refused step: Post/Redirect/Get, the summary first, what was typed kept.
def test_a_refused_step_redirects_to_itself_and_back_and_reload_never_resubmit(client, call_with_roles):
    call, roles = call_with_roles
    walk(client, call, [roles[0].pk], until="about")
    bad = {**GOOD_ANSWERS["about"], "postal_code": "12345", "family_name": "山本"}
    refused = post_step(client, call, "about", bad, follow_refusal=False)
    assert refused.status_code == 302
    assert refused["Location"] == step_url(call, "about") + "#error-summary"
    for _ in range(2):  # the page and its reload: the same errors, the same answers
        page = client.get(step_url(call, "about"))
        html = page.content.decode()
        assert page.status_code == 200
        assert "郵便番号を7桁で入力してください" in html
        assert 'value="山本"' in html
        body = main_of(html)
        assert body.index('id="error-summary"') < body.index("<h1")  # the summary comes first
        assert 'href="#id_about-postal_code"' in body
        assert "data-focus-on-load" in body
    assert re.search(r"<title>入力内容に問題があります: ステップ 3/9:あなたについて", html)
    corrected = post_step(client, call, "about", {**bad, "postal_code": "650-8570"})
    assert corrected["Location"] == step_url(call, "verify")
    back = client.get(step_url(call, "about")).content.decode()  # the browser's Back: a GET, no resubmission
    assert 'id="error-summary"' not in back
    assert 'value="山本"' in back


def test_a_code_sent_again_is_said_after_a_redirect(client, call_with_roles):
    call, roles = call_with_roles
    walk(client, call, [roles[0].pk], until="verify")
    asked = client.post(step_url(call, "verify"), {f"apply-{call.pk}-current_step": "verify", "send_code": "1"})
    assert asked.status_code == 302
    assert "新しいコードを" in client.get(asked["Location"]).content.decode()


# 3. Messages that do not name their field.
def test_every_limit_message_names_its_field(client, call_with_roles):
    call, roles = call_with_roles
    walk(client, call, [roles[0].pk], until="check")
    page = post_step(client, call, "check", {**GOOD_ANSWERS["check"], "hours_per_week": "0"}, follow=True)
    html = page.content.decode()
    assert "1週間に働ける時間は1以上で入力してください。" in html
    assert "この値は" not in html
    page = post_step(client, call, "check", {**GOOD_ANSWERS["check"], "hours_per_week": "81"}, follow=True)
    assert "1週間に働ける時間は80以下で入力してください。" in page.content.decode()
    post_step(client, call, "check", GOOD_ANSWERS["check"])
    long_name = post_step(client, call, "about", {**GOOD_ANSWERS["about"], "city": "区" * 101}, follow=True)
    assert "市区町村は100文字以内で入力してください(現在101文字)。" in long_name.content.decode()


def test_no_step_field_keeps_a_message_that_does_not_name_it(call_with_roles):
    """Every limit and choice message of every step names its field (Django's own never do)."""
    call, roles = call_with_roles
    with translation.override("ja"):
        for step in step_forms.STEPS:
            kwargs = {"call": call, "roles": roles, "chosen": roles}
            form = step.form(**kwargs)
            name_fields_in_errors(form)
            for name, field in form.fields.items():
                label = re.sub(r"<[^>]+>", "", str(field.label))
                for code in ("max_length", "min_length", "min_value", "max_value", "invalid_choice"):
                    message = str(field.error_messages.get(code, ""))
                    if message and not (step.name == "roles" and code == "invalid_choice"):
                        assert label in message, (step.name, name, code, message)
                assert "この値は" not in " ".join(str(m) for m in field.error_messages.values())


# 4. The step counter: stable, with the step's name, also in the title.
def test_the_step_counter_keeps_its_total_and_names_the_step(client, call_with_roles):
    call, roles = call_with_roles
    first = client.get(step_url(call, "roles")).content.decode()
    assert "<title>ステップ 1/9:業務を選ぶ |" in first
    assert "ステップ 1/9" in main_of(first)
    post_step(client, call, "roles", {"roles": [str(r.pk) for r in roles]})
    rank = client.get(step_url(call, "rank")).content.decode()
    assert "<title>ステップ 1/9:希望の順番 |" in rank  # the order of preference belongs to step 1
    post_step(client, call, "rank", {f"role_{roles[0].pk}": "1", f"role_{roles[1].pk}": "2"})
    check = client.get(step_url(call, "check")).content.decode()
    assert "ステップ 2/9" in main_of(check)
    post_step(client, call, "roles", {"roles": [str(roles[0].pk)]})
    assert "ステップ 2/9" in main_of(client.get(step_url(call, "check")).content.decode())
    review = client.get(step_url(call, "review")).content.decode()
    assert "<title>ステップ 9/9:" in review


# 5. The busy state: every step's form says what its button reads while it is sent (kobo.js does the rest).
def test_every_step_form_has_a_busy_label(client, call_with_roles):
    call, roles = call_with_roles
    walk(client, call, [roles[0].pk], until="review")
    for step in ("roles", "check", "about", "experience", "portfolio", "sidework", "consent", "review"):
        html = client.get(step_url(call, step)).content.decode()
        assert re.search(r'<form [^>]*class="wizard-form" data-busy-label="送信中…"', html), step
        assert "data-once" not in html  # no button waits for script to work


# 7. Phone numbers and postcodes.
def test_a_full_width_phone_number_is_stored_half_width_and_a_postcode_must_exist(client, call_with_roles):
    call, roles = call_with_roles
    walk(client, call, [roles[0].pk], until="about")
    nowhere = post_step(client, call, "about", {**GOOD_ANSWERS["about"], "postal_code": "000-0000"}, follow=True)
    assert "郵便番号 000-0000 は存在しません。" in nowhere.content.decode()
    phone = {**GOOD_ANSWERS["about"], "phone": "０７８ー１２３ー４５６７"}
    walk(client, call, [roles[0].pk], answers={"about": phone})
    assert Application.objects.get().applicant.phone == "078-123-4567"


# 8. More than 2,000 characters in 関連する経験.
def test_a_long_experience_is_counted_and_refused_whole_not_cut(client, call_with_roles):
    call, roles = call_with_roles
    walk(client, call, [roles[0].pk], until="experience")
    html = client.get(step_url(call, "experience")).content.decode()
    area = re.search(r"<textarea[^>]*name=\"experience-experience\"[^>]*>", html).group(0)
    assert "maxlength" not in area  # the browser would cut a pasted text without a word
    assert 'data-max-chars="2000"' in area
    assert 'aria-describedby="id_experience-experience-hint id_experience-experience-counter"' in area
    assert re.search(r'<p class="hint char-count" id="id_experience-experience-counter" aria-live="polite"', html)
    assert "残り2000文字" in html  # the counter, also without script
    pasted = "経験" * 1250  # 2,500 characters
    refused = post_step(client, call, "experience", {**GOOD_ANSWERS["experience"], "experience": pasted}, follow=True)
    page = refused.content.decode()
    assert "関連する経験は2000文字以内で入力してください(現在2500文字)。" in page
    assert pasted in page  # kept whole, to be shortened by the person
    assert "500文字多すぎます" in page
    line_breaks = "\r\n".join(["あ" * 9] * 200)  # 2,000 characters with a line break counted once
    kept = post_step(client, call, "experience", {**GOOD_ANSWERS["experience"], "experience": line_breaks[:1999]})
    assert kept["Location"] == step_url(call, "portfolio")


# 9. The reminder's time left (its wording at every scale is the last test of the file).
def test_a_reminder_with_three_minutes_left_says_three_minutes(wizard_frictions_world):
    # The world gives the site content (and is not rebuilt for the tests after); the call is this test's own.
    call = f.call()
    role = f.role(call, title="動画撮影", closes_at=timezone.now() + timedelta(days=1))
    Draft.objects.create(
        token_hash="x" * 64,
        call=call,
        email="later@example.jp",
        language="ja",
        data={"step_data": {"roles": {"roles-roles": [str(role.pk)]}}},
        expires_at=role.closes_at,
    )
    assert reminders_send(now=role.closes_at - timedelta(minutes=3)) == 1
    body = OutboxEmail.objects.get(kind="draft_reminder").body
    assert "あと3分" in body
    assert "約1時間" not in body


# 10. The page of a draft whose deadline passed.
def test_the_ended_draft_page_says_which_deadline_passed_and_what_is_left(
    client, call_with_roles, django_capture_on_commit_callbacks
):
    call, roles = call_with_roles
    closes_soon(roles[0])
    walk(client, call, [roles[0].pk], until="about")
    path = draft_saved(client, call, "about", {}, django_capture_on_commit_callbacks)
    with time_machine.travel(roles[0].closes_at + timedelta(seconds=1)):
        response = client.__class__().get(path)
    html = main_of(response.content.decode())
    assert response.status_code == 410
    assert "<h1>締切を過ぎました</h1>" in html
    local = timezone.localtime(roles[0].closes_at)
    assert f"Instagram記事制作</span>: 締切 {local.year}年{local.month}月{local.day}日" in html
    assert "まだできること" in html
    assert "動画撮影" in html  # still open: can be applied for from the call's page
    assert f'href="{call.url}"' in html


def test_a_draft_ended_by_its_thirty_days_says_so(client, call_with_roles, django_capture_on_commit_callbacks):
    call, roles = call_with_roles
    walk(client, call, [roles[1].pk], until="about")
    path = draft_saved(client, call, "about", {}, django_capture_on_commit_callbacks)
    Draft.objects.update(expires_at=timezone.now() - timedelta(minutes=1))
    html = main_of(client.__class__().get(path).content.decode())
    assert "保存した応募の保管期間は30日間です。" in html
    assert "締切を過ぎました" not in html


# 9, its wording at every scale: last in the file, as it needs none of the world (between the world's
# tests it would close it, and the next test would build it again).
@pytest.mark.parametrize(
    ("left", "ja", "en"),
    [
        (timedelta(seconds=20), "1分未満", "less than a minute"),
        (timedelta(minutes=3), "3分", "3 minutes"),
        (timedelta(minutes=59, seconds=59), "59分", "59 minutes"),
        (timedelta(hours=1, minutes=50), "1時間以上", "more than 1 hour"),
        (timedelta(hours=23, minutes=59), "23時間以上", "more than 23 hours"),
        (timedelta(hours=71), "2日以上", "more than 2 days"),
    ],
)
def test_time_left_is_worded_at_its_scale(left, ja, en):
    with translation.override("ja"):
        assert format_time_left(left) == ja
    with translation.override("en"):
        assert format_time_left(left) == en
