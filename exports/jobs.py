"""Export jobs: request a document, queue it, claim it under a lease, render it once, give up on it.

* :func:`export_request` checks the user's access to the call (``access.call_or_404``: 404
  for a call not assigned), refuses a user with too many jobs in the works
  (:class:`~exports.errors.ExportLimit`), hands back the user's job for the same document when
  one is queued, running or done since the call's data last changed, else creates the
  :class:`~exports.models.ExportJob` and queues the task on commit. A broker outage or a
  dead worker leaves the job ``queued`` or ``running`` with an old heartbeat: asking again,
  or beat's :func:`export_requeue_stalled` (every 15 s), queues it again.
* :func:`export_render` does the work (called by the thin task in ``exports.tasks``). It is
  idempotent: a done job with its file is returned as it is; otherwise the render claims
  the job (a lease renewed with every progress step: the heartbeat), writes the document
  in a private temporary folder of its own (``rendering.workdir``, removed when the render
  ends however it ends, by the sweep, and at worker start), copies it to private storage under
  the job's one name (``ExportJob.storage_name``, overwriting what an interrupted run left) and
  marks the job done with the file's SHA-256 in the same transaction as the audit entry.
  Progress is written in separate short transactions, so the status page reads it live.

The task is queued by its name (:data:`RENDER_TASK`): ``exports.tasks`` imports this module,
never the other way round.
"""

from __future__ import annotations

import logging
import os
import shutil
import time
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.http import Http404
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from applications.models import AuditEntry, Candidacy, Review
from applications.screening.audit import audit
from applications.teams import access
from applications.teams.authority import Power
from recruitment.models import CallPage, RolePage

from . import documents, files, rendering
from .errors import ExportBusy, ExportLeaseLost, ExportLimit
from .models import ExportJob

logger = logging.getLogger(__name__)

Kind = ExportJob.Kind
Status = ExportJob.Status

#: The Celery task that renders a job (``exports.tasks.render_export``), queued by name.
RENDER_TASK = "exports.tasks.render_export"
#: A running render renews its lease (the heartbeat) with every progress step: every page of
#: layout, every part of the dossiers, every page numbered, at most every ``PROGRESS_INTERVAL``.
#: A job whose heartbeat is older has stalled (its worker died): the sweep queues it again and
#: the next delivery takes it over (``KOBO_EXPORT_LEASE_SECONDS``, 60 by default).
LEASE = timedelta(seconds=settings.KOBO_EXPORT_LEASE_SECONDS)
#: A job still queued this long after it was last queued is queued again by beat (its message
#: was lost with the broker); a long queue behind one worker only gets a harmless repeat.
REQUEUE_AFTER = timedelta(minutes=2)
#: Jobs one user may have queued or running for one call at a time.
PENDING_PER_USER = 3
#: Progress is written at most this often during layout (seconds); stage changes always are.
PROGRESS_INTERVAL = 0.5


# --- request -----------------------------------------------------------------------------------


def export_request(
    *, call: CallPage, kind: str, by: Any, role: RolePage | None = None, candidacy_ids: list[int] | None = None
) -> ExportJob:
    """Ask for a document of ``call``; the render runs in a worker after commit.

    Raises ``Http404`` when ``by`` may not screen the call (as every screening view does)
    or when ``role`` is not one of the call's roles. The same request made again while an
    identical job is still queued or running returns that job (and nudges the queue).
    """
    call = access.call_or_404(by, call.pk, Power.EXPORT)
    kind = Kind(kind)
    if role is not None and not RolePage.objects.child_of(call).filter(pk=role.pk).exists():
        raise Http404
    if candidacy_ids:
        # Only this call's candidacies; anything else is silently not exported.
        candidacy_ids = sorted(
            Candidacy.objects.filter(application__call=call, pk__in=candidacy_ids).values_list("pk", flat=True)
        )
    candidacy_ids = candidacy_ids or []
    now = timezone.now()
    with transaction.atomic():
        same = ExportJob.objects.filter(call=call, kind=kind, role=role, requested_by=by, candidacy_ids=candidacy_ids)
        job = same.filter(status__in=[Status.QUEUED, Status.RUNNING]).order_by("-created_at").first()
        if job is None:
            done = same.filter(status=Status.DONE).exclude(file="").order_by("-started_at").first()
            if done is not None and files.file_exists(done) and not _data_changed_since(call, done.started_at):
                return done  # the same file again: nothing it shows has changed since it was made
            pending = ExportJob.objects.filter(call=call, requested_by=by, status__in=[Status.QUEUED, Status.RUNNING])
            if pending.count() >= PENDING_PER_USER:
                raise ExportLimit(
                    _(
                        "You already have %(count)d exports being made for this call. "
                        "Please ask for another once one of them is finished."
                    )
                    % {"count": PENDING_PER_USER}
                )
            job = ExportJob.objects.create(
                call=call, kind=kind, role=role, requested_by=by, candidacy_ids=candidacy_ids
            )
            audit(user=by, action="kobo.export", call=call, event="requested", job_id=job.pk, kind=kind)
        if job.status == Status.QUEUED or _stalled(job, now):
            _requeue(job, now)
            transaction.on_commit(lambda: _enqueue(job.pk))
    return job


