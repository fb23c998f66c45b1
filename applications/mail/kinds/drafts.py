"""Kinds of a draft before it is sent: the link to continue, the confirmation code, the reminders."""

from __future__ import annotations

from datetime import timedelta

from django.utils.translation import gettext_lazy as _

from applications.mail.kinds.base import Kind

#: Reminders before the earliest chosen role of a draft closes, latest first: (window name, time before).
REMINDER_WINDOWS: list[tuple[str, timedelta]] = [("24h", timedelta(hours=24)), ("72h", timedelta(hours=72))]

KINDS: dict[str, Kind] = {
    "draft_link": Kind(
        label="下書きのリンク Draft link",
        trigger="applicant.draft_link_send",
        when="when the applicant saves a draft to finish later; each new link is its own message",
        subject=_("Your saved application: link to continue"),
        body=_(
            "You saved an application to “{call}” to finish later. Open this link to continue where you stopped:\n\n"
            "{link}\n\nThe link works until the roles you chose close, and for 30 days at most. "
            "If you did not ask for it, ignore this email."
        ),
        placeholders=("call", "link"),
    ),
    "email_code": Kind(
        label="確認コード Confirmation code",
        trigger="applicant.email_code_send",
        when="when the verify step sends a code, before the address is proven (so no text the applicant typed)",
        subject=_("{code} is your confirmation code"),
        body=_(
            "Your confirmation code for an application to “{call}”:\n\n{code}\n\n"
            "Type it in the application form. It works for {minutes} minutes. "
            "If you did not start an application, ignore this email: nothing is sent without this code."
        ),
        placeholders=("code", "call", "minutes"),
    ),
    "draft_reminder": Kind(
        label="下書きのリマインダー Draft reminder",
        trigger="applicant.reminders_send",
        beat="send-draft-reminders",
        when="each of :data:`REMINDER_WINDOWS` before the earliest chosen open role of a draft with an email closes",
        subject=_("Your application to “{call}” is not sent yet"),
        body=_(
            "Your application to “{call}” is saved but not sent yet.\n\n"
            "The first role you chose, “{role}”, closes on {deadline} (in {time_left}). "
            "Applications not sent by then cannot be accepted.\n\n"
            "To continue, open the link in the email “Your saved application: link to continue”, "
            "or start from the call's page:\n{call_link}"
        ),
        # {hours}: whole hours left, kept for wordings written before {time_left} (which says minutes under an hour).
        placeholders=("call", "role", "deadline", "time_left", "hours", "call_link"),
    ),
}
