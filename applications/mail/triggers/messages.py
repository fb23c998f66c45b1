"""Mail about a candidacy's messages: "a message is waiting" to the applicant, "an answer came" to staff.

Neither carries what was written: the applicant reads the message on their manage page (the
mail is a notice with the link), and staff are given the candidate code and the page, never a
name or an address. Both are keyed per message, so each goes out once.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.urls import reverse

from applications.mail.rendering import admin_url
from applications.mail.triggers.common import applicant_values, route_link, to_applicant, to_staff
from applications.models import CandidacyMessage


def message_waiting_send(*, message: CandidacyMessage, manage_token: str, days: int) -> bool:
    """Tell the applicant a message waits on their manage page (in the transaction of ``message_send``).

    ``manage_token`` opens the manage link for ``days`` days (a signed link: the confirmation's own
    token is stored only as its hash). The body of the message is not in the mail.
    """
    candidacy = message.candidacy
    application = candidacy.application
    language = application.language
    return to_applicant(
        application,
        kind="message_waiting",
        key=f"message_waiting:message:{message.pk}",
        values={
            **applicant_values(candidacy),
            "manage_link": route_link("applications:manage", language, token=manage_token),
            "days": days,
            "request_link": route_link("applications:manage_request", language),
        },
    )


def message_answered_send(*, message: CandidacyMessage, recipients: Iterable[Any]) -> int:
    """Tell ``recipients`` (staff) that the applicant answered, with the candidate code only (no personal data)."""
    candidacy = message.candidacy
    values = {
        "candidate": candidacy.applicant_code,
        "role": candidacy.role.title,
        "call": candidacy.application.call.title,
        "candidacy_link": admin_url(reverse("screening_candidacy", args=[candidacy.pk])),
    }
    return to_staff(recipients, kind="message_answered", key=f"message_answered:message:{message.pk}", values=values)