def _stalled(job: ExportJob, now: datetime) -> bool:
    """A running job whose render has not beaten for a lease: its worker died."""
    return job.status == Status.RUNNING and (job.heartbeat_at is None or job.heartbeat_at < now - LEASE)


def _requeue(job: ExportJob, now: datetime) -> bool:
    """Mark ``job`` queued again (a stalled render's lease is over); True if it was (the caller queues it).

    Only if it is as it was read (a render that beat meanwhile keeps its job). A dead render's
    temporary folder on this machine goes now; on another machine, at that worker's start or
    with the next render of the job there.
    """
    updated = ExportJob.objects.filter(pk=job.pk, status=job.status, heartbeat_at=job.heartbeat_at).update(
        status=Status.QUEUED,
        queued_at=now,
        heartbeat_at=None,
        stage="再開を待っています Waiting to resume" if job.status == Status.RUNNING else job.stage,
    )
    if updated and job.status == Status.RUNNING:
        rendering.remove_workdirs(job)
    return bool(updated)


def _data_changed_since(call: CallPage, when: datetime | None) -> bool:
    """Whether anything an export of ``call`` shows may have changed since ``when``.

    Every screening write (status, shortlist, decision, conflict, erasure) leaves an audit
    entry; reviews and new candidacies are looked at directly.
    """
    if when is None:
        return True
    return (
        AuditEntry.objects.filter(call=call, timestamp__gte=when).exclude(action="kobo.export").exists()
        or Candidacy.objects.filter(application__call=call, created_at__gte=when).exists()
        or Review.objects.filter(candidacy__application__call=call, updated_at__gte=when).exists()
    )


def _enqueue(job_id: int) -> bool:
    from celery import current_app

    from cms.web.broker import publish_from_request

    # One try with short timeouts: a broker down or hanging leaves the job queued (never holds
    # the response); beat's sweep or a new request queues it again.
    return publish_from_request(current_app.signature(RENDER_TASK), job_id)


def export_requeue_stalled(*, now: datetime | None = None) -> int:
    """Queue again the jobs a broker outage or a dead worker left behind (beat, every 15 s); return how many.

    Queued for longer than :data:`REQUEUE_AFTER` (the message was lost), or running with a
    heartbeat older than :data:`LEASE` (the worker died: its temporary folder here goes too).
    """
    now = now or timezone.now()
    stalled = ExportJob.objects.filter(
        Q(status=Status.QUEUED, queued_at__lt=now - REQUEUE_AFTER)
        | Q(status=Status.QUEUED, queued_at__isnull=True)
        | Q(status=Status.RUNNING, heartbeat_at__lt=now - LEASE)
        | Q(status=Status.RUNNING, heartbeat_at__isnull=True)
    )
    count = 0
    for job in stalled.only("pk", "key", "status", "heartbeat_at", "stage"):
        if _requeue(job, now):
            count += _enqueue(job.pk)
    return count


def export_fail(*, job_id: int, error: str) -> None:
    """Give up on a job after its last retry; the status page shows ``error``."""
    ExportJob.objects.filter(pk=job_id).exclude(status=Status.DONE).update(
        status=Status.FAILED, error=error[:2000], stage="失敗しました Failed", finished_at=timezone.now()
    )


# --- render ----------------------------------------------------------------------------------------


