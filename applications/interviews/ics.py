"""A booking as a calendar event (RFC 5545, written with the ``icalendar`` library): the confirmation's
``text/calendar`` part and the booking page's ``.ics`` download.

One event per booking, its UID fixed for the booking's life: a move sends the same UID with a
higher SEQUENCE (the applicant's calendar moves the event), a cancellation ``METHOD:CANCEL``.
Times are written in Asia/Tokyo with their VTIMEZONE, so the event shows at the right time
wherever the applicant's calendar is set.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from email.utils import parseaddr
from urllib.parse import urlsplit

from django.conf import settings
from django.db.models import F
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from icalendar import Calendar, Event, vCalAddress

from applications.models import InterviewBooking, InterviewInvitation, InterviewRound
from recruitment.formatting import JAPAN

#: iCalendar's PRODID: who made the file.
PRODID = "-//Kobo//Interviews//JA"


def booking_where(booking: InterviewBooking) -> str:
    """The video link of an online interview's slot, or the place of one in person."""
    interview_round = booking.slot.round
    if interview_round.mode == InterviewRound.Mode.ONLINE:
        return booking.slot.video_url
    return interview_round.place


def booking_roles(booking: InterviewBooking) -> list[str]:
    """The titles of the roles the booking covers (one interview for rounds sharing a panel)."""
    titles = [invitation.candidacy.role.title for invitation in booking.invitations.select_related("candidacy__role")]
    return titles or [booking.slot.round.role.title]


def booking_calendar(booking: InterviewBooking, *, cancel: bool = False, now: datetime | None = None) -> str:
    """The booking as an iCalendar object: ``METHOD:REQUEST`` (booked, moved) or ``METHOD:CANCEL``."""
    slot = booking.slot
    interview_round = slot.round
    application = booking.application
    start = timezone.localtime(slot.starts_at, JAPAN)
    domain = urlsplit(settings.KOBO_PUBLIC_URL).hostname or "kobo.invalid"
    where = booking_where(booking)

    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("method", "CANCEL" if cancel else "REQUEST")
    event = Event()
    event.add("uid", f"{booking.uid}@{domain}")
    event.add("dtstamp", (now or timezone.now()).astimezone(JAPAN))
    event.add("dtstart", start)
    event.add("dtend", start + timedelta(minutes=interview_round.length_minutes))
    event.add("sequence", booking.sequence)
    event.add("status", "CANCELLED" if cancel else "CONFIRMED")
    with translation.override(application.language):
        roles = "、".join(booking_roles(booking))
        event.add("summary", _("Interview: %(roles)s (%(call)s)") % {"roles": roles, "call": application.call.title})
        event.add("description", _("Reference number: %(reference)s") % {"reference": application.reference})
    if where:
        event.add("location", where)
    if interview_round.mode == InterviewRound.Mode.ONLINE and slot.video_url:
        event.add("url", slot.video_url)
    organiser = vCalAddress(f"mailto:{parseaddr(settings.DEFAULT_FROM_EMAIL)[1] or 'noreply@' + domain}")
    organiser.params["cn"] = application.call.organisation.name
    event.add("organizer", organiser)
    attendee = vCalAddress(f"mailto:{application.applicant.email}")
    attendee.params["role"] = "REQ-PARTICIPANT"
    attendee.params["partstat"] = "DECLINED" if cancel else "ACCEPTED"
    event.add("attendee", attendee)
    calendar.add_component(event)
    calendar.add_missing_timezones()
    return calendar.to_ical().decode()


def joined_calendars(invitations: Iterable[InterviewInvitation], *, now: datetime | None = None) -> dict[int, str]:
    """The updated calendar of each live booking a new invitation joined (a round sharing its panel), by invitation.

    The booking's SEQUENCE goes up first (its event now names one more role), so the person's calendar
    takes the REQUEST as an update of the event it holds; call in the transaction that joined them.
    """
    calendars: dict[int, str] = {}
    for invitation in invitations:
        joined = invitation.booking
        if joined is None or joined.cancelled_at is not None:
            continue
        InterviewBooking.objects.filter(pk=joined.pk).update(sequence=F("sequence") + 1)
        booking = InterviewBooking.objects.select_related(
            "slot__round", "application__applicant", "application__call__organisation"
        ).get(pk=joined.pk)
        calendars[invitation.pk] = booking_calendar(booking, now=now)
    return calendars
