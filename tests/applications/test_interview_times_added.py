"""Issue 20, times added to an open round: those invited who can still book are told once per add (a double click
adds and tells nothing more), those with a seat or out of the selection are not; the mail's link books a new
time; the reminder and the status page treat an added time like any other; a full round says so plainly."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import translation

from applications.intake.services import candidacy_withdraw, manage_link_token
from applications.interviews.services import (
    SlotSpec,
    interview_book,
    interview_booking_cancel,
    interview_round_open,
    interview_slots_add,
)
from applications.mail.triggers.interviews import interview_reminders_send
from applications.models import Application, InterviewBooking, OutboxEmail
from recruitment.formatting import format_japan_datetime
from tests.applications.interviews_world import approved_world, days_ahead, slots
from tests.conftest import shared_world, site_content_now

pytestmark = pytest.mark.django_db

VIDEO = "https://meet.example.jp/added"
KIND = "interview_times_added"


@shared_world
def interview_times_added_world():
    """The site content and approved shortlists, built once for this file's tests (each test's writes are undone).

    ``open``: four shortlisted and one not, with a round of one time opened; ``pair``: two roles sharing their
    first person, two shortlisted each.
    """
    site_content_now()
    opened = approved_world(people=4, others=1)
    opened.round = interview_round_open(
        role=opened.role, by=opened.approver, slots=slots(days_ahead(3)), panel=[opened.approver]
    )
    return {"open": opened, "pair": approved_world(people=2, others=0, roles=2, shared_person=True)}


@pytest.fixture
def world(interview_times_added_world):
    return interview_times_added_world["open"]


def _email(candidacy) -> str:
    return candidacy.application.applicant.email


def _told(candidacy) -> list[OutboxEmail]:
    return list(OutboxEmail.objects.filter(kind=KIND, to=_email(candidacy)))


def _add(world, *days: int) -> list:
    return interview_slots_add(
        interview_round=world.round, by=world.approver, slots=[SlotSpec(days_ahead(d), video_url=VIDEO) for d in days]
    )


def _add_form(day: str, start: str) -> dict[str, str]:
    return {
        "action": "add", "add-TOTAL_FORMS": "1", "add-INITIAL_FORMS": "0", "add-MIN_NUM_FORMS": "0",
        "add-MAX_NUM_FORMS": "60", "add-0-day": day, "add-0-start": start, "add-0-capacity": "1",
        "add-0-video_url": VIDEO,
    }  # fmt: skip


def _booking_url(candidacy, language: str = "ja") -> str:
    with translation.override(language):
        return reverse("interviews:booking", kwargs={"token": manage_link_token(candidacy.application)})


def test_only_those_who_can_still_book_are_told_each_add_once(world):
    seated, withdrawn, waiting, gave_back = world.shortlisted[world.role.pk]
    interview_book(candidacy=seated, slot=world.round.slots.get())
    candidacy_withdraw(application=withdrawn.application, candidacy_ids=[withdrawn.pk])
    _add(world, 4)
    interview_booking_cancel(booking=interview_book(candidacy=gave_back, slot=world.round.slots.get(
        starts_at=days_ahead(4))))  # fmt: skip

    _add(world, 5, 6)

    told = {m.to for m in OutboxEmail.objects.filter(kind=KIND)}
    assert told == {_email(waiting), _email(gave_back)}
    assert len(_told(waiting)) == 2  # one per add
    assert len(_told(gave_back)) == 2  # it had a seat at the first add, none at the second
    for someone in (seated, withdrawn, *world.others):
        assert _told(someone) == []
    latest = OutboxEmail.objects.filter(kind=KIND, to=_email(waiting)).order_by("pk").last()
    body = latest.body
    assert format_japan_datetime(days_ahead(5)) in body
    assert format_japan_datetime(days_ahead(6)) in body
    assert format_japan_datetime(days_ahead(4)) not in body  # the earlier add's time is not repeated
    assert "面接に時間を追加しました" in latest.subject
    assert world.role.title in latest.subject


def test_a_double_click_on_the_staff_page_adds_and_tells_once(client, world):
    waiting = world.shortlisted[world.role.pk][0]
    client.force_login(world.approver)
    url = reverse("interview_round", args=[world.role.pk])
    form = _add_form(days_ahead(6).date().isoformat(), "14:00")

    assert client.post(url, form).status_code == 302
    again = client.post(url, form)  # the same times again: they overlap those just added

    assert again.status_code == 400
    assert world.round.slots.count() == 2
    assert len(_told(waiting)) == 1
    assert OutboxEmail.objects.filter(kind=KIND).count() == len(world.shortlisted[world.role.pk])


def test_the_mails_link_books_a_new_time_in_the_applicants_language(world):
    me, other, *_ = world.shortlisted[world.role.pk]
    Application.objects.filter(pk=me.application_id).update(language="en")
    interview_book(candidacy=other, slot=world.round.slots.get())  # the only seat is taken
    (added,) = _add(world, 5)

    (mail,) = _told(me)
    assert mail.subject.startswith("More times for your interview")
    link = re.search(r"https?://\S+/interviews/", mail.body).group(0)
    path = link.split("://", 1)[1].split("/", 1)[1]
    assert path.startswith("en/")
    browser = Client()
    page = browser.get(f"/{path}")
    assert page.status_code == 200
    assert format_japan_datetime(added.starts_at, "en") in page.content.decode()
    booked = browser.post(f"/{path}", {"action": "book", "slot": added.pk})
    assert booked.status_code == 302
    assert InterviewBooking.objects.get(application=me.application, cancelled_at__isnull=True).slot == added


def test_an_added_time_is_reminded_the_day_before_and_shown_on_the_status_page(world):
    me = world.shortlisted[world.role.pk][0]
    (added,) = _add(world, 5)
    interview_book(candidacy=me, slot=added)

    with time_machine.travel(added.starts_at - timedelta(hours=20), tick=False):
        assert interview_reminders_send(manage_token=manage_link_token) == 1
        assert interview_reminders_send(manage_token=manage_link_token) == 0
    reminder = OutboxEmail.objects.get(kind="interview_reminder")
    assert reminder.to == _email(me)
    assert format_japan_datetime(added.starts_at) in reminder.body

    with translation.override("ja"):
        status = Client().get(reverse("applications:manage", kwargs={"token": manage_link_token(me.application)}))
    assert status.status_code == 200
    html = status.content.decode()
    assert format_japan_datetime(added.starts_at) in html
    assert VIDEO in html


def _section(html: str) -> str:
    return re.search(r'<section class="interview".*?</section>', html, re.S).group(0)


@pytest.mark.parametrize(
    ("language", "words"),
    [("ja", "現在、すべての時間が埋まっています"), ("en", "All times are taken at the moment")],
)
def test_a_full_round_says_so_plainly_and_offers_nothing_until_times_are_added(world, language, words):
    me, other, *_ = world.shortlisted[world.role.pk]
    interview_book(candidacy=other, slot=world.round.slots.get())

    full = _section(Client().get(_booking_url(me, language)).content.decode())
    assert words in full
    for clickable in ("<form", "<button", 'type="radio"', "<a "):
        assert clickable not in full

    (added,) = _add(world, 5)
    offered = _section(Client().get(_booking_url(me, language)).content.decode())
    assert words not in offered
    assert format_japan_datetime(added.starts_at, language) in offered
    assert f'value="{added.pk}"' in offered


def test_a_seat_booked_through_a_round_with_the_same_panel_is_not_told_of_more_times(interview_times_added_world):
    world = interview_times_added_world["pair"]
    role_a, role_b = world.roles
    shared, alone_b = world.shortlisted[role_b.pk]
    round_a = interview_round_open(role=role_a, by=world.approver, slots=slots(days_ahead(3)), panel=[world.approver])
    round_b = interview_round_open(role=role_b, by=world.approver, slots=slots(days_ahead(4)), panel=[world.approver])
    interview_book(candidacy=shared, slot=round_a.slots.get())  # covers role B too

    interview_slots_add(interview_round=round_b, by=world.approver, slots=[SlotSpec(days_ahead(6), video_url=VIDEO)])

    assert {m.to for m in OutboxEmail.objects.filter(kind=KIND)} == {_email(alone_b)}
