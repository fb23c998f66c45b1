"""Issue 20, more times for an open round: whoever runs the round adds them (checked as at the opening), those
invited who have not booked can book them at once, and the staff page shows each refusal next to its field,
in Japanese, with nothing typed lost."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse

from applications.interviews.selectors import applicant_interviews
from applications.interviews.services import (
    InterviewError,
    SlotSpec,
    interview_book,
    interview_round_close,
    interview_slots_add,
)
from applications.models import AuditEntry, InterviewBooking, InterviewSlot
from applications.screening.services import ScreeningError
from recruitment.formatting import format_japan_datetime
from tests.applications.interviews_world import approved_world, days_ahead, round_open
from tests.conftest import shared_world, site_content_now

pytestmark = pytest.mark.django_db

VIDEO = "https://meet.example.jp/added"


@shared_world
def interview_slots_add_world():
    """The site content and a round opened for two shortlisted, built once for this file's tests (writes undone)."""
    site_content_now()
    world = approved_world(people=2, others=0)
    world.round = round_open(world, days_ahead(3), length_minutes=45)
    return world


@pytest.fixture
def world(interview_slots_add_world):
    return interview_slots_add_world


def _add_form(day: str, start: str, video: str = VIDEO, capacity: str = "1") -> dict[str, str]:
    return {
        "action": "add", "add-TOTAL_FORMS": "2", "add-INITIAL_FORMS": "0", "add-MIN_NUM_FORMS": "0",
        "add-MAX_NUM_FORMS": "60", "add-0-day": day, "add-0-start": start, "add-0-capacity": capacity,
        "add-0-video_url": video, "add-1-day": "", "add-1-start": "", "add-1-capacity": "", "add-1-video_url": "",
    }  # fmt: skip


def test_an_added_time_is_bookable_by_someone_invited_who_has_not_booked(world):
    first, second = world.shortlisted[world.role.pk]
    interview_book(candidacy=first, slot=world.round.slots.get())  # the only seat is taken
    assert applicant_interviews(second.application)[0].free_slots == []

    added = interview_slots_add(
        interview_round=world.round, by=world.approver, slots=[SlotSpec(days_ahead(5), capacity=2, video_url=VIDEO)]
    )

    (new,) = added
    (offered,) = applicant_interviews(second.application)[0].free_slots
    assert (offered.slot.pk, offered.free) == (new.pk, 2)
    booking = interview_book(candidacy=second, slot=new)
    assert booking.slot.starts_at == days_ahead(5)
    entry = AuditEntry.objects.get(action="kobo.interview.slots_add")
    assert (entry.user, entry.data["slots"]) == (world.approver, [days_ahead(5).isoformat()])


def test_added_times_are_checked_as_at_the_opening_and_against_the_rounds_own(world):
    def refused(*specs):
        with pytest.raises(InterviewError) as caught:
            interview_slots_add(interview_round=world.round, by=world.approver, slots=list(specs))
        return caught.value

    overlapping = refused(SlotSpec(days_ahead(3) + timedelta(minutes=30), video_url=VIDEO))  # the round's is 45 min
    assert (overlapping.field, overlapping.index) == ("starts_at", 0)
    twice = refused(SlotSpec(days_ahead(6), video_url=VIDEO), SlotSpec(days_ahead(6), video_url=VIDEO))
    assert (twice.field, twice.index) == ("starts_at", 1)
    too_soon = refused(SlotSpec(days_ahead(0) + timedelta(hours=1), video_url=VIDEO))  # inside the 24 h cut-off
    assert too_soon.field == "starts_at"
    no_link = refused(SlotSpec(days_ahead(6)))
    assert (no_link.field, no_link.index) == ("video_url", 0)
    assert refused().field == "starts_at"
    assert refused(SlotSpec(days_ahead(6), capacity=0, video_url=VIDEO)).field == "capacity"
    # Right after the round's own interview ends is no overlap.
    interview_slots_add(
        interview_round=world.round, by=world.approver,
        slots=[SlotSpec(days_ahead(3) + timedelta(minutes=45), video_url=VIDEO)],
    )  # fmt: skip
    assert world.round.slots.count() == 2


def test_only_who_runs_the_round_adds_times_and_only_while_it_is_open(world):
    with pytest.raises(ScreeningError):
        interview_slots_add(interview_round=world.round, by=world.contractor,
                            slots=[SlotSpec(days_ahead(6), video_url=VIDEO)])  # fmt: skip
    interview_round_close(interview_round=world.round, by=world.approver)
    with pytest.raises(InterviewError) as caught:
        interview_slots_add(interview_round=world.round, by=world.approver,
                            slots=[SlotSpec(days_ahead(6), video_url=VIDEO)])  # fmt: skip
    assert caught.value.code == "closed"
    assert InterviewSlot.objects.filter(round=world.round).count() == 1


def test_the_staff_page_adds_times_and_answers_a_refusal_next_to_its_field(client, world):
    url = reverse("interview_round", args=[world.role.pk])
    client.force_login(world.contractor)
    assert client.post(url, _add_form(days_ahead(6).date().isoformat(), "10:00")).status_code == 403

    client.force_login(world.approver)
    assert "時間帯を追加する" in client.get(url).content.decode()
    clash = client.post(url, _add_form(days_ahead(3).date().isoformat(), "10:30", video="https://meet.example.jp/kept"))
    assert clash.status_code == 400
    html = clash.content.decode()
    assert 'id="id_add-0-start-error"' in html  # next to the start of the first row, and tied to it
    assert 'aria-describedby="id_add-0-start-error"' in html
    assert "面接官は同時に一つの面接にしか出られません" in html
    assert "https://meet.example.jp/kept" in html  # nothing typed is lost
    assert world.round.slots.count() == 1

    done = client.post(url, _add_form(days_ahead(6).date().isoformat(), "14:00"))
    assert done.status_code == 302
    added = world.round.slots.get(starts_at=days_ahead(6, 14))
    assert added.video_url == VIDEO
    assert format_japan_datetime(added.starts_at) in client.get(url).content.decode()
    assert not InterviewBooking.objects.exists()
