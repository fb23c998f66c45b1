"""The intake's records: who applied (applicants), what (applications, candidacies per role), their files and drafts.

Writes go through ``applications.intake.services``; reads through ``applications.intake.selectors``.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from applications.intake.text import KATAKANA, LATIN, reading_script
from recruitment.models import CallPage, RolePage

#: How staff pages and exports name the script of a reading (``Applicant.reading_script_label``).
READING_SCRIPT_LABELS = {KATAKANA: "カタカナ", LATIN: "Latin"}


def private_storage():
    from django.core.files.storage import storages

    return storages["private"]


class Applicant(models.Model):
    """Who applied, exactly as given in one application; no account, no password.

    One row per application, never shared and never overwritten by a later
    submission: an anonymous visitor who types someone's email changes nothing of
    theirs (docs/adr/0006-applicant-identity-per-application.md). Names are stored
    exactly as typed (CJK compatibility ideographs such as 﨑 kept); ``email_key``
    and ``name_key`` are normalised copies used only to find duplicates.
    """

    email = models.EmailField("メール Email", max_length=254)
    email_key = models.CharField(max_length=254, db_index=True, editable=False)
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

    @property
    def reading(self) -> str:
        """The name's reading as given: katakana, or Latin letters from someone who applied in English."""
        return f"{self.family_name_kana} {self.given_name_kana}"

    @property
    def reading_script_label(self) -> str:
        """The script of the reading, for staff: 「カタカナ」, "Latin", or "" (neither, or mixed)."""
        scripts = {reading_script(self.family_name_kana), reading_script(self.given_name_kana)}
        return READING_SCRIPT_LABELS.get(scripts.pop(), "") if len(scripts) == 1 else ""

    @property
    def reading_marked(self) -> str:
        """The reading with its script, as exports show it: ``Smith John [Latin]``, ``コウベ ハナコ [カタカナ]``."""
        label = self.reading_script_label
        return f"{self.reading} [{label}]" if label else self.reading


class Application(models.Model):
    """One submission of the form to one call, with its reference number and consent record."""

    reference = models.CharField("受付番号 Reference", max_length=20, unique=True)
    submission_token = models.UUIDField(unique=True, editable=False)
    call = models.ForeignKey(CallPage, on_delete=models.PROTECT, related_name="applications")
    applicant = models.ForeignKey(Applicant, on_delete=models.PROTECT, related_name="applications")
    answers = models.JSONField("回答 Answers", default=dict)
    consent_notice_version = models.PositiveIntegerField("同意した通知の版 Notice version")
    #: The language of the notice text the applicant was shown and agreed to ("en" only when the call has an
    #: English notice and they applied in English), and the SHA-256 of that text (``CallPage.notice_in``).
    consent_notice_language = models.CharField("同意した通知の言語 Notice language", max_length=5, default="ja")
    consent_notice_digest = models.CharField("同意した通知のハッシュ Notice digest", max_length=64, blank=True)
    consented_at = models.DateTimeField("同意日時 Consented at")
    language = models.CharField(max_length=5, default="ja")
    manage_token_hash = models.CharField(max_length=64, unique=True, editable=False)
    submitted_at = models.DateTimeField("応募日時 Submitted at", db_index=True)
    #: Set when the personal data was anonymised (retention purge or the applicant's erasure request).
    anonymised_at = models.DateTimeField("匿名化日時 Anonymised at", null=True, blank=True)

    class Meta:
        verbose_name = "応募 Application"
        verbose_name_plural = "応募 Applications"
        ordering = ["-submitted_at"]

    def __str__(self) -> str:
        return self.reference


class CandidacyQuerySet(models.QuerySet):
    """Candidacies; ``bulk_create`` copies each one's application fields first (see ``Candidacy.copy_application``)."""

    def bulk_create(self, objs: Any, *args: Any, **kwargs: Any) -> list[Candidacy]:
        objs = list(objs)
        for candidacy in objs:
            candidacy.copy_application()
        return super().bulk_create(objs, *args, **kwargs)


