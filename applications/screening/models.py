"""Screening records: reviews pinned to their rubric, notes, shortlists and their outcomes, conflicts, the audit log."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from applications.intake.models import Candidacy
from recruitment.models import CallPage, RolePage


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


class AuditEntry(models.Model):
    """Who saw or changed applicants' personal data in screening: one row per view, list, export or change.

    Kept apart from Wagtail's page and site history on purpose: only a city approver
    reads it, on the call's screening audit page (``screening_audit``). Written by
    ``screening.audit.audit``, whose ``AUDIT_ACTIONS`` names the actions.
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
