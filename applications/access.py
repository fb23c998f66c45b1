"""Who may do what in screening. Denied by default; every answer is a queryset or (allowed, reason).

What a user may *see* of a person (names, files, scores, conflicts) is ``screening.visibility``'s.

A contractor sees only the calls assigned to them; approvers and officials see
the calls of their organisation; superusers see everything. Anything outside
answers 404, so a contractor cannot even learn that another call's candidacy exists.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from portal.groups import CITY_APPROVERS, OFFICIALS, SCREENING_CONTRACTORS
from recruitment.models import CallPage


@dataclass(frozen=True)
class Decision:
    """The answer to "may this user do this?", with the reason for the audit log and the message."""

    allowed: bool
    reason: str

    def __bool__(self) -> bool:
        return self.allowed


def _groups(user: Any) -> set[str]:
    cached = getattr(user, "_kobo_groups", None)
    if cached is None:
        cached = set(user.groups.values_list("name", flat=True))
        user._kobo_groups = cached
    return cached


def is_contractor(user: Any) -> bool:
    return SCREENING_CONTRACTORS in _groups(user)


def is_approver(user: Any) -> bool:
    return user.is_superuser or CITY_APPROVERS in _groups(user)


def is_official(user: Any) -> bool:
    return OFFICIALS in _groups(user)


def screenable_calls(user: Any) -> QuerySet[CallPage]:
    """The calls this user may open in the screening area."""
    if not user.is_authenticated or not user.is_active:
        return CallPage.objects.none()
    if user.is_superuser:
        return CallPage.objects.all()
    allowed = Q(pk__in=[])
    groups = _groups(user)
    if SCREENING_CONTRACTORS in groups:
        # Only while the assignment runs (dates inclusive, Japan time); open ends are unbounded.
        today = timezone.localdate()
        allowed |= (
            Q(screening_assignments__user=user)
            & (Q(screening_assignments__starts_on__isnull=True) | Q(screening_assignments__starts_on__lte=today))
            & (Q(screening_assignments__ends_on__isnull=True) | Q(screening_assignments__ends_on__gte=today))
        )
    if groups & {CITY_APPROVERS, OFFICIALS}:
        # Editors are members too, but screening is for the city's approvers and officials.
        allowed |= Q(organisation__members__user=user, organisation__members__role__in=["approver", "official"])
    return CallPage.objects.filter(allowed).distinct()


def call_or_404(user: Any, call_id: int) -> CallPage:
    try:
        return screenable_calls(user).select_related("organisation").get(pk=call_id)
    except CallPage.DoesNotExist as exc:
        raise Http404 from exc


def can_screen(user: Any) -> bool:
    """May open the screening area at all (which calls: :func:`screenable_calls`)."""
    return user.is_superuser or is_contractor(user) or is_approver(user) or is_official(user)


def can_review(user: Any) -> Decision:
    if user.is_superuser or is_contractor(user):
        return Decision(True, "screening contractor")
    return Decision(False, "only screening contractors review candidacies")


def can_read_audit(user: Any) -> Decision:
    if is_approver(user):
        return Decision(True, "city approver")
    return Decision(False, "only city approvers read the audit log")
