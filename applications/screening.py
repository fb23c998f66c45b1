"""Writes of screening: status moves, reviews, the shortlist and its approval, the audit log.

The allowed status moves are one table, :data:`ALLOWED_TRANSITIONS`, enforced by
:func:`candidacy_transition` alone.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.log_actions import log

from recruitment.deadlines import RoleState
from recruitment.models import CallPage

from . import access, notifications
from .models import Assignment, Candidacy, Note, Review, Shortlist
from .scoring import aggregate_reviews, rubric_snapshot

S = Candidacy.Status

CONTRACTOR = "contractor"
APPROVER = "approver"
APPLICANT = "applicant"

#: (from, to) → who may make the move. Plain data: read it as the pipeline.
ALLOWED_TRANSITIONS: dict[tuple[str, str], set[str]] = {
    (S.SUBMITTED, S.IN_REVIEW): {CONTRACTOR},
    (S.SUBMITTED, S.REJECTED): {CONTRACTOR},
    (S.IN_REVIEW, S.SHORTLISTED): {CONTRACTOR},
    (S.IN_REVIEW, S.REJECTED): {CONTRACTOR},
    (S.SHORTLISTED, S.IN_REVIEW): {CONTRACTOR},
    (S.REJECTED, S.IN_REVIEW): {CONTRACTOR},
    (S.SHORTLISTED, S.SELECTED): {APPROVER},
    (S.SHORTLISTED, S.NOT_SELECTED): {APPROVER},
    (S.SUBMITTED, S.WITHDRAWN): {APPLICANT},
    (S.IN_REVIEW, S.WITHDRAWN): {APPLICANT},
    (S.SHORTLISTED, S.WITHDRAWN): {APPLICANT},
}

#: Statuses from which the applicant may still withdraw (no decision yet), read off the table.
WITHDRAWABLE = frozenset(
    frm for (frm, to), who in ALLOWED_TRANSITIONS.items() if to == S.WITHDRAWN and APPLICANT in who
)

#: Moves that are the final decision: they tell the applicant (through the outbox) and start the retention period.
DECISIONS = frozenset({S.SELECTED, S.NOT_SELECTED})


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


def actor_kind(user: Any) -> set[str]:
    kinds = set()
    if user.is_superuser or access.is_contractor(user):
        kinds.add(CONTRACTOR)
    if access.is_approver(user):
        kinds.add(APPROVER)
    return kinds


def audit(*, user: Any, action: str, call: CallPage, candidacy: Candidacy | None = None, **detail: Any) -> None:
    """Record who saw or changed personal data, in Wagtail's log (shown in the admin's history)."""
    instance = candidacy or call
    log(instance=instance, action=action, user=user, data={"call_id": call.pk, **detail})


def _shortlist(call: CallPage) -> Shortlist:
    shortlist, _ = Shortlist.objects.get_or_create(call=call)
    return shortlist


def candidacy_transition(
    *, candidacy: Candidacy, to: str, by: Any, reason: str = "", expected_version: int | None = None
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
    if not (allowed_for & actor_kind(by)):
        raise ScreeningError(_("You may not make this change."))
    if to == S.SHORTLISTED:
        _check_can_shortlist(candidacy)
    shortlist = _shortlist(call)
    frozen = shortlist.status in {Shortlist.Status.SUBMITTED, Shortlist.Status.APPROVED}
    if CONTRACTOR in allowed_for and frozen and S.SHORTLISTED in (candidacy.status, to):
        raise ScreeningError(_("The shortlist has been submitted to the city; it can no longer be changed."))
    if to in {S.SELECTED, S.NOT_SELECTED} and shortlist.status != Shortlist.Status.APPROVED:
        raise ScreeningError(_("The final selection is recorded after the city approves the shortlist."))

    with transaction.atomic():
        updated = Candidacy.objects.filter(pk=candidacy.pk, version=version, status=candidacy.status).update(
            status=to, version=F("version") + 1, decided_at=timezone.now() if to in DECISIONS else None
        )
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
        )
        if to in DECISIONS:
            notifications.decision_send(candidacy=current)
    return current


def shortlist_limit(role: Any, factor: Decimal) -> int:
    """How many candidates of ``role`` may be shortlisted: headcount × the call's factor."""
    return int(role.headcount * Decimal(factor))


def _check_can_shortlist(candidacy: Candidacy) -> None:
    role = candidacy.role
    if role.state() != RoleState.CLOSED:
        raise ScreeningError(_("Candidates can be shortlisted only after the role's deadline."))
    shortlist = _shortlist(candidacy.application.call)
    limit = shortlist_limit(role, shortlist.factor)
    taken = Candidacy.objects.filter(role=role, status=S.SHORTLISTED).count()
    if taken >= limit:
        raise ScreeningError(
            _("This role already has %(n)s shortlisted candidates, the most allowed (headcount × %(f)s).")
            % {"n": taken, "f": shortlist.factor}
        )


