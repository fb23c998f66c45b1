"""Writes of screening: status moves, reviews, each role's shortlist and its approval, the audit log.

The two tables live in :mod:`.rules`: the candidacy status moves (:data:`ALLOWED_TRANSITIONS`,
enforced by :func:`candidacy_transition` alone — reviews, bulk moves and the applicant's withdrawal
included — so every change has its audit entry) and a role's selection lifecycle
(:data:`ROLE_MOVES`: one service per move, each asking :func:`role_move_check`).

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
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from applications.mail import triggers as notifications
from applications.models import AuditEntry, Candidacy, ConflictOfInterest, Note, Review, Shortlist
from applications.screening import visibility
from applications.screening.rules import (
    ALLOWED_TRANSITIONS,
    APPLICANT,
    APPROVER,
    CONTRACTOR,
    DECISIONS,
    ROLE_MOVES,
    UNSCREENED,
    WITHDRAWABLE,
    Move,
    Stage,
)
from applications.screening.scoring import aggregate_reviews, rubric_snapshot
from applications.screening.visibility import has_conflict
from applications.teams import authority
from applications.teams.authority import Power
from recruitment.deadlines import RoleState
from recruitment.models import CallPage, RolePage

logger = logging.getLogger(__name__)

S = Candidacy.Status

__all__ = ["ALLOWED_TRANSITIONS", "APPLICANT", "APPROVER", "CONTRACTOR", "DECISIONS", "ROLE_MOVES", "WITHDRAWABLE"]

#: Actors whose moves a conflict-of-interest declaration blocks.
CONFLICT_CHECKED = {CONTRACTOR}


class ScreeningError(Exception):
    """A refused screening action; ``message`` is for the person who tried it."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class TransitionConflict(ScreeningError):
    """Someone changed the candidacy since the page was loaded; ``current`` is what it is now."""

    def __init__(self, message: str, current: Candidacy) -> None:
        super().__init__(message)
        self.current = current


def actor_kind(user: Any, call: CallPage) -> set[str]:
    """In which roles ``user`` acts on ``call`` (``authority``); ``None`` is the applicant (their withdrawal link).

    The contractor's moves need the power to shortlist, the approver's the power to decide.
    """
    if user is None:
        return {APPLICANT}
    held = authority.powers(user, call)
    kinds = set()
    if Power.SHORTLIST in held:
        kinds.add(CONTRACTOR)
    if Power.DECIDE in held:
        kinds.add(APPROVER)
    return kinds


def audit(
    *,
    user: Any,
    action: str,
    call: CallPage,
    candidacy: Candidacy | None = None,
    rows: int | None = None,
    **detail: Any,
) -> AuditEntry:
    """Record who saw or changed personal data, in the screening audit log (not Wagtail's page history)."""
    return AuditEntry.objects.create(
        user=user if getattr(user, "pk", None) else None,
        action=action,
        call=call,
        candidacy=candidacy,
        rows=rows,
        data={"call_id": call.pk, **detail},
    )


def shortlist_for(role: RolePage) -> Shortlist:
    """The role's shortlist (made, as a draft, the first time it is asked for)."""
    shortlist, _created = Shortlist.objects.get_or_create(role=role)
    return shortlist


def role_is_closed(role: RolePage, now: datetime | None = None) -> bool:
    """Screening starts when the role no longer takes applications (``recruitment.deadlines``)."""
    return role.state(now) == RoleState.CLOSED


def _require(by: Any, call: CallPage, power: Power, *, shortlist: Shortlist | None = None) -> None:
    """Refuse with ``ScreeningError`` (the reason of ``authority``) unless ``by`` holds ``power`` on ``call``."""
    decision = authority.decide(by, call, power, shortlist=shortlist)
    if not decision:
        raise ScreeningError(decision.reason)


def role_stage(role: RolePage, now: datetime | None = None) -> Stage:
    """Where ``role``'s selection stands (:class:`rules.Stage`), read off its shortlist, candidacies and deadline.

    ``role`` as stored: a deadline being edited is checked against the stage it would leave.
    """
    shortlist = Shortlist.objects.filter(role_id=role.pk).first()
    status = shortlist.status if shortlist else Shortlist.Status.DRAFT
    candidacies = Candidacy.objects.filter(role_id=role.pk)
    if status == Shortlist.Status.SUBMITTED:
        return Stage.SUBMITTED
    if status == Shortlist.Status.APPROVED:
        if candidacies.filter(status__in=DECISIONS).exists():
            return Stage.DECIDED
        if shortlist.outcomes.filter(approval=shortlist.approvals).exists():
            return Stage.RESULTS_SENT
        return Stage.APPROVED
    if role.state(now) != RoleState.CLOSED:
        return Stage.OPEN
    if status == Shortlist.Status.RETURNED:
        return Stage.REOPENED if shortlist.approvals else Stage.RETURNED
    started = candidacies.exclude(status__in=UNSCREENED).exists() or candidacies.filter(review_count__gt=0).exists()
    return Stage.SCREENING if started else Stage.CLOSED


