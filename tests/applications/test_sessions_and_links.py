"""A shared browser, a planted resume link, an address nobody reads, and secrets at rest (issue 19: 1, 2, 3, 5).

Each test is what a person at the keyboard would check: what the next person at the same
browser sees, what an attacker's browser reads, whether an application goes in under an
address that was never proven, and what the session table and the response headers hold.
"""

from __future__ import annotations

import json
import re
from datetime import timedelta

import pytest
from django.contrib.sessions.models import Session
from django.core import mail
from django.test import Client
from django.utils import timezone

from applications.intake.services import Submission, SubmissionRefused, application_submit
from applications.models import Application, Candidacy, Draft, OutboxEmail
from tests.applications.wizard_helpers import GOOD_ANSWERS, emailed_code, post_step, step_url, walk
from tests.conftest import shared_world, site_content_now
from tests.recruitment import factories as f

pytestmark = pytest.mark.django_db

EMAIL = GOOD_ANSWERS["about"]["email"]


@shared_world
def sessions_and_links_world():
    """A call with one open role, built once for this file (each test's writes are undone after it)."""
    site_content_now()
    call = f.call()
    role = f.role(call, title="Instagram記事制作", closes_at=timezone.now() + timedelta(days=5))
    return call, role


@pytest.fixture
def call_and_role(sessions_and_links_world):
    return sessions_and_links_world


def _link(kind_path: str) -> str:
    line = next(line for m in reversed(mail.outbox) for line in m.body.splitlines() if kind_path in line)
    return line[line.index(kind_path) :].strip()


def _manage_link() -> str:
    for row in OutboxEmail.objects.filter(kind__in=["confirmation", "manage_link"]).order_by("-pk"):
        match = re.search(r"/apply/manage/\S+", row.body)
        if match:
            return match.group(0)
    return _link("/apply/manage/")


# --- 1. a shared browser -------------------------------------------------------------------------


def test_the_next_person_at_a_shared_browser_gets_a_fresh_form_not_the_last_receipt(client, call_and_role):
    call, role = call_and_role
    submitted = walk(client, call, [role.pk])
    application = Application.objects.get()
    assert submitted["Location"] == f"/apply/receipt/{application.reference}/"
    receipt = client.get(submitted["Location"])
    assert application.reference in receipt.content.decode()

    # B, at the same browser, taps この業務に応募する.
    start = client.get(f"/apply/{call.pk}/?role={role.pk}", follow=True)
    html = start.content.decode()
    assert start.redirect_chain[-1][0].startswith(step_url(call, "roles"))
    assert application.reference not in html
    assert "applicant@example.jp" not in html.lower()
    # The receipt's address a second time shows nothing of A's.
    again = client.get(f"/apply/receipt/{application.reference}/")
    assert again.status_code == 404
    again_html = again.content.decode()
    assert 'id="reference"' not in again_html
    assert "applicant@example.jp" not in again_html.lower()
    assert not re.search(r"/apply/manage/[^/\"]+/", again_html)  # no manage link (only the "ask again" page)
    # B fills the form in: a second application, A's untouched.
    walk(client, call, [role.pk], answers={"about": {**GOOD_ANSWERS["about"], "email": "b@example.jp",
                                                     "email_confirm": "b@example.jp"}})  # fmt: skip
    assert Application.objects.count() == 2


def test_someone_who_withdrew_everything_can_apply_again(client, call_and_role):
    call, role = call_and_role
    walk(client, call, [role.pk])
    manage = _manage_link()
    client.post(manage, {"withdraw_all": "1", "confirm": "1"})
    assert Candidacy.objects.get().status == Candidacy.Status.WITHDRAWN

    again = walk(client, call, [role.pk])
    assert again.status_code == 302, again.content.decode()[:1000]
    assert Application.objects.count() == 2
    assert Candidacy.objects.filter(status=Candidacy.Status.SUBMITTED).count() == 1


