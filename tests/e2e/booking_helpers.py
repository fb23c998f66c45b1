"""Steps the applicant's interview booking tests share: the invitation's link, booking a time, the .ics file."""

from __future__ import annotations

import re
from pathlib import Path

from django.core import mail
from icalendar import Calendar
from playwright.sync_api import expect

from recruitment.formatting import format_japan_datetime


def invitation_link(email: str) -> str:
    """The booking page's path, from the interview invitation mailed to ``email``."""
    invitation = next(m for m in mail.outbox if m.to == [email] and "面接" in m.subject)
    return re.search(r"https?://[^/\s]+(/\S+/interviews/)", invitation.body).group(1)


def tick(page, slot) -> None:
    """Choose ``slot`` on the booking page, by the Japan time it shows."""
    page.get_by_label(re.compile(re.escape(format_japan_datetime(slot.starts_at, "ja")))).check()


def book(page, slot, assert_accessible, *, move: bool = False) -> None:
    """Send the time ticked (``move``: the button that moves a booking); the page says so and shows ``slot``."""
    button, done = (
        ("面接の日時を変更する", "面接の日時を変更しました")
        if move
        else ("この時間で予約する", "面接の予約が完了しました")
    )
    page.get_by_role("button", name=button).click()
    expect(page.get_by_role("status")).to_contain_text(done)
    expect(page.locator("[data-booked-slot]")).to_have_text(format_japan_datetime(slot.starts_at, "ja"))
    assert_accessible(page)


def calendar_event(page):
    """The one event of the .ics file the booking page offers."""
    with page.expect_download() as download:
        page.get_by_role("link", name="カレンダーに追加する(.icsファイル)").click()
    (event,) = Calendar.from_ical(Path(download.value.path()).read_bytes()).walk("VEVENT")
    return event
