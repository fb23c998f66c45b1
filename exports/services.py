"""Export services: request a document, render it (idempotently), give it out only to those who may see it.

* :func:`export_request` checks the user's access to the call (``access.call_or_404``: 404
  for a call not assigned), refuses a user with too many jobs in the works
  (:class:`ExportLimit`), hands back the user's job for the same document when one is
  queued, running or done since the call's data last changed, else creates the
  :class:`~exports.models.ExportJob` and queues the task on commit. A broker outage or a
  dead worker leaves the job ``queued`` or ``running`` with an old heartbeat: asking again,
  or beat's :func:`export_requeue_stalled` (every 15 s), queues it again.
* :func:`export_render` does the work (called by the thin task in ``exports.tasks``). It is
  idempotent: a done job with its file is returned as it is; otherwise the render claims
  the job (a lease renewed with every progress step: the heartbeat), writes the document
  in a private temporary folder of its own (:func:`_workdir`, removed when the render ends
  however it ends, by the sweep, and at worker start), copies it to private storage under the job's one name
  (``ExportJob.storage_name``, overwriting what an interrupted run left) and marks the job
  done with the file's SHA-256 in the same transaction as the audit entry.
  Progress is written in separate short transactions, so the status page reads it live.
"""

from __future__ import annotations

import csv
import gc
import hashlib
import logging
import os
import shutil
import threading
import time
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.files import File
from django.db import transaction
from django.db.models import Q
from django.http import Http404
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from applications.models import AuditEntry, Candidacy, Review
from applications.screening import visibility
from applications.screening.audit import audit
from applications.teams import access
from applications.teams.authority import Power
from recruitment.models import CallPage, RolePage

from . import context as doc_context
from .fetcher import StaticOnlyFetcher
from .models import ExportJob

logger = logging.getLogger(__name__)

Kind = ExportJob.Kind
Status = ExportJob.Status

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
#: WeasyPrint options. PDF/UA-1: tagged PDF with structure tree, language and title (kept
#: because WeasyPrint 70 produces it without errors and the text extracts the same).
PDF_OPTIONS: dict[str, Any] = {"pdf_variant": "pdf/ua-1"}
#: Candidates laid out together in one part of the dossiers (see ``_render_dossiers``): about 30 pages.
DOSSIERS_PER_PART = 15
#: Characters that make a spreadsheet read a cell as a formula (OWASP "CSV injection").
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")

TITLES = {
    Kind.DECISION_PACK: "選考結果報告書",
    Kind.DOSSIERS: "候補者資料",
    Kind.CSV: "候補一覧",
    Kind.PRESS_SUMMARY: "報道発表用集計",
}


class ExportBusy(Exception):
    """Another render holds the job's lease; try again after it expires."""


class ExportLeaseLost(Exception):
    """This render's lease was taken over (it stalled); it must not write the job any more."""


class ExportLimit(Exception):
    """The user already has :data:`PENDING_PER_USER` jobs of this call in the works; the message says so."""


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
            if done is not None and _file_exists(done) and not _data_changed_since(call, done.started_at):
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
        _remove_workdirs(job)
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
    from cms.web.broker import publish_from_request

    from .tasks import render_export

    # One try with short timeouts: a broker down or hanging leaves the job queued (never holds
    # the response); beat's sweep or a new request queues it again.
    return publish_from_request(render_export, job_id)


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


# --- who may see a job ---------------------------------------------------------------------------


def _sees_less(user: Any, than: Any, call: CallPage) -> bool:
    """Whether ``user`` may see less of ``call`` than ``than`` did: names (blind review) or others' scores.

    The rules of ``visibility.identity_visible`` and ``visibility.others_reviews_visible``: a screener
    sees only the scores of candidacies they reviewed themselves, so anyone else's file (an
    official's, or a colleague's with their reviews) may hold scores they may not see; and
    anyone else's file may show a person ``user`` declared they know (``visibility.has_conflicts_in``).
    """
    submitted = Candidacy(status=Candidacy.Status.SUBMITTED)
    hidden_names = not visibility.identity_visible(user, call, submitted) and visibility.identity_visible(
        than, call, submitted
    )
    hidden_scores = bool(access.can_review(user, call)) and getattr(than, "pk", None) != user.pk
    return hidden_names or hidden_scores or visibility.has_conflicts_in(user, call)


