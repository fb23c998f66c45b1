"""Writes of screening's moves: a candidacy's status, each role's shortlist, its approval and its lifecycle.

The two tables live in :mod:`.rules`: the candidacy status moves (:data:`ALLOWED_TRANSITIONS`,
enforced by :func:`candidacy_transition` alone — reviews, bulk moves and the applicant's withdrawal
included — so every change has its audit entry) and a role's selection lifecycle
(:data:`ROLE_MOVES`: one service per move, each asking :func:`role_move_check`). Reviews,
conflicts of interest, notes and assignment are written by :mod:`.reviewing`; every entry of
the audit log by :func:`.audit.audit`.

Actors: a user, or ``by=None`` for the applicant acting through their own signed
withdrawal link (anonymous, see ``applications.intake.views``). ``None`` may make only the
moves marked :data:`APPLICANT`; it is recorded as "the applicant" in the audit log.
"""

from __future__ import annotations

import logging
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from applications.mail.triggers.results import decision_send, screening_results_send
from applications.mail.triggers.staff import shortlist_notify
from applications.models import Candidacy, FinalDecision, Shortlist
from applications.screening.audit import audit
from applications.screening.lifecycle import (
    ScreeningError,
    TransitionConflict,
    role_is_closed,
    role_move_check,
)
from applications.screening.lifecycle import role_stage as role_stage  # asked here by its older callers
from applications.screening.rules import (
    ALLOWED_TRANSITIONS,
    DECISIONS,
    REASONED,
    Move,
)
from applications.screening.visibility import has_conflict
from applications.staff import CONTRACTOR, actor_kind
from applications.statistics.tallies import transition_tally
from applications.teams import authority
from applications.teams.authority import Power
from recruitment.models import CallPage, RolePage
from recruitment.selectors import role_call

logger = logging.getLogger(__name__)

S = Candidacy.Status

#: Actors whose moves a conflict-of-interest declaration blocks.
CONFLICT_CHECKED = {CONTRACTOR}


def shortlist_for(role: RolePage) -> Shortlist:
    """The role's shortlist (made, as a draft, the first time it is asked for)."""
    shortlist, _created = Shortlist.objects.get_or_create(role=role)
    return shortlist


def require_power(by: Any, call: CallPage, power: Power, *, shortlist: Shortlist | None = None) -> None:
    """Refuse with ``ScreeningError`` (the reason of ``authority``) unless ``by`` holds ``power`` on ``call``."""
    decision = authority.decide(by, call, power, shortlist=shortlist)
    if not decision:
        raise ScreeningError(decision.reason)


