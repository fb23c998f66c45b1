"""Writes of a candidacy's messages: staff send (``message_send``), the applicant answers (``message_answer``).

Each write checks who may write, saves in one transaction with its audit entry and its mail
(keyed, once per message), and raises :class:`MessagingError` with a message fit to show when
it refuses; a refusal changes nothing.
"""

from __future__ import annotations

import secrets
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from applications.intake.selectors import MANAGE_LINK_MAX_AGE
from applications.intake.services import manage_link_token
from applications.intake.uploads import CheckedUpload
from applications.mail.triggers.messages import message_answered_send, message_waiting_send
from applications.messaging.models import MAX_MESSAGE_LENGTH, CandidacyMessage
from applications.messaging.selectors import answer_recipients, may_answer, may_send
from applications.models import Candidacy
from applications.screening.audit import audit


class MessagingError(Exception):
    """A message was refused; ``message`` says why, in words fit to show."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def _clean_body(body: str) -> str:
    text = (body or "").replace("\r\n", "\n").strip()
    if not text:
        raise MessagingError(_("Write your message."))
    if len(text) > MAX_MESSAGE_LENGTH:
        raise MessagingError(
            _("Write at most %(limit)s characters (now %(count)s).") % {"limit": MAX_MESSAGE_LENGTH, "count": len(text)}
        )
    return text


def message_send(*, candidacy: Candidacy, by: Any, body: str) -> CandidacyMessage:
    """Staff write to the applicant of ``candidacy``; the applicant is told by email that a message waits.

    ``by`` must hold ``Power.MESSAGE`` on the candidacy's call (the city's approvers, the call's
    running contractors) and must not have declared they know the person. The mail carries no
    body, only a signed manage link (``MANAGE_LINK_MAX_AGE``). Audited as ``kobo.message.send``.
    """
    decision = may_send(by, candidacy)
    if not decision:
        raise MessagingError(decision.reason)
    text = _clean_body(body)
    call = candidacy.application.call
    with transaction.atomic():
        message = CandidacyMessage.objects.create(
            candidacy=candidacy, sender=CandidacyMessage.Sender.STAFF, author=by, body=text
        )
        audit(user=by, action="kobo.message.send", call=call, candidacy=candidacy, message_id=message.pk)
        message_waiting_send(
            message=message,
            manage_token=manage_link_token(candidacy.application),
            days=MANAGE_LINK_MAX_AGE.days,
        )
    return message


def message_answer(*, candidacy: Candidacy, body: str, upload: CheckedUpload | None = None) -> CandidacyMessage:
    """The applicant (holding the manage link of ``candidacy``'s application) answers the city's messages.

    ``upload`` is a file already passed through ``applications.intake.uploads.check_upload`` (the
    wizard's checks); it is stored in private storage under a generated name. The staff who wrote
    in the thread and may still write are told, without personal data. Audited as
    ``kobo.message.answer`` (no user: the applicant).
    """
    decision = may_answer(candidacy)
    if not decision:
        raise MessagingError(decision.reason)
    text = _clean_body(body)
    call = candidacy.application.call
    with transaction.atomic():
        message = CandidacyMessage(candidacy=candidacy, sender=CandidacyMessage.Sender.APPLICANT, body=text)
        if upload is not None:
            message.file.save(f"{secrets.token_hex(16)}{upload.extension}", ContentFile(upload.content), save=False)
            message.file_name = upload.original_name
            message.file_type = upload.content_type
            message.file_size = upload.size
            message.file_sha256 = upload.sha256
        message.save()
        audit(
            user=None,
            action="kobo.message.answer",
            call=call,
            candidacy=candidacy,
            message_id=message.pk,
            with_file=upload is not None,
        )
        message_answered_send(message=message, recipients=answer_recipients(candidacy))
    return message


def messages_mark_read(*, candidacy: Candidacy, sender: str) -> int:
    """Mark the unread messages of ``candidacy`` from ``sender`` as read (the other side opened them)."""
    return CandidacyMessage.objects.filter(candidacy=candidacy, sender=sender, read_at__isnull=True).update(
        read_at=timezone.now()
    )