def review_submit(
    *,
    candidacy: Candidacy,
    reviewer: Any,
    scores: list[int | None],
    comment: str,
    recommendation: str,
    now: datetime | None = None,
) -> Review:
    """Save (or update) the reviewer's review against the role's rubric as it is now; refresh the aggregate."""
    if not access.can_review(reviewer):
        raise ScreeningError(_("You may not review candidacies."))
    rubric = rubric_snapshot(candidacy.role)
    existing = Review.objects.filter(candidacy=candidacy, reviewer=reviewer).first()
    if existing is not None:
        rubric = existing.rubric  # a review stays pinned to the rubric it was first written against
    if len(scores) != len(rubric):
        raise ScreeningError(_("Score every criterion (or mark it not applicable)."))
    for score, criterion in zip(scores, rubric, strict=True):
        if score is not None and not 1 <= score <= criterion["max_score"]:
            raise ScreeningError(_("Scores are whole numbers from 1 to the criterion's maximum."))
    now = now or timezone.now()
    with transaction.atomic():
        review, _created = Review.objects.update_or_create(
            candidacy=candidacy,
            reviewer=reviewer,
            defaults={
                "rubric": rubric,
                "scores": scores,
                "comment": comment,
                "recommendation": recommendation,
                "submitted_at": now,
            },
        )
        candidacy_refresh_score(candidacy)
        if candidacy.status == S.SUBMITTED:
            Candidacy.objects.filter(pk=candidacy.pk, status=S.SUBMITTED).update(
                status=S.IN_REVIEW, version=F("version") + 1
            )
        audit(user=reviewer, action="kobo.candidacy.review", call=candidacy.application.call, candidacy=candidacy)
    return review


def candidacy_refresh_score(candidacy: Candidacy) -> tuple[Decimal | None, bool]:
    """Recompute the stored aggregate and disagreement flag from the candidacy's reviews."""
    reviews = list(candidacy.reviews.all())
    score, disagreement = aggregate_reviews([(r.scores, r.rubric) for r in reviews])
    Candidacy.objects.filter(pk=candidacy.pk).update(score=score, disagreement=disagreement, review_count=len(reviews))
    candidacy.score, candidacy.disagreement, candidacy.review_count = score, disagreement, len(reviews)
    return score, disagreement


def shortlist_submit(*, call: CallPage, by: Any, now: datetime | None = None) -> Shortlist:
    """The contractor hands the shortlist to the city for approval."""
    if CONTRACTOR not in actor_kind(by):
        raise ScreeningError(_("Only the screening contractor submits the shortlist."))
    with transaction.atomic():
        shortlist = Shortlist.objects.select_for_update().get(pk=_shortlist(call).pk)
        if shortlist.status not in {Shortlist.Status.DRAFT, Shortlist.Status.RETURNED}:
            raise ScreeningError(_("The shortlist has already been submitted."))
        if not Candidacy.objects.filter(application__call=call, status=S.SHORTLISTED).exists():
            raise ScreeningError(_("Shortlist at least one candidate before submitting."))
        shortlist.status = Shortlist.Status.SUBMITTED
        shortlist.submitted_by = by
        shortlist.submitted_at = now or timezone.now()
        shortlist.save()
        audit(user=by, action="kobo.shortlist.submit", call=call)
        notifications.shortlist_notify(shortlist=shortlist, event="submitted", by=by)
    return shortlist


def shortlist_decide(
    *, call: CallPage, by: Any, approve: bool, comment: str = "", now: datetime | None = None
) -> Shortlist:
    """A city approver approves the submitted shortlist, or returns it with comments."""
    if APPROVER not in actor_kind(by):
        raise ScreeningError(_("Only a city approver decides on the shortlist."))
    if not approve and not comment.strip():
        raise ScreeningError(_("Say what should change when returning the shortlist."))
    with transaction.atomic():
        shortlist = Shortlist.objects.select_for_update().get(pk=_shortlist(call).pk)
        if shortlist.status != Shortlist.Status.SUBMITTED:
            raise ScreeningError(_("There is no submitted shortlist to decide on."))
        shortlist.status = Shortlist.Status.APPROVED if approve else Shortlist.Status.RETURNED
        shortlist.decided_by = by
        shortlist.decided_at = now or timezone.now()
        shortlist.comment = comment
        shortlist.save()
        audit(
            user=by, action="kobo.shortlist.approve" if approve else "kobo.shortlist.return", call=call, comment=comment
        )
        notifications.shortlist_notify(shortlist=shortlist, event="approved" if approve else "returned", by=by)
    return shortlist


def note_add(*, candidacy: Candidacy, author: Any, text: str) -> Note:
    """A screener's or approver's note on a candidacy (officials read only)."""
    if not actor_kind(author):
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
    if CONTRACTOR not in actor_kind(by):
        raise ScreeningError(_("Only the screening contractor assigns reviewers."))
    calls = {c.application.call_id for c in candidacies}
    eligible = Assignment.objects.filter(user=reviewer, call_id__in=calls).count() == len(calls)
    if not (eligible and access.is_contractor(reviewer)):
        raise ScreeningError(_("Reviewers must be screening staff assigned to this call."))
    with transaction.atomic():
        for candidacy in candidacies:
            Candidacy.objects.filter(pk=candidacy.pk).update(assigned_reviewer=reviewer)
            audit(user=by, action="kobo.candidacy.assign", call=candidacy.application.call, candidacy=candidacy,
                  reviewer=reviewer.get_username())  # fmt: skip
    return len(candidacies)
