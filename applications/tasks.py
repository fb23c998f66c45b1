"""Celery tasks of the application side. Thin: each calls a service or a mail trigger.

The outbox does not import this module: :func:`send_outbox_soon` is given to it at start-up
(``applications.apps``), so the cycle outbox → tasks → triggers → outbox does not exist.
"""

from celery import shared_task
from django.utils import timezone

from applications.intake.services import manage_link_token
from applications.mail.outbox import outbox_send_pending
from applications.mail.triggers.applicant import reminders_send
from applications.mail.triggers.interviews import interview_reminders_send
from applications.mail.triggers.results import still_reviewing_send
from applications.mail.triggers.staff import deadline_digests_send
from applications.privacy import retention
from applications.teams.authority import mail_recipients


@shared_task(ignore_result=True, acks_late=True)
def send_outbox() -> int:
    """Send pending emails (on commit after a submission, and every minute from beat)."""
    return outbox_send_pending()


def send_outbox_soon() -> bool:
    """The outbox's on-commit nudge: queue :func:`send_outbox` without holding the response; False if it failed."""
    from cms.web.broker import publish_from_request

    return publish_from_request(send_outbox)


@shared_task(ignore_result=True, acks_late=True)
def send_reminders() -> int:
    """Draft reminders 72 h and 24 h before the earliest chosen role closes (beat; idempotent)."""
    return reminders_send()


@shared_task(ignore_result=True, acks_late=True)
def expire_draft_files() -> int:
    """Remove the files of drafts nobody has touched for a day (beat, hourly; the answers stay)."""
    return len(retention.draft_files_expire(now=timezone.now()).files)


@shared_task(ignore_result=True, acks_late=True)
def send_deadline_notices() -> int:
    """Deadline digests to staff and "still reviewing" notices (beat; idempotent).

    No result notices: the approval writes them in its own transaction (``screening_results_send``).
    """
    return deadline_digests_send(staff=mail_recipients) + still_reviewing_send()


@shared_task(ignore_result=True, acks_late=True)
def send_interview_reminders() -> int:
    """The reminder the day before each booked interview, once per booking and slot (beat; idempotent)."""
    return interview_reminders_send(manage_token=manage_link_token)
