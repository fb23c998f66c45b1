"""Issue 20, interviews on the pages: who may open a round (the authority module), the applicant's booking page
under their own manage link only (another link sees and changes nothing), plain refusals, the .ics download,
rate limits and CSRF on the public posts, and who sees the accommodation requests."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import translation
from icalendar import Calendar

from applications.intake.services import manage_link_token
from applications.interviews.services import interview_book, interview_round_close, interview_round_open
from applications.models import AuditEntry, InterviewBooking, InterviewRound, OutboxEmail
from applications.teams.authority import Power, decide
from recruitment.models import CallPage
from tests.applications import factories as af
from tests.applications.interviews_world import approved_world, days_ahead, slots
from tests.conftest import shared_world, site_content_now
from tests.recruitment import factories as rf

pytestmark = pytest.mark.django_db


@shared_world
def interview_pages_world():
    """The site content and approved shortlists, built once for this file's tests (each test's writes are undone).

    ``open``: three shortlisted with a round of three times opened; ``one``, ``two``: one and two shortlisted.
    """
    site_content_now()
    opened = approved_world(people=3, others=0)
    opened.round = interview_round_open(
        role=opened.role,
        by=opened.approver,
        slots=slots(days_ahead(3), days_ahead(3, 11), days_ahead(4)),
        panel=[opened.approver],
    )
    return {"open": opened, "one": approved_world(people=1, others=0), "two": approved_world(people=2, others=0)}


@pytest.fixture
def world(interview_pages_world):
    return interview_pages_world["open"]


def _url(candidacy, language="ja"):
    with translation.override(language):
        return reverse("interviews:booking", kwargs={"token": manage_link_token(candidacy.application)})


def _slots(world):
    return list(world.round.slots.order_by("starts_at"))


def test_who_may_run_a_calls_interviews(interview_pages_world):
    world = interview_pages_world["one"]
    official = af.staff("iv-official", "Officials", organisation=world.call.organisation)
    editor = af.staff("iv-editor", "City editors", organisation=world.call.organisation)
    other_city = af.staff("iv-elsewhere", "City approvers", organisation=rf.organisation())
    call = world.call
    assert decide(world.approver, call, Power.INTERVIEW)
    for user in (world.contractor, official, editor, other_city, None):
        assert not decide(user, call, Power.INTERVIEW)
    CallPage.objects.filter(pk=call.pk).update(contractor_runs_interviews=True)
    contractor = type(world.contractor).objects.get(pk=world.contractor.pk)  # a new request: standing read again
    assert decide(contractor, call, Power.INTERVIEW).reason == "contractor"
    interview_round = interview_round_open(role=world.role, by=contractor, slots=slots(days_ahead(3)),
                                           panel=[contractor])  # fmt: skip
    assert interview_round.opened_by == contractor


def test_the_staff_page_opens_a_round_for_the_approver_and_refuses_others(client, interview_pages_world):
    world = interview_pages_world["two"]
    url = reverse("interview_round", args=[world.role.pk])
    day = days_ahead(5).date().isoformat()
    form = {
        "action": "open", "length_minutes": "30", "mode": "online", "place": "", "cutoff_hours": "24",
        "panel": [str(world.approver.pk), str(world.contractor.pk)],
        "slots-TOTAL_FORMS": "2", "slots-INITIAL_FORMS": "0", "slots-MIN_NUM_FORMS": "0", "slots-MAX_NUM_FORMS": "60",
        "slots-0-day": day, "slots-0-start": "10:00", "slots-0-capacity": "2",
        "slots-0-video_url": "https://meet.example.jp/a",
        "slots-1-day": "", "slots-1-start": "", "slots-1-capacity": "", "slots-1-video_url": "",
    }  # fmt: skip
    rounds = InterviewRound.objects.filter(role=world.role)  # the file's world has another call's round
    invited = [c.application.applicant.email for c in world.shortlisted[world.role.pk]]
    client.force_login(world.contractor)
    assert client.post(url, form).status_code == 403
    assert not rounds.exists()
    client.force_login(world.approver)
    page = client.get(url)
    assert page.status_code == 200
    assert "Open an interview round" in page.content.decode()
    bad = client.post(url, {**form, "slots-0-video_url": ""})
    assert bad.status_code == 400
    assert not rounds.exists()
    assert client.post(url, form).status_code == 302
    interview_round = rounds.get()
    slot = interview_round.slots.get()
    assert slot.starts_at == days_ahead(5)  # 10:00 in Japan time
    assert slot.capacity == 2
    assert sorted(
        OutboxEmail.objects.filter(kind="interview_invitation", to__in=invited).values_list("to", flat=True)
    ) == sorted(invited)
    outsider = af.staff("iv-outsider", "City approvers", organisation=rf.organisation())
    client.force_login(outsider)
    assert client.get(url).status_code == 404


def test_only_the_panel_and_the_city_see_names_and_accommodation(client, world):
    person = world.shortlisted[world.role.pk][0]
    interview_book(candidacy=person, slot=_slots(world)[0], accommodation="手話通訳をお願いします")
    url = reverse("interview_round", args=[world.role.pk])
    client.force_login(world.approver)  # on the panel
    page = client.get(url).content.decode()
    assert "手話通訳をお願いします" in page
    assert person.application.applicant.family_name in page
    assert AuditEntry.objects.filter(action="kobo.interview.list", user=world.approver).count() == 1
    client.force_login(world.contractor)  # may view the call, not on the panel, not the city
    page = client.get(url).content.decode()
    assert "手話通訳をお願いします" not in page
    assert person.application.applicant.family_name not in page
    official = af.staff("iv-official2", "Officials", organisation=world.call.organisation)
    client.force_login(official)
    assert "手話通訳をお願いします" in client.get(url).content.decode()


def test_an_applicant_books_on_their_own_page_and_another_link_sees_nothing_of_it(world):
    me, other, _ = world.shortlisted[world.role.pk]
    first, second = _slots(world)[:2]
    browser = Client()
    page = browser.get(_url(me))
    assert page.status_code == 200
    assert page["Referrer-Policy"] == "strict-origin"
    assert "この時間で予約する" in page.content.decode()
    response = browser.post(_url(me), {"action": "book", "slot": first.pk, "accommodation": "字幕をお願いしたい"})
    assert response.status_code == 302
    assert response["Location"].endswith("?done=booked")
    booking = InterviewBooking.objects.get(application=me.application)
    assert booking.accommodation == "字幕をお願いしたい"
    mine = browser.get(response["Location"]).content.decode()
    assert "面接の予約が完了しました" in mine
    assert "字幕をお願いしたい" in mine

    stranger = Client()
    theirs = stranger.get(_url(other)).content.decode()
    assert str(booking.uid) not in theirs
    assert "字幕をお願いしたい" not in theirs
    for action in ("move", "cancel"):
        posted = stranger.post(_url(other), {"action": action, "booking": str(booking.uid), "slot": second.pk})
        assert posted.status_code == 404
    ics = reverse("interviews:booking_ics", kwargs={"token": manage_link_token(other.application), "uid": booking.uid})
    assert stranger.get(ics).status_code == 404
    assert InterviewBooking.objects.get(pk=booking.pk).slot_id == first.pk
    assert InterviewBooking.objects.filter(cancelled_at__isnull=True).count() == 1

    # a link that is not a manage link, and someone not invited, get nothing
    assert Client().get(reverse("interviews:booking", kwargs={"token": "not-a-link"})).status_code == 404
    outsider = af.candidacy(rf.role(world.call, closes_at=days_ahead(-1)), email="outsider@example.jp")
    refused = Client().post(_url(outsider), {"action": "book", "slot": second.pk})
    assert refused.status_code == 404


def test_the_ics_download_is_the_booked_event(world):
    me = world.shortlisted[world.role.pk][0]
    slot = _slots(world)[0]
    booking = interview_book(candidacy=me, slot=slot)
    url = reverse("interviews:booking_ics", kwargs={"token": manage_link_token(me.application), "uid": booking.uid})
    response = Client().get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    assert "attachment" in response["Content-Disposition"]
    event = Calendar.from_ical(response.content).walk("VEVENT")[0]
    assert event.decoded("DTSTART") == slot.starts_at
    assert str(event["DTSTART"].params["TZID"]) == "Asia/Tokyo"
    assert str(event["UID"]).startswith(str(booking.uid))


def test_refusals_are_plain_in_japanese_and_in_english(world):
    me, other, third = world.shortlisted[world.role.pk]
    slot = _slots(world)[0]
    interview_book(candidacy=other, slot=slot)  # one seat: taken
    taken = Client().post(_url(me), {"action": "book", "slot": slot.pk})
    assert taken.status_code == 409
    assert "最後の枠は、たった今ほかの方が予約しました" in taken.content.decode()
    taken_en = Client().post(_url(me, "en"), {"action": "book", "slot": slot.pk})
    assert taken_en.status_code == 409
    assert "the last seat at this time has just been taken" in taken_en.content.decode()

    later = _slots(world)[1]
    with time_machine.travel(later.starts_at - timedelta(hours=2), tick=False):
        late = Client().post(_url(me, "en"), {"action": "book", "slot": later.pk})
        assert late.status_code == 409
        assert "It is too late to book" in late.content.decode()
    no_time = Client().post(_url(me), {"action": "book"})
    assert no_time.status_code == 400
    assert "時間を選んでください" in no_time.content.decode()

    interview_round_close(interview_round=world.round, by=world.approver)
    closed = Client().post(_url(third), {"action": "book", "slot": later.pk})
    assert closed.status_code == 409
    assert "この面接の予約受付は終了しました" in closed.content.decode()
    assert "予約受付は終了しました" in Client().get(_url(third)).content.decode()


def test_public_posts_are_rate_limited_and_csrf_checked(world, settings):
    me = world.shortlisted[world.role.pk][0]
    strict = Client(enforce_csrf_checks=True)
    assert strict.post(_url(me), {"action": "book", "slot": _slots(world)[0].pk}).status_code == 403
    assert not InterviewBooking.objects.exists()
    browser = Client()
    statuses = [browser.post(_url(me), {"action": "nothing"}).status_code for _ in range(21)]
    assert statuses[:20] == [404] * 20, statuses
    assert statuses[20] == 429, statuses
