"""Who may see and do what in screening. Denied by default; every answer is a queryset or (allowed, reason).

A contractor sees only the calls assigned to them; approvers and officials see
the calls of their organisation; superusers see everything. Anything outside
answers 404, so a contractor cannot even learn that another call's candidacy exists.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from portal.groups import CITY_APPROVERS, OFFICIALS, SCREENING_CONTRACTORS
from recruitment.models import CallPage

from .models import Candidacy, ConflictOfInterest


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


def _without_conflicts(qs: QuerySet[Candidacy], user: Any) -> QuerySet[Candidacy]:
    """Conflict of interest: a screener who declared they know the person never sees the candidacy."""
    if user is None or not user.is_authenticated:
        return qs
    return qs.exclude(Exists(ConflictOfInterest.objects.filter(candidacy=OuterRef("pk"), user=user)))


def candidacies_for(user: Any, call: CallPage) -> QuerySet[Candidacy]:
    """Candidacies of ``call`` (already checked with :func:`call_or_404`) that ``user`` may see."""
    return _without_conflicts(Candidacy.objects.filter(call=call), user)  # ``call``: the application's, copied


def candidacy_or_404(user: Any, candidacy_id: int) -> Candidacy:
    candidacy = (
        _without_conflicts(
            Candidacy.objects.filter(pk=candidacy_id, application__call__in=screenable_calls(user)), user
        )
        .select_related("application__applicant", "application__call", "role__category")
        .first()
    )
    if candidacy is None:
        raise Http404
    return candidacy


#: Blind review lifts for these statuses: a shortlisted candidate is a person the city will meet.
NAMED_STATUSES = frozenset({Candidacy.Status.SHORTLISTED, Candidacy.Status.SELECTED, Candidacy.Status.NOT_SELECTED})


def identity_visible_statuses(user: Any, call: CallPage) -> frozenset[str]:
    """The candidacy statuses in which ``user`` sees names and contacts in ``call`` (for queries too).

    Need-to-know: everyone (approvers, officials, superusers too) sees a person only once
    they are shortlisted; before that, a code. Only when the call turns blind review off do
    its screeners (contractors, superusers) see every applicant's name.
    """
    if not call.blind_review and (is_contractor(user) or user.is_superuser):
        return frozenset(Candidacy.Status.values)
    return NAMED_STATUSES


def identity_visible(user: Any, call: CallPage, candidacy: Candidacy) -> bool:
    """Names and contacts only for shortlisted-and-later candidacies (see :func:`identity_visible_statuses`)."""
    return candidacy.status in identity_visible_statuses(user, call)


def can_screen(user: Any) -> bool:
    """May open the screening area at all (which calls: :func:`screenable_calls`)."""
    return user.is_superuser or is_contractor(user) or is_approver(user) or is_official(user)


def others_reviews_visible(user: Any, *, reviewed_by_me: bool) -> bool:
    """Independent review: a reviewer sees others' scores only once their own review is in."""
    return reviewed_by_me or not can_review(user)


def can_review(user: Any) -> Decision:
    if user.is_superuser or is_contractor(user):
        return Decision(True, "screening contractor")
    return Decision(False, "only screening contractors review candidacies")


def can_read_audit(user: Any) -> Decision:
    if is_approver(user):
        return Decision(True, "city approver")
    return Decision(False, "only city approvers read the audit log")
