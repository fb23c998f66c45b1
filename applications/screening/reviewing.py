"""Writes of reviewing: a screener's review, the score it refreshes, conflicts of interest, notes and assignment.

Each service checks the actor's power on the call (``authority``) and writes its audit entry in
its own transaction. A candidacy's status is never written here: a first review moves it to
"in review" through ``services.candidacy_transition``, the only writer of candidacy status.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from applications.models import Candidacy, ConflictOfInterest, Note, Review
from applications.screening import visibility
from applications.screening.audit import audit
from applications.screening.rubric import parse, rubric_snapshot
from applications.screening.scoring import aggregate_reviews
from applications.screening.services import ScreeningError, candidacy_reloaded, candidacy_transition, require_power
from applications.screening.visibility import has_conflict
from applications.staff import actor_kind
from applications.teams import authority
from applications.teams.authority import Power

S = Candidacy.Status


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
    require_power(reviewer, candidacy.application.call, Power.REVIEW)
    if has_conflict(reviewer, candidacy):
        raise ScreeningError(_("You declared that you know this person; someone else screens this candidacy."))
    rubric = rubric_snapshot(candidacy.role)
    existing = Review.objects.filter(candidacy=candidacy, reviewer=reviewer).first()
    if existing is not None:
        rubric = existing.rubric  # a review stays pinned to the rubric it was first written against
    if len(scores) != len(rubric):
        raise ScreeningError(_("Score every criterion (or mark it not applicable)."))
    for score, criterion in zip(scores, parse(rubric), strict=True):
        if score is not None and not 1 <= score <= criterion.max_score:
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
        current = candidacy_reloaded(candidacy)
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


def conflict_declare(*, candidacy: Candidacy, by: Any, now: datetime | None = None) -> ConflictOfInterest:
    """A screener says "I know this person": they stop seeing, reviewing and being assigned the person.

    The person is every candidacy of theirs (``visibility.person_q``), not only this one. The
    declarer's reviews of that person are voided (kept, counted nowhere) and the scores,
    disagreement flags and review counts of those candidacies recomputed without them.
    """
    require_power(by, candidacy.application.call, Power.REVIEW)
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
        require_power(by, call, Power.REVIEW)
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
