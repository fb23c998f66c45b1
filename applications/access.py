"""Who may see what in screening: powers turned into querysets and 404s. Denied by default.

What a user may do on a call is answered by ``applications.teams.authority`` alone (per
call: membership of the call's organisation, a running assignment to the call); this
module turns those answers into the querysets and 404s the views and exports use.
Anything outside answers 404, so a contractor cannot even learn that another call's
candidacy exists.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, QuerySet
from django.http import Http404

from recruitment.models import CallPage

from .models import Candidacy, ConflictOfInterest
from .teams.authority import Decision, Power, calls_with, decide


def screenable_calls(user: Any) -> QuerySet[CallPage]:
    """The calls this user may open in the screening area (the power to view, per call)."""
    return calls_with(user, Power.VIEW)


def call_or_404(user: Any, call_id: int, power: Power = Power.VIEW) -> CallPage:
    """The call, if ``user`` may view it (else 404) and holds ``power`` on it (else ``PermissionDenied``, 403)."""
    try:
        call = screenable_calls(user).select_related("organisation").get(pk=call_id)
    except CallPage.DoesNotExist as exc:
        raise Http404 from exc
    if power is not Power.VIEW:
        decision = decide(user, call, power)
        if not decision:
            raise PermissionDenied(decision.reason)
    return call


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
    if not call.blind_review and decide(user, call, Power.REVIEW):
        return frozenset(Candidacy.Status.values)
    return NAMED_STATUSES


def identity_visible(user: Any, call: CallPage, candidacy: Candidacy) -> bool:
    """Names and contacts only for shortlisted-and-later candidacies (see :func:`identity_visible_statuses`)."""
    return candidacy.status in identity_visible_statuses(user, call)


def can_screen(user: Any) -> bool:
    """May open the screening area at all: some call is theirs to view (which: :func:`screenable_calls`)."""
    return (user.is_active and user.is_superuser) or screenable_calls(user).exists()


def others_reviews_visible(user: Any, call: CallPage, *, reviewed_by_me: bool) -> bool:
    """Independent review: a reviewer of ``call`` sees others' scores only once their own review is in."""
    return reviewed_by_me or not can_review(user, call)


def can_review(user: Any, call: CallPage) -> Decision:
    return decide(user, call, Power.REVIEW)


def can_read_audit(user: Any, call: CallPage) -> Decision:
    return decide(user, call, Power.AUDIT)
