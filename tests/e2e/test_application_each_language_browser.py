"""A new applicant on a 390 px phone, in Japanese and in English: every step, every error state.

axe (WCAG 2.x A and AA) runs on each step as it first appears, on each step's error
state, on the receipt and on the withdrawal pages; nothing may scroll sideways.
On the way: the postcode fills in the address, Back keeps what was typed, a good
file is kept when another is refused, and a double tap on the final button sends once.
"""

from __future__ import annotations

import re

import pytest
from django.core import mail
from playwright.sync_api import Page, expect
from pypdf import PdfWriter

from applications.models import Application, Candidacy
from recruitment.demo import ensure_kobe_demo
from recruitment.models import RolePage
from tests.applications.wizard_helpers import emailed_code
from tests.conftest import replayed
from tests.e2e.wizard_steps import answer_sidework, field, next_step

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

INSTAGRAM = "神戸市公式Instagram掲載記事制作業務"
LINE = "神戸市公式LINE掲載記事制作業務"
TEXT = {
    "ja": {
        "prefix": "",
        "problem": "入力内容に問題があります",
        "instagram": INSTAGRAM,
        "line": LINE,
        "family_name": "姓を入力してください。",
        "strengths": "強みを入力してください。",
        "filled": "郵便番号から入力しました：",
        "refused": "PDF、JPEG、PNG のファイルだけを送れます。",
        "confirm": "取り下げは元に戻せません。",
        "withdrawn": "2 件の業務への応募を取り下げました",
    },
    "en": {
        "prefix": "/en",
        "problem": "There is a problem",
        "instagram": "Articles for the City of Kobe's official Instagram",
        "line": "Articles for the City of Kobe's official LINE account",
        "family_name": "Enter your family name.",
        "strengths": "Enter your strengths.",
        "filled": "Filled in from the postal code:",
        "refused": "Only PDF, JPEG and PNG files can be sent.",
        "confirm": "Withdrawing cannot be undone.",
        "withdrawn": "2 roles withdrawn",
    },
}


@pytest.fixture
def kobe(transactional_db):
    return replayed("kobe", ensure_kobe_demo)


@pytest.fixture
def files(tmp_path):
    """A real one-page PDF, and a program renamed .pdf."""
    good = tmp_path / "portfolio.pdf"
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    with good.open("wb") as out:
        writer.write(out)
    bad = tmp_path / "setup.pdf"
    bad.write_bytes(b"MZ\x90\x00" + b"\x00" * 512)
    return good, bad


def at_step(page: Page, assert_accessible, step: str, *, errors: bool = False) -> None:
    """On the step's URL; with or without the error summary as expected; accessible; no sideways scroll."""
    page.wait_for_url(re.compile(rf"/apply/\d+/{step}/(\?[\w=]*)?(#[\w-]+)?$"))
    expect(page.locator("h1")).to_be_visible()
    if errors:
        expect(page.locator("#error-summary")).to_be_visible()
    else:
        expect(page.locator("#error-summary")).to_have_count(0)
    assert_accessible(page)
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), page.url


def errors_of(page: Page, step: str, assert_accessible) -> str:
    """Send the step empty: the error state, checked like any page. Returns the summary's text."""
    next_step(page)
    at_step(page, assert_accessible, step, errors=True)
    return page.locator("#error-summary").inner_text()


