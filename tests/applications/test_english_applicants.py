"""An English-speaking professional applies as easily as a Japanese one.

The reading of the name in Latin letters, prefectures in English, the consent recorded against the
notice in the language shown, and mail in English that greets "Dear John Smith" and names the call
and role by their English titles.
"""

from __future__ import annotations

import hashlib
import re
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone, translation

from applications.intake import steps as forms
from applications.intake.text import KATAKANA, LATIN, reading_script
from applications.models import Application, OutboxEmail
from recruitment import prefectures
from tests.applications import factories as af
from tests.applications.wizard_helpers import GOOD_ANSWERS, post_step, step_url, walk
from tests.conftest import shared_world, site_content_now
from tests.recruitment import factories as f

pytestmark = pytest.mark.django_db

ENGLISH_NOTICE = "<p>We use your data only to select applicants for this call.</p>"
JAPANESE_NOTICE = "<p>選考のためにのみ使います。</p>"
SMITH = {
    **GOOD_ANSWERS["about"],
    "family_name": "Smith",
    "given_name": "John",
    "family_name_kana": "Smith",
    "given_name_kana": "John",
    "email": "john.smith@example.com",
    "email_confirm": "john.smith@example.com",
}


@shared_world
def english_applicants_world():
    """The call with an English title and notice, and its role, built once for this file.

    Tests that make their own call ask for it too, for the site content: the world is then not closed
    and built again between them. Each test's writes are undone after it.
    """
    site_content_now()
    call = f.call(
        title="テスト募集",
        title_en="Test call for professionals",
        personal_data_notice=JAPANESE_NOTICE,
        personal_data_notice_en=ENGLISH_NOTICE,
    )
    role = f.role(
        call,
        title="記事の制作",
        title_en="Writing articles",
        closes_at=timezone.now() + timedelta(days=9),
    )
    return call, role


@pytest.fixture
def english_call(english_applicants_world):
    return english_applicants_world


def about_form(call, role, data, language):
    with translation.override(language):
        form = forms.AboutYouForm(data, call=call, roles=[role], chosen=[role])
        form.is_valid()
        return form


def answers(**changes):
    return {f"{k}": v for k, v in {**SMITH, **changes}.items()}


def test_a_latin_reading_is_accepted_in_english_and_stored_as_given(english_call):
    call, role = english_call
    form = about_form(call, role, answers(family_name_kana="Smith", given_name_kana="Jean-Luc"), "en")
    assert form.is_valid(), form.errors
    assert form.cleaned_data["family_name_kana"] == "Smith"
    assert form.cleaned_data["given_name_kana"] == "Jean-Luc"
    # Katakana (and hiragana, converted) still work in English.
    kana = about_form(call, role, answers(family_name_kana="すみす", given_name_kana="ジョン"), "en")
    assert kana.is_valid(), kana.errors
    assert kana.cleaned_data["family_name_kana"] == "スミス"
    # Accented Latin letters and an apostrophe are names too; digits or a mix of scripts are not.
    assert about_form(call, role, answers(family_name_kana="O'Néill"), "en").is_valid()
    mixed = about_form(call, role, answers(family_name_kana="Smithスミス"), "en")
    with translation.override("en"):
        assert "Latin letters" in mixed.errors["family_name_kana"][0]
    assert "family_name_kana" in about_form(call, role, answers(family_name_kana="Smith2"), "en").errors


def test_the_reading_asks_for_katakana_in_japanese_and_taro_is_refused_there_only(english_call):
    call, role = english_call
    japanese = about_form(call, role, answers(given_name_kana="taro"), "ja")
    assert japanese.errors["given_name_kana"] == ["読み方をカタカナ(またはひらがな)で入力してください。例: コウベ"]
    assert about_form(call, role, answers(given_name_kana="taro"), "en").is_valid()
    with translation.override("en"):
        form = forms.AboutYouForm(call=call, roles=[role], chosen=[role])
        assert str(form.fields["family_name_kana"].label) == "Reading of your family name"
        assert "Latin letters" in str(form.fields["family_name_kana"].help_text)
    with translation.override("ja"):
        form = forms.AboutYouForm(call=call, roles=[role], chosen=[role])
        assert str(form.fields["family_name_kana"].label) == "セイ(カタカナ)"


