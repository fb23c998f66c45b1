"""How reviews add up: one rule for a candidacy's score and for flagging reviewers who disagree.

Used by the demo data generator and by screening, so that the stored
``Candidacy.score`` and ``Candidacy.disagreement`` always mean the same thing. A rubric is
read by :mod:`.rubric` (a stored copy, a list of :class:`~.rubric.Criterion` or of dicts).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from decimal import ROUND_HALF_UP, Decimal
from itertools import combinations
from typing import Any

from applications.screening.rubric import Criterion, parse

#: A rubric as scoring takes it: criteria, or their stored copies (``Review.rubric``).
Rubric = Iterable[Criterion | Mapping[str, Any]]

#: Every score is put on this scale before weighting, whatever a criterion's maximum.
SCALE = Decimal(5)
#: Two reviews that differ by this many points (or more) on one criterion disagree.
DISAGREEMENT_POINTS = 2
_CENTS = Decimal("0.01")


def review_score(scores: Sequence[int | None], rubric: Rubric) -> Decimal | None:
    """One review's weighted mean on the 0–5 scale, unrounded; None when no criterion counts.

    ``sum(weight × score / max_score × 5) / sum(weight)`` over the criteria that were
    scored: a ``None`` score (not applicable) is left out of the numerator and the
    denominator alike, so it neither lowers nor raises the result.
    """
    criteria = parse(rubric)
    if len(scores) != len(criteria):
        raise ValueError(f"{len(scores)} scores for a rubric of {len(criteria)} criteria")
    numerator = Decimal(0)
    denominator = Decimal(0)
    for score, criterion in zip(scores, criteria, strict=True):
        if score is None:
            continue
        weight = criterion.weight_value
        numerator += weight * Decimal(score) / criterion.max_score * SCALE
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


def aggregate_scores(reviews_scores: list[list[int | None]], rubric: Rubric) -> tuple[Decimal | None, bool]:
    """A candidacy's score and whether its reviewers disagree, from all its reviews' scores.

    ``reviews_scores`` holds one list per review, one whole number per criterion in
    ``rubric`` order (``rubric``: criteria with a weight and a maximum, or their stored copy as in
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
    criteria = parse(rubric)
    return aggregate_reviews([(scores, criteria) for scores in reviews_scores])


def aggregate_reviews(reviews: Sequence[tuple[Sequence[int | None], Rubric]]) -> tuple[Decimal | None, bool]:
    """The rule of :func:`aggregate_scores` for reviews pinned to their own rubric snapshots.

    Each review is scored against the rubric it was written against; disagreement is
    looked for only between reviews of the same rubric (the same criteria in order),
    since a criterion's points mean nothing against another rubric's.
    """
    parsed = [(scores, parse(rubric)) for scores, rubric in reviews]
    per_review = [review_score(scores, criteria) for scores, criteria in parsed]
    counted = [value for value in per_review if value is not None]
    score = (sum(counted) / len(counted)).quantize(_CENTS, rounding=ROUND_HALF_UP) if counted else None
    disagreement = any(
        disagree(a, b)
        for (a, rubric_a), (b, rubric_b) in combinations(parsed, 2)
        if [c.name for c in rubric_a] == [c.name for c in rubric_b]
    )
    return score, disagreement
