"""Rendering: WeasyPrint with our fonts and stylesheet, the file's hash, and private temporary folders.

* :func:`render_pdf` lays out HTML from our templates with the print stylesheet (which
  embeds the Noto Sans CJK JP fonts from the static files) and the :class:`StaticOnlyFetcher`
  (nothing but our static files and ``data:`` URLs may load), and turns WeasyPrint's
  progress log into the job's progress (each step renews the job's lease).
* Every render writes in a private temporary folder of its own (:func:`workdir`, under
  :func:`temp_root`, 0700), removed when the render ends however it ends, when a stalled
  job is queued again (:func:`remove_workdirs`), and at worker start (:func:`export_temp_sweep`).
"""

from __future__ import annotations

import gc
import hashlib
import logging
import os
import shutil
import threading
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any, Protocol

from django.conf import settings
from django.contrib.staticfiles import finders

from .errors import ExportLeaseLost
from .fetcher import StaticOnlyFetcher
from .models import ExportJob

#: WeasyPrint options. PDF/UA-1: tagged PDF with structure tree, language and title (kept
#: because WeasyPrint 70 produces it without errors and the text extracts the same).
PDF_OPTIONS: dict[str, Any] = {"pdf_variant": "pdf/ua-1"}


class Progress(Protocol):
    """Where a render reports (percent, stage) and renews its lease (``jobs.JobProgress``)."""

    lost: bool

    def __call__(self, percent: int, stage: str, *, throttle: bool = False) -> None: ...

    def beat(self) -> None: ...


def stylesheet_uri() -> str:
    """The print stylesheet (fonts, page layout) as a ``file:`` URL the fetcher allows."""
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


def _layout_reporter(progress: Progress, estimated_pages: int | None) -> Callable[[str], None]:
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
    progress: Progress | None = None,
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


def sha256(path: Path) -> tuple[str, int]:
    """The file's SHA-256 (hex) and size in bytes, read in 1 MB chunks."""
    digest = hashlib.sha256()
    size = 0
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1024 * 1024), b""):
            digest.update(chunk)
            size += len(chunk)
    return digest.hexdigest(), size


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


def workdir(job: ExportJob, attempt: int) -> Path:
    """The private folder of this attempt at ``job``: everything the render writes goes in it."""
    folder = temp_root() / f"{_workdir_prefix(job)}{attempt}"
    folder.mkdir(mode=0o700)
    return folder


def remove_workdirs(job: ExportJob) -> None:
    """Remove every temporary folder of ``job`` on this machine (earlier attempts, a dead render's)."""
    root = Path(settings.KOBO_EXPORT_TEMP_DIR)
    if root.is_dir():
        for folder in root.glob(f"{_workdir_prefix(job)}*"):
            shutil.rmtree(folder, ignore_errors=True)


def export_temp_sweep(*, older_than: timedelta) -> int:
    """Remove what dead renders left in the temporary folder (at worker start); return how many entries.

    A live render touches its folder with every heartbeat, so anything untouched for a
    lease (``older_than``: ``jobs.LEASE``) belongs to a render that is gone (killed, or of
    a machine's earlier life).
    """
    root = Path(settings.KOBO_EXPORT_TEMP_DIR)
    if not root.is_dir():
        return 0
    limit = time.time() - older_than.total_seconds()
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
