"""Who applied and how: applicants, applications, candidacies, attachments, drafts and the mail outbox.

Writes go through ``applications.services``; reads through ``applications.selectors``.
"""

from __future__ import annotations

import uuid

from django.conf import settings
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

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="candidacies")
    applicant = models.ForeignKey(Applicant, on_delete=models.PROTECT, related_name="candidacies")
    role = models.ForeignKey(RolePage, on_delete=models.PROTECT, related_name="candidacies")
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
    #: The contractor staff member asked to review it (work is split among reviewers); others may still review.
    assigned_reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

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


class Assignment(models.Model):
    """A screening contractor's access to one call, from ``starts_on`` to ``ends_on`` (both inclusive).

    Contractors see only the calls assigned to them, and only within those dates
    (``access.screenable_calls``). A city approver assigns contractors to their own
    city's calls under Teams → Assignments (``applications.teams``).
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="screening_assignments",
        verbose_name="受託事業者 Contractor",
    )
    call = models.ForeignKey(
        CallPage, on_delete=models.CASCADE, related_name="screening_assignments", verbose_name="募集 Call"
    )
    starts_on = models.DateField("開始日 Starts on", null=True, blank=True, help_text="空欄なら今日から。")
    ends_on = models.DateField(
        "終了日 Ends on", null=True, blank=True, help_text="空欄なら期限なし。この日まで見られます。"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "審査の担当 Assignment"
        verbose_name_plural = "審査の担当 Assignments"
        constraints = [models.UniqueConstraint(fields=["user", "call"], name="one_assignment_per_user_and_call")]

    def __str__(self) -> str:
        return f"{self.user} → {self.call}"


class OrganisationMember(models.Model):
    """A city's staff member: an editor writes its calls, an approver approves them and manages the
    city's team, an official reads its screening. Approvers and officials see all the city's calls.

    Changed only through ``applications.teams.services``, which keeps the user's groups in step.
    """

    class Role(models.TextChoices):
        EDITOR = "editor", _("Editor")
        APPROVER = "approver", _("Approver")
        OFFICIAL = "official", _("Official")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="organisation_memberships",
        verbose_name="ユーザー User",
    )
    organisation = models.ForeignKey(
        "recruitment.Organisation", on_delete=models.CASCADE, related_name="members", verbose_name="団体 Organisation"
    )
    role = models.CharField("役割 Role", max_length=10, choices=Role.choices, default=Role.OFFICIAL)

    class Meta:
        verbose_name = "団体の職員 Organisation member"
        verbose_name_plural = "団体の職員 Organisation members"
        constraints = [models.UniqueConstraint(fields=["user", "organisation"], name="one_membership_per_org")]

    def __str__(self) -> str:
        return f"{self.user} @ {self.organisation}"


class Review(models.Model):
    """One reviewer's scores on one candidacy, against the rubric as it was when they reviewed.

    Reviews are never deleted when assignments change (PROTECT on both sides).
    """

    class Recommendation(models.TextChoices):
        YES = "yes", _("Recommend")
        MAYBE = "maybe", _("Undecided")
        NO = "no", _("Do not recommend")

    candidacy = models.ForeignKey(Candidacy, on_delete=models.PROTECT, related_name="reviews")
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="screening_reviews")
    rubric = models.JSONField(help_text="The criteria (name, weight, max_score) as they were when reviewed.")
    scores = models.JSONField(help_text="One whole number per criterion, in rubric order; null = not applicable.")
    comment = models.TextField(blank=True)
    recommendation = models.CharField(max_length=10, choices=Recommendation.choices)
    submitted_at = models.DateTimeField()
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "審査 Review"
        constraints = [models.UniqueConstraint(fields=["candidacy", "reviewer"], name="one_review_per_reviewer")]

    def __str__(self) -> str:
        return f"{self.reviewer} on {self.candidacy_id}"


class Note(models.Model):
    """A screener's note on a candidacy, visible to everyone who may see the candidacy."""

    candidacy = models.ForeignKey(Candidacy, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    text = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at"]

    def __str__(self) -> str:
        return f"Note {self.pk} on {self.candidacy_id}"


class Shortlist(models.Model):
    """A call's shortlist as the contractor hands it to the city, and the city's answer."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Being prepared")
        SUBMITTED = "submitted", _("Submitted to the city")
        RETURNED = "returned", _("Returned with comments")
        APPROVED = "approved", _("Approved")

    call = models.OneToOneField(CallPage, on_delete=models.CASCADE, related_name="shortlist")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    factor = models.DecimalField(
        "候補の倍率 Factor",
        max_digits=3,
        decimal_places=1,
        default=2,
        help_text="Up to headcount × factor candidates per role may be shortlisted.",
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    comment = models.TextField(blank=True)

    def __str__(self) -> str:
        return f"Shortlist of {self.call}"
