"""The whole wizard through the test client: steps, deadlines, idempotent submit, drafts, receipt."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from applications.models import Applicant, Application, Candidacy, Draft, OutboxEmail
from tests.applications.wizard_helpers import GOOD_ANSWERS, draft_saved, manage_path, post_step, step_url, walk
from tests.conftest import shared_world, site_content_now
from tests.recruitment import factories as f

pytestmark = pytest.mark.django_db


@shared_world
def wizard_world():
    """A call with two open roles and a closed one, built once for this file (each test's writes are undone)."""
    site_content_now()
    call, roles = f.open_call({"hours_min": 3})
    roles.append(f.role(call, title="終了した業務", closes_at=timezone.now() - timedelta(days=1)))
    return call, roles


@pytest.fixture
def call_with_roles(wizard_world):
    return wizard_world


def closes_soon(role) -> None:
    """The role closes in half an hour: the person is still at the form (their session lasts two hours)."""
    role.closes_at = timezone.now() + timedelta(minutes=30)
    type(role).objects.filter(pk=role.pk).update(closes_at=role.closes_at)


def test_citizen_applies_for_two_roles_and_gets_a_reference(
    client, call_with_roles, django_capture_on_commit_callbacks
):
    call, roles = call_with_roles
    with django_capture_on_commit_callbacks(execute=True):
        response = walk(client, call, [roles[0].pk, roles[1].pk])
    assert response.status_code == 302, response.content.decode()[:2000]
    application = Application.objects.get()
    assert response["Location"].endswith(f"/apply/receipt/{application.reference}/")
    assert application.reference.startswith("TEST-")
    assert [(c.role_id, c.rank) for c in application.candidacies.order_by("rank")] == [
        (roles[0].pk, 1),
        (roles[1].pk, 2),
    ]
    receipt = client.get(response["Location"]).content.decode()
    assert application.reference in receipt
    assert "Instagram記事制作" in receipt
    [confirmation] = [m for m in mail.outbox if application.reference in m.subject]
    assert "/apply/manage/" in confirmation.body
    assert OutboxEmail.objects.get(kind="confirmation").sent_at is not None


def test_names_are_stored_exactly_as_typed_and_kana_converted(client, call_with_roles):
    call, roles = call_with_roles
    walk(client, call, [roles[0].pk])
    applicant = Applicant.objects.get()
    assert applicant.family_name == "𠮷田"
    assert applicant.given_name == "﨑子"  # a compatibility ideograph, not rewritten
    assert applicant.family_name_kana == "ヨシダ"
    assert applicant.given_name_kana == "サキコ"
    assert applicant.email_key == "applicant@example.jp"
    assert applicant.postal_code == "650-8570"


def test_each_step_has_its_own_url_and_back_keeps_answers(client, call_with_roles):
    call, roles = call_with_roles
    post_step(client, call, "roles", {"roles": [roles[0].pk]})
    response = post_step(client, call, "check", GOOD_ANSWERS["check"])
    assert response["Location"] == step_url(call, "about")
    page = client.get(step_url(call, "check")).content.decode()
    assert 'value="10"' in page  # the answer is still there after going back


def test_closed_role_cannot_be_chosen(client, call_with_roles):
    call, roles = call_with_roles
    response = post_step(client, call, "roles", {"roles": [roles[2].pk]}, follow=True)
    assert response.status_code == 200
    assert "受付終了" in response.content.decode()
    assert response.context["form"].errors["roles"]


def test_errors_are_shown_next_to_fields_and_nothing_typed_is_lost(client, call_with_roles):
    call, roles = call_with_roles
    walk(client, call, [roles[0].pk], until="about")
    bad = {
        **GOOD_ANSWERS["about"],
        "email_confirm": "other@example.jp",
        "postal_code": "12345",
        "family_name_kana": "Yoshida",
    }
    response = post_step(client, call, "about", bad, follow=True)
    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="error-summary"' in html
    assert 'aria-describedby="id_about-postal_code-hint id_about-postal_code-error"' in html
    assert "𠮷田" in html  # what was typed is still in the form
    errors = response.context["form"].errors
    assert set(errors) == {"email_confirm", "postal_code", "family_name_kana"}


@pytest.mark.parametrize(("offset", "accepted"), [(timedelta(seconds=-1), True), (timedelta(seconds=1), False)])
def test_submit_at_the_deadline_edges(client, wizard_world, offset, accepted):
    # The world gives the site content (and is not rebuilt for the tests after); the call is this test's own.
    deadline = timezone.now() + timedelta(minutes=30)  # within the citizen's session (two hours)
    call = f.call()
    role = f.role(call, closes_at=deadline)
    walk(client, call, [role.pk], until="review")
    with time_machine.travel(deadline + offset, tick=False):
        response = post_step(client, call, "review", {})
    assert Application.objects.exists() is accepted
    if not accepted:
        html = response.content.decode()
        assert response.status_code == 200
        assert "受付は終了しました" in html  # the call's only role closed: nothing is accepted
        local = timezone.localtime(deadline)
        assert f"{local.year}年{local.month}月{local.day}日" in html  # the deadline, in Japan time


def test_double_submit_gives_one_application_and_the_same_receipt(client, call_with_roles):
    call, roles = call_with_roles
    first = walk(client, call, [roles[0].pk])
    second = post_step(client, call, "review", {})
    assert Application.objects.count() == 1
    assert second.status_code == 302
    assert second["Location"] == first["Location"]


def test_one_live_candidacy_per_email_and_role(client, call_with_roles, django_capture_on_commit_callbacks):
    call, roles = call_with_roles
    walk(client, call, [roles[0].pk])
    other = client.__class__()
    response = walk(other, call, [roles[0].pk])
    assert Application.objects.count() == 1
    assert response.status_code == 200
    html = response.content.decode()
    assert Application.objects.get().reference not in html  # the screen tells a stranger nothing
    assert "受け付けられませんでした" in html
    assert Candidacy.objects.count() == 1


def test_draft_survives_a_closed_browser_through_the_emailed_link(
    client, call_with_roles, django_capture_on_commit_callbacks
):
    call, roles = call_with_roles
    walk(client, call, [roles[0].pk], until="experience")
    path = draft_saved(client, call, "experience", {"occupation": "freelance"}, django_capture_on_commit_callbacks)

    new_browser = client.__class__()
    resumed = new_browser.post(path)
    assert resumed["Location"] == step_url(call, "experience")
    page = new_browser.get(resumed["Location"]).content.decode()
    assert 'value="freelance" checked' in page or 'checked value="freelance"' in page or "freelance" in page
    assert Draft.objects.count() == 1


def test_manage_link_withdraws_one_role(client, call_with_roles, django_capture_on_commit_callbacks):
    call, roles = call_with_roles
    with django_capture_on_commit_callbacks(execute=True):
        walk(client, call, [roles[0].pk, roles[1].pk])
    path = manage_path(*(m.body for m in mail.outbox))
    first = Candidacy.objects.get(rank=1)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(path, {"candidacy": [first.pk], "confirm": "1"})
    assert response.status_code == 200
    first.refresh_from_db()
    assert first.status == "withdrawn"
    assert Candidacy.objects.get(rank=2).status == "submitted"
    assert "取り下げ" in mail.outbox[-1].subject or "Withdrawal" in mail.outbox[-1].subject


def test_difficult_names_round_trip_through_database_and_page(client, call_with_roles):
    call, roles = call_with_roles
    names = {"family_name": "髙橋", "given_name": "ｶﾞｸ\u0301✨"}  # half-width kana, a combining mark, an emoji
    walk(client, call, [roles[0].pk], until="review", answers={"about": {**GOOD_ANSWERS["about"], **names}})
    review = client.get(step_url(call, "review")).content.decode()
    assert "髙橋" in review
    assert "ｶﾞｸ\u0301✨" in review
    post_step(client, call, "review", {})
    applicant = Applicant.objects.get()
    assert (applicant.family_name, applicant.given_name) == ("髙橋", "ｶﾞｸ\u0301✨")


def test_english_applicant_gets_english_email(client, call_with_roles, django_capture_on_commit_callbacks):
    from django.urls import translate_url

    call, roles = call_with_roles
    walk(client, call, [roles[0].pk], until="review")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            translate_url(step_url(call, "review"), "en"),
            {f"apply-{call.pk}-current_step": "review"},
        )
    [confirmation] = [m for m in mail.outbox if "/apply/manage/" in m.body]
    assert confirmation.subject.startswith("Application received")
    assert "/en/apply/manage/" in confirmation.body


