"""Who works for whom: city members (approver, official, editor) and contractor assignments to calls."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from recruitment.models import CallPage


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
