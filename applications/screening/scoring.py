"""How reviews add up: one rule for a candidacy's score and for flagging reviewers who disagree.

Used by the demo data generator and by screening, so that the stored
``Candidacy.score`` and ``Candidacy.disagreement`` always mean the same thing.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import ROUND_HALF_UP, Decimal
from itertools import combinations
from typing import Any

#: Every score is put on this scale before weighting, whatever a criterion's maximum.
SCALE = Decimal(5)
#: Two reviews that differ by this many points (or more) on one criterion disagree.
DISAGREEMENT_POINTS = 2
_CENTS = Decimal("0.01")


def criterion_weight(criterion: Mapping[str, Any]) -> Decimal:
    """A criterion's weight as a Decimal (rubric snapshots store it as a string or a number)."""
    weight = criterion.get("weight")
    return Decimal(str(weight)) if weight not in (None, "") else Decimal(1)


def criterion_max(criterion: Mapping[str, Any]) -> int:
    """A criterion's maximum score (5 when the snapshot does not say)."""
    return int(criterion.get("max_score") or 5)


def review_score(scores: Sequence[int | None], rubric: Sequence[Mapping[str, Any]]) -> Decimal | None:
    """One review's weighted mean on the 0–5 scale, unrounded; None when no criterion counts.

    ``sum(weight × score / max_score × 5) / sum(weight)`` over the criteria that were
    scored: a ``None`` score (not applicable) is left out of the numerator and the
    denominator alike, so it neither lowers nor raises the result.
    """
    if len(scores) != len(rubric):
        raise ValueError(f"{len(scores)} scores for a rubric of {len(rubric)} criteria")
    numerator = Decimal(0)
    denominator = Decimal(0)
    for score, criterion in zip(scores, rubric, strict=True):
        if score is None:
            continue
        weight = criterion_weight(criterion)
        numerator += weight * Decimal(score) / criterion_max(criterion) * SCALE
        denominator += weight
    if denominator == 0:
        return None
    return numerator / denominator


def disagree(scores_a: Sequence[int | None], scores_b: Sequence[int | None]) -> bool:
    """True when two reviews are ``DISAGREEMENT_POINTS`` or more apart on a criterion both scored."""
    return any(
        a is not None and b is not None and abs(a - b) >= DISAGREEMENT_POINTS
        for a, b in zip(scores_a, scores_b, strict=True)
    )


def aggregate_scores(
    reviews_scores: list[list[int | None]], rubric: list[dict[str, Any]]
) -> tuple[Decimal | None, bool]:
    """A candidacy's score and whether its reviewers disagree, from all its reviews' scores.

    ``reviews_scores`` holds one list per review, one whole number per criterion in
    ``rubric`` order (``rubric``: dicts with ``weight`` and ``max_score``, as in
    ``Review.rubric``). Each review gives ``sum(w × s / max × 5) / sum(w)``; the score is
    the mean of those over the reviews, rounded half up to two decimals (0.00–5.00).

    ``None`` means *not applicable*: that criterion is left out of both the numerator
    and the denominator of that review (it counts neither as zero nor as full marks).
    A review with every criterion ``None`` is left out of the mean; if no review
    counts, the score is ``None``.

    Disagreement is True when any two reviews differ by 2 points or more (raw points,
    not the 0–5 scale) on a criterion that both scored.

    Raises ValueError when a review's scores do not match the rubric's length.
    """
    return aggregate_reviews([(scores, rubric) for scores in reviews_scores])


def aggregate_reviews(reviews: list[tuple[list[int | None], list[dict[str, Any]]]]) -> tuple[Decimal | None, bool]:
    """The rule of :func:`aggregate_scores` for reviews pinned to their own rubric snapshots.

    Each review is scored against the rubric it was written against; disagreement is
    looked for only between reviews of the same rubric (the same criteria in order),
    since a criterion's points mean nothing against another rubric's.
    """
    per_review = [review_score(scores, rubric) for scores, rubric in reviews]
    counted = [value for value in per_review if value is not None]
    score = (sum(counted) / len(counted)).quantize(_CENTS, rounding=ROUND_HALF_UP) if counted else None
    disagreement = any(
        disagree(a, b)
        for (a, rubric_a), (b, rubric_b) in combinations(reviews, 2)
        if [c["name"] for c in rubric_a] == [c["name"] for c in rubric_b]
    )
    return score, disagreement


def rubric_snapshot(role: Any) -> list[dict[str, Any]]:
    """A role's rubric as ``Review.rubric`` stores it: name, name_en, weight (a string), max_score.

    ``role`` is a ``RolePage``; its StreamField holds ``("criterion", {...})`` blocks.
    """
    return [
        {
            "name": value["name"],
            "name_en": value.get("name_en") or "",
            "weight": str(value["weight"]),
            "max_score": int(value["max_score"]),
        }
        for value in (block.value for block in role.rubric)
    ]