def job_or_404(user: Any, job_id: int) -> ExportJob:
    """A job of a call this user may screen (404 otherwise).

    Someone else's job only when it shows no more than this user may see (:func:`_sees_less`):
    a screener never gets an official's export with names or scores they have not earned.
    """
    job = ExportJob.objects.select_related("call", "role", "requested_by").filter(pk=job_id).first()
    if job is None:
        raise Http404
    call = access.call_or_404(user, job.call_id, Power.EXPORT)
    if job.requested_by_id != user.pk and _sees_less(user, job.requested_by, call):
        raise Http404
    return job


def export_download_logged(*, job: ExportJob, by: Any) -> None:
    """Record a download (who, which job, whose data, the file's hash) in the call's audit log."""
    audit(
        user=by,
        action="kobo.export",
        call=job.call,
        rows=job.rows,
        event="downloaded",
        job_id=job.pk,
        kind=job.kind,
        sha256=job.sha256,
    )


# --- render ----------------------------------------------------------------------------------------


def _storage():
    return ExportJob._meta.get_field("file").storage


def _file_exists(job: ExportJob) -> bool:
    return bool(job.file) and _storage().exists(job.file.name)


def export_render(*, job_id: int, now: datetime | None = None) -> ExportJob:
    """Render the job's document once; safe to call again and again (see the module docstring).

    Raises :class:`ExportBusy` while another live render holds the job. Any error leaves
    the job queued with its error text (the task retries, then calls :func:`export_fail`).
    """
    job = ExportJob.objects.select_related("call__organisation", "role", "requested_by").get(pk=job_id)
    if job.status == Status.DONE and _file_exists(job):
        return job
    attempt = _claim(job_id)
    _remove_workdirs(job)  # what an earlier attempt on this machine left (a killed worker)
    workdir = _workdir(job, attempt)
    progress = _Progress(job_id, attempt, workdir)
    temporary = workdir / f"document.{job.extension}"
    try:
        with translation.override("ja"):
            pages, rows = RENDERERS[job.kind](job, temporary, progress, now or timezone.now())
        progress(94, "保存しています Storing the file")
        digest, size = _sha256(temporary)
        name = _store(temporary, job.storage_name)
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


# --- temporary files ------------------------------------------------------------------------------


def temp_root() -> Path:
    """``KOBO_EXPORT_TEMP_DIR``, made private (0700, ours) if need be; refuses one another user owns."""
    root = Path(settings.KOBO_EXPORT_TEMP_DIR)
    root.mkdir(mode=0o700, parents=True, exist_ok=True)
    if root.is_symlink() or root.stat().st_uid != os.getuid():
        raise PermissionError(f"{root} is not a folder of this user: export files would not be private there")
    if root.stat().st_mode & 0o077:
        root.chmod(0o700)
    return root


def _workdir_prefix(job: ExportJob) -> str:
    return f"job-{job.pk}-{job.key.hex}-"  # the key keeps jobs of other databases (tests, checkouts) apart


def _workdir(job: ExportJob, attempt: int) -> Path:
    """The private folder of this attempt at ``job``: everything the render writes goes in it."""
    folder = temp_root() / f"{_workdir_prefix(job)}{attempt}"
    folder.mkdir(mode=0o700)
    return folder


def _remove_workdirs(job: ExportJob) -> None:
    """Remove every temporary folder of ``job`` on this machine (earlier attempts, a dead render's)."""
    root = Path(settings.KOBO_EXPORT_TEMP_DIR)
    if root.is_dir():
        for folder in root.glob(f"{_workdir_prefix(job)}*"):
            shutil.rmtree(folder, ignore_errors=True)


def export_temp_sweep(*, older_than: timedelta | None = None) -> int:
    """Remove what dead renders left in the temporary folder (at worker start); return how many entries.

    A live render touches its folder with every heartbeat, so anything untouched for a
    lease belongs to a render that is gone (killed, or of a machine's earlier life).
    """
    root = Path(settings.KOBO_EXPORT_TEMP_DIR)
    if not root.is_dir():
        return 0
    limit = time.time() - (older_than or LEASE).total_seconds()
    removed = 0
    for entry in root.iterdir():
        try:
            if entry.lstat().st_mtime >= limit:
                continue
        except FileNotFoundError:
            continue
        if entry.is_dir() and not entry.is_symlink():
            shutil.rmtree(entry, ignore_errors=True)
        else:
            entry.unlink(missing_ok=True)
        removed += 1
    return removed


