"""On a 390×844 phone: a refused step focuses its error summary, Back after it never resubmits, and the
button of a step whose file is on its way says so and sends once; axe 0 on every state (issue 22).
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone
from playwright.sync_api import Page, expect
from pypdf import PdfWriter

from tests.applications.wizard_helpers import walk
from tests.conftest import site_content_now
from tests.recruitment import factories as f

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def step_path(call, step: str) -> str:
    return f"/apply/{call.pk}/{step}/"


def focused_id(page: Page) -> str:
    return page.evaluate("document.activeElement && document.activeElement.id")


def test_errors_take_the_focus_back_works_and_a_slow_upload_shows_a_busy_button(
    page: Page, new_context, live_server, assert_accessible, tmp_path
):
    site_content_now()
    call = f.call()
    role = f.role(call, title="広報動画の企画", closes_at=timezone.now() + timedelta(days=5))

    # The self-check sent empty: the page opens at its error summary, which has the focus.
    page.goto(live_server.url + step_path(call, "roles") + f"?role={role.pk}")
    expect(page).to_have_title(re.compile(r"^ステップ 1/9:業務を選ぶ \|"))
    page.locator('button[name="next"]').click()
    page.wait_for_url(re.compile(r"/check/$"))
    page.locator('button[name="next"]').click()
    page.wait_for_url(re.compile(r"/check/#error-summary$"))
    expect(page.locator("#error-summary")).to_be_focused()
    expect(page).to_have_title(re.compile(r"^入力内容に問題があります: ステップ 2/9:"))
    assert_accessible(page)
    # The error for the hours names its field.
    page.locator('[name="check-hours_per_week"]').fill("0")
    page.locator('button[name="next"]').click()
    expect(page.locator("#error-summary")).to_contain_text("1週間に働ける時間は1以上で入力してください。")
    expect(page.locator("#error-summary")).to_be_focused()

    # Corrected, then the browser's Back: the step again, no "confirm form resubmission".
    page.locator('[name="check-hours_per_week"]').fill("10")
    page.locator('[name="check-online_ok"][value="yes"]').check()
    page.locator('[name="check-pay_understood"]').check()
    page.locator('button[name="next"]').click()
    page.wait_for_url(re.compile(r"/about/$"))
    page.go_back()
    page.wait_for_url(re.compile(r"/check/(#error-summary)?$"))
    expect(page.locator("h1")).to_contain_text("ステップ 2/9")
    expect(page.locator('[name="check-hours_per_week"]')).to_have_value("10")
    expect(page.locator("#error-summary")).to_have_count(0)
    assert_accessible(page)

    # Without script the summary is still first, and the page opens at it.
    plain = new_context(java_script_enabled=False).new_page()
    plain.goto(live_server.url + step_path(call, "roles"))
    plain.locator('button[name="next"]').click()
    plain.wait_for_url(re.compile(r"/roles/#error-summary$"))
    first = plain.evaluate("document.querySelector('main').firstElementChild.id")
    assert first == "error-summary"
    expect(plain.locator('#error-summary a[href="#id_roles-roles_0"]')).to_be_visible()
    plain.context.close()

    # The portfolio step (reached here by the test client, in this browser's session) with a file on a slow line.
    client = Client()
    walk(client, call, [role.pk], until="portfolio")
    page.context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )
    page.goto(live_server.url + step_path(call, "portfolio"))
    pdf = tmp_path / "works.pdf"
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    with pdf.open("wb") as out:
        writer.write(out)
    page.locator('[name="portfolio-file_1"]').set_input_files(pdf)

    # The file is "on its way": a listener after kobo.js's records whether each submit would go out, then
    # stops it, so the page stays as it looks during a slow upload. Two quick taps on the button.
    state = page.evaluate(
        """() => new Promise((done) => {
             const sent = [];
             window.addEventListener('submit', (event) => {  // after kobo.js's listener on the document
               sent.push(!event.defaultPrevented);
               event.preventDefault();
             });
             const next = document.querySelector('button[name=next]');
             next.click();
             next.click();
             setTimeout(() => done({
               sent: sent,
               busy: next.getAttribute('aria-busy'),
               label: next.textContent.trim(),
               disabled: [next.disabled, document.querySelector('button[name=save_draft]').disabled],
             }), 0);
           })"""
    )
    assert state == {"sent": [True, False], "busy": "true", "label": "送信中…", "disabled": [True, True]}
    assert_accessible(page)
