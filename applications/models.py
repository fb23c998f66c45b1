"""Who applied and how: applicants, applications, candidacies, attachments, drafts and the mail outbox.

Writes go through ``applications.services``; reads through ``applications.selectors``.
"""

from __future__ import annotations

import uuid

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from recruitment.models import CallPage, RolePage


def private_storage():
    from django.core.files.storage import storages

    return storages["private"]


class Applicant(models.Model):
    """A person who applied, identified by their email; no account, no password.

    Names are stored exactly as typed (CJK compatibility ideographs such as 﨑 kept);
    ``email_key`` and ``name_key`` are normalised copies used only to find duplicates.
    """

    email = models.EmailField("メール Email", max_length=254)
    email_key = models.CharField(max_length=254, unique=True, editable=False)
    family_name = models.CharField("姓 Family name", max_length=100)
    given_name = models.CharField("名 Given name", max_length=100)
    family_name_kana = models.CharField("セイ Family name (kana)", max_length=100)
    given_name_kana = models.CharField("メイ Given name (kana)", max_length=100)
    name_key = models.CharField(max_length=250, editable=False, db_index=True)
    phone = models.CharField("電話 Phone", max_length=20)
    postal_code = models.CharField("郵便番号 Postal code", max_length=8)
    prefecture = models.CharField("都道府県 Prefecture", max_length=10)
    city = models.CharField("市区町村 City", max_length=100)
    language = models.CharField(max_length=5, default="ja")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "応募者 Applicant"
        verbose_name_plural = "応募者 Applicants"

    def __str__(self) -> str:
        return f"{self.family_name} {self.given_name}"


class Application(models.Model):
    """One submission of the form to one call, with its reference number and consent record."""

    reference = models.CharField("受付番号 Reference", max_length=20, unique=True)
    submission_token = models.UUIDField(unique=True, editable=False)
    call = models.ForeignKey(CallPage, on_delete=models.PROTECT, related_name="applications")
    applicant = models.ForeignKey(Applicant, on_delete=models.PROTECT, related_name="applications")
    answers = models.JSONField("回答 Answers", default=dict)
    consent_notice_version = models.PositiveIntegerField("同意した通知の版 Notice version")
    consented_at = models.DateTimeField("同意日時 Consented at")
    language = models.CharField(max_length=5, default="ja")
    manage_token_hash = models.CharField(max_length=64, unique=True, editable=False)
    submitted_at = models.DateTimeField("応募日時 Submitted at", db_index=True)

    class Meta:
        verbose_name = "応募 Application"
        verbose_name_plural = "応募 Applications"
        ordering = ["-submitted_at"]

    def __str__(self) -> str:
        return self.reference


class Candidacy(models.Model):
    """One applicant for one role, from one application: the unit of screening."""

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("Submitted")
        IN_REVIEW = "in_review", _("In review")
        SHORTLISTED = "shortlisted", _("Shortlisted")
        REJECTED = "rejected", _("Not shortlisted")
        SELECTED = "selected", _("Selected")
        NOT_SELECTED = "not_selected", _("Not selected")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    #: Statuses in which the applicant may still withdraw (no decision yet).
    WITHDRAWABLE = (Status.SUBMITTED, Status.IN_REVIEW, Status.SHORTLISTED)

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="candidacies")
    applicant = models.ForeignKey(Applicant, on_delete=models.PROTECT, related_name="candidacies")
    role = models.ForeignKey(RolePage, on_delete=models.PROTECT, related_name="candidacies")
    rank = models.PositiveSmallIntegerField("希望順位 Preference")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.SUBMITTED, db_index=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "候補 Candidacy"
        verbose_name_plural = "候補 Candidacies"
        ordering = ["application", "rank"]
        constraints = [
            models.UniqueConstraint(
                fields=["applicant", "role"],
                condition=~Q(status="withdrawn"),
                name="one_live_candidacy_per_applicant_and_role",
            ),
            models.UniqueConstraint(fields=["application", "rank"], name="one_rank_per_application"),
        ]
        indexes = [models.Index(fields=["role", "status"])]

    def __str__(self) -> str:
        return f"{self.application.reference} #{self.rank}"


class Attachment(models.Model):
    """A portfolio file, stored in private storage under a generated name, never the original one."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(storage=private_storage, upload_to="attachments/%Y/%m/", max_length=200)
    original_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=50)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "添付ファイル Attachment"

    def __str__(self) -> str:
        return self.original_name


class Draft(models.Model):
    """Server-side state of an application in progress, so it survives a closed browser.

    Found by the hash of a secret token held in the session or sent by email;
    the token itself is never stored.
    """

    token_hash = models.CharField(max_length=64, unique=True)
    submission_token = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    call = models.ForeignKey(CallPage, on_delete=models.CASCADE, related_name="drafts")
    data = models.JSONField(default=dict)
    email = models.EmailField(blank=True)
    language = models.CharField(max_length=5, default="ja")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    expires_at = models.DateTimeField(db_index=True)
    application = models.OneToOneField(
        Application, null=True, blank=True, on_delete=models.SET_NULL, related_name="draft"
    )

    class Meta:
        verbose_name = "下書き Draft"

    def __str__(self) -> str:
        return f"Draft {self.pk} for {self.call_id}"


class OutboxEmail(models.Model):
    """An email to send, written in the same transaction as what caused it.

    A Celery task sends pending rows and marks them sent, so a broker outage
    delays mail and never loses it.
    """

    to = models.EmailField()
    subject = models.CharField(max_length=200)
    body = models.TextField()
    kind = models.CharField(max_length=30)
    language = models.CharField(max_length=5, default="ja")
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)

    class Meta:
        verbose_name = "送信待ちメール Outbox email"
        indexes = [models.Index(fields=["sent_at", "created_at"])]

    def __str__(self) -> str:
        return f"{self.kind} → {self.to}"