def test_the_receipt_is_shown_once_and_not_after_its_minutes(client, call_and_role):
    import time_machine

    call, role = call_and_role
    submitted = walk(client, call, [role.pk])
    with time_machine.travel(timezone.now() + timedelta(minutes=11)):
        late = client.get(submitted["Location"])
    assert late.status_code == 404
    assert 'id="reference"' not in late.content.decode()
    assert "applicant@example.jp" not in late.content.decode().lower()


def test_the_citizen_session_lasts_hours_not_weeks(client, call_and_role):
    call, role = call_and_role
    walk(client, call, [role.pk], until="check")
    session = Session.objects.get()
    assert session.expire_date <= timezone.now() + timedelta(hours=2, minutes=1)
    assert int(client.cookies["sessionid"]["max-age"]) <= 2 * 3600


# --- 2. draft fixation ---------------------------------------------------------------------------


def test_a_planted_resume_link_neither_replaces_a_draft_silently_nor_reads_what_the_victim_types(call_and_role):
    call, role = call_and_role
    attacker, victim = Client(), Client()
    walk(attacker, call, [role.pk], until="about")
    post_step(attacker, call, "about", {}, extra={"save_draft": "1"})
    attacker.post(f"/apply/{call.pk}/save/", {"email": "attacker@example.jp"})
    row = OutboxEmail.objects.filter(kind="draft_link").latest("pk")
    planted = re.search(r"/apply/resume/\S+", row.body).group(0)

    victim_answers = {**GOOD_ANSWERS["about"], "family_name": "被害", "given_name": "花子"}
    walk(victim, call, [role.pk], until="verify", answers={"about": victim_answers})
    victims_draft = Draft.objects.exclude(email="attacker@example.jp").get()

    # Opening the link (a GET from any site) changes nothing: it asks.
    asked = victim.get(planted)
    assert asked.status_code == 200
    assert 'method="post"' in asked.content.decode()
    assert "被害" in victim.get(step_url(call, "about")).content.decode()  # still the victim's own draft
    assert Draft.objects.get(pk=victims_draft.pk).session_hash

    # The victim continues anyway, and types their name into the attacker's draft.
    continued = victim.post(planted)
    assert continued.status_code == 302
    post_step(victim, call, "about", {**victim_answers, "family_name": "秘密"})
    assert "秘密" in victim.get(step_url(call, "about")).content.decode()

    # The attacker's browser no longer has it, and the old link no longer works.
    seen = attacker.get(step_url(call, "about")).content.decode()
    assert "秘密" not in seen
    assert "被害" not in seen
    assert attacker.get(planted).status_code == 404  # "this link no longer works"
    assert Client().post(planted).status_code == 404


def test_resume_in_a_second_browser_closes_the_draft_in_the_first(client, call_and_role):
    call, role = call_and_role
    walk(client, call, [role.pk], until="experience")
    post_step(client, call, "experience", {"occupation": "freelance"}, extra={"save_draft": "1"})
    client.post(f"/apply/{call.pk}/save/", {"email": "later@example.jp"})
    link = re.search(r"/apply/resume/\S+", OutboxEmail.objects.get(kind="draft_link").body).group(0)
    phone = Client()
    phone.post(link)
    phone_page = phone.get(step_url(call, "experience")).content.decode()
    assert re.search(r'value="freelance"[^>]*checked|checked[^>]*value="freelance"', phone_page)
    first_page = client.get(step_url(call, "experience")).content.decode()
    assert not re.search(r'value="freelance"[^>]*checked|checked[^>]*value="freelance"', first_page)


# --- 3. a verified email -------------------------------------------------------------------------


