"""Celery tasks of the application side. Thin: each calls a service."""

from celery import shared_task

from .outbox import outbox_send_pending


@shared_task(ignore_result=True, acks_late=True)
def send_outbox() -> int:
    """Send pending emails (on commit after a submission, and every minute from beat)."""
    return outbox_send_pending()