def export_fail(*, job_id: int, error: str) -> None:
    """Give up on a job after its last retry; the status page shows ``error``."""
    ExportJob.objects.filter(pk=job_id).exclude(status=Status.DONE).update(
        status=Status.FAILED, error=error[:2000], stage="失敗しました Failed", finished_at=timezone.now()
    )


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


class _Progress:
    """Writes (percent, stage) to the job in its own short transaction, and renews the lease.

    Also touches the render's temporary folder, so the start-up sweep of another worker on
    this machine knows it is alive (:func:`export_temp_sweep`).
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


def _sha256(path: Path) -> tuple[str, int]:
    digest = hashlib.sha256()
    size = 0
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1024 * 1024), b""):
            digest.update(chunk)
            size += len(chunk)
    return digest.hexdigest(), size


def _store(temporary: Path, name: str) -> str:
    """Copy the rendered file to private storage under ``name``, replacing what an earlier attempt left."""
    storage = _storage()
    if storage.exists(name):
        storage.delete(name)
    with temporary.open("rb") as handle:
        saved = storage.save(name, File(handle, name=Path(name).name))
    if saved != name:  # the storage picked another name: something wrote ``name`` meanwhile
        storage.delete(saved)
        raise ExportLeaseLost
    return saved


# --- documents ---------------------------------------------------------------------------------------


def stylesheet_uri() -> str:
    path = finders.find("exports/print.css")
    if not path:
        raise FileNotFoundError("exports/print.css is missing from the static files")
    return Path(path).resolve().as_uri()


_progress_target = threading.local()


class _WeasyPrintProgress(logging.Handler):
    """Turns WeasyPrint's progress log ("Step 5 - Creating layout - Page 3") into job progress.

    Installed once on ``weasyprint.progress`` (which then stops propagating to the root
    logger: one line per page is noise in the worker log); it forwards to the callback of
    the render running in the current thread, if any.
    """

    def emit(self, record: logging.LogRecord) -> None:
        callback = getattr(_progress_target, "callback", None)
        if callback is not None:
            callback(record.getMessage())


def _install_progress_handler() -> None:
    progress_logger = logging.getLogger("weasyprint.progress")
    if not any(isinstance(h, _WeasyPrintProgress) for h in progress_logger.handlers):
        progress_logger.addHandler(_WeasyPrintProgress())
        progress_logger.setLevel(logging.INFO)
        progress_logger.propagate = False


_install_progress_handler()


def _layout_reporter(progress: _Progress, estimated_pages: int | None) -> Callable[[str], None]:
    """Map WeasyPrint's steps onto 20–90 %: layout (step 5) takes most of the time, per page.

    With no ``estimated_pages`` (a part of the dossiers, whose percent its caller sets) every
    step only renews the lease.
    """

    def report(message: str) -> None:
        if progress.lost:
            raise ExportLeaseLost  # raised inside WeasyPrint's logging call: stops the render
        if estimated_pages is None:
            progress.beat()
            return
        if message.startswith("Step 5") and "Page" in message:
            page = int(message.rsplit(" ", 1)[-1]) if message.rsplit(" ", 1)[-1].isdigit() else 0
            share = min(1.0, page / max(1, estimated_pages))
            progress(35 + int(45 * share), f"レイアウト中({page}ページ目) Laying out page {page}", throttle=True)
        elif message.startswith("Step 6"):
            progress(85, "PDFを書き出しています Writing the PDF")
        elif message.startswith(("Step 3", "Step 4")):
            progress(30, "組版の準備 Preparing the layout", throttle=True)

    return report


def render_pdf(
    html: str,
    target: Path,
    *,
    progress: _Progress | None = None,
    estimated_pages: int | None = 10,
    options: dict[str, Any] | None = None,
) -> int:
    """Render ``html`` (from our templates) to a PDF file at ``target``; return its number of pages."""
    from weasyprint import HTML

    options = PDF_OPTIONS if options is None else options
    _progress_target.callback = _layout_reporter(progress, estimated_pages) if progress else None
    try:
        document = HTML(string=html, base_url=stylesheet_uri(), url_fetcher=StaticOnlyFetcher()).render(**options)
        document.write_pdf(target=str(target), **options)
        pages = len(document.pages)
        del document
    finally:
        _progress_target.callback = None
        # WeasyPrint's boxes and font data sit in reference cycles: without a collection here a worker
        # swings between 200 and 650 MB over consecutive renders (bench/exports_bench.py); with it, ~210 MB.
        gc.collect()
    return pages


def _render_decision_pack(job: ExportJob, target: Path, progress: _Progress, now: datetime) -> tuple[int, int]:
    progress(5, "データを集めています Collecting the data")
    doc = doc_context.decision_pack_context(
        call=job.call, requested_by=job.requested_by, role=job.role, job_number=job.pk, now=now
    )
    progress(20, "文書を組み立てています Building the document")
    html = render_to_string("exports/decision_pack.html", {"doc": doc, "stylesheet": stylesheet_uri()})
    estimated = 3 + len(doc.roles) + doc.shortlisted_count // 3
    return render_pdf(html, target, progress=progress, estimated_pages=estimated), doc.shortlisted_count


@dataclass(frozen=True)
class _Part:
    """One part of the dossiers as laid out by WeasyPrint (see :func:`_render_dossiers`)."""

    dossiers: list[Any]
    first: bool
    numbered: bool


def _render_dossiers(job: ExportJob, target: Path, progress: _Progress, now: datetime) -> tuple[int, int]:
    """候補者資料, laid out ``DOSSIERS_PER_PART`` candidates at a time and joined with pypdf.

    WeasyPrint keeps every laid-out page of a document in memory (about 1 MB a page) until
    the PDF is written: the 120 dossiers of the Kobe call in one document peaked at 520 MB
    in a worker (bench/exports_bench.py). Laid out in parts, the peak is that of one part.
    The parts cannot know the total, so the joined document gets its "page n / N" from a
    stamp of page numbers laid over it. A document of one part is rendered as before (PDF/UA).
    """
    progress(5, "データを集めています Collecting the data")
    doc = doc_context.dossiers_context(
        call=job.call, requested_by=job.requested_by, role=job.role, job_number=job.pk, now=now
    )
    progress(20, "文書を組み立てています Building the document")
    chunks = [doc.dossiers[i : i + DOSSIERS_PER_PART] for i in range(0, len(doc.dossiers), DOSSIERS_PER_PART)]
    if len(chunks) <= 1:
        html = render_to_string(
            "exports/dossiers.html",
            {"doc": doc, "part": _Part(doc.dossiers, first=True, numbered=True), "stylesheet": stylesheet_uri()},
        )
        pages = render_pdf(html, target, progress=progress, estimated_pages=2 + 2 * len(doc.dossiers))
        return pages, len(doc.dossiers)
    parts: list[Path] = []
    try:
        done = 0
        for index, dossiers in enumerate(chunks):
            progress(
                20 + int(70 * done / len(doc.dossiers)),
                f"レイアウト中(候補者 {done + 1}〜{done + len(dossiers)} / {len(doc.dossiers)})"
                f" Laying out candidates {done + 1}-{done + len(dossiers)} of {len(doc.dossiers)}",
            )
            part = target.with_name(f"{target.name}.part{index}.pdf")
            parts.append(part)
            html = render_to_string(
                "exports/dossiers.html",
                {"doc": doc, "part": _Part(dossiers, first=index == 0, numbered=False), "stylesheet": stylesheet_uri()},
            )
            # No structure tree (it would not survive the join); every layout step renews the lease.
            render_pdf(html, part, progress=progress, estimated_pages=None, options={})
            done += len(dossiers)
        progress(90, "ページ番号を付けています Numbering the pages")
        return _join_parts(parts, target, progress), len(doc.dossiers)
    finally:
        for part in parts:
            part.unlink(missing_ok=True)


def _join_parts(parts: list[Path], target: Path, progress: _Progress | None = None) -> int:
    """Join the PDF ``parts`` into ``target``, stamp "page n / N" on every page; return N.

    pypdf copies the pages, not the parts' structure trees: the joined document keeps its
    text, fonts, title and language but is not a tagged PDF/UA document.
    """
    from pypdf import PdfReader, PdfWriter
    from pypdf.generic import NameObject, TextStringObject

    writer = PdfWriter()
    beat = progress.beat if progress is not None else (lambda: None)
    for part in parts:
        writer.append(str(part))
        beat()
    total = len(writer.pages)
    stamps = target.with_name(f"{target.name}.numbers.pdf")
    try:
        html = render_to_string("exports/page_numbers.html", {"pages": range(total), "stylesheet": stylesheet_uri()})
        render_pdf(html, stamps, progress=progress, estimated_pages=None, options={})
        for page, stamp in zip(writer.pages, PdfReader(str(stamps)).pages, strict=True):
            page.merge_page(stamp)
            beat()
        metadata = PdfReader(str(parts[0])).metadata or {}
        writer.add_metadata(
            {
                key: value
                for key, value in metadata.items()
                if key in {"/Title", "/Author", "/Subject", "/Creator", "/Producer"}
            }
        )
        writer.root_object[NameObject("/Lang")] = TextStringObject("ja")
        writer.create_viewer_preferences().display_doctitle = True
        with target.open("wb") as handle:
            writer.write(handle)
    finally:
        stamps.unlink(missing_ok=True)
    return total


def neutralise(cell: str) -> str:
    """A cell a spreadsheet will show as text: one starting with = + - @ (or tab, CR) gets a leading '.

    The first character is compared after NFKC folding, so the full-width ＝＋－＠ (and the small
    ﹦﹢﹣﹫) that a Japanese spreadsheet also reads as a formula are caught too.
    """
    return f"'{cell}" if unicodedata.normalize("NFKC", cell[:1]).startswith(FORMULA_PREFIXES) else cell


def write_csv(rows: Iterable[list[str]], target: Path, header: list[str]) -> None:
    """UTF-8 with a BOM (Excel in Japan reads it as UTF-8), CRLF line ends, formulas neutralised."""
    with target.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        for row in rows:
            writer.writerow([neutralise(str(cell)) for cell in row])


def _render_csv(job: ExportJob, target: Path, progress: _Progress, now: datetime) -> tuple[None, int]:
    progress(10, "データを集めています Collecting the data")
    rows = doc_context.csv_rows(
        call=job.call, requested_by=job.requested_by, role=job.role, candidacy_ids=job.candidacy_ids
    )
    progress(80, f"CSVを書き出しています({len(rows)}件) Writing {len(rows)} rows")
    write_csv(rows, target, doc_context.CSV_HEADER)
    return None, len(rows)


#: Each writes its document and answers (pages or None, how many applicants' data it holds).
def _render_press_summary(job: ExportJob, target: Path, progress: _Progress, now: datetime) -> tuple[int, int]:
    """One page of counts (``applications.statistics.press``): no applicant's data, so 0 rows."""
    from applications.statistics.press import press_summary_html

    progress(10, "集計しています Counting")
    html = press_summary_html(call=job.call, requested_by=job.requested_by, job_number=job.pk, now=now)
    return render_pdf(html, target, progress=progress, estimated_pages=1), 0


