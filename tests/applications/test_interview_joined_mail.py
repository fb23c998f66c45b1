"""Issue 20: an invitation that joins the person's existing booking (a later round with the same panel) is told
that its booked interview now covers the new role too, with the updated calendar, and is never asked to book."""

from __future__ import annotations

from collections import Counter

import pytest
from django.utils import translation
from icalendar import Calendar

from applications.interviews.services import interview_book, interview_round_open
from applications.models import InterviewBooking, InterviewInvitation, OutboxEmail
from recruitment.formatting import format_japan_datetime
from tests.applications.interviews_world import approved_world, days_ahead, slots
from tests.conftest import shared_world, site_content_now

pytestmark = pytest.mark.django_db


def _open(world, role, starts):
    return interview_round_open(
        role=role, by=world.approver, slots=slots(*starts), panel=[world.approver, world.contractor]
    )


@shared_world
def interview_joined_mail_world():
    """The site content and two roles sharing their one shortlisted person, built once for this file's tests."""
    site_content_now()
    return approved_world(people=1, others=0, roles=2, shared_person=True)


@pytest.mark.parametrize("language", ["ja", "en"])
def test_a_second_round_with_the_same_panel_tells_the_booked_person_it_is_covered(
    interview_joined_mail_world, language
):
    world = interview_joined_mail_world
    role_a, role_b = world.roles
    person_a, person_b = world.shortlisted[role_a.pk][0], world.shortlisted[role_b.pk][0]
    application = person_a.application
    application.language = language
    application.save(update_fields=["language"])
    round_a = _open(world, role_a, [days_ahead(3), days_ahead(4)])
    booking = interview_book(candidacy=person_a, slot=round_a.slots.order_by("starts_at").first())
    email = application.applicant.email
    assert OutboxEmail.objects.filter(to=email, kind="interview_invitation").count() == 1  # round A's

    _open(world, role_b, [days_ahead(5)])

    invitation_b = InterviewInvitation.objects.get(candidacy=person_b)
    assert invitation_b.booking == booking
    told = Counter(OutboxEmail.objects.filter(to=email, kind__startswith="interview_").values_list("kind", flat=True))
    # round A's invitation and booking, then round B's notice exactly once: never a second invitation to book
    assert told == {"interview_invitation": 1, "interview_booked": 1, "interview_covered": 1}
    mail = OutboxEmail.objects.get(to=email, kind="interview_covered")
    title_b = (role_b.title_en or role_b.title) if language == "en" else role_b.title
    with translation.override(language):
        when = format_japan_datetime(booking.slot.starts_at, language)
    assert title_b in mail.subject
    assert when in mail.body
    assert "https://meet.example.jp/0" in mail.body  # the booked slot's video link
    assert "/interviews/" in mail.body  # the manage link's booking page, to move or cancel
    if language == "ja":
        assert "面接のご予約のお願い" not in mail.subject
        assert "ご都合のよい時間をお選びください" not in mail.body
        assert "新たに予約していただく必要はありません" in mail.body
        assert "不合格" not in mail.body
    else:
        assert "please book" not in (mail.subject + mail.body).lower()
        assert "Please choose a time" not in mail.body
        assert "you do not need to book another time" in mail.body

    # the calendar: the same event (UID), SEQUENCE up, naming both roles
    booking.refresh_from_db()
    assert booking.sequence == 1
    event = Calendar.from_ical(mail.calendar).walk("VEVENT")[0]
    booked_event = Calendar.from_ical(OutboxEmail.objects.get(to=email, kind="interview_booked").calendar)
    assert str(event["UID"]) == str(booked_event.walk("VEVENT")[0]["UID"])
    assert int(event["SEQUENCE"]) == 1
    assert role_a.title in str(event["SUMMARY"])
    assert role_b.title in str(event["SUMMARY"])
    assert InterviewBooking.objects.filter(application=application).count() == 1