def test_an_address_that_was_not_proven_cannot_submit(client, call_and_role):
    call, role = call_and_role
    walk(client, call, [role.pk], until="about")
    post_step(client, call, "about", GOOD_ANSWERS["about"])
    for step in ["experience", "portfolio", "sidework", "consent"]:  # skip the code, post past it
        post_step(client, call, step, GOOD_ANSWERS[step])
    response = post_step(client, call, "review", {})
    assert Application.objects.count() == 0
    assert response.status_code == 302
    assert "/verify/" in response["Location"]
    assert not OutboxEmail.objects.filter(kind="confirmation").exists()


def test_the_service_refuses_an_unproven_address_whatever_the_browser_sends(call_and_role):
    call, role = call_and_role
    draft = Draft.objects.create(token_hash="f" * 64, call=call, expires_at=timezone.now() + timedelta(days=1))
    about = {k: v for k, v in GOOD_ANSWERS["about"].items() if k not in {"website", "email_confirm"}}
    submission = Submission(call=call, role_ids=[role.pk], about=about, answers={})
    with pytest.raises(SubmissionRefused) as refused:
        application_submit(draft=draft, submission=submission)
    assert refused.value.unverified
    assert Application.objects.count() == 0


def test_a_wrong_code_is_refused_next_to_the_field_and_nothing_typed_is_lost(client, call_and_role):
    call, role = call_and_role
    walk(client, call, [role.pk], until="verify")
    right = emailed_code(EMAIL)
    wrong = "000000" if right != "000000" else "111111"
    page = post_step(client, call, "verify", {"code": wrong})
    html = page.content.decode()
    assert page.status_code == 200
    assert 'aria-invalid="true"' in html
    assert 'aria-describedby="' in html
    assert 'id="id_verify-code-error"' in html
    assert f'value="{wrong}"' in html
    # Full-width digits from a phone's keyboard are the same code.
    full_width = right.translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    assert post_step(client, call, "verify", {"code": full_width}).status_code == 302
    assert client.get(step_url(call, "about")).content.decode().count("𠮷田") >= 1


def test_codes_expire_after_five_wrong_tries_and_are_never_stored_in_clear(client, call_and_role):
    call, role = call_and_role
    walk(client, call, [role.pk], until="verify")
    right = emailed_code(EMAIL)
    draft = Draft.objects.get()
    assert right not in json.dumps([draft.code_hash, draft.data, draft.verified_email_key])
    wrong = "000000" if right != "000000" else "111111"
    for _ in range(5):
        post_step(client, call, "verify", {"code": wrong})
    assert post_step(client, call, "verify", {"code": right}).status_code == 200  # spent: ask for a new one
    assert Draft.objects.get().verified_email_key == ""
    post_step(client, call, "verify", {}, extra={"send_code": "1"})
    assert post_step(client, call, "verify", {"code": emailed_code(EMAIL)}).status_code == 302


def test_mail_to_one_address_is_limited_whoever_asks(call_and_role):
    call, role = call_and_role
    victim = "victim@example.jp"
    answers = {"about": {**GOOD_ANSWERS["about"], "email": victim, "email_confirm": victim}}
    for n in range(8):  # eight browsers (eight source addresses) at one inbox
        browser = Client(REMOTE_ADDR=f"192.0.2.{n + 1}")
        walk(browser, call, [role.pk], until="verify", answers=answers)
        post_step(browser, call, "verify", {}, extra={"send_code": "1"})
    assert OutboxEmail.objects.filter(to=victim).count() <= 6


def test_mail_sent_before_the_address_is_proven_carries_nothing_the_applicant_typed(client, call_and_role):
    call, role = call_and_role
    phishing = {"family_name": "至急 https://evil.example/login", "given_name": "口座確認"}
    walk(client, call, [role.pk], until="verify", answers={"about": {**GOOD_ANSWERS["about"], **phishing}})
    post_step(client, call, "verify", {}, extra={"save_draft": "1"})
    client.post(f"/apply/{call.pk}/save/", {"email": "victim@example.jp"})
    before = OutboxEmail.objects.filter(kind__in=["email_code", "draft_link"])
    assert {row.kind for row in before} == {"email_code", "draft_link"}
    for row in before:
        for text in (row.subject, row.body, row.html_body):
            assert "evil.example" not in text
            assert "至急" not in text
            assert "口座確認" not in text
            assert "𠮷田" not in text