@pytest.mark.parametrize("language", ["ja", "en"])
def test_new_applicant_meets_every_step_and_error_on_a_phone(
    page, live_server, kobe, files, assert_accessible, language
):
    text = TEXT[language]
    good_pdf, bad_pdf = files
    instagram = RolePage.objects.child_of(kobe).get(title=INSTAGRAM)
    line = RolePage.objects.child_of(kobe).get(title=LINE)
    mail.outbox.clear()
    base = live_server.url + text["prefix"]

    # The call page is a short list on a phone: the roles fit in a few screens.
    page.goto(base + kobe.url)
    roles_height = page.locator("section[aria-labelledby=roles-heading]").bounding_box()["height"]
    assert roles_height < 4 * 844, roles_height
    assert_accessible(page)

    # Roles: nothing ticked is an error that links to the first checkbox.
    page.goto(base + f"/apply/{kobe.pk}/roles/")
    at_step(page, assert_accessible, "roles")
    summary = errors_of(page, "roles", assert_accessible)
    expect(page.locator('#error-summary a[href="#id_roles-roles_0"]')).to_be_visible()
    assert text["problem"] in page.title()
    assert summary
    page.get_by_role("checkbox", name=re.compile(re.escape(text["instagram"]))).check()
    page.get_by_role("checkbox", name=re.compile(re.escape(text["line"]))).check()
    next_step(page)

    # Rank: the same number twice is an error; then 1 and 2.
    at_step(page, assert_accessible, "rank")
    first = page.get_by_role("group", name=re.compile(re.escape(text["instagram"])))
    second = page.get_by_role("group", name=re.compile(re.escape(text["line"])))
    first.get_by_role("radio", name="1", exact=True).check()
    second.get_by_role("radio", name="1", exact=True).check()
    errors_of(page, "rank", assert_accessible)
    page.get_by_role("group", name=re.compile(re.escape(text["line"]))).get_by_role(
        "radio", name="2", exact=True
    ).check()
    next_step(page)

    # Self-check.
    at_step(page, assert_accessible, "check")
    errors_of(page, "check", assert_accessible)
    field(page, "check", "hours_per_week").fill("10")
    page.locator('[name="check-online_ok"][value="yes"]').check()
    field(page, "check", "pay_understood").check()
    next_step(page)

    # About you: specific messages; the postcode fills the address; a full-width email is fine.
    at_step(page, assert_accessible, "about")
    summary = errors_of(page, "about", assert_accessible)
    assert text["family_name"] in summary
    assert "この項目は必須です" not in summary
    assert "This field is required" not in summary
    for name, value in {
        "family_name": "神戸",
        "given_name": "花子",
        "family_name_kana": "こうべ",
        "given_name_kana": "はなこ",
        "email": "ＨＡＮＡＫＯ＠ｅｘａｍｐｌｅ．ｊｐ",
        "email_confirm": "hanako@example.jp",
        "phone": "078-123-4567",
    }.items():
        field(page, "about", name).fill(value)
    field(page, "about", "postal_code").fill("６５０８５７０")
    filled = re.compile(rf"^{re.escape(text['filled'])}\s*兵庫県 神戸市中央区$")
    expect(page.locator("#id_about-postal_code-status")).to_have_text(filled, timeout=20_000)
    expect(field(page, "about", "prefecture")).to_have_value("兵庫県")
    expect(field(page, "about", "city")).to_have_value("神戸市中央区")
    field(page, "about", "city").fill("神戸市中央区加納町")  # still editable
    assert_accessible(page)
    next_step(page)

    # Verify: the code mailed to the address (read as typed, in half-width); no code is an error.
    at_step(page, assert_accessible, "verify")
    errors_of(page, "verify", assert_accessible)
    expect(field(page, "verify", "code")).to_have_attribute("aria-invalid", "true")
    field(page, "verify", "code").fill(emailed_code("HANAKO@example.jp"))
    next_step(page)

    # Experience: an error state, then Back keeps what was typed.
    at_step(page, assert_accessible, "experience")
    assert text["strengths"] in errors_of(page, "experience", assert_accessible)
    field(page, "experience", "strengths").fill("取材と写真")
    page.locator('button[name="wizard_goto_step"]').click()
    at_step(page, assert_accessible, "verify")  # the address is confirmed: it says so
    page.locator('button[name="wizard_goto_step"]').click()
    at_step(page, assert_accessible, "about")
    expect(field(page, "about", "city")).to_have_value("神戸市中央区加納町")
    next_step(page)
    at_step(page, assert_accessible, "verify")  # still confirmed: no new code, just "next"
    next_step(page)
    at_step(page, assert_accessible, "experience")
    expect(field(page, "experience", "strengths")).to_have_value("取材と写真")
    page.locator('[name="experience-occupation"][value="freelance"]').check()
    field(page, "experience", "experience").fill("広報誌の編集を5年。")
    next_step(page)

    # Portfolio: the good file is kept when the other is refused.
    at_step(page, assert_accessible, "portfolio")
    field(page, "portfolio", "file_1").set_input_files(good_pdf)
    field(page, "portfolio", "file_2").set_input_files(bad_pdf)
    next_step(page)
    at_step(page, assert_accessible, "portfolio", errors=True)
    expect(page.locator("#id_portfolio-file_2-error")).to_have_text(text["refused"])
    expect(page.locator(".stored-file")).to_contain_text("portfolio.pdf")
    next_step(page)

    # Side work and consent.
    at_step(page, assert_accessible, "sidework")
    errors_of(page, "sidework", assert_accessible)
    answer_sidework(page, "not_needed")
    at_step(page, assert_accessible, "consent")
    errors_of(page, "consent", assert_accessible)
    field(page, "consent", "consent").check()
    next_step(page)

    # Review: the roles in the visitor's language, in order; a double tap sends once.
    at_step(page, assert_accessible, "review")
    review = page.locator(".wizard-form")
    expect(review).to_contain_text(text["instagram"])
    expect(review).to_contain_text(text["line"])
    expect(review).to_contain_text("portfolio.pdf")
    posts = []
    page.on("request", lambda r: posts.append(r.url) if r.method == "POST" else None)
    page.evaluate("() => { const b = document.querySelector('button[name=next]'); b.click(); b.click(); }")
    page.wait_for_url(re.compile(r"/apply/receipt/[^/]+/$"))
    assert len(posts) == 1, posts
    assert_accessible(page)

    application = Application.objects.get()
    assert application.applicant.email == "HANAKO@example.jp"
    assert list(application.candidacies.order_by("rank").values_list("role_id", flat=True)) == [instagram.pk, line.pk]
    assert list(application.attachments.values_list("original_name", flat=True)) == ["portfolio.pdf"]

    # Withdrawal: a confirmation page, a warning button; nothing left to withdraw afterwards.
    link = next(found.group(0) for m in mail.outbox if (found := re.search(r"https?://\S+/apply/manage/\S+", m.body)))
    page.goto(live_server.url + re.sub(r"^https?://[^/]+", "", link))
    assert_accessible(page)
    page.locator('button[name="withdraw_all"]').click()
    expect(page.locator("main")).to_contain_text(text["confirm"])
    assert_accessible(page)
    assert not Candidacy.objects.filter(status="withdrawn").exists()
    page.locator('button[name="confirm"]').click()
    expect(page.locator("main")).to_contain_text(text["withdrawn"])
    expect(page.locator('button[name="withdraw_all"]')).to_have_count(0)
    assert_accessible(page)
    assert Candidacy.objects.filter(status="withdrawn").count() == 2
