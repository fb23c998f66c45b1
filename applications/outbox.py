"""The mail outbox: rows written in the caller's transaction, sent later by a Celery task.

A broker outage only delays mail: the row is committed with the data that caused
it, the on-commit nudge may fail, and beat sends pending rows every minute.
"""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

from .models import OutboxEmail

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 10
BATCH = 50


def outbox_enqueue(*, to: str, kind: str, language: str, context: dict[str, Any]) -> OutboxEmail:
    """Write an email of ``kind`` (templates ``applications/email/<kind>_subject.txt`` / ``_body.txt``).

    Call inside the transaction that causes the email; sending is queued on commit.
    """
    context = {"base_url": settings.KOBO_PUBLIC_URL, **context}
    with translation.override(language):
        subject = " ".join(render_to_string(f"applications/email/{kind}_subject.txt", context).split())
        body = render_to_string(f"applications/email/{kind}_body.txt", context)
    row = OutboxEmail.objects.create(to=to, subject=subject[:200], body=body, kind=kind, language=language)
    transaction.on_commit(_nudge_sender)
    return row


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
                    EmailMessage(row.subject, row.body, settings.DEFAULT_FROM_EMAIL, [row.to]).send()
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
