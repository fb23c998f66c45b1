"""The mail outbox: rows written in the caller's transaction, sent later by a Celery task.

A broker outage only delays mail: the row is committed with the data that caused
it, the on-commit nudge may fail, and beat sends pending rows every minute. Every
message has a unique key (kind, object, window): writing the same key again is a
no-op, so a doubled or restarted beat, a retried task or a double click never
sends a message twice.
"""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.utils import timezone

from . import messages
from .models import OutboxEmail

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 10
BATCH = 50


def outbox_enqueue(*, to: str, kind: str, language: str, key: str, values: dict[str, Any]) -> bool:
    """Write the email ``kind`` (wording in ``applications.messages``) under ``key``; True if it is new.

    Call inside the transaction that causes the email; sending is queued on commit.
    A key already in the outbox (sent or not) is left alone.
    """
    key = key[:200]
    if not to or OutboxEmail.objects.filter(key=key).exists():
        return False
    message = messages.render(kind, language, {k: str(v) for k, v in values.items()})
    try:
        with transaction.atomic():  # a savepoint: a concurrent writer of the same key wins, we step back
            OutboxEmail.objects.create(
                key=key,
                to=to,
                subject=message["subject"],
                body=message["body"],
                html_body=message["html"],
                kind=kind,
                language=language,
            )
    except IntegrityError:
        return False
    transaction.on_commit(_nudge_sender)
    return True


def _nudge_sender() -> None:
    from .tasks import send_outbox

    try:
        send_outbox.delay()
    except Exception:  # the broker is down: beat will send the row later
        logger.warning("outbox: could not queue the sender; pending mail will go out on the next beat run")


def outbox_send_pending(*, limit: int = 500) -> int:
    """Send pending emails, each exactly once per successful send; return how many were sent.

    Rows are locked with ``SKIP LOCKED`` so several workers share the work without
    sending one row twice; a failed send stays pending with its error for the next run.
    """
    sent = 0
    tried: set[int] = set()
    while len(tried) < limit:
        with transaction.atomic():
            rows = list(
                OutboxEmail.objects.select_for_update(skip_locked=True)
                .filter(sent_at__isnull=True, attempts__lt=MAX_ATTEMPTS)
                .exclude(pk__in=tried)
                .order_by("created_at", "pk")[:BATCH]
            )
            if not rows:
                break
            for row in rows:
                tried.add(row.pk)
                try:
                    email = EmailMultiAlternatives(row.subject, row.body, settings.DEFAULT_FROM_EMAIL, [row.to])
                    if row.html_body:
                        email.attach_alternative(row.html_body, "text/html")
                    email.send()
                except Exception as exc:
                    row.attempts += 1
                    row.last_error = f"{type(exc).__name__}: {exc}"[:2000]
                    row.save(update_fields=["attempts", "last_error"])
                    logger.warning("outbox: sending %s failed: %s", row.pk, exc)
                    continue
                row.attempts += 1
                row.sent_at = timezone.now()
                row.save(update_fields=["attempts", "sent_at"])
                sent += 1
    return sent
