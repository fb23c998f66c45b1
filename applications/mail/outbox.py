"""The mail outbox: rows written in the caller's transaction, sent later by a Celery task.

A broker outage only delays mail: the row is committed with the data that caused
it, the on-commit nudge (a function :func:`sender_register` was given: the Celery task's, so
this module imports no task) may fail without holding the response, and beat sends pending
rows every minute. Every message has a unique key (kind, object, window):
writing the same key again is a no-op, so a doubled or restarted beat, a retried
task or a double click never writes a message twice. Sending claims one row at a
time and marks it sent in its own commit, so a sender killed mid-batch repeats at
most the one message it was sending (:func:`outbox_send_pending`); that message
carries the same ``Message-ID`` both times.
"""

from __future__ import annotations

import hashlib
import logging
import re
from collections.abc import Callable, Iterable
from datetime import timedelta
from email.mime.text import MIMEText
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone

from applications.mail.rendering import render
from applications.mail.senders import Sender, from_address, sender_for
from applications.models import OutboxEmail

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 10
#: A row whose sender died mid-send is sent once more; interrupted again, it is given up.
MAX_INTERRUPTED = 1


def outbox_enqueue(
    *,
    to: str,
    kind: str,
    language: str,
    key: str,
    values: dict[str, Any],
    call: Any = None,
    roles: Iterable[Any] = (),
    calendar: str = "",
) -> bool:
    """Write the email ``kind`` (wording in ``applications.mail.catalogue``) under ``key``; True if it is new.

    Call inside the transaction that causes the email; sending is queued on commit.
    A key already in the outbox (sent or not) is left alone. A message about ``call`` is sent in
    its city's name with its Reply-To, and ends with the city's contact and the schedule of the
    call and of ``roles`` (``applications.mail.senders``). ``calendar``: an iCalendar object
    (RFC 5545 text) that goes with the message as its ``text/calendar`` part.
    """
    key = key[:200]
    if not to or OutboxEmail.objects.filter(key=key).exists():
        return False
    sender = sender_for(call=call, roles=roles, language=language) if call is not None else Sender()
    message = render(kind, language, {k: str(v) for k, v in values.items()}, footer=sender.footer)
    try:
        with transaction.atomic():  # a savepoint: a concurrent writer of the same key wins, we step back
            OutboxEmail.objects.create(
                key=key,
                to=to,
                subject=message["subject"],
                body=message["body"],
                html_body=message["html"],
                calendar=calendar,
                kind=kind,
                language=language,
                from_name=sender.from_name[:100],
                reply_to=sender.reply_to,
            )
    except IntegrityError:
        return False
    transaction.on_commit(_nudge_sender)
    return True


#: How the outbox asks for a sender to run soon: set at start-up (``applications.apps``) to the Celery
#: task's nudge in ``applications.tasks``, which returns False when the broker could not be reached.
_sender: Callable[[], bool] | None = None


def sender_register(nudge: Callable[[], bool]) -> None:
    """Set how a commit that wrote mail asks for a send (the outbox does not import the tasks)."""
    global _sender
    _sender = nudge


def _nudge_sender() -> None:
    # Never holds the response: a broker that refuses or hangs costs about a second at most,
    # and beat sends the row within a minute anyway.
    if _sender is None or not _sender():
        logger.warning("outbox: could not queue the sender; pending mail will go out on the next beat run")


def message_id(key: str) -> str:
    """The ``Message-ID`` of the message under ``key``: the same for every try, so a receiving
    system can drop the one repeat a crash between sending and marking may cause."""
    domain = urlsplit(settings.KOBO_PUBLIC_URL).hostname or "kobo.invalid"
    return f"<{hashlib.sha256(key.encode()).hexdigest()[:32]}.outbox@{domain}>"


def _lease() -> timedelta:
    return timedelta(seconds=settings.KOBO_OUTBOX_LEASE_SECONDS)


