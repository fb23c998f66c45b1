"""An English-speaking professional applies from /en/ on a 390 px phone, with the name's reading in Latin letters.

From the English home page to the receipt, every page and every step in English (the city's English
texts, prefectures in English, the English personal-data notice), axe (WCAG 2.x A and AA) on every
state, an error state included; the application records the consent to the English notice and the
reading as typed, and the receipt mail greets "Dear John Smith" with the English titles.
"""

from __future__ import annotations

import re

import pytest
from django.core import mail
from playwright.sync_api import Page, expect

from applications.models import Application, OutboxEmail
from recruitment.demo import ensure_kobe_demo
from recruitment.models import RolePage
from tests.applications.wizard_helpers import emailed_code
from tests.conftest import replayed
from tests.e2e.wizard_steps import answer_sidework, field, next_step

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CALL_EN = "City of Kobe: side-job professionals for public relations"
INSTAGRAM_EN = "Articles for the City of Kobe's official Instagram"
FALLBACK = "English not available"
EMAIL = "john.smith@example.com"


def checked(page: Page, assert_accessible) -> None:
    """English, accessible, nothing scrolling sideways, no untranslated text of the city's."""
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("h1")).to_be_visible()
    assert_accessible(page)
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), page.url
    expect(page.locator("main")).not_to_contain_text(FALLBACK)


def at_step(page: Page, assert_accessible, step: str, *, errors: bool = False) -> None:
    page.wait_for_url(re.compile(rf"^[^?#]*/en/apply/\d+/{step}/(\?[\w=]*)?(#[\w-]+)?$"))
    if errors:
        expect(page.locator("#error-summary")).to_be_visible()
    else:
        expect(page.locator("#error-summary")).to_have_count(0)
    checked(page, assert_accessible)


def test_an_english_professional_applies_from_en_with_a_latin_reading(page, live_server, assert_accessible):
    kobe = replayed("kobe", ensure_kobe_demo)
    instagram = RolePage.objects.child_of(kobe).get(title_en=INSTAGRAM_EN)
    mail.outbox.clear()

    # The English home page, the call and the role, in the city's English.
    page.goto(live_server.url + "/en/")
    checked(page, assert_accessible)
    page.get_by_role("link", name=CALL_EN).first.click()
    expect(page.locator("h1")).to_have_text(CALL_EN)
    expect(page.locator("main")).to_contain_text("Service contract")
    expect(page.locator("main")).to_contain_text("Can I apply if I do not live in Kobe?")
    checked(page, assert_accessible)
    page.get_by_role("link", name=INSTAGRAM_EN).first.click()
    expect(page.locator("h1")).to_have_text(INSTAGRAM_EN)
    expect(page.locator("main")).to_contain_text("¥6,000 per article")
    expect(page.locator("main")).to_contain_text("Take or choose the photos and write the article")
    checked(page, assert_accessible)
    page.locator("#apply").click()

    # Roles: the role of the page is the one to tick.
    at_step(page, assert_accessible, "roles")
    role_box = page.get_by_role("checkbox", name=re.compile(re.escape(INSTAGRAM_EN)))
    if not role_box.is_checked():
        role_box.check()
    next_step(page)

    # Self-check, with the role's pay in English.
    at_step(page, assert_accessible, "check")
    expect(page.locator("main")).to_contain_text("¥6,000 per article")
    field(page, "check", "hours_per_week").fill("10")
    page.locator('[name="check-online_ok"][value="yes"]').check()
    field(page, "check", "pay_understood").check()
    next_step(page)

    # About you: the reading in Latin letters; a digit in it is refused, accessibly and in English.
    at_step(page, assert_accessible, "about")
    expect(page.get_by_label("Reading of your family name")).to_be_visible()
    for name, value in {
        "family_name": "Smith",
        "given_name": "John",
        "family_name_kana": "Sm1th",
        "given_name_kana": "John",
        "email": EMAIL,
        "email_confirm": EMAIL,
        "phone": "078-123-4567",
        "postal_code": "650-8570",
        "city": "Kobe, Chuo-ku",
    }.items():
        field(page, "about", name).fill(value)
    prefecture = field(page, "about", "prefecture")
    prefecture.select_option(label="Hyogo")
    expect(prefecture).to_have_value("兵庫県")
    expect(prefecture.locator("option", has_text="Tokyo")).to_have_count(1)
    field(page, "about", "city").fill("Kobe, Chuo-ku")
    next_step(page)
    at_step(page, assert_accessible, "about", errors=True)
    expect(page.locator("#error-summary")).to_contain_text("Latin letters")
    expect(field(page, "about", "family_name_kana")).to_have_attribute("aria-invalid", "true")
    field(page, "about", "family_name_kana").fill("Smith")
    next_step(page)

    # Verify: the code mailed to the address.
    at_step(page, assert_accessible, "verify")
    field(page, "verify", "code").fill(emailed_code(EMAIL))
    next_step(page)

    at_step(page, assert_accessible, "experience")
    page.locator('[name="experience-occupation"][value="freelance"]').check()
    field(page, "experience", "experience").fill("Five years editing a city magazine.")
    field(page, "experience", "strengths").fill("Interviews and photography")
    next_step(page)

    at_step(page, assert_accessible, "portfolio")
    field(page, "portfolio", "link_1").fill("https://example.com/works")
    next_step(page)

    at_step(page, assert_accessible, "sidework")
    answer_sidework(page, "not_needed")

    # Consent: the English notice, with its version and language; refused unticked, then given.
    at_step(page, assert_accessible, "consent")
    notice = page.locator("section.notice")
    expect(notice).to_contain_text("only to select applicants for this call")
    expect(notice).to_contain_text("(English)")
    next_step(page)
    at_step(page, assert_accessible, "consent", errors=True)
    field(page, "consent", "consent").check()
    next_step(page)

    # Review: the answers as given, the prefecture in English; then send.
    at_step(page, assert_accessible, "review")
    review = page.locator(".wizard-form")
    for text in (INSTAGRAM_EN, "Smith", "John", "Hyogo", EMAIL, "Kobe, Chuo-ku"):
        expect(review).to_contain_text(text)
    expect(review).not_to_contain_text("兵庫県")
    next_step(page)

    # The receipt.
    page.wait_for_url(re.compile(r"/en/apply/receipt/[^/]+/$"))
    expect(page.locator("main")).to_contain_text(INSTAGRAM_EN)
    checked(page, assert_accessible)

    application = Application.objects.get()
    assert application.language == "en"
    assert application.consent_notice_language == "en"
    assert application.consent_notice_version == kobe.personal_data_notice_version
    applicant = application.applicant
    assert (applicant.family_name_kana, applicant.given_name_kana) == ("Smith", "John")
    assert applicant.reading_script_label == "Latin"
    assert applicant.prefecture == "兵庫県"
    assert list(application.candidacies.values_list("role_id", flat=True)) == [instagram.pk]
    assert OutboxEmail.objects.filter(kind="confirmation", to=EMAIL).count() == 1
    [receipt] = [m for m in mail.outbox if m.to == [EMAIL] and "/en/apply/manage/" in m.body]
    assert receipt.body.startswith("Dear John Smith,\n")
    assert f"Call: {CALL_EN}" in receipt.body
    assert INSTAGRAM_EN in receipt.body