RENDERERS: dict[str, Callable[[ExportJob, Path, _Progress, datetime], tuple[int | None, int]]] = {
    Kind.DECISION_PACK: _render_decision_pack,
    Kind.DOSSIERS: _render_dossiers,
    Kind.CSV: _render_csv,
    Kind.PRESS_SUMMARY: _render_press_summary,
}


def download_filename(job: ExportJob) -> str:
    """The name the browser saves: ``選考結果報告書_KOBE-0012_job17.pdf``."""
    return f"{TITLES[Kind(job.kind)]}_{doc_context.call_reference(job.call)}_job{job.pk}.{job.extension}"


#: Export files are deleted this long after they were made (the job row and its checksum stay).
EXPORT_FILE_DAYS = 30


def export_files_purge(
    *, now: datetime | None = None, call: CallPage | None = None, dry_run: bool = False
) -> list[str]:
    """Delete export files older than :data:`EXPORT_FILE_DAYS` (or every file of ``call``); return their names.

    The job row, its size and SHA-256 stay, so the audit trail still says what was made and for whom.
    """
    now = now or timezone.now()
    jobs = ExportJob.objects.exclude(file="")
    jobs = (
        jobs.filter(call=call)
        if call is not None
        else jobs.filter(created_at__lte=now - timedelta(days=EXPORT_FILE_DAYS))
    )
    names = []
    for job in jobs.order_by("pk"):
        names.append(job.file.name)
        if dry_run:
            continue
        if _storage().exists(job.file.name):
            _storage().delete(job.file.name)
        ExportJob.objects.filter(pk=job.pk).update(file="", stage="", error="")
    return names
