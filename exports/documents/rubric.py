"""The rubric as the documents read it: the role's criteria now, and those pinned on older reviews.

Parsing is screening's (``applications.screening.rubric``: one type, one parser); this module only
combines the role's criteria with those that older pinned copies still carry.
"""

from __future__ import annotations

from applications.models import Review
from applications.screening.rubric import Criterion, parse, role_rubric
from recruitment.models import RolePage


def criteria_of(role: RolePage) -> list[Criterion]:
    """The role's rubric as it is now (reviews carry their own pinned copies)."""
    return role_rubric(role)


def criteria_with_reviews(base: list[Criterion], reviews: list[Review]) -> list[Criterion]:
    """The role's criteria (``base``), plus any criterion that only an older pinned rubric of a review has."""
    criteria = list(base)
    names = {c.name for c in criteria}
    for review in reviews:
        for c in parse(review.rubric):
            if c.name not in names:
                names.add(c.name)
                criteria.append(c)
    return criteria


def scores_by_name(review: Review) -> dict[str, int | None]:
    """The review's scores keyed by the name of the criterion of its pinned rubric."""
    return {c.name: s for c, s in zip(parse(review.rubric), review.scores, strict=False)}
