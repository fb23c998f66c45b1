"""Kinds of the interviews: the invitation (or the booking it joins), more times added, the booking made, moved,
cancelled, the reminder, and a round cancelled."""

from __future__ import annotations

from datetime import timedelta

from django.utils.translation import gettext_lazy as _

from applications.mail.kinds.base import Kind

#: An interview's reminder goes out this long before it starts (once per booking and slot); a booking
#: made or moved later than that is not reminded (its confirmation has just gone out).
INTERVIEW_REMINDER_BEFORE = timedelta(hours=24)

KINDS: dict[str, Kind] = {
    "interview_invitation": Kind(
        label="面接のご案内 Interview invitation",
        trigger="interviews.invitations_send",
        when="in the transaction that opens a role's interview round (``interview_round_open``), once per invitation",
        subject=_("Please book your interview ({reference})"),
        body=_(
            "Dear {name},\n\nThank you for applying for “{role}” ({call}). "
            "We would like to meet you in an interview of {length} minutes.\n\n"
            "Please choose a time that suits you on this page (times are in Japan time):\n{booking_link}\n\n"
            "You can change or cancel your booking there until {cutoff_hours} hours before the interview. "
            "If you need extra time, captions, sign language or anything else, you can tell us when you book.\n\n"
            "Reference number: {reference}"
        ),
        placeholders=("name", "reference", "call", "role", "length", "cutoff_hours", "booking_link"),
    ),
    "interview_covered": Kind(
        label="予約済みの面接への追加 Booked interview covers this role too",
        trigger="interviews.invitations_send",
        when="instead of the invitation, when the person's live booking of an open round with the same panel "
        "already covers the new round (``interview_round_open``), once per invitation, with the updated calendar",
        subject=_("Your booked interview also covers “{role}” ({reference})"),
        body=_(
            "Dear {name},\n\nThank you for applying for “{role}” ({call}). We would like to meet you in an "
            "interview for this role too. The same people interview for it, so the interview you have already "
            "booked now covers {roles}: you do not need to book another time.\n\n"
            "When: {when} (Japan time), {length} minutes\nWhere: {where}\n\n"
            "The attached calendar file updates the event in your calendar. To change or cancel it "
            "(until {cutoff_hours} hours before), open:\n{booking_link}\n\nReference number: {reference}"
        ),
        placeholders=(
            "name",
            "reference",
            "call",
            "role",
            "roles",
            "when",
            "length",
            "where",
            "cutoff_hours",
            "booking_link",
        ),
    ),
    "interview_times_added": Kind(
        label="面接の時間の追加 More interview times",
        trigger="interviews.times_added_send",
        when="in the transaction that adds times to an open round (``interview_slots_add``), once per add and "
        "invitation, only to those invited who can still book (no live booking, the candidacy still in the selection)",
        subject=_("More times for your interview for “{role}” ({reference})"),
        body=_(
            "Dear {name},\n\nThank you for your patience. For your interview for “{role}” ({call}), "
            "the city has added these times (Japan time, {length} minutes each):\n{times}\n\n"
            "If one of them suits you, please choose it on this page while seats are free:\n{booking_link}\n\n"
            "You can change or cancel your booking there until {cutoff_hours} hours before the interview.\n\n"
            "Reference number: {reference}"
        ),
        placeholders=("name", "reference", "call", "role", "times", "length", "cutoff_hours", "booking_link"),
    ),
    "interview_booked": Kind(
        label="面接の予約確認 Interview booked",
        trigger="interviews.booking_confirmation_send",
        when="in the booking's transaction (``interview_book``), with the calendar invitation (.ics)",
        subject=_("Your interview is booked: {when} ({reference})"),
        body=_(
            "Dear {name},\n\nYour interview for {roles} ({call}) is booked.\n\n"
            "When: {when} (Japan time), {length} minutes\nWhere: {where}\n\n"
            "The attached calendar file adds it to your calendar. To change or cancel it "
            "(until {cutoff_hours} hours before), open:\n{booking_link}\n\nReference number: {reference}"
        ),
        placeholders=("name", "reference", "call", "roles", "when", "length", "where", "cutoff_hours", "booking_link"),
    ),
    "interview_moved": Kind(
        label="面接日時の変更 Interview moved",
        trigger="interviews.booking_confirmation_send",
        when="in the move's transaction (``interview_booking_move``), with the updated calendar invitation",
        subject=_("Your interview has moved to {when} ({reference})"),
        body=_(
            "Dear {name},\n\nAs you asked, your interview for {roles} ({call}) has moved.\n\n"
            "New time: {when} (Japan time), {length} minutes\nWhere: {where}\n\n"
            "The attached calendar file updates the event in your calendar. To change or cancel it "
            "(until {cutoff_hours} hours before), open:\n{booking_link}\n\nReference number: {reference}"
        ),
        placeholders=("name", "reference", "call", "roles", "when", "length", "where", "cutoff_hours", "booking_link"),
    ),
    "interview_cancelled": Kind(
        label="面接予約の取消し Interview booking cancelled",
        trigger="interviews.booking_confirmation_send",
        when="in the cancellation's transaction (``interview_booking_cancel``), with the calendar cancellation",
        subject=_("Your interview booking is cancelled ({reference})"),
        body=_(
            "Dear {name},\n\nAs you asked, your interview for {roles} ({call}) on {when} "
            "is cancelled. The attached calendar file removes it from your calendar.\n\n"
            "While times are still free, you can book another one:\n{booking_link}\n\nReference number: {reference}"
        ),
        placeholders=("name", "reference", "call", "roles", "when", "booking_link"),
    ),
    "interview_reminder": Kind(
        label="面接のリマインダー Interview reminder",
        trigger="interviews.interview_reminders_send",
        beat="send-interview-reminders",
        when=":data:`INTERVIEW_REMINDER_BEFORE` before the booked interview, once per booking and slot",
        subject=_("Reminder: your interview {when} ({reference})"),
        body=_(
            "Dear {name},\n\nThis is a reminder of your interview for {roles} ({call}).\n\n"
            "When: {when} (Japan time), {length} minutes\nWhere: {where}\n\n"
            "Your booking:\n{booking_link}\n\nReference number: {reference}"
        ),
        placeholders=("name", "reference", "call", "roles", "when", "length", "where", "booking_link"),
    ),
    "interview_round_cancelled": Kind(
        label="面接の中止 Interviews cancelled",
        trigger="interviews.round_cancelled_send",
        when="in the transaction that reopens the role's shortlist (``shortlist_reopen``), once per invitation",
        subject=_("The interviews for “{role}” are cancelled for now ({reference})"),
        body=_(
            "Dear {name},\n\nThank you for applying for “{role}” ({call}). "
            "The city is reviewing the selection of this role again, so the interviews we invited you to "
            "are cancelled for now, together with any time you booked for this role. "
            "We sincerely apologise for the inconvenience.\n\n"
            "We will write to you again as soon as the review is finished.\n\nReference number: {reference}"
        ),
        placeholders=("name", "reference", "call", "role"),
    ),
}
