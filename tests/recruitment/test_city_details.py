"""Each city speaks for itself: its contact in its pages' footer, its name and Reply-To on its mail, its
schedule in the mail's footer; the editor's preview can be framed by the admin; Wagtail's workflow
mail greets staff in Japanese."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone
from wagtail.models import Page

from applications.mail.outbox import outbox_enqueue, outbox_send_pending
from applications.mail.triggers.applicant import confirmation_send
from applications.staff import CITY_APPROVERS, CITY_EDITORS
from tests.applications import factories as af
from tests.conftest import shared_world, site_content_now
from tests.recruitment import factories as f

pytestmark = pytest.mark.django_db


def city(slug: str, name: str, **contact):
    return f.organisation(slug=slug, name=name, name_en=f"{slug.title()} City", **contact)


@shared_world
def city_details_world():
    """The site content and two cities with their contacts, a call and a role each, built once for this file."""
    site_content_now()
    kobe = city(
        "kobe-t",
        "神戸テスト市",
        contact_department="広報戦略部",
        contact_phone="078-111-1111",
        contact_hours="平日 9:00〜17:00",
        contact_email="kobe@example.jp",
        mail_sender_name="神戸テスト市 広報",
        reply_to_email="kobe-reply@example.jp",
    )
    miki = city(
        "miki-t",
        "三木テスト市",
        contact_department="広報担当課",
        contact_phone="0794-22-2222",
        contact_hours="平日 8:30〜17:15",
        contact_email="miki@example.jp",
    )
    deadline = (timezone.now() + timedelta(days=9)).replace(microsecond=0)
    kobe_call = f.call(organisation=kobe)
    miki_call = f.call(
        organisation=miki,
        timeline=[
            ("step", {"label": "書類選考の結果", "label_en": "Screening results", "starts_on": date(2027, 1, 15)})
        ],
    )
    kobe_role = f.role(kobe_call, closes_at=deadline)
    miki_role = f.role(miki_call, closes_at=deadline, title="三木の写真撮影")
    return {"kobe": kobe_call, "miki": miki_call, "kobe_role": kobe_role, "miki_role": miki_role}


@pytest.fixture
def two_cities(city_details_world):
    return city_details_world


def footer(html: str) -> str:
    return html.split('<footer class="site-footer">', 1)[1]


def test_each_citys_pages_show_its_own_contact_in_the_footer(two_cities):
    client = Client()
    for page in (two_cities["miki"], two_cities["miki_role"]):
        text = footer(client.get(page.url).content.decode())
        assert "広報担当課" in text
        assert "0794-22-2222" in text
        assert "miki@example.jp" in text
        assert "平日 8:30〜17:15" in text
        assert "078-111-1111" not in text
        assert "kobe@example.jp" not in text
    text = footer(client.get(two_cities["kobe"].url).content.decode())
    assert "078-111-1111" in text
    assert "0794-22-2222" not in text


def test_the_wizard_of_a_city_shows_its_contact(two_cities):
    from django.urls import reverse

    response = Client().get(reverse("applications:apply", args=[two_cities["miki"].pk]), follow=True)
    assert "miki@example.jp" in footer(response.content.decode())


def test_pages_of_no_city_keep_the_sites_contact(two_cities):
    text = footer(Client().get("/").content.decode())
    assert "kobo-demo@example.jp" in text
    assert "miki@example.jp" not in text


def saved(call, *, email: str, language: str = "ja"):
    applicant = af.make_applicant(email=email)
    applicant.save()
    application = af.make_application(call, applicant, language=language)
    application.save()
    return application


def test_mail_about_a_call_comes_from_its_city_with_its_reply_to_contact_and_schedule(two_cities, settings):
    settings.DEFAULT_FROM_EMAIL = "Kōbo <noreply@kobo.example.jp>"
    miki_role = two_cities["miki_role"]
    application = saved(two_cities["miki"], email="hanako@example.jp")
    confirmation_send(application=application, roles=[miki_role], manage_token="t0ken")
    application_en = saved(two_cities["kobe"], email="john@example.com", language="en")
    confirmation_send(application=application_en, roles=[two_cities["kobe_role"]], manage_token="t0ken2")
    outbox_send_pending()

    (ja,) = [m for m in mail.outbox if m.to == ["hanako@example.jp"]]
    assert ja.from_email == "三木テスト市 <noreply@kobo.example.jp>"  # no sender name set: the city's name
    assert ja.reply_to == ["miki@example.jp"]  # no Reply-To set: the contact email
    assert "三木テスト市 広報担当課" in ja.body
    assert "電話: 0794-22-2222 (平日 8:30〜17:15)" in ja.body
    assert "miki@example.jp" in ja.body
    assert "三木の写真撮影" in ja.body.split("-- ", 1)[1]  # the role's deadline in the footer
    assert "書類選考の結果: 2027年1月15日" in ja.body
    assert "078-111-1111" not in ja.body
    html = ja.alternatives[0][0]
    assert "0794-22-2222" in html

    (en,) = [m for m in mail.outbox if m.to == ["john@example.com"]]
    assert en.from_email == "神戸テスト市 広報 <noreply@kobo.example.jp>"
    assert en.reply_to == ["kobe-reply@example.jp"]
    assert "Phone: 078-111-1111" in en.body
    assert "Kobe-T City" in en.body
    assert "Deadline" in en.body


def test_mail_about_no_call_keeps_the_sites_sender(two_cities, settings):
    settings.DEFAULT_FROM_EMAIL = "Kōbo <noreply@kobo.example.jp>"
    outbox_enqueue(to="x@example.jp", kind="email_code", language="ja", key="t:1", values={"code": "123456"})
    outbox_send_pending()
    (message,) = mail.outbox
    assert message.from_email == "Kōbo <noreply@kobo.example.jp>"
    assert message.reply_to == []
    assert "-- " not in message.body


def test_an_approver_edits_their_citys_contact_and_sender(two_cities):
    from applications.teams.services import organisation_contact_update

    kobe = two_cities["kobe"].organisation
    approver = af.staff("approver-c", CITY_APPROVERS, organisation=kobe)
    organisation_contact_update(
        organisation=kobe, by=approver, contact_phone="078-999-9999", mail_sender_name="神戸市 広報課"
    )
    kobe.refresh_from_db()
    assert kobe.contact_phone == "078-999-9999"
    assert kobe.sender_name == "神戸市 広報課"


# --- The editor's preview ------------------------------------------------------------------------


def test_a_preview_may_be_framed_by_the_admin_and_a_public_page_by_nobody(two_cities, admin_client):
    call = two_cities["miki"]
    public = Client().get(call.url)
    assert "frame-ancestors 'none'" in public["Content-Security-Policy"]

    preview = call.make_preview_request()
    policy = preview["Content-Security-Policy"]
    assert "frame-ancestors 'self'" in policy
    assert "'none'" not in policy.split("frame-ancestors")[1].split(";")[0]
    assert "script-src 'self'" in policy  # the rest of the policy is unchanged

    draft = admin_client.get(f"/admin/pages/{call.pk}/view_draft/")
    assert draft.status_code == 200
    assert "frame-ancestors 'self'" in draft["Content-Security-Policy"]


# --- Wagtail's workflow mail ----------------------------------------------------------------------


def test_workflow_mail_is_japanese_and_greets_by_name(two_cities, mailoutbox):
    call = two_cities["kobe"]
    organisation = call.organisation
    editor = af.staff("editor-w", CITY_EDITORS, organisation=organisation)
    approver = af.staff("approver-w", CITY_APPROVERS, organisation=organisation)
    approver.last_name, approver.first_name, approver.email = "承認", "太郎", "approver-w@example.jp"
    approver.save()
    approver.groups.add(organisation.approvers_group)  # the city's own approvers approve its pages
    editor.last_name, editor.first_name, editor.email = "編集", "者", "editor-w@example.jp"
    editor.save()
    mail.outbox.clear()
    page = Page.objects.get(pk=call.pk).specific
    page.save_revision(user=editor)
    workflow = page.get_workflow()
    workflow.start(page, editor)

    (asked,) = [m for m in mail.outbox if m.to == ["approver-w@example.jp"]]
    assert asked.body.startswith("承認 太郎 様")
    assert "承認をお願いします" in asked.subject or "承認依頼" in asked.subject
    assert "こんにちは" not in asked.body
    assert "Hello" not in asked.body
    assert "has been submitted" not in asked.body

    mail.outbox.clear()
    page.current_workflow_task_state.task.specific.on_action(page.current_workflow_task_state, approver, "approve")
    (told,) = [m for m in mail.outbox if m.to == ["editor-w@example.jp"]]
    assert told.body.startswith("編集 者 様")
    assert "承認されました" in told.body
    assert "こんにちは者さん" not in told.body
