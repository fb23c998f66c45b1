"""The rubric as the documents read it: the role's criteria now, and those pinned on older reviews.

The one place the documents parse a rubric (:func:`criteria_of` for a role's StreamField
blocks, :func:`criteria_with_reviews` for the copies pinned on reviews); when screening
gives the rubric one type and one parser, only this module changes.
"""

from __future__ import annotations

from dataclasses import dataclass

from applications.models import Review
from recruitment.models import RolePage


@dataclass
class Criterion:
    name: str
    name_en: str
    weight: str
    max_score: int
    description: str = ""


def criteria_of(role: RolePage) -> list[Criterion]:
    """The role's rubric as it is now (reviews carry their own pinned copies)."""
    return [
        Criterion(
            name=value["name"],
            name_en=value.get("name_en") or "",
            weight=str(value["weight"]),
            max_score=int(value["max_score"]),
            description=value.get("description") or "",
        )
        for value in (block.value for block in role.rubric)
    ]


def criteria_with_reviews(base: list[Criterion], reviews: list[Review]) -> list[Criterion]:
    """The role's criteria (``base``), plus any criterion that only an older pinned rubric of a review has."""
    criteria = list(base)
    names = {c.name for c in criteria}
    for review in reviews:
        for c in review.rubric:
            if c["name"] not in names:
                names.add(c["name"])
                criteria.append(
                    Criterion(c["name"], c.get("name_en") or "", str(c.get("weight", "1")), int(c.get("max_score", 5)))
                )
    return criteria


def scores_by_name(review: Review) -> dict[str, int | None]:
    """The review's scores keyed by the name of the criterion of its pinned rubric."""
    return {c["name"]: s for c, s in zip(review.rubric, review.scores, strict=False)}