def export_render(*, job_id: int, now: datetime | None = None) -> ExportJob:
    """Render the job's document once; safe to call again and again (see the module docstring).

    Raises :class:`~exports.errors.ExportBusy` while another live render holds the job. Any
    error leaves the job queued with its error text (the task retries, then calls :func:`export_fail`).
    """
    job = ExportJob.objects.select_related("call__organisation", "role", "requested_by").get(pk=job_id)
    if job.status == Status.DONE and files.file_exists(job):
        return job
    attempt = _claim(job_id)
    rendering.remove_workdirs(job)  # what an earlier attempt on this machine left (a killed worker)
    workdir = rendering.workdir(job, attempt)
    progress = JobProgress(job_id, attempt, workdir)
    temporary = workdir / f"document.{job.extension}"
    try:
        with translation.override("ja"):
            pages, rows = documents.renderer(job.kind)(job, temporary, progress, now or timezone.now())
        progress(94, "保存しています Storing the file")
        digest, size = rendering.sha256(temporary)
        name = files.store(temporary, job.storage_name)
        _finish(job, attempt, name=name, digest=digest, size=size, pages=pages, rows=rows)
    except ExportLeaseLost:
        logger.warning("exports: job %s attempt %s lost its lease to a newer attempt; stopped", job_id, attempt)
    except Exception as exc:
        ExportJob.objects.filter(pk=job_id, attempts=attempt).update(
            status=Status.QUEUED,
            stage="再試行を待っています Waiting to retry",
            error=f"{type(exc).__name__}: {exc}"[:2000],
            heartbeat_at=None,
        )
        raise
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    return ExportJob.objects.get(pk=job_id)


def _claim(job_id: int) -> int:
    """Take the job for this render; return its attempt number. One conditional UPDATE: atomic on every database."""
    now = timezone.now()
    job = ExportJob.objects.get(pk=job_id)
    claimable = Q(status__in=[Status.QUEUED, Status.FAILED, Status.DONE]) | Q(status=Status.RUNNING) & (
        Q(heartbeat_at__isnull=True) | Q(heartbeat_at__lt=now - LEASE)
    )
    updated = ExportJob.objects.filter(claimable, pk=job_id, attempts=job.attempts).update(
        status=Status.RUNNING,
        attempts=job.attempts + 1,
        heartbeat_at=now,
        started_at=now,
        finished_at=None,
        progress=1,
        stage="開始しました Started",
    )
    if not updated:
        raise ExportBusy(f"export job {job_id} is being rendered by another worker")
    return job.attempts + 1


class JobProgress:
    """Writes (percent, stage) to the job in its own short transaction, and renews the lease.

    Also touches the render's temporary folder, so the start-up sweep of another worker on
    this machine knows it is alive (``rendering.export_temp_sweep``).
    """

    def __init__(self, job_id: int, attempt: int, workdir: Path | None = None) -> None:
        self.job_id, self.attempt, self.workdir = job_id, attempt, workdir
        self.last = 0.0
        self.lost = False
        self.percent, self.stage = 1, ""

    def __call__(self, percent: int, stage: str, *, throttle: bool = False) -> None:
        now = time.monotonic()
        if throttle and now - self.last < PROGRESS_INTERVAL:
            return
        self.last = now
        self.percent, self.stage = percent, stage
        updated = ExportJob.objects.filter(pk=self.job_id, attempts=self.attempt, status=Status.RUNNING).update(
            progress=max(1, min(99, percent)), stage=stage[:200], heartbeat_at=timezone.now()
        )
        if not updated:
            self.lost = True
            raise ExportLeaseLost
        if self.workdir is not None:
            os.utime(self.workdir)

    def beat(self) -> None:
        """Renew the lease at the current percent and stage (throttled): long steps call it as they go."""
        self(self.percent, self.stage, throttle=True)


def _finish(job: ExportJob, attempt: int, *, name: str, digest: str, size: int, pages: int | None, rows: int) -> None:
    with transaction.atomic():
        updated = ExportJob.objects.filter(pk=job.pk, attempts=attempt, status=Status.RUNNING).update(
            status=Status.DONE,
            file=name,
            sha256=digest,
            size=size,
            pages=pages,
            rows=rows,
            progress=100,
            stage="完了 Done",
            error="",
            finished_at=timezone.now(),
        )
        if not updated:
            raise ExportLeaseLost
        audit(
            user=job.requested_by,
            action="kobo.export",
            call=job.call,
            rows=rows,
            event="generated",
            job_id=job.pk,
            kind=job.kind,
            sha256=digest,
            size=size,
            pages=pages,
            attempt=attempt,
        )
