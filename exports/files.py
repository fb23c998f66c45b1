"""The finished files: where they are kept, who may get one, the audit entry of a download, their purge.

A job's file is in private storage under the job's one name (``ExportJob.storage_name``).
Someone else's job is given out only when it shows no more than the user may see
(:func:`job_or_404`); every download is audited (:func:`export_download_logged`); files go
after :data:`EXPORT_FILE_DAYS` while the job row and its SHA-256 stay (:func:`export_files_purge`).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from django.core.files import File
from django.core.files.storage import Storage
from django.http import Http404
from django.utils import timezone

from applications.models import Candidacy
from applications.screening import visibility
from applications.screening.audit import audit
from applications.teams import access
from applications.teams.authority import Power
from recruitment.models import CallPage

from .errors import ExportLeaseLost
from .models import ExportJob

#: Export files are deleted this long after they were made (the job row and its checksum stay).
EXPORT_FILE_DAYS = 30


def storage() -> Storage:
    """The private storage of export files (that of ``ExportJob.file``)."""
    return ExportJob._meta.get_field("file").storage


def file_exists(job: ExportJob) -> bool:
    """Whether the job has a file and it is still in storage."""
    return bool(job.file) and storage().exists(job.file.name)


def store(temporary: Path, name: str) -> str:
    """Copy the rendered file to private storage under ``name``, replacing what an earlier attempt left."""
    files = storage()
    if files.exists(name):
        files.delete(name)
    with temporary.open("rb") as handle:
        saved = files.save(name, File(handle, name=Path(name).name))
    if saved != name:  # the storage picked another name: something wrote ``name`` meanwhile
        files.delete(saved)
        raise ExportLeaseLost
    return saved


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
        if storage().exists(job.file.name):
            storage().delete(job.file.name)
        ExportJob.objects.filter(pk=job.pk).update(file="", stage="", error="")
    return names
