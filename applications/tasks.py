"""Celery tasks of the application side. Thin: each calls a service."""

from celery import shared_task
from django.utils import timezone

from applications.mail import triggers as notifications
from applications.mail.outbox import outbox_send_pending
from applications.privacy import retention


@shared_task(ignore_result=True, acks_late=True)
def send_outbox() -> int:
    """Send pending emails (on commit after a submission, and every minute from beat)."""
    return outbox_send_pending()


@shared_task(ignore_result=True, acks_late=True)
def send_reminders() -> int:
    """Draft reminders 72 h and 24 h before the earliest chosen role closes (beat; idempotent)."""
    return notifications.reminders_send()


@shared_task(ignore_result=True, acks_late=True)
def expire_draft_files() -> int:
    """Remove the files of drafts nobody has touched for a day (beat, hourly; the answers stay)."""
    return len(retention.draft_files_expire(now=timezone.now()).files)


@shared_task(ignore_result=True, acks_late=True)
def send_deadline_notices() -> int:
    """Deadline digests to staff and "still reviewing" notices (beat; idempotent).

    No result notices: the approval writes them in its own transaction (``screening_results_send``).
    """
    return notifications.deadline_digests_send() + notifications.still_reviewing_send()