def test_prefectures_are_named_in_the_visitors_language_and_stored_in_japanese(english_call):
    call, role = english_call
    with translation.override("en"):
        form = forms.AboutYouForm(call=call, roles=[role], chosen=[role])
        choices = dict(form.fields["prefecture"].choices)
        html = str(form["prefecture"])
    assert choices["兵庫県"] == "Hyogo"
    assert choices["東京都"] == "Tokyo"
    assert choices["北海道"] == "Hokkaido"
    assert '<option value="兵庫県">Hyogo</option>' in html
    assert "兵庫県</option>" not in html
    with translation.override("ja"):
        form = forms.AboutYouForm(call=call, roles=[role], chosen=[role])
        assert dict(form.fields["prefecture"].choices)["兵庫県"] == "兵庫県"
    # One English name per prefecture, in the order of the JIS X 0401 codes.
    assert len(prefectures.PREFECTURES_EN) == len(set(prefectures.PREFECTURES_EN)) == 47
    assert prefectures.display_name(prefectures.NAME_BY_CODE["28"], "en") == "Hyogo"
    assert prefectures.display_name(prefectures.NAME_BY_CODE["47"], "en") == "Okinawa"
    valid = about_form(call, role, answers(prefecture="兵庫県"), "en")
    assert valid.cleaned_data["prefecture"] == "兵庫県"
    with translation.override("en"):
        rows = {str(row["label"]): row["value"] for row in valid.summary_rows()}
    assert rows["Prefecture"] == "Hyogo"


def english_walk(client, call, role, *, until=None, about=None):
    with translation.override("en"):
        return walk(client, call, [role.pk], until=until, answers={"about": about or SMITH})


def english_consent_page(client, call, role) -> str:
    """Walk in English up to the consent step: that step's page as the English site shows it."""
    english_walk(client, call, role, until="consent")
    with translation.override("en"):
        return client.get(step_url(call, "consent")).content.decode()


def consent_and_send(client, call, notice_language: str, capture_on_commit) -> Application:
    """Agree to the notice in ``notice_language`` on the English site and send: the application stored."""
    with translation.override("en"), capture_on_commit(execute=True):
        post_step(client, call, "consent", {"consent": "on", "notice_version": "1", "notice_language": notice_language})
        post_step(client, call, "review", {})
    return Application.objects.get()


def test_an_english_application_records_consent_to_the_english_notice(
    client, english_call, django_capture_on_commit_callbacks
):
    call, role = english_call
    page = english_consent_page(client, call, role)
    assert "We use your data only to select applicants" in page
    assert "選考のためにのみ" not in page
    assert "Notice version 1 (English)" in page
    assert 'name="consent-notice_language" value="en"' in page
    application = consent_and_send(client, call, "en", django_capture_on_commit_callbacks)
    assert application.language == "en"
    assert application.consent_notice_version == 1
    assert application.consent_notice_language == "en"
    assert application.consent_notice_digest == hashlib.sha256(ENGLISH_NOTICE.encode()).hexdigest()
    assert application.consented_at is not None
    applicant = application.applicant
    assert (applicant.family_name_kana, applicant.given_name_kana) == ("Smith", "John")
    assert applicant.reading_script_label == "Latin"

    [receipt] = [m for m in mail.outbox if m.to == ["john.smith@example.com"] and "/apply/manage/" in m.body]
    assert receipt.body.startswith("Dear John Smith,\n")
    assert "(dear applicant)" not in receipt.body
    assert "Call: Test call for professionals" in receipt.body
    assert "1. Writing articles (" in receipt.body
    assert "テスト募集" not in receipt.body
    assert "記事の制作" not in receipt.body


def test_without_an_english_notice_the_english_applicant_agrees_to_the_japanese_one(
    client, english_applicants_world, django_capture_on_commit_callbacks
):
    call = f.call(personal_data_notice=JAPANESE_NOTICE)
    role = f.role(call, title="記事の制作", closes_at=timezone.now() + timedelta(days=9))
    page = english_consent_page(client, call, role)
    assert "English not available: the Japanese text governs." in page
    assert '<div lang="ja"><p>選考のためにのみ使います。</p></div>' in page
    assert "Notice version 1 (Japanese)" in page
    application = consent_and_send(client, call, "ja", django_capture_on_commit_callbacks)
    assert (application.language, application.consent_notice_language) == ("en", "ja")
    assert application.consent_notice_digest == hashlib.sha256(JAPANESE_NOTICE.encode()).hexdigest()
    # The call has no English title: the mail names it in Japanese rather than not at all.
    [receipt] = [m for m in mail.outbox if "/apply/manage/" in m.body]
    assert f"Call: {call.title}" in receipt.body
    assert "1. 記事の制作 (" in receipt.body


def test_a_japanese_application_records_the_japanese_notice(client, english_call):
    call, role = english_call
    walk(client, call, [role.pk])
    application = Application.objects.get()
    assert (application.language, application.consent_notice_language) == ("ja", "ja")
    assert application.consent_notice_digest == hashlib.sha256(JAPANESE_NOTICE.encode()).hexdigest()


