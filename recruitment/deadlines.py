"""The one rule for whether a role takes applications at a given instant.

Everything that asks "is this role open?" — the listings, the role page, the
application form, the admin and the scheduled tasks — calls :func:`role_state`
(for one role) or :func:`open_roles_filter` (the same rule as a database
filter; ``tests/recruitment/test_deadlines.py`` checks the two agree).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

CLOSING_SOON = timedelta(hours=72)

#: Asked by ``RolePage.clean`` when a deadline change would let a closed role take applications
#: again: each returns why it may not ("" when it may). Recruitment knows nothing of screening, so
#: the selection lifecycle registers its rule here (``applications.apps``): a role whose shortlist
#: is with the city or approved is not opened again by a date.
EXTENSION_CHECKS: list[Callable[[Any], str]] = []


class RoleState(StrEnum):
    """Where a role stands for applicants."""

    UPCOMING = "upcoming"
    OPEN = "open"
    CLOSING_SOON = "closing_soon"
    CLOSED = "closed"

    @property
    def label(self) -> str:
        return str(STATE_LABELS[self])

    @property
    def accepts_applications(self) -> bool:
        return self in (RoleState.OPEN, RoleState.CLOSING_SOON)


STATE_LABELS = {
    RoleState.UPCOMING: _("Opens soon"),
    RoleState.OPEN: _("Open"),
    RoleState.CLOSING_SOON: _("Closing soon"),
    RoleState.CLOSED: _("Closed"),
}


def role_state(
    *,
    role_live: bool,
    call_live: bool,
    opens_at: datetime | None,
    closes_at: datetime,
    now: datetime | None = None,
) -> RoleState:
    """Decide a role's state at ``now``: closed at and after ``closes_at``, upcoming before ``opens_at``.

    A role whose call or itself is not published is closed: nobody can apply to it.
    Submissions must be complete before the deadline, so ``now == closes_at`` is closed.
    """
    now = now or timezone.now()
    if not (role_live and call_live) or now >= closes_at:
        return RoleState.CLOSED
    if opens_at is not None and now < opens_at:
        return RoleState.UPCOMING
    if closes_at - now <= CLOSING_SOON:
        return RoleState.CLOSING_SOON
    return RoleState.OPEN


def state_changes(*, opens_at: datetime | None, closes_at: datetime) -> tuple[datetime, ...]:
    """The instants at which :func:`role_state` changes by the clock alone.

    Opening, the start of "closing soon" (``CLOSING_SOON`` before the deadline) and the
    deadline itself. Anything that keeps a copy of a role's state (the public page cache)
    must let it go at the next of these; publishing and unpublishing change it too, and
    are signalled separately.
    """
    changes = [closes_at - CLOSING_SOON, closes_at]
    if opens_at is not None:
        changes.append(opens_at)
    return tuple(sorted(changes))


def next_state_change(*, opens_at: datetime | None, closes_at: datetime, now: datetime) -> datetime | None:
    """The first of :func:`state_changes` strictly after ``now``, or ``None`` when the role has closed."""
    return next((t for t in state_changes(opens_at=opens_at, closes_at=closes_at) if t > now), None)


def open_roles_filter(now: datetime | None = None, *, call_live_field: str = "call_live") -> Q:
    """The rule of :func:`role_state` as a filter: roles that accept applications at ``now``.

    Expects the queryset to be annotated with the call's liveness (see
    ``RolePage.objects.with_call()``).
    """
    now = now or timezone.now()
    return Q(live=True, **{call_live_field: True}, closes_at__gt=now) & (
        Q(opens_at__isnull=True) | Q(opens_at__lte=now)
    )


def extension_refusal(role: Any, now: datetime | None = None) -> str:
    """Why ``role``'s edited dates may not stand ("" when they may): only a change that would open it is asked."""
    if role.pk is None or role.closes_at is None:
        return ""
    would_be = role_state(role_live=True, call_live=True, opens_at=role.opens_at, closes_at=role.closes_at, now=now)
    if would_be == RoleState.CLOSED:
        return ""
    return next((reason for check in EXTENSION_CHECKS if (reason := check(role))), "")
