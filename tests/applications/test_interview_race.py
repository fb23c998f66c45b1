"""Issue 20: fifty applicants book the last ten seats of a slot at once, each from their own browser.

Exactly ten get the seat; the forty others get the page again with a plain "taken" answer (409),
nobody an error page. The seat is taken by one conditional UPDATE of the slot's counter in the
booking's transaction (``interviews.services``), which PostgreSQL serialises on the slot's row.
"""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from applications.intake.services import manage_link_token
from applications.interviews.services import SlotSpec, interview_book, interview_round_open
from applications.models import InterviewBooking, InterviewSlot, OutboxEmail
from tests.applications.interviews_world import approved_world, days_ahead
from tests.concurrency import at_once, require_postgresql
from tests.conftest import restore_migration_data

pytestmark = pytest.mark.django_db(transaction=True)

RACERS = 50
SEATS_LEFT = 10
ALREADY_BOOKED = 2


@pytest.fixture
def last_seats(transactional_db):
    require_postgresql(
        "SQLite takes one write lock for the whole database, so concurrent bookings queue behind it "
        "instead of racing for the slot's row lock; run with DATABASE_URL=postgres://… (CI does)"
    )
    from cms.content import ensure_site_content

    restore_migration_data()
    ensure_site_content()
    world = approved_world(people=RACERS + ALREADY_BOOKED, others=0)
    interview_round = interview_round_open(
        role=world.role,
        by=world.approver,
        slots=[SlotSpec(days_ahead(3), capacity=SEATS_LEFT + ALREADY_BOOKED, video_url="https://meet.example.jp/r")],
        panel=[world.approver],
    )
    slot = interview_round.slots.get()
    people = world.shortlisted[world.role.pk]
    for early in people[:ALREADY_BOOKED]:
        interview_book(candidacy=early, slot=slot)
    return slot, people[ALREADY_BOOKED:]


def test_fifty_applicants_booking_the_last_ten_seats_leave_ten_bookings_and_forty_clear_answers(last_seats):
    slot, racers = last_seats
    urls = [reverse("interviews:booking", kwargs={"token": manage_link_token(c.application)}) for c in racers]
    browsers = [(Client(raise_request_exception=False), url) for url in urls]  # each: its own browser

    def book(browser_and_url: tuple[Client, str]):
        browser, url = browser_and_url
        return browser.post(url, {"action": "book", "slot": slot.pk})

    results = at_once(book, browsers, timeout=300)

    assert len(results) == RACERS
    statuses = sorted(r.status_code for r in results)
    assert [s for s in statuses if s >= 500] == []
    assert statuses.count(302) == SEATS_LEFT, statuses
    taken = [r for r in results if r.status_code == 409]
    assert len(taken) == RACERS - SEATS_LEFT, statuses
    for response in taken:
        page = response.content.decode()
        assert 'data-refusal="taken"' in page
        assert "この時間の最後の枠は、たった今ほかの方が予約しました" in page
    slot.refresh_from_db()
    assert slot.booked == slot.capacity == SEATS_LEFT + ALREADY_BOOKED
    live = InterviewBooking.objects.filter(slot=slot, cancelled_at__isnull=True)
    assert live.count() == SEATS_LEFT + ALREADY_BOOKED
    assert live.values("application").distinct().count() == SEATS_LEFT + ALREADY_BOOKED
    assert InterviewSlot.objects.get(pk=slot.pk).booked == live.count()
    assert OutboxEmail.objects.filter(kind="interview_booked").count() == SEATS_LEFT + ALREADY_BOOKED