def _claim(*, exclude: set[int]) -> OutboxEmail | None:
    """Take the oldest sendable row for this sender in one short transaction; None when none is left.

    Sendable: not sent, attempts left, and nobody holding it (never claimed, its last try
    failed, or its claim is older than the lease: that sender died). ``SKIP LOCKED`` lets
    several senders pass each other on PostgreSQL; the conditional UPDATE makes the claim
    atomic on every database. A row whose claim expired is counted in ``interrupted``; one
    interrupted twice is given up (it is likely what kills the sender), with its reason.
    """
    now = timezone.now()
    free = Q(claimed_at__isnull=True) | Q(claimed_at__lt=now - _lease())
    while True:
        with transaction.atomic():
            row = (
                OutboxEmail.objects.select_for_update(skip_locked=True)
                .filter(free, sent_at__isnull=True, attempts__lt=MAX_ATTEMPTS)
                .exclude(pk__in=exclude)
                .order_by("created_at", "pk")
                .first()
            )
            if row is None:
                return None
            interrupted = row.interrupted + (1 if row.claimed_at is not None else 0)
            update: dict[str, Any] = {"claimed_at": now, "attempts": F("attempts") + 1, "interrupted": interrupted}
            if interrupted > MAX_INTERRUPTED:
                update = {"claimed_at": None, "attempts": MAX_ATTEMPTS, "interrupted": interrupted}
                update["last_error"] = "送信中に中断されました(2回)Interrupted twice while sending: not sent again"
            claimed = OutboxEmail.objects.filter(
                free, pk=row.pk, sent_at__isnull=True, claimed_at=row.claimed_at
            ).update(**update)
        if claimed and interrupted > MAX_INTERRUPTED:
            logger.error("outbox: %s was interrupted twice while sending; given up", row.pk)
            exclude.add(row.pk)
            continue
        if claimed:
            row.refresh_from_db()
            return row
        exclude.add(row.pk)  # another sender took it between our read and our update


def _send(row: OutboxEmail, connection: Any) -> None:
    email = EmailMultiAlternatives(
        row.subject,
        row.body,
        from_address(row.from_name),
        [row.to],
        connection=connection,
        headers={"Message-ID": message_id(row.key)},
        reply_to=[row.reply_to] if row.reply_to else None,
    )
    if row.html_body:
        email.attach_alternative(row.html_body, "text/html")
    if row.calendar:
        email.attach(calendar_part(row.calendar))
    email.send()


#: ``METHOD:REQUEST`` / ``METHOD:CANCEL``: what a calendar part asks of the recipient's calendar.
_METHOD = re.compile(r"^METHOD:([A-Z-]+)\r?$", re.MULTILINE)


def calendar_part(calendar: str) -> MIMEText:
    """The ``text/calendar`` part of a message, with the METHOD its iCalendar object names (RFC 6047).

    Sent as an attachment named ``interview.ics`` too, so a mail program without calendar support offers it
    as a file.
    """
    part = MIMEText(calendar, "calendar", "utf-8")
    method = _METHOD.search(calendar)
    if method:
        part.set_param("method", method.group(1))
    part.add_header("Content-Disposition", "attachment", filename="interview.ics")
    return part


def outbox_send_pending(*, limit: int = 500) -> int:
    """Send pending emails, each at most once per crash of a sender; return how many were sent.

    For each row: claim it (:func:`_claim`, committed), send it, then mark it sent in a
    commit of its own and blank its bodies and calendar (they may carry live links). A sender killed
    between sending and marking leaves one row claimed: after the lease it is sent once
    more (``interrupted`` says so), so a crash repeats at most the one message in flight.
    A failed send releases the row with its error for the next run.
    """
    sent = 0
    tried: set[int] = set()
    connection = get_connection()
    try:
        while len(tried) < limit:
            row = _claim(exclude=tried)
            if row is None:
                break
            tried.add(row.pk)
            try:
                _send(row, connection)
            except Exception as exc:
                OutboxEmail.objects.filter(pk=row.pk, claimed_at=row.claimed_at).update(
                    claimed_at=None, last_error=f"{type(exc).__name__}: {exc}"[:2000]
                )
                logger.warning("outbox: sending %s failed: %s", row.pk, exc)
                connection.close()  # a broken SMTP session is opened again for the next row
                continue
            OutboxEmail.objects.filter(pk=row.pk).update(sent_at=timezone.now(), body="", html_body="", calendar="")
            sent += 1
    finally:
        connection.close()
    return sent
