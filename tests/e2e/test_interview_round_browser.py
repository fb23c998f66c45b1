"""The staff's one page of a round, in the browser: the approver finds it from the interviews menu, reads who
booked (with what they asked for) and the panel's progress, adds a time (a clash first, answered next to
the field), and the applicant who has not booked sees the new time. axe on every state of the page.
"""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from applications.intake.services import manage_link_token
from applications.interviews.services import interview_book
from cms.content import ensure_site_content
from recruitment.formatting import format_japan_datetime
from tests.applications.interviews_world import approved_world, days_ahead, round_open
from tests.e2e.admin_helpers import DESK, at_desk, settled

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "pw-not-used-123"  # tests.applications.factories.UserFactory


def test_the_approver_reads_the_round_and_adds_a_time_the_unbooked_applicant_can_choose(
    page: Page, browser, live_server, assert_accessible
):
    ensure_site_content()
    world = approved_world(people=2, others=0)
    role = world.role
    interview_round = round_open(world, days_ahead(3), panel=[world.approver, world.contractor])
    booked, waiting = world.shortlisted[role.pk]
    interview_book(candidacy=booked, slot=interview_round.slots.get(), accommodation="手話通訳をお願いします")

    staff = browser.new_context(viewport=DESK, locale="ja-JP", timezone_id="Asia/Tokyo")
    desk = staff.new_page()
    at_desk(desk, live_server, world.approver.username, PASSWORD, "/admin/interviews/")
    desk.get_by_role("link", name=role.title).first.click()
    expect(desk.get_by_role("heading", name="時間帯と予約 Times and bookings")).to_be_visible()
    expect(desk.get_by_text("手話通訳をお願いします")).to_be_visible()
    candidates = desk.get_by_role("region", name="候補者と面接評価 Candidates and scorecards")
    family_name = booked.application.applicant.family_name
    expect(candidates.get_by_role("link", name=re.compile(re.escape(family_name)))).to_be_visible()
    expect(candidates.get_by_text("未予約 Not booked")).to_be_visible()
    expect(desk.get_by_role("link", name="最終決定 Decide")).to_be_visible()
    settled(desk, assert_accessible)

    # A time that overlaps the round's own (30 minutes long) is refused next to its start, the rest kept.
    day = days_ahead(5).date().isoformat()
    desk.locator("#id_add-0-day").fill(days_ahead(3).date().isoformat())
    desk.locator("#id_add-0-start").fill("10:15")
    desk.locator("#id_add-0-video_url").fill("https://meet.example.jp/extra")
    desk.get_by_role("button", name="時間帯を追加する Add the times").click()
    expect(desk.locator("#id_add-0-start-error")).to_contain_text("重なっています")
    expect(desk.locator("#id_add-0-start")).to_have_attribute("aria-describedby", "id_add-0-start-error")
    expect(desk.locator("#id_add-0-video_url")).to_have_value("https://meet.example.jp/extra")
    settled(desk, assert_accessible)

    desk.locator("#id_add-0-day").fill(day)
    desk.locator("#id_add-0-start").fill("14:00")
    desk.get_by_role("button", name="時間帯を追加する Add the times").click()
    expect(desk.get_by_text("時間帯を1件追加し、まだ予約していない人にメールで知らせました。")).to_be_visible()
    added = format_japan_datetime(days_ahead(5, 14), "ja")
    expect(desk.get_by_role("rowheader", name=added)).to_be_visible()
    settled(desk, assert_accessible)
    staff.close()

    # The applicant who has not booked finds the new time on their own page.
    page.goto(live_server.url + reverse("interviews:booking", kwargs={"token": manage_link_token(waiting.application)}))
    expect(page.get_by_label(re.compile(re.escape(added)))).to_be_visible()
    assert_accessible(page)