# --- 5. secrets at rest and in Referers --------------------------------------------------------------


def _sessions_text() -> str:
    return json.dumps([s.get_decoded() for s in Session.objects.all()], ensure_ascii=False)


def test_session_rows_hold_no_token(client, call_and_role):
    call, role = call_and_role
    walk(client, call, [role.pk], until="experience")
    post_step(client, call, "experience", GOOD_ANSWERS["experience"], extra={"save_draft": "1"})
    client.post(f"/apply/{call.pk}/save/", {"email": EMAIL})
    resume = re.search(r"/apply/resume/([^/\s]+)/", OutboxEmail.objects.get(kind="draft_link").body).group(1)
    assert resume not in _sessions_text()
    client.post(f"/apply/resume/{resume}/")
    submitted = walk(client, call, [role.pk])
    manage = re.search(r"/apply/manage/([^/\s]+)/", OutboxEmail.objects.get(kind="confirmation").body).group(1)
    stored = _sessions_text()
    assert manage not in stored  # not even between the submission and the receipt
    assert resume not in stored
    receipt = client.get(submitted["Location"]).content.decode()
    assert f"/apply/manage/{manage}/" in receipt  # shown once, right after submitting
    assert manage not in _sessions_text()


def test_pages_with_a_secret_in_their_address_send_no_referrer(client, call_and_role):
    """Only the origin, never the path: ``strict-origin`` (``no-referrer`` would make browsers send
    ``Origin: null`` with the page's own forms, which CSRF refuses; the browser test posts them)."""
    call, role = call_and_role
    walk(client, call, [role.pk], until="experience")
    post_step(client, call, "experience", GOOD_ANSWERS["experience"], extra={"save_draft": "1"})
    client.post(f"/apply/{call.pk}/save/", {"email": EMAIL})
    resume = re.search(r"/apply/resume/\S+", OutboxEmail.objects.get(kind="draft_link").body).group(0)
    assert client.get(resume)["Referrer-Policy"] == "strict-origin"
    client.post(resume)
    submitted = walk(client, call, [role.pk])
    assert client.get(submitted["Location"])["Referrer-Policy"] == "strict-origin"
    assert client.get(_manage_link())["Referrer-Policy"] == "strict-origin"
    assert client.get(resume)["Referrer-Policy"] == "strict-origin"  # its "no longer works" page too


def test_an_expired_manage_link_says_so_and_a_new_one_can_be_asked_for(client, call_and_role):
    call, role = call_and_role
    walk(client, call, [role.pk])
    link = _manage_link()
    assert client.get(link).status_code == 200
    Candidacy.objects.update(status=Candidacy.Status.NOT_SELECTED, decided_at=timezone.now() - timedelta(days=31))

    expired = client.get(link)
    assert expired.status_code == 410
    page = expired.content.decode()
    assert "/apply/manage/" in page  # where to ask for a new link
    assert Application.objects.get().reference not in page

    asked = Client().post("/apply/manage/", {"email": "APPLICANT@example.jp"})
    unknown = Client().post("/apply/manage/", {"email": "nobody@example.jp"})
    assert asked.status_code == unknown.status_code == 200
    assert asked.content.decode().replace("APPLICANT@example.jp", "X") == unknown.content.decode().replace(
        "nobody@example.jp", "X"
    )
    row = OutboxEmail.objects.get(kind="manage_link")
    assert row.to == Application.objects.get().applicant.email
    new = re.search(r"/apply/manage/\S+", row.body).group(0)
    opened = Client().get(new)
    assert opened.status_code == 200
    assert Application.objects.get().reference in opened.content.decode()
    assert not OutboxEmail.objects.filter(to="nobody@example.jp").exists()