def candidacy_transition(
    *,
    candidacy: Candidacy,
    to: str,
    by: Any,
    reason: str = "",
    expected_version: int | None = None,
    now: datetime | None = None,
    decision: FinalDecision | None = None,
) -> Candidacy:
    """Move a candidacy to ``to`` if the table, the user's right and the role's state allow it.

    採用 / 不採用 / 補欠 (:data:`rules.REASONED`) move only with ``decision``, this candidacy's stored
    ``FinalDecision`` with that outcome and a reason (``interviews.decisions``): any other path is refused.

    Optimistic concurrency: the move applies only if the candidacy is still at
    ``expected_version`` (default: the version the caller holds); otherwise
    :class:`TransitionConflict` carries the current state instead of overwriting it.
    """
    version = candidacy.version if expected_version is None else expected_version
    call = candidacy.application.call
    allowed_for = ALLOWED_TRANSITIONS.get((candidacy.status, to))
    if allowed_for is None:
        raise ScreeningError(
            _("A candidacy cannot move from “%(from)s” to “%(to)s”.")
            % {"from": S(candidacy.status).label, "to": S(to).label}
        )
    if not (allowed_for & actor_kind(by, call)):
        raise ScreeningError(_("You may not make this change."))
    if to in REASONED and not (
        decision and decision.pk and decision.reason and (decision.candidacy_id, decision.outcome) == (candidacy.pk, to)
    ):
        raise ScreeningError(
            _(
                "Selected, not selected and reserve are recorded one by one with a reason, "
                "on the role's final decision page."
            )
        )
    if to == S.SHORTLISTED:
        _check_can_shortlist(candidacy)
    if CONFLICT_CHECKED & allowed_for and by is not None and has_conflict(by, candidacy):
        raise ScreeningError(_("You declared that you know this person; someone else screens this candidacy."))
    if CONTRACTOR in allowed_for and S.SHORTLISTED in (candidacy.status, to) and not _shortlist_editable(candidacy):
        raise ScreeningError(_("The shortlist has been submitted to the city; it can no longer be changed."))
    if to in DECISIONS:
        role_move_check(candidacy.role, Move.DECIDE)

    with transaction.atomic():
        changes: dict[str, Any] = {"status": to, "version": F("version") + 1}
        if to == S.WITHDRAWN:
            changes["withdrawn_at"] = now or timezone.now()
        if to in DECISIONS:
            changes["decided_at"] = now or timezone.now()
        updated = Candidacy.objects.filter(pk=candidacy.pk, version=version, status=candidacy.status).update(**changes)
        current = candidacy_reloaded(candidacy)
        if not updated:
            raise TransitionConflict(
                _("Someone else changed this candidacy meanwhile: it is now “%(status)s”. Nothing was overwritten.")
                % {"status": S(current.status).label},
                current,
            )
        transition_tally(candidacy=current, from_status=candidacy.status, to_status=to)
        audit(
            user=by,
            action="kobo.candidacy.status",
            call=call,
            candidacy=current,
            from_status=candidacy.status,
            to_status=to,
            reason=reason,
            by="applicant" if by is None else "staff",
        )
        if to in DECISIONS:
            decision_send(candidacy=current, previous=candidacy.status)
    return current


def _shortlist_editable(candidacy: Candidacy) -> bool:
    shortlist = Shortlist.objects.filter(role_id=candidacy.role_id).first() or Shortlist(role_id=candidacy.role_id)
    return shortlist.editable


def candidacy_reloaded(candidacy: Candidacy) -> Candidacy:
    """``candidacy`` read again (its status, version, score), keeping the application and role it already holds.

    Neither changes when a candidacy moves; reading them again (two pages of many columns) was most of a move's cost.
    """
    current = Candidacy.objects.get(pk=candidacy.pk)
    if Candidacy.application.is_cached(candidacy):
        current.application = candidacy.application
    if Candidacy.role.is_cached(candidacy):
        current.role = candidacy.role
    return current


def shortlist_limit(role: Any, factor: Decimal) -> int:
    """How many candidates of ``role`` may be shortlisted: headcount × the call's factor."""
    return int(role.headcount * Decimal(factor))


def _check_can_shortlist(candidacy: Candidacy) -> None:
    role = candidacy.role
    if not role_is_closed(role):
        raise ScreeningError(_("Candidates can be shortlisted only after the role's deadline."))
    factor = candidacy.application.call.shortlist_factor
    limit = shortlist_limit(role, factor)
    taken = Candidacy.objects.filter(role=role, status=S.SHORTLISTED).count()
    if taken >= limit:
        raise ScreeningError(
            _("This role already has %(n)s shortlisted candidates, the most allowed (headcount × %(f)s).")
            % {"n": taken, "f": factor}
        )


def _after_shortlist_change(shortlist: Shortlist, event: str) -> None:
    """The staff notice of a shortlist event ("submitted", "approved", "returned", "reopened"), in its transaction.

    Applicants' results are not written here: the approval writes them in its own transaction
    (:func:`shortlist_decide` → ``mail.triggers.results.screening_results_send``).
    """
    shortlist_notify(shortlist=shortlist, event=event, staff=authority.mail_recipients)
    transaction.on_commit(lambda: logger.info("shortlist %s of role %s: %s", shortlist.pk, shortlist.role_id, event))


def _locked_shortlist(role: RolePage) -> Shortlist:
    return Shortlist.objects.select_for_update().select_related("role").get(pk=shortlist_for(role).pk)


