"""Export jobs: a document someone asked for, its progress and its private file.

Writes go through ``exports.jobs`` (``export_request``, ``export_render``); a job is
rendered by the Celery task in ``exports.tasks``.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from applications.models import private_storage
from recruitment.models import CallPage, RolePage


class ExportJob(models.Model):
    """One requested document of a call: the decision pack, the candidate dossiers or the CSV.

    ``key`` is the job's idempotency key: the file's name is made from the job's id and
    key, so however often the job is rendered (a retry, a worker killed mid-render and
    the task delivered again) it has one file, overwritten, never a second one.
    ``attempts`` counts the renders that claimed the job; a render may only write while
    the job still carries its attempt number and its ``heartbeat_at`` is fresh (a lease).
    """

    class Kind(models.TextChoices):
        DECISION_PACK = "decision_pack", _("Decision pack (選考結果報告書)")
        DOSSIERS = "dossiers", _("Candidate dossiers (候補者資料)")
        CSV = "csv", _("Candidacies with scores (CSV)")
        PRESS_SUMMARY = "press_summary", _("Press summary (報道発表用集計)")

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    key = models.UUIDField("冪等キー Idempotency key", default=uuid.uuid4, unique=True, editable=False)
    kind = models.CharField("種類 Kind", max_length=20, choices=Kind.choices)
    call = models.ForeignKey(CallPage, on_delete=models.PROTECT, related_name="export_jobs", verbose_name="募集 Call")
    role = models.ForeignKey(
        RolePage,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="export_jobs",
        verbose_name="業務 Role",
        help_text="空欄なら募集のすべての業務。",
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="export_jobs", verbose_name="依頼者"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED, db_index=True)
    progress = models.PositiveSmallIntegerField("進捗 Progress (%)", default=0)
    stage = models.CharField("段階 Stage", max_length=200, blank=True)
    file = models.FileField(storage=private_storage, upload_to="exports/", max_length=200, blank=True)
    sha256 = models.CharField("SHA-256", max_length=64, blank=True)
    size = models.PositiveBigIntegerField(null=True, blank=True)
    pages = models.PositiveIntegerField(null=True, blank=True)
    #: How many applicants' data the file holds (for the audit log of who exported whose data).
    rows = models.PositiveIntegerField("人数 Applicants in the file", null=True, blank=True)
    error = models.TextField("エラー Error", blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    queued_at = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    #: For a CSV of chosen rows ("add to an export" in the candidacy list); empty means every candidacy.
    candidacy_ids = models.JSONField(default=list, blank=True)

    class Meta:
        verbose_name = "出力 Export job"
        verbose_name_plural = "出力 Export jobs"
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["call", "kind", "status"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk}"

    @property
    def extension(self) -> str:
        return "csv" if self.kind == self.Kind.CSV else "pdf"

    @property
    def content_type(self) -> str:
        return "text/csv; charset=utf-8" if self.kind == self.Kind.CSV else "application/pdf"

    @property
    def storage_name(self) -> str:
        """Where the file lives in private storage: the same name for every render of this job."""
        return f"exports/job-{self.pk}-{self.key.hex}.{self.extension}"

    @property
    def is_finished(self) -> bool:
        return self.status in {self.Status.DONE, self.Status.FAILED}