def test_consent_is_asked_again_when_the_notice_changed_or_the_language_did(client, english_call):
    call, role = english_call
    english_walk(client, call, role, until="consent")
    with translation.override("en"):
        post_step(client, call, "consent", {"consent": "on", "notice_version": "1", "notice_language": "en"})
    # The city publishes a new English notice before the applicant sends.
    call.personal_data_notice_en = "<p>A new notice.</p>"
    call.save_revision().publish()
    call.refresh_from_db()
    assert call.personal_data_notice_version == 2
    with translation.override("en"):
        response = post_step(client, call, "review", {})
        assert not Application.objects.exists()
        page = client.get(step_url(call, "consent")).content.decode()
    assert response.status_code in (200, 302)
    assert "A new notice." in page
    with translation.override("en"):
        refused = post_step(client, call, "consent", {"consent": "on", "notice_version": "1", "notice_language": "en"})
    assert "The notice you agreed to has changed" in refused.content.decode()
    # Agreed to the English text, then checked on the Japanese site: the Japanese notice must be agreed to.
    agreed_in_english = {"consent-consent": "on", "consent-notice_version": "2", "consent-notice_language": "en"}
    with translation.override("ja"):
        form = forms.ConsentForm(agreed_in_english, prefix="consent", call=call, roles=[role], chosen=[role])
        assert not form.is_valid()
    with translation.override("en"):
        form = forms.ConsentForm(agreed_in_english, prefix="consent", call=call, roles=[role], chosen=[role])
        assert form.is_valid(), form.errors
        post_step(client, call, "consent", {"consent": "on", "notice_version": "2", "notice_language": "en"})
        post_step(client, call, "review", {})
    application = Application.objects.get()
    assert (application.consent_notice_version, application.consent_notice_language) == (2, "en")


def test_the_notice_version_rises_only_when_its_text_changes(english_call):
    call, _role = english_call
    assert call.personal_data_notice_version == 1
    call.summary = "別の概要"
    call.save_revision().publish()
    call.refresh_from_db()
    assert call.personal_data_notice_version == 1
    call.personal_data_notice = "<p>新しい通知。</p>"
    call.save_revision()  # a draft: the published notice is unchanged
    call.refresh_from_db()
    assert call.personal_data_notice_version == 1
    call.personal_data_notice = "<p>新しい通知。</p>"
    call.save_revision().publish()
    call.refresh_from_db()
    assert call.personal_data_notice_version == 2
    assert call.notice_in("ja").version == 2
    assert call.notice_in("en").language == "en"


def test_staff_see_the_reading_with_its_script_in_the_csv(english_applicants_world):
    from exports.jobs import export_render
    from exports.models import ExportJob
    from tests.exports.conftest import make_small_call
    from tests.exports.test_csv import rows_of

    world = make_small_call(names=[("Smith", "John"), ("山田", "太郎")], blind=False)
    english = world.candidacies[0].applicant
    english.family_name_kana, english.given_name_kana = "Smith", "John"
    english.save()
    job = export_render(
        job_id=ExportJob.objects.create(call=world.call, kind=ExportJob.Kind.CSV, requested_by=world.official).pk
    )
    readings = {row[3] for row in rows_of(job)[1:]}
    assert "Smith John [Latin]" in readings
    assert "オウボ タロウ [カタカナ]" in readings


def test_the_staff_candidacy_page_marks_the_readings_script(client, english_applicants_world):
    from django.urls import reverse

    from tests.exports.conftest import make_small_call

    world = make_small_call(names=[("Smith", "John")], blind=False)
    candidacy = world.candidacies[0]
    candidacy.applicant.family_name_kana, candidacy.applicant.given_name_kana = "Smith", "John"
    candidacy.applicant.save()
    client.force_login(world.official)
    page = client.get(reverse("screening_candidacy", args=[candidacy.pk])).content.decode()
    assert re.search(r"Smith John\s*<span[^>]*>\[Latin\]</span>", page), page


@pytest.mark.parametrize("language", ["ja", "en"])
def test_result_mail_greets_and_names_in_the_applicants_language(english_applicants_world, language):
    from applications.mail.triggers.common import applicant_values, person_name

    call = f.call(title="テスト募集", title_en="Test call")
    role = f.role(call, title="撮影", title_en="Photography", closes_at=timezone.now() + timedelta(days=3))
    candidacy = af.candidacy(role, family_name="Smith")
    candidacy.applicant.given_name = "John"
    candidacy.application.language = language
    values = applicant_values(candidacy)
    if language == "en":
        assert values == {**values, "name": "John Smith", "call": "Test call", "role": "Photography"}
    else:
        assert values == {**values, "name": "Smith John", "call": "テスト募集", "role": "撮影"}
    japanese_name = af.ApplicantFactory.build(family_name="神戸", given_name="花子")
    assert person_name(japanese_name, "en") == "神戸 花子"  # a kanji name keeps its order


