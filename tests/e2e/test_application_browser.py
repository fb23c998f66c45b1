"""A citizen on a phone applies to two Kobe roles: saves a draft, comes back in another browser, submits.

axe (WCAG 2.x A and AA) runs on every step of the wizard, on an error state and on the
pages around it; no page may scroll sideways on the phone.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
from django.core import mail
from playwright.sync_api import Page, expect
from pypdf import PdfWriter

from applications.models import Application
from recruitment.demo import ensure_kobe_demo
from recruitment.models import RolePage
from tests.applications.wizard_helpers import GOOD_ANSWERS, emailed_code
from tests.conftest import replayed
from tests.e2e.wizard_steps import answer_sidework, field, next_step

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

REFERENCE = re.compile(r"^[A-Z]+-[23456789A-HJKMNP-Z]{6}$")
INSTAGRAM = "神戸市公式Instagram掲載記事制作業務"
LINE = "神戸市公式LINE掲載記事制作業務"
PDF_NAME = "kobe-portfolio.pdf"
EMAIL = "applicant@example.jp"


@pytest.fixture
def kobe(transactional_db):
    return replayed("kobe", ensure_kobe_demo)


@pytest.fixture
def portfolio_pdf(tmp_path):
    """A small, real, one-page A4 PDF that passes the upload checks."""
    path = tmp_path / PDF_NAME
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    with path.open("wb") as out:
        writer.write(out)
    return path


def check_step(page: Page, assert_accessible, step: str) -> None:
    """On the step's own URL, with its heading; accessible, and nothing scrolls sideways on the phone."""
    page.wait_for_url(re.compile(rf"/apply/\d+/{step}/(\?role=\d+)?(#[\w-]+)?$"))
    expect(page.locator("h1")).to_be_visible()
    expect(page.locator(".step-count")).to_be_visible()
    check_page(page, assert_accessible)


def check_page(page: Page, assert_accessible) -> None:
    assert_accessible(page)
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), page.url