class Candidacy(models.Model):
    """One applicant for one role, from one application: the unit of screening.

    ``call``, ``reference`` and ``submitted_at`` are copies of the application's (which never
    change once submitted), set on every save and ``bulk_create``: the screening list of a call
    filters and sorts on them through this table's own indexes, without joining 100,000
    applications first (docs/performance.md, "Screening at 100,000 candidacies").
    """

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("Submitted")
        IN_REVIEW = "in_review", _("In review")
        SHORTLISTED = "shortlisted", _("Shortlisted")
        REJECTED = "rejected", _("Not shortlisted")
        SELECTED = "selected", _("Selected")
        NOT_SELECTED = "not_selected", _("Not selected")
        WITHDRAWN = "withdrawn", _("Withdrawn")
        #: 補欠: on the reserve list after the interviews; promoted to selected if a hire declines.
        RESERVE = "reserve", _("Reserve")
        #: A hire who declined the offer (recorded by staff, or by the applicant from the manage link).
        DECLINED = "declined", _("Declined the offer")

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="candidacies")
    applicant = models.ForeignKey(Applicant, on_delete=models.PROTECT, related_name="candidacies")
    role = models.ForeignKey(RolePage, on_delete=models.PROTECT, related_name="candidacies")
    #: The applicant's normalised email (``text.email_key``), copied here by ``application_submit`` so the
    #: database holds the rule "one live candidacy per email and role" although each application has its
    #: own applicant. Null only for rows made without an address (tests); nulls never collide.
    email_key = models.CharField(max_length=254, null=True, blank=True, editable=False)  # noqa: DJ001 - see above
    #: Copies of ``application.call``, ``application.reference`` and ``application.submitted_at``.
    call = models.ForeignKey(CallPage, on_delete=models.PROTECT, related_name="+", editable=False, db_index=False)
    reference = models.CharField("受付番号 Reference", max_length=20, editable=False)
    submitted_at = models.DateTimeField("応募日時 Submitted at", editable=False)
    rank = models.PositiveSmallIntegerField("希望順位 Preference")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.SUBMITTED, db_index=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    #: Raised by every status change; a change based on an older version is refused (optimistic locking).
    version = models.PositiveIntegerField(default=1)
    #: Weighted mean of the submitted reviews (``scoring.aggregate_reviews``), kept for sorting and filtering.
    score = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True, db_index=True)
    review_count = models.PositiveSmallIntegerField(default=0)
    disagreement = models.BooleanField(default=False, db_index=True)
    #: When the final decision (selected / not selected) was recorded: the retention period counts from it.
    decided_at = models.DateTimeField(null=True, blank=True)
    #: The contractor staff member asked to review it (work is split among reviewers); others may still review.
    assigned_reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = CandidacyQuerySet.as_manager()

    class Meta:
        verbose_name = "候補 Candidacy"
        verbose_name_plural = "候補 Candidacies"
        ordering = ["application", "rank"]
        constraints = [
            models.UniqueConstraint(
                fields=["email_key", "role"],
                condition=~Q(status="withdrawn"),
                name="one_live_candidacy_per_email_and_role",
            ),
            models.UniqueConstraint(fields=["application", "rank"], name="one_rank_per_application"),
        ]
        indexes = [
            models.Index(fields=["role", "status"]),
            # One per order the screening list offers (``screening.selectors.SORTS``), led by the call.
            models.Index(fields=["call", "reference", "rank", "id"], name="candidacy_call_reference"),
            models.Index(fields=["call", "role", "reference", "rank", "id"], name="candidacy_call_role_reference"),
            models.Index(fields=["call", "score", "reference", "id"], name="candidacy_call_score"),
            models.Index(fields=["call", "submitted_at", "rank", "id"], name="candidacy_call_submitted"),
            models.Index(fields=["call", "rank", "reference", "id"], name="candidacy_call_rank"),
            models.Index(fields=["call", "status"], name="candidacy_call_status"),
        ]

    def __str__(self) -> str:
        return f"{self.application.reference} #{self.rank}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.call_id is None and self.application_id is not None:  # once: the copied fields never change
            self.copy_application()
        super().save(*args, **kwargs)

    def copy_application(self) -> None:
        """Copy the application's call, reference and submission time onto the candidacy."""
        application = self.application
        self.call_id = application.call_id
        self.reference = application.reference
        self.submitted_at = application.submitted_at

    @property
    def applicant_code(self) -> str:
        """What blind reviewers see instead of a name."""
        return f"C-{self.pk:06d}"


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

    Found by the hash of the token in the emailed link (the token itself is never stored),
    or from the one browser it is open in: the session holds the draft's id and the draft the
    hash of that session's key (``session_hash``), so no token rides in the session and a
    browser that once had the draft open loses it when someone else continues it. The address
    is proven by a code sent to it (``applications.intake.verification``) before the draft is submitted.
    """

    token_hash = models.CharField(max_length=64, unique=True)
    #: The hash of the session key of the browser the draft is open in (docs/adr/0004).
    session_hash = models.CharField(max_length=64, blank=True, editable=False)
    #: ``text.email_key`` of the address proven with a code; submitting needs it equal to the address given.
    verified_email_key = models.CharField(max_length=254, blank=True, editable=False)
    #: The code last sent (a keyed hash, never the code), to which address, until when and how often tried.
    code_hash = models.CharField(max_length=64, blank=True, editable=False)
    code_email_key = models.CharField(max_length=254, blank=True, editable=False)
    code_expires_at = models.DateTimeField(null=True, blank=True, editable=False)
    code_attempts = models.PositiveSmallIntegerField(default=0, editable=False)
    submission_token = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    call = models.ForeignKey(CallPage, on_delete=models.CASCADE, related_name="drafts")
    data = models.JSONField(default=dict)
    #: Bytes of the files the draft keeps (kept with ``data``), for the call's quota of stored bytes.
    file_bytes = models.PositiveBigIntegerField(default=0)
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
