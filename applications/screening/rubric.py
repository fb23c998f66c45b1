"""A role's rubric: one type for a criterion and one parser, for the review form, the scores and the documents.

A role's rubric is a StreamField of ``criterion`` blocks (``recruitment.blocks.CriterionBlock``).
A review is pinned to the rubric it was first written against: ``Review.rubric`` stores a copy
(:func:`rubric_snapshot`), so a later edit of the role changes neither its scores nor their
meaning. Whatever the source (a block's value, a stored copy, hand-written test data), it is
read by :func:`criterion` alone.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

#: A criterion's maximum score when the data does not say.
DEFAULT_MAX_SCORE = 5


@dataclass(frozen=True)
class Criterion:
    """One criterion of a rubric, as a review pins it (plus the role's current description, for the form)."""

    name: str
    name_en: str = ""
    #: The weight as written (the pinned copy stores it as a string): "1", "1.5".
    weight: str = "1"
    max_score: int = DEFAULT_MAX_SCORE
    description: str = ""

    @property
    def weight_value(self) -> Decimal:
        """The weight as a number, for the aggregate."""
        return Decimal(self.weight)

    def pinned(self) -> dict[str, Any]:
        """As ``Review.rubric`` stores it: name, name_en, weight (a string), max_score."""
        return {"name": self.name, "name_en": self.name_en, "weight": self.weight, "max_score": self.max_score}


def criterion(data: Criterion | Mapping[str, Any]) -> Criterion:
    """The parser: a criterion from a block's value or a stored copy (a weight of a number or a string)."""
    if isinstance(data, Criterion):
        return data
    weight = data.get("weight")
    return Criterion(
        name=data["name"],
        name_en=data.get("name_en") or "",
        weight=str(weight) if weight not in (None, "") else "1",
        max_score=int(data.get("max_score") or DEFAULT_MAX_SCORE),
        description=data.get("description") or "",
    )


def parse(rubric: Iterable[Criterion | Mapping[str, Any]]) -> list[Criterion]:
    """Every criterion of a stored copy (``Review.rubric``) or of hand-written data, in order."""
    return [criterion(c) for c in rubric]


def role_rubric(role: Any) -> list[Criterion]:
    """``role``'s rubric as it is now (a ``RolePage``: its StreamField holds ``("criterion", {...})`` blocks)."""
    return [criterion(block.value) for block in role.rubric]


def rubric_snapshot(role: Any) -> list[dict[str, Any]]:
    """``role``'s rubric as ``Review.rubric`` stores it (the copy a new review is pinned to)."""
    return [c.pinned() for c in role_rubric(role)]
