"""Who a city's mail comes from and what its footer says: the city's sender name, Reply-To, contact and schedule.

Applicant mail about a call is sent in the name of the call's city (``Organisation.sender_name``,
the address stays ``DEFAULT_FROM_EMAIL``'s so the mail still passes SPF and DKIM), replies go to
the city (``Organisation.reply_to``), and the footer gives the city's contact (department, phone
and hours, email) and the call's schedule (the deadline of each role the mail is about, the
call's timeline, e.g. when the screening results come). Mail not about a call keeps the site's
sender and has no footer.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from email.headerregistry import Address
from email.utils import parseaddr
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import override

from recruitment.formatting import format_japan_date, format_japan_datetime


@dataclass(frozen=True)
class Sender:
    """The ``From`` display name, the ``Reply-To`` address and the footer of one message."""

    from_name: str = ""
    reply_to: str = ""
    footer: str = ""


def _localized(obj: Any, field: str, language: str) -> str:
    if language == "en":
        english = getattr(obj, f"{field}_en", "") if not isinstance(obj, dict) else obj.get(f"{field}_en", "")
        if english:
            return str(english)
    return str(getattr(obj, field, "") if not isinstance(obj, dict) else obj.get(field, ""))


def contact_lines(organisation: Any, language: str) -> list[str]:
    """The city's contact, one line each: name and department, phone (hours), email."""
    name = _localized(organisation, "name", language)
    lines = [" ".join(part for part in (name, organisation.contact_department) if part)]
    if organisation.contact_phone:
        hours = f" ({organisation.contact_hours})" if organisation.contact_hours else ""
        lines.append(f"{_('Phone')}: {organisation.contact_phone}{hours}")
    if organisation.contact_email:
        lines.append(f"{_('Email')}: {organisation.contact_email}")
    return lines


def schedule_lines(call: Any, roles: Iterable[Any], language: str) -> list[str]:
    """The deadline of each of ``roles``, then the steps of the call's timeline (with their dates)."""
    lines = []
    for role in roles:
        deadline = format_japan_datetime(role.closes_at, language)
        lines.append(f"- {_('Deadline')} ({_localized(role, 'title', language)}): {deadline}")
    for step in getattr(call, "timeline", None) or []:
        value = step.value
        if not value.get("starts_on"):
            continue
        when = format_japan_date(value["starts_on"], language)
        if value.get("ends_on"):
            when = f"{when} – {format_japan_date(value['ends_on'], language)}"
        lines.append(f"- {_localized(value, 'label', language)}: {when}")
    return lines


def sender_for(*, call: Any, roles: Iterable[Any] = (), language: str) -> Sender:
    """The sender, Reply-To and footer of a message about ``call`` (and ``roles`` of it) in ``language``."""
    call = getattr(call, "specific", call)
    organisation = getattr(call, "organisation", None)
    if organisation is None:
        return Sender()
    with override(language):
        footer = ["-- ", *contact_lines(organisation, language)]
        if organisation.reply_to:
            city = _localized(organisation, "name", language)
            footer.append(_("You can reply to this email to reach %(city)s.") % {"city": city})
        schedule = schedule_lines(call, roles, language)
        if schedule:
            footer += ["", _("Schedule"), *schedule]
    return Sender(from_name=organisation.sender_name, reply_to=organisation.reply_to, footer="\n".join(footer))


def from_address(from_name: str) -> str:
    """``DEFAULT_FROM_EMAIL`` with ``from_name`` as its display name (unchanged when there is none)."""
    if not from_name:
        return settings.DEFAULT_FROM_EMAIL
    _name, address = parseaddr(settings.DEFAULT_FROM_EMAIL)
    return str(Address(display_name=from_name, addr_spec=address))  # quoted when needed; Django encodes it
