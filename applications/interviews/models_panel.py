"""The panel's records of an interview round and the city's decision: scorecards, consensus, final decisions.

A :class:`Scorecard` is one panel member's scores of one invited candidacy, pinned to the role's
interview rubric as it was when first written (like ``screening.Review``). The panel then records one
:class:`Consensus` per invitation (one per candidacy per round). The city's approver records a
:class:`FinalDecision` per move of the candidacy (採用 / 不採用 / 補欠, a reserve promoted), with a reason
from :class:`FinalDecision.Reason` plus text, shared with the applicant only when the city chooses to.
Writes: ``scorecards.py`` and ``decisions.py``.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from applications.intake.models import Candidacy
from applications.interviews.models import InterviewInvitation


class Recommendation(models.TextChoices):
    """What a panel member (or the panel's consensus) recommends for one candidacy."""

    SELECT = "select", _("Select (採用)")
    RESERVE = "reserve", _("Keep as a reserve (補欠)")
    NOT_SELECT = "not_select", _("Do not select (不採用)")


class Scorecard(models.Model):
    """One panel member's scores of one interview, against the interview rubric as it was when first written.

    Never deleted (PROTECT); others' scorecards are shown to a panel member only once their own is in
    (``screening.visibility.others_scorecards_visible``).
    """

    invitation = models.ForeignKey(InterviewInvitation, on_delete=models.PROTECT, related_name="scorecards")
    panelist = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="scorecards")
    rubric = models.JSONField(help_text="The interview criteria (name, weight, max_score) as they were when scored.")
    scores = models.JSONField(help_text="One whole number per criterion, in rubric order; null = not applicable.")
    comment = models.TextField(blank=True)
    recommendation = models.CharField(max_length=12, choices=Recommendation.choices)
    submitted_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "面接評価票 Scorecard"
        ordering = ["submitted_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["invitation", "panelist"], name="interviews_one_scorecard_per_panelist"),
        ]

    def __str__(self) -> str:
        return f"{self.panelist} on {self.invitation}"


class Consensus(models.Model):
    """The panel's agreed view of one interview: text, recommendation, and its place among the candidates."""

    invitation = models.OneToOneField(InterviewInvitation, on_delete=models.PROTECT, related_name="consensus")
    text = models.TextField("合議の所見 Consensus")
    recommendation = models.CharField("推薦 Recommendation", max_length=12, choices=Recommendation.choices)
    #: The panel's order of the candidates of the round (1 = first); the reserves are promoted in it.
    rank = models.PositiveSmallIntegerField("順位 Rank", null=True, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "合議 Consensus"

    def __str__(self) -> str:
        return f"consensus on {self.invitation}"


class FinalDecision(models.Model):
    """One move of a candidacy's final decision, with its reason; the latest one is the decision now."""

    class Outcome(models.TextChoices):
        SELECTED = Candidacy.Status.SELECTED.value, _("Selected (採用)")
        NOT_SELECTED = Candidacy.Status.NOT_SELECTED.value, _("Not selected (不採用)")
        RESERVE = Candidacy.Status.RESERVE.value, _("Reserve (補欠)")

    class Reason(models.TextChoices):
        """The short list of reasons; the text says the rest."""

        STRONG_FIT = "strong_fit", _("Strong match with what the role needs")
        PORTFOLIO = "portfolio", _("Experience and portfolio")
        INTERVIEW = "interview", _("The panel's assessment of the interview")
        HEADCOUNT = "headcount", _("All places filled by candidates the panel ranked higher")
        SKILLS = "skills", _("Skills do not yet match what the role needs")
        CONDITIONS = "conditions", _("Availability or working conditions do not match")
        PROMOTED = "promoted", _("A place became free (promoted from the reserve list)")
        OTHER = "other", _("Other (see the text)")

    candidacy = models.ForeignKey(Candidacy, on_delete=models.PROTECT, related_name="final_decisions")
    outcome = models.CharField("結果 Outcome", max_length=20, choices=Outcome.choices)
    reason = models.CharField("理由 Reason", max_length=20, choices=Reason.choices)
    reason_text = models.TextField("理由の詳細 Reason in words", blank=True)
    #: The city chose to tell the applicant the reason (else it stays internal).
    share_reason = models.BooleanField("理由を本人に伝える Share the reason with the applicant", default=False)
    #: Among the reserves of the role, the order of promotion the approver set (1 = first); else the consensus rank.
    reserve_order = models.PositiveSmallIntegerField("補欠の順位 Reserve order", null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "最終決定 Final decision"
        ordering = ["decided_at", "pk"]

    def __str__(self) -> str:
        return f"{self.candidacy} → {self.outcome}"

    def shared_text(self) -> str:
        """The reason as the applicant reads it when shared: the chosen reason, then the text."""
        label = str(self.Reason(self.reason).label)
        return f"{label}. {self.reason_text.strip()}" if self.reason_text.strip() else label