def test_citizen_applies_to_two_kobe_roles_saves_a_draft_comes_back_and_submits(
    page, new_context, live_server, kobe, portfolio_pdf, assert_accessible
):
    instagram = RolePage.objects.child_of(kobe).get(title=INSTAGRAM)
    line = RolePage.objects.child_of(kobe).get(title=LINE)
    assert instagram.state().accepts_applications
    assert line.state().accepts_applications
    mail.outbox.clear()

    # The call page, then an open role (the closed one has no Apply button), then Apply.
    page.goto(live_server.url + kobe.url)
    open_cards = page.locator(".role-card", has_not=page.locator(".badge--closed"))
    open_cards.filter(has_text=INSTAGRAM).get_by_role("link").first.click()
    expect(page.locator("h1")).to_contain_text("Instagram")
    page.locator("#apply").click()

    # 1. Roles: a compact list of checkboxes; the role we came from is ticked; add a second one.
    check_step(page, assert_accessible, "roles")
    expect(page.get_by_role("checkbox", name=re.compile(INSTAGRAM))).to_be_checked()
    # The closed role is listed but cannot be chosen.
    expect(page.locator("main")).to_contain_text("神戸市広報紙連載記事制作業務")
    expect(page.get_by_role("checkbox", name=re.compile("神戸市広報紙連載記事制作業務"))).to_have_count(0)
    page.get_by_role("checkbox", name=re.compile(LINE)).check()
    next_step(page)

    # 1b. Order of preference, only because two roles were chosen.
    check_step(page, assert_accessible, "rank")
    page.get_by_role("group", name=re.compile(INSTAGRAM)).get_by_role("radio", name="1", exact=True).check()
    page.get_by_role("group", name=re.compile(LINE)).get_by_role("radio", name="2", exact=True).check()
    next_step(page)

    # 2. Self-check: hours, online work, pay read.
    check_step(page, assert_accessible, "check")
    expect(page.locator(".wizard-form")).to_contain_text(INSTAGRAM)
    expect(page.locator(".wizard-form")).to_contain_text(LINE)
    field(page, "check", "hours_per_week").fill("10")
    page.locator("#id_check-online_ok_0").check()  # yes
    field(page, "check", "pay_understood").check()
    next_step(page)

    # 3. About you: first with a short postal code and a different email confirmation.
    check_step(page, assert_accessible, "about")
    about = {**GOOD_ANSWERS["about"], "postal_code": "12345", "email": EMAIL, "email_confirm": "applicant@example.com"}
    for name, value in about.items():
        if name == "prefecture":
            field(page, "about", name).select_option(value)
        elif name != "website":
            field(page, "about", name).fill(value)
    next_step(page)

    page.wait_for_url(re.compile(r"/about/#error-summary$"))  # a refused step redirects to its error summary
    summary = page.locator("#error-summary")
    expect(summary).to_be_visible()
    expect(page).to_have_title(re.compile("^入力内容に問題があります: "))
    expect(summary.locator('a[href="#id_about-postal_code"]')).to_be_visible()
    expect(summary.locator('a[href="#id_about-email_confirm"]')).to_be_visible()
    for name in ("postal_code", "email_confirm"):
        control = field(page, "about", name)
        error = page.locator(f"#id_about-{name}-error")
        expect(error).to_be_visible()
        expect(control).to_have_attribute("aria-invalid", "true")
        assert f"id_about-{name}-error" in control.get_attribute("aria-describedby").split()
        # The message is next to its field: in the same form field as the control.
        assert error.locator("xpath=..").evaluate("(el, c) => el.contains(c)", control.element_handle())
    # What was typed is still there, errors included.
    for name in ("family_name", "given_name", "family_name_kana", "phone", "city", "postal_code", "email_confirm"):
        expect(field(page, "about", name)).to_have_value(about[name])
    expect(field(page, "about", "prefecture")).to_have_value("兵庫県")
    # Following a link of the summary reaches its field.
    summary.locator('a[href="#id_about-postal_code"]').click()
    page.wait_for_url(re.compile(r"#id_about-postal_code$"))
    check_step(page, assert_accessible, "about")

    field(page, "about", "postal_code").fill("650-8570")
    field(page, "about", "email_confirm").fill(EMAIL)
    next_step(page)
    # The summary link's #fragment does not follow the applicant to the next steps.
    page.wait_for_url(re.compile(r"/verify/$"))

    # 3b. The address is proven with the code mailed to it: a wrong code first, refused next to the field.
    check_step(page, assert_accessible, "verify")
    expect(page.locator("main")).to_contain_text(EMAIL)
    code = emailed_code(EMAIL)
    code_field = page.get_by_label(re.compile("確認コード"))
    code_field.fill("000000" if code != "000000" else "111111")
    next_step(page)
    expect(page.locator("#id_verify-code-error")).to_be_visible()
    expect(code_field).to_have_attribute("aria-invalid", "true")
    check_step(page, assert_accessible, "verify")
    code_field.fill(code)
    next_step(page)
    page.wait_for_url(re.compile(r"/experience/$"))

    # 4. Experience.
    check_step(page, assert_accessible, "experience")
    page.locator('[name="experience-occupation"][value="employee"]').check()
    for name in ("experience", "strengths", "hobbies"):
        field(page, "experience", name).fill(GOOD_ANSWERS["experience"][name])
    next_step(page)

    # 5. Portfolio: a link and a real PDF, then "save and finish later".
    check_step(page, assert_accessible, "portfolio")
    field(page, "portfolio", "link_1").fill("https://example.jp/works")
    field(page, "portfolio", "file_1").set_input_files(portfolio_pdf)
    page.locator('button[name="save_draft"]').click()

    page.wait_for_url(re.compile(r"/apply/\d+/save/$"))
    email = page.get_by_label("メールアドレス")
    expect(email).to_have_value(EMAIL)  # offered from the "about you" step
    check_page(page, assert_accessible)
    # A mistyped address is refused next to the field, accessibly.
    email.fill("applicant@")
    page.locator("main form button[type=submit]").click()
    expect(page.locator("#error-summary")).to_be_visible()
    expect(page.locator("#id_email-error")).to_be_visible()
    expect(email).to_have_value("applicant@")
    expect(email).to_have_attribute("aria-invalid", "true")
    check_page(page, assert_accessible)
    email.fill(EMAIL)
    page.locator("main form button[type=submit]").click()
    expect(page.locator("h1")).to_have_text("リンクを送りました")
    expect(page.locator("main")).to_contain_text(EMAIL)
    check_page(page, assert_accessible)

    assert mail.outbox, "no draft link was sent"
    draft_mail = mail.outbox[-1]
    assert draft_mail.to == [EMAIL]
    assert "𠮷田" not in draft_mail.body  # mail before submitting carries nothing the applicant typed
    link = re.search(r"https?://\S+/apply/resume/\S+", draft_mail.body)
    assert link, draft_mail.body
    resume_path = urlsplit(link.group(0)).path

    # The browser is closed; the link opens the draft in a new one, at the step where we stopped.
    page.context.close()
    page = new_context().new_page()
    referers = []
    page.on("request", lambda r: referers.append(r.headers.get("referer") or ""))
    page.goto(live_server.url + resume_path)
    # Opening the link only asks; continuing (a POST) moves the draft to this browser.
    expect(page.locator("h1")).to_have_text("保存した応募の続きを入力しますか?")
    check_page(page, assert_accessible)
    page.get_by_role("button", name="この応募の続きを入力する").click()
    check_step(page, assert_accessible, "portfolio")
    # The link's secret reached no Referer, not even of the page's own styles and scripts.
    assert referers
    assert not [r for r in referers if "/apply/resume/" in r], referers
    expect(page.locator(".stored-file")).to_contain_text(PDF_NAME)
    # The kept file is read out with its own slot, not only shown near it.
    expect(field(page, "portfolio", "file_1")).to_have_accessible_description(re.compile(re.escape(PDF_NAME)))
    expect(field(page, "portfolio", "link_1")).to_have_value("https://example.jp/works")
    next_step(page)

    # 6. Side work and declarations.
    check_step(page, assert_accessible, "sidework")
    answer_sidework(page, "obtained")

    # 7. Personal data notice and consent.
    check_step(page, assert_accessible, "consent")
    expect(page.locator("#notice-title")).to_be_visible()
    field(page, "consent", "consent").check()
    next_step(page)

    # 8. Review: every answer, the uploaded file's name included; then send.
    check_step(page, assert_accessible, "review")
    review = page.locator(".wizard-form")
    for text in (INSTAGRAM, LINE, "𠮷田", "ヨシダ", EMAIL, "650-8570", "兵庫県", "広報誌の編集を5年。", PDF_NAME):
        expect(review).to_contain_text(text)
    expect(review).not_to_contain_text("12345")
    next_step(page)

    # The receipt: the reference, and a confirmation email that carries it.
    page.wait_for_url(re.compile(r"/apply/receipt/[^/]+/$"))
    reference = page.locator("#reference").inner_text().strip()
    assert REFERENCE.match(reference), reference
    assert reference.startswith("KOBE-")
    expect(page.locator("main")).to_contain_text(INSTAGRAM)
    expect(page.locator("main")).to_contain_text(LINE)
    check_page(page, assert_accessible)
    confirmations = [m for m in mail.outbox if reference in m.subject]
    assert len(confirmations) == 1, [m.subject for m in mail.outbox]
    assert confirmations[0].to == [EMAIL]
    # What the applicant sent is what was stored: both roles in order, and the PDF.
    application = Application.objects.get(reference=reference)
    assert list(application.candidacies.order_by("rank").values_list("role_id", flat=True)) == [instagram.pk, line.pk]
    assert list(application.attachments.values_list("original_name", "content_type")) == [(PDF_NAME, "application/pdf")]
