"""A shortlisted applicant on a phone opens the invitation link, books a time, downloads the .ics, moves it once.

axe on every state of the page: the free times, the booking, a time taken meanwhile, the move.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from applications.interviews.services import interview_book
from applications.mail.outbox import outbox_send_pending
from applications.models import InterviewBooking, OutboxEmail
from cms.content import ensure_site_content
from tests.applications.interviews_world import approved_world, days_ahead, round_open
from tests.e2e.booking_helpers import book, calendar_event, invitation_link, tick

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_shortlisted_applicant_books_downloads_the_ics_and_moves_the_interview(
    page: Page, live_server, assert_accessible
):
    ensure_site_content()
    world = approved_world(people=2, others=0)
    interview_round = round_open(world, days_ahead(3), days_ahead(3, 11), days_ahead(4), length_minutes=45)
    first, second, third = interview_round.slots.order_by("starts_at")
    me, other = world.shortlisted[world.role.pk]
    outbox_send_pending()  # the invitation as the applicant receives it (a row is blanked once sent)
    page.goto(live_server.url + invitation_link(me.application.applicant.email))
    expect(page.get_by_role("heading", name="面接の予約")).to_be_visible()
    assert_accessible(page)

    tick(page, first)
    page.get_by_label("配慮してほしいこと(任意)").fill("字幕があると助かります")
    book(page, first, assert_accessible)

    event = calendar_event(page)
    assert event.decoded("DTSTART") == first.starts_at
    assert str(event["DTSTART"].params["TZID"]) == "Asia/Tokyo"
    assert (event.decoded("DTEND") - event.decoded("DTSTART")).total_seconds() == 45 * 60
    assert str(event["LOCATION"]) == first.video_url

    # Someone else takes the second time while the page is open: a plain answer, nothing moved.
    interview_book(candidacy=other, slot=second)
    tick(page, second)
    page.get_by_role("button", name="面接の日時を変更する").click()
    expect(page.get_by_role("alert")).to_contain_text("ほかの方が予約しました")
    assert_accessible(page)

    tick(page, third)
    book(page, third, assert_accessible, move=True)

    booking = InterviewBooking.objects.get(application=me.application)
    assert (booking.slot_id, booking.sequence, booking.accommodation) == (third.pk, 1, "字幕があると助かります")
    assert OutboxEmail.objects.filter(kind="interview_booked", to=me.application.applicant.email).count() == 1
    assert OutboxEmail.objects.filter(kind="interview_moved", to=me.application.applicant.email).count() == 1