def shortlist_submit(*, role: RolePage, by: Any, now: datetime | None = None) -> Shortlist:
    """The call's contractor hands one closed role's shortlist to the city for approval (move ``submit``)."""
    call = role_call(role)
    require_power(by, call, Power.SUBMIT)
    if not role_is_closed(role, now):
        raise ScreeningError(
            _("“%(role)s” still takes applications: submit its shortlist after the deadline.") % {"role": role.title}
        )
    with transaction.atomic():
        shortlist = _locked_shortlist(role)
        if shortlist.status == Shortlist.Status.SUBMITTED:
            raise ScreeningError(_("The shortlist of “%(role)s” has already been submitted.") % {"role": role.title})
        if not Candidacy.objects.filter(role=role, status=S.SHORTLISTED).exists():
            raise ScreeningError(
                _("Shortlist at least one candidate for “%(role)s” before submitting.") % {"role": role.title}
            )
        role_move_check(role, Move.SUBMIT, now)
        shortlist.status = Shortlist.Status.SUBMITTED
        shortlist.submitted_by = by
        shortlist.submitted_at = now or timezone.now()
        shortlist.save()
        audit(user=by, action="kobo.shortlist.submit", call=call, role_id=role.pk, role=role.title)
        _after_shortlist_change(shortlist, "submitted")
    return shortlist


def shortlist_decide(
    *, shortlist: Shortlist, by: Any, approve: bool, comment: str = "", now: datetime | None = None
) -> Shortlist:
    """A city approver of the call's city approves a submitted shortlist, or returns it with a comment.

    Approval (move ``approve``, then ``send_results``) tells every judged candidacy its result in
    the same transaction: ``mail.triggers.results.screening_results_send`` records who was told what and
    writes the mail to the outbox (a correction to those a new approval tells something else).
    """
    role = shortlist.role
    call = role_call(role)
    require_power(by, call, Power.APPROVE, shortlist=Shortlist.objects.get(pk=shortlist.pk))  # as stored now
    if not approve and not comment.strip():
        raise ScreeningError(_("Say what should change when returning the shortlist."))
    with transaction.atomic():
        shortlist = _locked_shortlist(role)
        role_move_check(role, Move.APPROVE if approve else Move.RETURN, now)
        shortlist.status = Shortlist.Status.APPROVED if approve else Shortlist.Status.RETURNED
        shortlist.decided_by = by
        shortlist.decided_at = now or timezone.now()
        shortlist.comment = comment.strip()
        if approve:
            shortlist.approvals += 1
        shortlist.save()
        audit(
            user=by,
            action="kobo.shortlist.approve" if approve else "kobo.shortlist.return",
            call=call,
            role_id=role.pk,
            role=role.title,
            comment=shortlist.comment,
            approval=shortlist.approvals,
        )
        if approve:
            role_move_check(role, Move.SEND_RESULTS, now)
            screening_results_send(shortlist=shortlist, now=now)
        _after_shortlist_change(shortlist, "approved" if approve else "returned")
    return shortlist


def shortlist_reopen(*, shortlist: Shortlist, by: Any, reason: str, now: datetime | None = None) -> Shortlist:
    """An approver of the call's city reopens an approved shortlist (reason required): back to the contractor.

    Refused once a final decision is recorded (the table has no ``reopen`` from ``decided``). What
    each candidacy was told stays recorded: the next approval corrects only those whose outcome changes.
    The role's live interview round is cancelled in the same transaction, and those it invited are told.
    """
    # Interviews build on screening (their services import this module), so they are imported here.
    from applications.interviews.services import interview_rounds_cancel

    role = shortlist.role
    call = role_call(role)
    require_power(by, call, Power.APPROVE)
    if not reason.strip():
        raise ScreeningError(_("Say why the approved shortlist is reopened."))
    with transaction.atomic():
        shortlist = _locked_shortlist(role)
        role_move_check(role, Move.REOPEN, now)
        shortlist.status = Shortlist.Status.RETURNED
        shortlist.decided_by = by
        shortlist.decided_at = now or timezone.now()
        shortlist.comment = reason.strip()
        shortlist.save()
        audit(user=by, action="kobo.shortlist.reopen", call=call, role_id=role.pk, role=role.title,
              reason=shortlist.comment, approval=shortlist.approvals)  # fmt: skip
        interview_rounds_cancel(role=role, by=by, now=now)
        _after_shortlist_change(shortlist, "reopened")
    return shortlist