#: Why a move is refused, by move (the stage it was tried from is added).
_REFUSALS = {
    Move.EXTEND: gettext_lazy(
        "The shortlist of this role has been submitted to or approved by the city, so the deadline cannot "
        "open the role again. Ask a city approver to reopen the shortlist first."
    ),
    Move.SUBMIT: gettext_lazy("The shortlist of “%(role)s” cannot be submitted now."),
    Move.APPROVE: gettext_lazy("There is no submitted shortlist to decide on."),
    Move.RETURN: gettext_lazy("There is no submitted shortlist to decide on."),
    Move.SEND_RESULTS: gettext_lazy("The results of “%(role)s” are sent when its shortlist is approved."),
    Move.REOPEN: gettext_lazy("Only an approved shortlist whose results were sent can be reopened."),
    Move.DECIDE: gettext_lazy("The final selection is recorded after the city approves the shortlist."),
}


def role_move_check(role: RolePage, move: Move, now: datetime | None = None) -> Stage:
    """The stage ``move`` leads ``role`` to, per :data:`rules.ROLE_MOVES`; :class:`ScreeningError` if refused."""
    stage = role_stage(role, now)
    to = ROLE_MOVES.get((stage, move))
    if to is None:
        if move == Move.REOPEN and stage == Stage.DECIDED:
            raise ScreeningError(_("The final selection of this role is recorded; the shortlist stays as approved."))
        if move == Move.EXTEND and stage == Stage.DECIDED:
            raise ScreeningError(
                _("The final selection of this role is recorded; its deadline can no longer open it again.")
            )
        refusal = str(_REFUSALS[move]) % {"role": role.title}
        raise ScreeningError(_("%(refusal)s (now: %(stage)s)") % {"refusal": refusal, "stage": stage.label})
    return to


def role_extension_refusal(role: RolePage) -> str:
    """Why a deadline change may not open ``role`` again ("" when it may): the lifecycle's ``extend`` move.

    Registered with ``recruitment.deadlines.EXTENSION_CHECKS`` and asked by ``RolePage.clean``.
    """
    stored = RolePage.objects.filter(pk=role.pk).first()
    if stored is None or role_stage(stored) == Stage.OPEN:
        return ""
    refusals = []
    for language in ("ja", "en"):  # the editor's page form shows both, like the role's other date errors
        with translation.override(language):
            try:
                role_move_check(stored, Move.EXTEND)
            except ScreeningError as exc:
                refusals.append(exc.message)
    return " ".join(refusals)


def candidacy_transition(
    *,
    candidacy: Candidacy,
    to: str,
    by: Any,
    reason: str = "",
    expected_version: int | None = None,
    now: datetime | None = None,
) -> Candidacy:
    """Move a candidacy to ``to`` if the table, the user's right and the role's state allow it.

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
    if to == S.SHORTLISTED:
        _check_can_shortlist(candidacy)
    if CONFLICT_CHECKED & allowed_for and by is not None and has_conflict(by, candidacy):
        raise ScreeningError(_("You declared that you know this person; someone else screens this candidacy."))
    shortlist = Shortlist.objects.filter(role_id=candidacy.role_id).first() or Shortlist(role_id=candidacy.role_id)
    if CONTRACTOR in allowed_for and not shortlist.editable and S.SHORTLISTED in (candidacy.status, to):
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
        current = Candidacy.objects.select_related("application__applicant", "application__call", "role").get(
            pk=candidacy.pk
        )
        if not updated:
            raise TransitionConflict(
                _("Someone else changed this candidacy meanwhile: it is now “%(status)s”. Nothing was overwritten.")
                % {"status": S(current.status).label},
                current,
            )
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
            notifications.decision_send(candidacy=current)
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


class ReasonRequired(ScreeningError):
    """A review changed after colleagues' reviews could be read needs a reason (independent review)."""


def review_change_needs_reason(*, candidacy: Candidacy, reviewer: Any) -> bool:
    """Whether changing ``reviewer``'s review of ``candidacy`` needs a reason.

    A review is submitted once. Once it is in, the reviewer reads their colleagues' reviews
    (``visibility.others_reviews_visible``); from the moment another reviewer's review of the
    candidacy exists, a change may follow from reading it, so it needs a reason and is logged
    with both versions. A review nobody else could have influenced changes freely (still logged).
    """
    mine = Review.objects.filter(candidacy=candidacy, reviewer=reviewer)
    others = Review.objects.filter(candidacy=candidacy).exclude(reviewer=reviewer)
    return mine.exists() and others.exists()


