"""Who may see what in screening: powers turned into querysets and 404s. Denied by default.

What a user may *see* of a person (names, files, scores, conflicts) is ``screening.visibility``'s.

What a user may do on a call is answered by ``applications.teams.authority`` alone (per
call: membership of the call's organisation, a running assignment to the call); this
module turns those answers into the querysets and 404s the views and exports use.
Anything outside answers 404, so a contractor cannot even learn that another call's
candidacy exists.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404

from applications.teams.authority import Decision, Power, calls_with, decide
from recruitment.models import CallPage


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


def can_screen(user: Any) -> bool:
    """May open the screening area at all: some call is theirs to view (which: :func:`screenable_calls`)."""
    return (user.is_active and user.is_superuser) or screenable_calls(user).exists()


def can_review(user: Any, call: CallPage) -> Decision:
    """May review the candidacies of ``call`` (a running assignment to it)."""
    return decide(user, call, Power.REVIEW)


def can_read_audit(user: Any, call: CallPage) -> Decision:
    """May read the audit log of ``call`` (an approver of its city)."""
    return decide(user, call, Power.AUDIT)