ENGLISH_VALUES = {
    "name": "John Smith",
    "reference": "KOBE-7K3M9Q",
    "call": "Side-job professionals for public relations",
    "role": "Articles for Instagram",
    "roles": "  1. Articles for Instagram",
    "deadline": "24 December 2026, 17:00",
    "hours": "24",
    "days": "21",
    "count": "42",
    "actor": "approver",
    "scope": "Articles for Instagram (Side-job professionals for public relations)",
    "comment": "Please check the ranks.",
    "result": "After the screening was reviewed again, the correct result is that you have passed.",
    "code": "428193",
    "minutes": "15",
    "manage_link": "https://kobo.example.jp/en/apply/manage/token/",
    "link": "https://kobo.example.jp/en/apply/resume/token/",
    "call_link": "https://kobo.example.jp/en/calls/kobe/call/",
    "dashboard_link": "https://kobo.example.jp/admin/screening/1/",
    "erasure_link": "https://kobo.example.jp/admin/screening/erasure/1/",
    "booking_link": "https://kobo.example.jp/en/apply/manage/token/interviews/",
    "request_link": "https://kobo.example.jp/en/apply/manage/token/messages/1/",
    "candidacy_link": "https://kobo.example.jp/admin/screening/candidacy/1/",
    "candidate": "K-0042",
    "cutoff_hours": "24",
    "length": "30",
    "when": "Mon 21 December 2026, 10:00",
    "times": "- Tue 22 December 2026, 14:00\n- Wed 23 December 2026, 10:00",
    "where": "https://meet.example.jp/kobo-interview",
    "reason": "",
    "decline": "",
    "time_left": "3 minutes",
}
CJK = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uff00-\uffef]")


def test_every_kind_reads_as_english_in_english(english_applicants_world):
    from applications.mail.catalogue import KINDS
    from applications.mail.rendering import render

    assert len(KINDS) >= 20
    for kind, entry in KINDS.items():
        message = render(kind, "en", {k: ENGLISH_VALUES[k] for k in entry.placeholders})
        text = message["subject"] + message["body"]
        assert not CJK.search(text), (kind, text)
        assert "dear applicant" not in text.lower(), kind
        assert "{" not in text, (kind, text)
        if "name" in entry.placeholders and entry.to_applicant:
            assert message["body"].startswith("Dear John Smith,\n"), (kind, message["body"])
        japanese = render(kind, "ja", {k: ENGLISH_VALUES[k] for k in entry.placeholders})
        if "name" in entry.placeholders and entry.to_applicant:
            assert japanese["body"].startswith("John Smith 様\n"), (kind, japanese["body"])


def test_english_staff_mail_names_the_role_by_its_english_title(english_applicants_world):
    from wagtail.users.models import UserProfile

    from applications.mail.triggers.staff import deadline_digests_send
    from applications.staff import CITY_APPROVERS

    call = f.call(title="テスト募集", title_en="Test call")
    f.role(call, title="撮影", title_en="Photography", closes_at=timezone.now() - timedelta(minutes=5))
    english = af.staff("approver-en", CITY_APPROVERS, organisation=call.organisation)
    japanese = af.staff("approver-ja", CITY_APPROVERS, organisation=call.organisation)
    profile = UserProfile.get_for_user(english)
    profile.preferred_language = "en"
    profile.save()
    english.refresh_from_db()
    japanese.email, english.email = "ja@example.jp", "en@example.jp"
    japanese.save()
    english.save()
    deadline_digests_send(staff=lambda _call, _who: [english, japanese])
    by_address = {row.to: row for row in OutboxEmail.objects.filter(kind="deadline_digest")}
    assert "Photography" in by_address["en@example.jp"].subject
    assert "Test call" in by_address["en@example.jp"].body
    assert "撮影" in by_address["ja@example.jp"].subject


# Needs none of the world: last, so that the world is not closed and built again between its tests.
def test_reading_scripts_are_told_apart():
    assert reading_script("コウベ") == KATAKANA
    assert reading_script("Smith") == LATIN
    assert reading_script("Müller-Lüdenscheidt") == LATIN
    assert reading_script("神戸") == ""
    assert reading_script("") == ""
    latin = af.ApplicantFactory.build(family_name_kana="Smith", given_name_kana="John")
    assert latin.reading_marked == "Smith John [Latin]"
    kana = af.ApplicantFactory.build(family_name_kana="コウベ", given_name_kana="ハナコ")
    assert kana.reading_marked == "コウベ ハナコ [カタカナ]"
    mixed = af.ApplicantFactory.build(family_name_kana="Smith", given_name_kana="ハナコ")
    assert mixed.reading_script_label == ""