def test_draft_link_stops_working_when_the_chosen_role_closes(
    client, call_with_roles, django_capture_on_commit_callbacks
):
    call, roles = call_with_roles
    walk(client, call, [roles[0].pk], until="about")
    path = draft_saved(client, call, "about", {}, django_capture_on_commit_callbacks)
    with time_machine.travel(roles[0].closes_at + timedelta(seconds=1)):
        response = client.__class__().get(path)
    assert response.status_code == 410
    html = response.content.decode()
    assert "締切を過ぎました" in html  # says why the link ended: the chosen role's deadline passed
    assert "Instagram記事制作" in html


def test_a_step_after_one_chosen_role_closed_says_so_and_accepts_nothing(client, call_with_roles):
    call, roles = call_with_roles
    closes_soon(roles[0])
    walk(client, call, [roles[0].pk, roles[1].pk], until="experience")
    with time_machine.travel(roles[0].closes_at + timedelta(seconds=1)):
        response = post_step(client, call, "experience", GOOD_ANSWERS["experience"], follow=True)
    html = response.content.decode()
    assert response.status_code == 200
    assert "選んだ業務の受付が終了しました" in html
    assert "Instagram記事制作" in html
    assert "広報誌の編集を5年。" not in client.get(step_url(call, "experience")).content.decode()  # not accepted


def test_uploaded_files_reach_the_application_under_generated_names(client, call_with_roles):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from pypdf import PdfWriter

    from applications.models import Attachment

    call, roles = call_with_roles
    buffer = io.BytesIO()
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    writer.write(buffer)
    pdf = SimpleUploadedFile("職務経歴書.pdf", buffer.getvalue(), content_type="application/pdf")
    walk(client, call, [roles[0].pk], until="sidework", files={"file_1": pdf})
    for step in ["sidework", "consent"]:
        post_step(client, call, step, GOOD_ANSWERS[step])
    assert "職務経歴書.pdf" in client.get(step_url(call, "review")).content.decode()
    post_step(client, call, "review", {})
    attachment = Attachment.objects.get()
    assert attachment.original_name == "職務経歴書.pdf"
    assert attachment.content_type == "application/pdf"
    assert "職務経歴書" not in attachment.file.name
    assert attachment.file.name.startswith("attachments/")
    assert attachment.file.read() == buffer.getvalue()
