"""Kinds of a candidacy's messages: to the applicant that one waits, to staff that the applicant answered."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from applications.mail.kinds.base import APPROVERS, CONTRACTORS, Kind

KINDS: dict[str, Kind] = {
    "message_waiting": Kind(
        label="メッセージのお知らせ A message is waiting",
        trigger="messages.message_waiting_send",
        when="in the transaction of a message from the city's side (``messaging.message_send``), once per message; "
        "the mail never carries the message itself",
        subject=_("A message about your application ({reference})"),
        body=_(
            "Dear {name},\n\nThe selection team of “{call}” has sent you a message about your "
            "application for “{role}”. For your privacy, the message is not in this email: read it and answer "
            "on your application's page:\n{manage_link}\n\nThe link works for {days} days. After that, ask for a "
            "new one at:\n{request_link}\n\nReference number: {reference}"
        ),
        placeholders=("name", "reference", "call", "role", "manage_link", "days", "request_link"),
    ),
    "message_answered": Kind(
        label="応募者からの返信 An applicant answered",
        to=(CONTRACTORS, APPROVERS),
        trigger="messages.message_answered_send",
        when="in the transaction of the applicant's answer (``messaging.message_answer``), once per answer, to "
        "those of the call's staff who wrote in the thread and may still write; no personal data in it",
        subject=_("An applicant answered: {candidate} ({role})"),
        body=_(
            "The applicant of candidacy {candidate} answered a message about “{role}” ({call}).\n\n"
            "Read it on the candidacy's page:\n{candidacy_link}"
        ),
        placeholders=("candidate", "role", "call", "candidacy_link"),
    ),
}
