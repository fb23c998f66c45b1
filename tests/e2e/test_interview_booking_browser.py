"""A shortlisted applicant on a phone opens the invitation link, books a time, downloads the .ics, moves it once.

axe on every state of the page: the free times, the booking, a time taken meanwhile, the move.
"""

from __future__ import annotations

import re

import pytest
from django.core import mail
from icalendar import Calendar
from playwright.sync_api import Page, expect

from applications.interviews.services import interview_book, interview_round_open
from applications.mail.outbox import outbox_send_pending
from applications.models import InterviewBooking, OutboxEmail
from cms.content import ensure_site_content
from recruitment.formatting import format_japan_datetime
from tests.applications.interviews_world import approved_world, days_ahead, slots

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_shortlisted_applicant_books_downloads_the_ics_and_moves_the_interview(
    page: Page, live_server, assert_accessible
):
    ensure_site_content()
    world = approved_world(people=2, others=0)
    interview_round = interview_round_open(
        role=world.role,
        by=world.approver,
        slots=slots(days_ahead(3), days_ahead(3, 11), days_ahead(4)),
        panel=[world.approver],
        length_minutes=45,
    )
    first, second, third = interview_round.slots.order_by("starts_at")
    me, other = world.shortlisted[world.role.pk]
    outbox_send_pending()  # the invitation as the applicant receives it (a row is blanked once sent)
    invitation = next(m for m in mail.outbox if m.to == [me.application.applicant.email] and "面接" in m.subject)
    link = re.search(r"https?://[^/\s]+(/\S+/interviews/)", invitation.body).group(1)

    page.goto(live_server.url + link)
    expect(page.get_by_role("heading", name="面接の予約")).to_be_visible()
    assert_accessible(page)

    page.get_by_label(re.compile(re.escape(format_japan_datetime(first.starts_at, "ja")))).check()
    page.get_by_label("配慮してほしいこと(任意)").fill("字幕があると助かります")
    page.get_by_role("button", name="この時間で予約する").click()
    expect(page.get_by_role("status")).to_contain_text("面接の予約が完了しました")
    expect(page.locator("[data-booked-slot]")).to_have_text(format_japan_datetime(first.starts_at, "ja"))
    assert_accessible(page)

    with page.expect_download() as download:
        page.get_by_role("link", name="カレンダーに追加する(.icsファイル)").click()
    calendar = Calendar.from_ical(open(download.value.path(), "rb").read())  # noqa: SIM115
    event = calendar.walk("VEVENT")[0]
    assert event.decoded("DTSTART") == first.starts_at
    assert str(event["DTSTART"].params["TZID"]) == "Asia/Tokyo"
    assert (event.decoded("DTEND") - event.decoded("DTSTART")).total_seconds() == 45 * 60
    assert str(event["LOCATION"]) == first.video_url

    # Someone else takes the second time while the page is open: a plain answer, nothing moved.
    interview_book(candidacy=other, slot=second)
    page.get_by_label(re.compile(re.escape(format_japan_datetime(second.starts_at, "ja")))).check()
    page.get_by_role("button", name="面接の日時を変更する").click()
    expect(page.get_by_role("alert")).to_contain_text("ほかの方が予約しました")
    assert_accessible(page)

    page.get_by_label(re.compile(re.escape(format_japan_datetime(third.starts_at, "ja")))).check()
    page.get_by_role("button", name="面接の日時を変更する").click()
    expect(page.get_by_role("status")).to_contain_text("面接の日時を変更しました")
    expect(page.locator("[data-booked-slot]")).to_have_text(format_japan_datetime(third.starts_at, "ja"))
    assert_accessible(page)

    booking = InterviewBooking.objects.get(application=me.application)
    assert (booking.slot_id, booking.sequence, booking.accommodation) == (third.pk, 1, "字幕があると助かります")
    assert OutboxEmail.objects.filter(kind="interview_booked", to=me.application.applicant.email).count() == 1
    assert OutboxEmail.objects.filter(kind="interview_moved", to=me.application.applicant.email).count() == 1
