"""Issue 20, interview rounds and self-booking: who is invited, seats, cut-off, closed rounds, shared panels,
a reopened role, the calendar parts (parsed with icalendar) and their outbox rows, sent once."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from icalendar import Calendar

from applications.intake.services import candidacy_withdraw, manage_link_token
from applications.interviews.services import (
    InterviewError,
    interview_book,
    interview_booking_cancel,
    interview_booking_move,
    interview_round_close,
    interview_round_open,
)
from applications.mail.outbox import outbox_send_pending
from applications.mail.triggers.interviews import interview_reminders_send
from applications.models import InterviewBooking, InterviewInvitation, InterviewRound, InterviewSlot, OutboxEmail
from applications.screening.rules import Stage
from applications.screening.services import ScreeningError, role_stage, shortlist_for, shortlist_reopen
from tests.applications.interviews_world import approved_world, days_ahead, slots
from tests.conftest import shared_world, site_content_now

pytestmark = pytest.mark.django_db


@shared_world
def interview_booking_world():
    """The site content and approved shortlists, built once for this file's tests (each test's writes are undone).

    ``one``: a role with three shortlisted and one not; ``pair`` and ``single``: two roles sharing their first
    person, with two and with one shortlisted each.
    """
    site_content_now()
    return {
        "one": approved_world(people=3, others=1),
        "pair": approved_world(people=2, others=0, roles=2, shared_person=True),
        "single": approved_world(people=1, others=0, roles=2, shared_person=True),
    }


@pytest.fixture
def world(interview_booking_world):
    return interview_booking_world["one"]


def _open(world, role=None, *, capacity=1, starts=None, panel=None, **kwargs):
    role = role or world.role
    return interview_round_open(
        role=role,
        by=world.approver,
        slots=slots(*(starts or [days_ahead(3), days_ahead(3, 11), days_ahead(4)]), capacity=capacity),
        panel=panel or [world.approver, world.contractor],
        **kwargs,
    )


def _invitation(candidacy):
    return InterviewInvitation.objects.select_related("round").get(candidacy=candidacy)


def _slot(interview_round, index=0):
    return list(interview_round.slots.order_by("starts_at"))[index]


def _calendar(text: str) -> Calendar:
    return Calendar.from_ical(text)


# --- opening a round ------------------------------------------------------------------------------------------


def test_a_round_invites_exactly_the_shortlisted_once(world):
    interview_round = _open(world)
    invited = set(interview_round.invitations.values_list("candidacy__reference", flat=True))
    assert invited == {c.reference for c in world.shortlisted[world.role.pk]}
    rows = OutboxEmail.objects.filter(kind="interview_invitation")
    assert sorted(rows.values_list("to", flat=True)) == sorted(
        c.application.applicant.email for c in world.shortlisted[world.role.pk]
    )
    assert all("/interviews/" in row.body for row in rows)
    assert role_stage(world.role) == Stage.INTERVIEWS
    with pytest.raises(ScreeningError):  # one live round per role: the lifecycle has no second "interview" move
        _open(world)
    assert OutboxEmail.objects.filter(kind="interview_invitation").count() == 3


def test_no_round_before_the_shortlist_is_approved(interview_booking_world):
    from tests.applications.interviews_world import Approved, city_staff
    from tests.recruitment import factories as rf

    call = rf.call()
    contractor, approver = city_staff(call)
    role = rf.role(call, closes_at=days_ahead(-1))
    world = Approved(call, [role], contractor, approver)
    with pytest.raises(ScreeningError) as refused:
        _open(world)
    assert "interview round" in refused.value.message.lower() or "面接" in refused.value.message
    assert not InterviewRound.objects.exists()


def test_the_panel_is_people_of_the_call_only(world):
    from tests.applications import factories as af
    from tests.recruitment import factories as rf

    stranger = af.staff("iv-stranger", "City approvers", organisation=rf.organisation())
    with pytest.raises(InterviewError):
        _open(world, panel=[world.approver, stranger])
    editor = af.staff("iv-editor", "City editors", organisation=world.call.organisation)
    with pytest.raises(InterviewError):
        _open(world, panel=[editor])
    assert not InterviewRound.objects.exists()


def test_online_times_need_their_video_link_and_in_person_a_place(world):
    from applications.interviews.services import SlotSpec

    with pytest.raises(InterviewError):
        interview_round_open(role=world.role, by=world.approver, slots=[SlotSpec(days_ahead(3))],
                             panel=[world.approver])  # fmt: skip
    with pytest.raises(InterviewError):
        _open(world, mode="in_person", place=" ")
    with pytest.raises(InterviewError):  # nobody could book a time inside the cut-off
        _open(world, starts=[days_ahead(0) + timedelta(hours=2)] if False else [days_ahead(1, 0)], cutoff_hours=48)
    interview_round = _open(world, mode="in_person", place="神戸市役所1号館")
    assert interview_round.place == "神戸市役所1号館"
    assert set(interview_round.slots.values_list("video_url", flat=True)) == {""}


# --- seats --------------------------------------------------------------------------------------------------------


def test_a_slot_takes_as_many_as_its_seats_first_come(world):
    interview_round = _open(world, capacity=2)
    slot = _slot(interview_round)
    first, second, third = world.shortlisted[world.role.pk]
    interview_book(candidacy=first, slot=slot, accommodation="字幕をお願いします")
    interview_book(candidacy=second, slot=slot)
    with pytest.raises(InterviewError) as refused:
        interview_book(candidacy=third, slot=slot)
    assert refused.value.code == "taken"
    slot.refresh_from_db()
    assert (slot.booked, slot.capacity) == (2, 2)
    assert InterviewBooking.objects.filter(slot=slot, cancelled_at__isnull=True).count() == 2
    assert _invitation(third).booking is None
    assert InterviewBooking.objects.get(application=first.application).accommodation == "字幕をお願いします"


def test_the_database_refuses_an_overbooked_slot(world):
    from django.db import IntegrityError, transaction

    slot = _slot(_open(world))
    with pytest.raises(IntegrityError), transaction.atomic():
        InterviewSlot.objects.filter(pk=slot.pk).update(booked=2)


def test_one_person_books_once(world):
    interview_round = _open(world, capacity=3)
    person = world.shortlisted[world.role.pk][0]
    interview_book(candidacy=person, slot=_slot(interview_round))
    with pytest.raises(InterviewError) as refused:
        interview_book(candidacy=person, slot=_slot(interview_round, 1))
    assert refused.value.code == "booked"
    assert InterviewSlot.objects.filter(round=interview_round).values_list("booked", flat=True).count() == 3
    assert sum(InterviewSlot.objects.filter(round=interview_round).values_list("booked", flat=True)) == 1


def test_someone_not_shortlisted_is_not_invited(world):
    slot = _slot(_open(world))
    with pytest.raises(InterviewError) as refused:
        interview_book(candidacy=world.others[0], slot=slot)
    assert refused.value.code == "not_live"


# --- cut-off and closed rounds --------------------------------------------------------------------------------


def test_booking_moving_and_cancelling_close_at_the_cut_off(world):
    interview_round = _open(world, capacity=2, cutoff_hours=24)
    early, late = _slot(interview_round), _slot(interview_round, 2)
    person, other = world.shortlisted[world.role.pk][:2]
    booking = interview_book(candidacy=person, slot=early)
    with time_machine.travel(early.starts_at - timedelta(hours=23), tick=False):
        with pytest.raises(InterviewError) as refused:
            interview_booking_move(booking=booking, slot=late)
        assert refused.value.code == "too_late"
        with pytest.raises(InterviewError) as refused:
            interview_booking_cancel(booking=booking)
        assert refused.value.code == "too_late"
        with pytest.raises(InterviewError) as refused:
            interview_book(candidacy=other, slot=early)
        assert refused.value.code == "too_late"
        assert "24" in refused.value.message
    early.refresh_from_db()
    assert early.booked == 1


def test_no_booking_after_the_round_is_closed(world):
    interview_round = _open(world)
    person = world.shortlisted[world.role.pk][0]
    interview_round_close(interview_round=interview_round, by=world.approver)
    with pytest.raises(InterviewError) as refused:
        interview_book(candidacy=person, slot=_slot(interview_round))
    assert refused.value.code == "closed"
    with pytest.raises(ScreeningError):
        interview_round_close(interview_round=interview_round, by=world.contractor)  # not theirs to run


def test_move_keeps_the_event_and_frees_the_old_seat(world):
    interview_round = _open(world)
    first, second = _slot(interview_round), _slot(interview_round, 1)
    person, other = world.shortlisted[world.role.pk][:2]
    booking = interview_book(candidacy=person, slot=first)
    moved = interview_booking_move(booking=booking, slot=second)
    assert (moved.pk, moved.uid, moved.sequence, moved.slot_id) == (booking.pk, booking.uid, 1, second.pk)
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.booked, second.booked) == (0, 1)
    interview_book(candidacy=other, slot=first)  # the seat given back is free again


def test_cancel_gives_the_seat_back_and_the_person_may_book_again(world):
    interview_round = _open(world)
    person = world.shortlisted[world.role.pk][0]
    booking = interview_book(candidacy=person, slot=_slot(interview_round))
    interview_booking_cancel(booking=booking)
    assert InterviewSlot.objects.get(pk=_slot(interview_round).pk).booked == 0
    assert _invitation(person).booking is None
    again = interview_book(candidacy=person, slot=_slot(interview_round, 1))
    assert again.pk != booking.pk


def test_withdrawing_gives_the_seat_back_and_cancels_the_event_once(world):
    interview_round = _open(world)
    person = world.shortlisted[world.role.pk][0]
    booking = interview_book(candidacy=person, slot=_slot(interview_round))
    OutboxEmail.objects.all().delete()
    assert candidacy_withdraw(application=person.application, candidacy_ids=[person.pk]) == 1
    assert InterviewSlot.objects.get(pk=_slot(interview_round).pk).booked == 0
    assert InterviewBooking.objects.get(pk=booking.pk).cancelled_at is not None
    assert _invitation(person).booking is None
    cancellation = OutboxEmail.objects.get(kind="interview_cancelled")
    assert _calendar(cancellation.calendar).get("METHOD") == "CANCEL"
    # The freed seat is anyone's: another shortlisted person takes it.
    other = world.shortlisted[world.role.pk][1]
    assert interview_book(candidacy=other, slot=_slot(interview_round)).slot_id == _slot(interview_round).pk


# --- one interview for roles that share a panel -----------------------------------------------------------------


def test_a_person_shortlisted_for_two_roles_with_one_panel_books_once(interview_booking_world):
    world = interview_booking_world["pair"]
    role_a, role_b = world.roles
    person_a = world.shortlisted[role_a.pk][0]
    person_b = world.shortlisted[role_b.pk][0]
    assert person_a.application_id == person_b.application_id
    round_a = _open(world, role_a)
    round_b = _open(world, role_b, starts=[days_ahead(5)])
    booking = interview_book(candidacy=person_b, slot=_slot(round_a))  # a time of either round serves both
    assert _invitation(person_a).booking == booking
    assert _invitation(person_b).booking == booking
    assert sum(InterviewSlot.objects.filter(round__in=[round_a, round_b]).values_list("booked", flat=True)) == 1
    with pytest.raises(InterviewError) as refused:
        interview_book(candidacy=person_a, slot=_slot(round_b))
    assert refused.value.code == "booked"
    event = _calendar(OutboxEmail.objects.get(kind="interview_booked").calendar).walk("VEVENT")[0]
    assert role_a.title in str(event["SUMMARY"])
    assert role_b.title in str(event["SUMMARY"])
    # moved within the shared rounds: still one booking for both
    moved = interview_booking_move(booking=booking, slot=_slot(round_b))
    assert set(moved.invitations.values_list("round", flat=True)) == {round_a.pk, round_b.pk}


def test_rounds_with_different_panels_are_booked_apart(interview_booking_world):
    world = interview_booking_world["single"]
    role_a, role_b = world.roles
    round_a = _open(world, role_a, panel=[world.approver])
    round_b = _open(world, role_b, panel=[world.approver, world.contractor])
    person_a, person_b = world.shortlisted[role_a.pk][0], world.shortlisted[role_b.pk][0]
    with pytest.raises(InterviewError) as refused:
        interview_book(candidacy=person_a, slot=_slot(round_b))
    assert refused.value.code == "not_invited"
    one = interview_book(candidacy=person_a, slot=_slot(round_a))
    two = interview_book(candidacy=person_b, slot=_slot(round_b, 1))
    assert one.pk != two.pk


def test_a_round_opened_later_with_the_same_panel_joins_the_booking(interview_booking_world):
    world = interview_booking_world["single"]
    role_a, role_b = world.roles
    person_a = world.shortlisted[role_a.pk][0]
    booking = interview_book(candidacy=person_a, slot=_slot(_open(world, role_a)))
    _open(world, role_b)
    assert _invitation(world.shortlisted[role_b.pk][0]).booking == booking


# --- a reopened role ---------------------------------------------------------------------------------------------


def test_reopening_the_shortlist_cancels_the_round_and_tells_everyone_once(world):
    interview_round = _open(world)
    booked, waiting, _third = world.shortlisted[world.role.pk]
    interview_book(candidacy=booked, slot=_slot(interview_round))
    shortlist_reopen(shortlist=shortlist_for(world.role), by=world.approver, reason="見直し")
    interview_round.refresh_from_db()
    assert interview_round.status == InterviewRound.Status.CANCELLED
    assert InterviewSlot.objects.get(pk=_slot(interview_round).pk).booked == 0
    assert InterviewBooking.objects.get(application=booked.application).cancelled_at is not None
    notices = OutboxEmail.objects.filter(kind="interview_round_cancelled")
    assert sorted(notices.values_list("to", flat=True)) == sorted(
        c.application.applicant.email for c in world.shortlisted[world.role.pk]
    )
    cancel = _calendar(notices.get(to=booked.application.applicant.email).calendar)
    assert str(cancel["METHOD"]) == "CANCEL"
    assert notices.get(to=waiting.application.applicant.email).calendar == ""
    assert role_stage(world.role) == Stage.REOPENED
    from applications.interviews.services import interview_rounds_cancel

    assert interview_rounds_cancel(role=world.role, by=world.approver) == 0  # again: nothing more
    assert notices.count() == 3


# --- the calendar parts and the outbox ------------------------------------------------------------------------------


def test_the_confirmation_carries_a_valid_event_in_japan_time(world):
    interview_round = _open(world, length_minutes=45)
    slot = _slot(interview_round)
    person = world.shortlisted[world.role.pk][0]
    booking = interview_book(candidacy=person, slot=slot)
    row = OutboxEmail.objects.get(kind="interview_booked")
    calendar = _calendar(row.calendar)
    assert str(calendar["METHOD"]) == "REQUEST"
    assert [tz["TZID"] for tz in calendar.walk("VTIMEZONE")] == ["Asia/Tokyo"]
    event = calendar.walk("VEVENT")[0]
    start = event.decoded("DTSTART")
    assert event["DTSTART"].params["TZID"] == "Asia/Tokyo"
    assert str(start.tzinfo) == "Asia/Tokyo"
    assert start == slot.starts_at
    assert event.decoded("DTEND") - start == timedelta(minutes=45)
    assert str(event["UID"]).startswith(str(booking.uid))
    assert str(event["LOCATION"]) == slot.video_url == str(event["URL"])
    assert world.role.title in str(event["SUMMARY"])
    assert int(event["SEQUENCE"]) == 0

    moved = interview_booking_move(booking=booking, slot=_slot(interview_round, 1))
    moved_event = _calendar(OutboxEmail.objects.get(kind="interview_moved").calendar).walk("VEVENT")[0]
    assert str(moved_event["UID"]) == str(event["UID"])
    assert int(moved_event["SEQUENCE"]) == 1
    assert moved_event.decoded("DTSTART") == moved.slot.starts_at

    interview_booking_cancel(booking=moved)
    cancelled = _calendar(OutboxEmail.objects.get(kind="interview_cancelled").calendar)
    assert str(cancelled["METHOD"]) == "CANCEL"
    cancelled_event = cancelled.walk("VEVENT")[0]
    assert str(cancelled_event["UID"]) == str(event["UID"])
    assert int(cancelled_event["SEQUENCE"]) == 2


def test_the_sent_mail_has_a_text_calendar_part(world):
    person = world.shortlisted[world.role.pk][0]
    interview_book(candidacy=person, slot=_slot(_open(world)))
    mail.outbox.clear()
    outbox_send_pending()
    with_calendar = [m for m in mail.outbox if any(p.get_content_type() == "text/calendar" for p in m.message().walk())]
    assert [m.to for m in with_calendar] == [[person.application.applicant.email]]
    message = with_calendar[0]
    assert message.subject.startswith("面接のご予約を承りました")
    parts = [p for p in message.message().walk() if p.get_content_type() == "text/calendar"]
    assert len(parts) == 1
    assert parts[0].get_param("method") == "REQUEST"
    event = Calendar.from_ical(parts[0].get_payload(decode=True)).walk("VEVENT")[0]
    assert event.decoded("DTSTART").tzinfo is not None
    assert OutboxEmail.objects.get(kind="interview_booked").calendar == ""  # blanked once sent


def test_each_notice_is_written_once_even_when_triggered_twice(world):
    from applications.interviews.ics import booking_calendar
    from applications.mail.triggers.interviews import booking_confirmation_send, invitations_send

    interview_round = _open(world)
    invitations = list(interview_round.invitations.all())
    assert invitations_send(invitations=invitations, manage_token=manage_link_token) == 0
    booking = interview_book(candidacy=world.shortlisted[world.role.pk][0], slot=_slot(interview_round))
    assert not booking_confirmation_send(booking=booking, kind="interview_booked", calendar=booking_calendar(booking),
                                         manage_token=manage_link_token)  # fmt: skip
    assert OutboxEmail.objects.filter(kind="interview_booked").count() == 1
    assert OutboxEmail.objects.filter(kind="interview_invitation").count() == 3


def test_the_reminder_goes_the_day_before_once_per_booking_and_slot(world):
    interview_round = _open(world)
    person = world.shortlisted[world.role.pk][0]
    slot = _slot(interview_round)
    booking = interview_book(candidacy=person, slot=slot)
    assert interview_reminders_send(manage_token=manage_link_token) == 0  # two days ahead: not yet
    with time_machine.travel(slot.starts_at - timedelta(hours=20), tick=False):
        assert interview_reminders_send(manage_token=manage_link_token) == 1
        assert interview_reminders_send(manage_token=manage_link_token) == 0
    reminder = OutboxEmail.objects.get(kind="interview_reminder")
    assert reminder.to == person.application.applicant.email
    assert slot.video_url in reminder.body
    moved = interview_booking_move(booking=booking, slot=_slot(interview_round, 2))
    with time_machine.travel(moved.slot.starts_at - timedelta(hours=20), tick=False):
        assert interview_reminders_send(manage_token=manage_link_token) == 1  # the new slot: its own reminder
    assert OutboxEmail.objects.filter(kind="interview_reminder").count() == 2


def test_the_invitation_is_in_the_applicants_language(world):
    from applications.models import Application

    person = world.shortlisted[world.role.pk][1]
    Application.objects.filter(pk=person.application_id).update(language="en")
    _open(world)
    english = OutboxEmail.objects.get(kind="interview_invitation", to=person.application.applicant.email)
    assert english.subject.startswith("Please book your interview")
    assert "/en/apply/manage/" in english.body
    japanese = OutboxEmail.objects.filter(kind="interview_invitation").exclude(pk=english.pk).first()
    assert "面接" in japanese.subject
