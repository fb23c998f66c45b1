"""Site-wide Celery tasks. Thin: each calls one command or service."""

from celery import shared_task
from django.core.management import call_command


@shared_task(ignore_result=True)
def publish_scheduled() -> None:
    """Publish and unpublish pages whose go-live or expiry time has come (run by beat)."""
    call_command("publish_scheduled")


@shared_task(ignore_result=True)
def purge_expired() -> None:
    """Delete expired drafts, old export files and personal data past its retention period (daily, from beat)."""
    call_command("purge_expired")


@shared_task
def ping() -> str:
    """Answer "pong": proves a task goes through the broker to a worker and back."""
    return "pong"