def _review_version(review: Review) -> dict[str, Any]:
    return {"scores": list(review.scores), "recommendation": review.recommendation, "comment": review.comment}


def review_submit(
    *,
    candidacy: Candidacy,
    reviewer: Any,
    scores: list[int | None],
    comment: str,
    recommendation: str,
    reason: str = "",
    now: datetime | None = None,
) -> Review:
    """Save the reviewer's review against the role's rubric as it is now, or change it; refresh the aggregate.

    The first save is the submission. A later save is a change: logged with both versions
    (``kobo.candidacy.review_changed``), and refused with :class:`ReasonRequired` when it
    needs a reason (:func:`review_change_needs_reason`) and ``reason`` is blank.
    """
    _require(reviewer, candidacy.application.call, Power.REVIEW)
    if has_conflict(reviewer, candidacy):
        raise ScreeningError(_("You declared that you know this person; someone else screens this candidacy."))
    rubric = rubric_snapshot(candidacy.role)
    existing = Review.objects.filter(candidacy=candidacy, reviewer=reviewer).first()
    if existing is not None:
        rubric = existing.rubric  # a review stays pinned to the rubric it was first written against
    if len(scores) != len(rubric):
        raise ScreeningError(_("Score every criterion (or mark it not applicable)."))
    for score, criterion in zip(scores, rubric, strict=True):
        if score is not None and not 1 <= score <= criterion["max_score"]:
            raise ScreeningError(_("Scores are whole numbers from 1 to the criterion's maximum."))
    reason = reason.strip()
    if existing is not None and not reason and review_change_needs_reason(candidacy=candidacy, reviewer=reviewer):
        raise ReasonRequired(
            _("You have read your colleagues' reviews: say why you change your own (both versions are logged).")
        )
    now = now or timezone.now()
    with transaction.atomic():
        before = _review_version(existing) if existing is not None else None
        review, _created = Review.objects.update_or_create(
            candidacy=candidacy,
            reviewer=reviewer,
            defaults={
                "rubric": rubric,
                "scores": scores,
                "comment": comment,
                "recommendation": recommendation,
                # A change keeps the time of the submission; the change's time is in the audit log.
                "submitted_at": existing.submitted_at if existing is not None else now,
            },
        )
        candidacy_refresh_score(candidacy)
        current = Candidacy.objects.select_related("application__call", "role").get(pk=candidacy.pk)
        if current.status == S.SUBMITTED:
            moved = candidacy_transition(candidacy=current, to=S.IN_REVIEW, by=reviewer, reason="first review saved")
            candidacy.status, candidacy.version = moved.status, moved.version
        call = candidacy.application.call
        if before is None:
            audit(user=reviewer, action="kobo.candidacy.review", call=call, candidacy=candidacy)
        else:
            after = _review_version(review)
            audit(
                user=reviewer,
                action="kobo.candidacy.review_changed",
                call=call,
                candidacy=candidacy,
                reason=reason,
                **{f"before_{k}": v for k, v in before.items()},
                **{f"after_{k}": v for k, v in after.items()},
            )
    return review


def candidacy_refresh_score(candidacy: Candidacy) -> tuple[Decimal | None, bool]:
    """Recompute the stored aggregate, disagreement flag and review count from the reviews that count.

    Void reviews (``visibility.counted_reviews``: their reviewer declared they know the person)
    stay in the database for the audit log but count in none of the three.
    """
    reviews = list(visibility.counted_reviews(candidacy.reviews.all()))
    score, disagreement = aggregate_reviews([(r.scores, r.rubric) for r in reviews])
    Candidacy.objects.filter(pk=candidacy.pk).update(score=score, disagreement=disagreement, review_count=len(reviews))
    candidacy.score, candidacy.disagreement, candidacy.review_count = score, disagreement, len(reviews)
    return score, disagreement


def _after_shortlist_change(shortlist: Shortlist, event: str) -> None:
    """The staff notice of a shortlist event ("submitted", "approved", "returned", "reopened"), on commit.

    Applicants' results are not written here: the approval writes them in its own transaction
    (:func:`shortlist_decide` → ``notifications.screening_results_send``).
    """

    def hook() -> None:
        logger.info("shortlist %s of role %s: %s", shortlist.pk, shortlist.role_id, event)
        notifications.shortlist_notify(shortlist=shortlist, event=event)

    transaction.on_commit(hook)


