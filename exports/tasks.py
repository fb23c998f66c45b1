"""Celery tasks of exports. Thin: load the job by id, call the service, retry on failure.

The tasks import ``exports.jobs``; jobs queue :func:`render_export` by its name
(``jobs.RENDER_TASK``), so nothing imports this module but Celery's autodiscovery.
"""

from __future__ import annotations

import logging

from celery import shared_task
from celery.signals import worker_ready

from . import jobs
from .errors import ExportBusy
from .jobs import LEASE, export_fail, export_render, export_requeue_stalled
from .models import ExportJob
from .rendering import export_temp_sweep

logger = logging.getLogger(__name__)

MAX_RETRIES = 4
#: Seconds before the first retry; each further retry waits twice as long (at most 10 minutes).
RETRY_BASE_SECONDS = 15


@shared_task(bind=True, acks_late=True, reject_on_worker_lost=True, max_retries=MAX_RETRIES, ignore_result=True)
def render_export(self, job_id: int) -> None:
    """Render one export job. A killed worker means the task is delivered again; rendering is idempotent."""
    try:
        export_render(job_id=job_id)
    except ExportJob.DoesNotExist:
        logger.warning("exports: job %s no longer exists", job_id)
    except ExportBusy as exc:
        # Another delivery is rendering it, or a dead worker's lease has not expired yet: look again later.
        raise self.retry(exc=exc, countdown=LEASE.total_seconds(), max_retries=MAX_RETRIES + 10) from exc
    except Exception as exc:
        if self.request.retries >= MAX_RETRIES:
            export_fail(job_id=job_id, error=f"{type(exc).__name__}: {exc}")
            raise
        raise self.retry(exc=exc, countdown=min(600, RETRY_BASE_SECONDS * 2**self.request.retries)) from exc


@shared_task(ignore_result=True)
def requeue_stalled_exports() -> int:
    """Queue again the jobs a broker outage or a dead worker left behind (beat, every 15 seconds)."""
    return export_requeue_stalled()


@worker_ready.connect
def sweep_temporary_files(**kwargs: object) -> None:
    """At worker start, remove what renders killed on this machine left in the export temp folder."""
    try:
        removed = export_temp_sweep(older_than=jobs.LEASE)
    except OSError:
        logger.exception("exports: could not sweep the temporary folder")
        return
    if removed:
        logger.warning("exports: removed %s temporary entries left by dead renders", removed)
