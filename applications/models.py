"""Who applied and how: applicants, applications, candidacies, attachments, drafts and the mail outbox.

Writes go through ``applications.services``; reads through ``applications.selectors``.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, HelpPanel
from wagtail.models import PreviewableMixin

from recruitment.models import CallPage, RolePage

from . import messages


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
    is proven by a code sent to it (``applications.verification``) before the draft is submitted.
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


class OutboxEmail(models.Model):
    """An email to send, written in the same transaction as what caused it.

    A Celery task sends pending rows and marks them sent, so a broker outage
    delays mail and never loses it. ``key`` names the message (kind, object,
    window, e.g. ``draft_reminder:draft:12:24h@1767193200``); its unique
    constraint makes a doubled or restarted beat write it once, so it is sent once.

    A sender claims a row (``claimed_at``, ``attempts`` + 1) in a short transaction, sends it,
    then marks it sent in a commit of its own and blanks ``body`` and ``html_body`` (they may
    hold a draft's or an application's live link; subject, kind, key, recipient and times
    stay). A claim older than the lease with no ``sent_at`` is a sender that died mid-send:
    the message may or may not have left, so it is sent once more and ``interrupted`` says so.
    """

    key = models.CharField(max_length=200, unique=True)
    to = models.EmailField()
    subject = models.CharField(max_length=200)
    body = models.TextField()
    html_body = models.TextField(blank=True)
    kind = models.CharField(max_length=30)
    language = models.CharField(max_length=5, default="ja")
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    #: When a sender took the row; null when nobody is sending it (never tried, or the last try failed).
    claimed_at = models.DateTimeField(null=True, blank=True)
    #: Claims that expired with the row neither sent nor failed: the sender died mid-send, and
    #: the message may have gone out before it did (so the recipient may have it twice).
    interrupted = models.PositiveSmallIntegerField(default=0)

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

    Reviews are never deleted when assignments change (PROTECT on both sides). A review whose
    reviewer later declares they know the person is void (``voided_at``): kept for the audit
    log, counted nowhere (``screening.visibility.counted_reviews``).
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
    #: Set when the reviewer declared a conflict of interest with the person (the review no longer counts).
    voided_at = models.DateTimeField("無効化日時 Voided at", null=True, blank=True)

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
    """One role's shortlist as the contractor hands it to the city, and the city's answer.

    Roles of one call close on different days, so each role is shortlisted, submitted
    and approved on its own (``applications.screening.services``); the limit is the
    role's headcount × the call's ``shortlist_factor``.
    """

    class Status(models.TextChoices):
        DRAFT = "draft", _("Being prepared")
        SUBMITTED = "submitted", _("Submitted to the city")
        RETURNED = "returned", _("Returned with comments")
        APPROVED = "approved", _("Approved")

    role = models.OneToOneField(RolePage, on_delete=models.CASCADE, related_name="shortlist")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    #: The approver's comment on a return, or the reason an approved shortlist was reopened.
    comment = models.TextField(blank=True)
    #: How many times the city approved it (each approval tells the judged candidacies their result).
    approvals = models.PositiveSmallIntegerField(default=0, editable=False)

    class Meta:
        verbose_name = "候補者リスト Shortlist"

    def __str__(self) -> str:
        return f"Shortlist of {self.role}"

    @property
    def editable(self) -> bool:
        """The contractor may change who is on it (not while the city holds it or after approval)."""
        return self.status in {self.Status.DRAFT, self.Status.RETURNED}


class ScreeningOutcome(models.Model):
    """What one candidacy was told of its document screening at one approval of its role's shortlist.

    Written in the approval's transaction (``screening.services.shortlist_decide``) for every
    candidacy of the approved population: the role's live candidacies that had applied when the
    shortlist was submitted. Nobody else is ever told a result. A candidacy's latest row is what it
    believes; ``notice`` is the message that told it (empty when a later approval confirmed what
    it had been told, so nothing was sent).
    """

    class Outcome(models.TextChoices):
        PASSED = "passed", _("Passed the document screening")
        NOT_PASSED = "not_passed", _("Not passed")

    shortlist = models.ForeignKey(Shortlist, on_delete=models.CASCADE, related_name="outcomes")
    #: Which approval of the shortlist (1 for the first).
    approval = models.PositiveSmallIntegerField()
    candidacy = models.ForeignKey(Candidacy, on_delete=models.CASCADE, related_name="screening_outcomes")
    outcome = models.CharField(max_length=12, choices=Outcome.choices)
    notice = models.CharField(max_length=30, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "書類選考の結果 Screening outcome"
        constraints = [models.UniqueConstraint(fields=["candidacy", "approval"], name="one_outcome_per_approval")]
        indexes = [models.Index(fields=["shortlist", "approval"], name="outcome_shortlist_approval")]

    def __str__(self) -> str:
        return f"{self.candidacy_id}: {self.outcome} (approval {self.approval})"


#: The screening audit log's actions and how the audit page names them.
AUDIT_ACTIONS = [
    ("kobo.candidacy.view", "応募内容の閲覧 Candidacy viewed"),
    ("kobo.candidacy.list", "候補の一覧の閲覧 Candidacy list viewed"),
    ("kobo.candidacy.status", "選考状況の変更 Status changed"),
    ("kobo.candidacy.review", "審査の記録 Review saved"),
    ("kobo.candidacy.note", "メモの追加 Note added"),
    ("kobo.candidacy.assign", "審査担当の割り当て Reviewer assigned"),
    ("kobo.candidacy.conflict", "利益相反の申告 Conflict of interest declared"),
    ("kobo.candidacy.review_changed", "審査の修正(理由つき) Review changed, with a reason"),
    ("kobo.attachment.download", "添付ファイルのダウンロード Attachment downloaded"),
    ("kobo.export", "出力 Export"),
    ("kobo.shortlist.submit", "候補者リストの提出 Shortlist submitted"),
    ("kobo.shortlist.approve", "候補者リストの承認 Shortlist approved"),
    ("kobo.shortlist.return", "候補者リストの差し戻し Shortlist returned"),
    ("kobo.shortlist.reopen", "承認済み候補者リストの再開 Approved shortlist reopened"),
    ("kobo.erasure.request", "削除の依頼(決定後) Erasure requested after a decision"),
    ("kobo.erasure.done", "応募者による削除 Erased by the applicant"),
    ("kobo.erasure.approved", "決定後の削除(承認者) Erased after a decision by an approver"),
]


class AuditEntry(models.Model):
    """Who saw or changed applicants' personal data in screening: one row per view, list, export or change.

    Kept apart from Wagtail's page and site history on purpose: only a city approver
    reads it, on the call's screening audit page (``screening_audit``).
    """

    timestamp = models.DateTimeField(default=timezone.now, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    action = models.CharField(max_length=50, db_index=True)
    call = models.ForeignKey(CallPage, null=True, on_delete=models.SET_NULL, related_name="+")
    candidacy = models.ForeignKey(Candidacy, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    #: How many people's records a list, CSV or document showed.
    rows = models.PositiveIntegerField(null=True, blank=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = "審査の記録 Screening audit entry"
        verbose_name_plural = "審査の記録 Screening audit entries"
        ordering = ["-timestamp", "-pk"]
        indexes = [models.Index(fields=["call", "-timestamp"], name="audit_call_recent")]

    def __str__(self) -> str:
        return f"{self.action} by {self.user_id} at {self.timestamp:%Y-%m-%d %H:%M}"


class ConflictOfInterest(models.Model):
    """A screener declared "I know this person": they no longer see, review or get assigned the candidacy."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    candidacy = models.ForeignKey(Candidacy, on_delete=models.CASCADE, related_name="conflicts")
    declared_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "利益相反 Conflict of interest"
        constraints = [models.UniqueConstraint(fields=["user", "candidacy"], name="one_conflict_per_user")]

    def __str__(self) -> str:
        return f"{self.user_id} knows candidacy {self.candidacy_id}"