def _locked_shortlist(role: RolePage) -> Shortlist:
    return Shortlist.objects.select_for_update().select_related("role").get(pk=shortlist_for(role).pk)


def shortlist_submit(*, role: RolePage, by: Any, now: datetime | None = None) -> Shortlist:
    """The call's contractor hands one closed role's shortlist to the city for approval (move ``submit``)."""
    call = role.call
    _require(by, call, Power.SUBMIT)
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
    the same transaction: ``notifications.screening_results_send`` records who was told what and
    writes the mail to the outbox (a correction to those a new approval tells something else).
    """
    role = shortlist.role
    call = role.call
    _require(by, call, Power.APPROVE, shortlist=Shortlist.objects.get(pk=shortlist.pk))  # as stored now
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
            notifications.screening_results_send(shortlist=shortlist, now=now)
        _after_shortlist_change(shortlist, "approved" if approve else "returned")
    return shortlist


def shortlist_reopen(*, shortlist: Shortlist, by: Any, reason: str, now: datetime | None = None) -> Shortlist:
    """An approver of the call's city reopens an approved shortlist (reason required): back to the contractor.

    Refused once a final decision is recorded (the table has no ``reopen`` from ``decided``). What
    each candidacy was told stays recorded: the next approval corrects only those whose outcome changes.
    """
    role = shortlist.role
    call = role.call
    _require(by, call, Power.APPROVE)
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
        _after_shortlist_change(shortlist, "reopened")
    return shortlist


def conflict_declare(*, candidacy: Candidacy, by: Any, now: datetime | None = None) -> ConflictOfInterest:
    """A screener says "I know this person": they stop seeing, reviewing and being assigned the person.

    The person is every candidacy of theirs (``visibility.person_q``), not only this one. The
    declarer's reviews of that person are voided (kept, counted nowhere) and the scores,
    disagreement flags and review counts of those candidacies recomputed without them.
    """
    _require(by, candidacy.application.call, Power.REVIEW)
    now = now or timezone.now()
    with transaction.atomic():
        conflict, created = ConflictOfInterest.objects.get_or_create(user=by, candidacy=candidacy)
        person = Candidacy.objects.filter(visibility.person_q([(candidacy.application_id, candidacy.email_key)]))
        person.filter(assigned_reviewer=by).update(assigned_reviewer=None)
        if candidacy.assigned_reviewer_id == by.pk:
            candidacy.assigned_reviewer = None
        voided = Review.objects.filter(candidacy__in=person, reviewer=by, voided_at__isnull=True)
        touched = list(Candidacy.objects.filter(pk__in=voided.values("candidacy_id")))
        voided_count = voided.update(voided_at=now)
        for other in touched:
            candidacy_refresh_score(other)
        if created:
            audit(user=by, action="kobo.candidacy.conflict", call=candidacy.application.call, candidacy=candidacy,
                  reviews_voided=voided_count)  # fmt: skip
    visibility.forget_conflicts(by)
    return conflict


def note_add(*, candidacy: Candidacy, author: Any, text: str) -> Note:
    """A screener's or approver's note on a candidacy (officials read only)."""
    if not actor_kind(author, candidacy.application.call):
        raise ScreeningError(_("You may not add notes."))
    if not text.strip():
        raise ScreeningError(_("The note is empty."))
    with transaction.atomic():
        note = Note.objects.create(candidacy=candidacy, author=author, text=text.strip()[:5000])
        audit(user=author, action="kobo.candidacy.note", call=candidacy.application.call, candidacy=candidacy)
    return note


def candidacies_assign_reviewer(*, candidacies: list[Candidacy], reviewer: Any, by: Any) -> int:
    """Ask ``reviewer`` (a contractor assigned to the call) to review these candidacies; one audit entry each.

    Reviews already written stay where they are: assignment only says whose turn it is.
    """
    calls = {c.application.call_id: c.application.call for c in candidacies}.values()
    for call in calls:
        _require(by, call, Power.REVIEW)
        if not (authority.standing(reviewer, call).running and authority.decide(reviewer, call, Power.REVIEW)):
            raise ScreeningError(_("Reviewers must be screening staff assigned to this call."))
    if any(has_conflict(reviewer, c) for c in candidacies):
        raise ScreeningError(_("This reviewer declared that they know one of these people; assign someone else."))
    with transaction.atomic():
        for candidacy in candidacies:
            Candidacy.objects.filter(pk=candidacy.pk).update(assigned_reviewer=reviewer)
            audit(user=by, action="kobo.candidacy.assign", call=candidacy.application.call, candidacy=candidacy,
                  reviewer=reviewer.get_username())  # fmt: skip
    return len(candidacies)