class MessageTemplate(PreviewableMixin, models.Model):
    """The wording of one kind of applicant email in one language, edited by city editors.

    Without one, the default wording in ``applications.messages`` is used. Placeholders
    such as ``{reference}`` are checked on save against those the kind offers.
    """

    kind = models.CharField(
        "種類 Kind",
        max_length=30,
        choices=[(k, messages.KIND_LABELS[k]) for k in messages.APPLICANT_KINDS],
        db_index=True,
    )
    language = models.CharField("言語 Language", max_length=5, choices=settings.LANGUAGES, default="ja")
    subject = models.CharField("件名 Subject", max_length=200)
    body = models.TextField(
        "本文 Body",
        help_text="{reference} のような差し込み項目が使えます(種類ごとに使える項目は下の一覧)。"
        "波かっこそのものは {{ と }} と書きます。",
    )
    updated_at = models.DateTimeField(auto_now=True)

    panels = [
        FieldPanel("kind"),
        FieldPanel("language"),
        FieldPanel("subject"),
        FieldPanel("body"),
        HelpPanel(content=messages.placeholders_help_html()),
    ]

    class Meta:
        verbose_name = "メールの文面 Message wording"
        verbose_name_plural = "メールの文面 Message wording"
        constraints = [models.UniqueConstraint(fields=["kind", "language"], name="one_wording_per_kind_and_language")]

    def __str__(self) -> str:
        return f"{self.kind} ({self.language})"

    def clean(self) -> None:
        super().clean()
        if self.kind not in messages.KINDS:
            return
        errors = {
            name: problems
            for name in ("subject", "body")
            if (problems := messages.placeholder_errors(self.kind, getattr(self, name)))
        }
        if errors:
            raise ValidationError(errors)

    def get_preview_template(self, request: Any, mode_name: str) -> str:
        return "applications/message_preview.html"

    def get_preview_context(self, request: Any, mode_name: str) -> dict[str, Any]:
        context = super().get_preview_context(request, mode_name)
        try:
            context["message"] = messages.render(
                self.kind, self.language, messages.sample_values(), text=(self.subject, self.body)
            )
        except (KeyError, ValueError, IndexError):
            context["message"] = None
        return context
