"""The one rule for small numbers in anything public or press-facing (docs/opendata.md, "Small cells").

Primary suppression: a count from 1 to 4 is not published (「5未満」, "under 5"); 0 stays 0.

Complementary suppression (:func:`complementary`): within a dimension whose total is published (the
roles, the prefectures, the devices, the languages, one survey question), hiding only the small cells
is not enough when the others and the total are shown: English 「5未満」 beside Japanese 13 out of 14
gives English 1 back. So, while the hidden cells of a dimension add up to fewer than 5, or any of them
could still be pinned to one value from the total and what the labels say (1 to 4 for 「5未満」, 5 or
more for 「秘匿」), the smallest cell still shown (not 0) is withheld too, as 「秘匿」 ("withheld").
When nothing is left to withhold and a hidden cell can still be worked out, the dimension is
``exposed``: the caller withholds its total.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass
from enum import Enum
from typing import Generic, TypeVar

#: Counts below this (and above 0) are not published.
SUPPRESS_BELOW = 5
#: How a count under 5 reads on the page and in the CSV (JSON: null).
SUPPRESSED_LABEL = "5未満"
#: How a count withheld so that a small one cannot be worked back reads (JSON: null).
WITHHELD_LABEL = "秘匿"


class Withheld(Enum):
    """A figure of 5 or more withheld with a small one (complementary suppression)."""

    WITHHELD = WITHHELD_LABEL


WITHHELD = Withheld.WITHHELD
#: A published count: the number, None (under 5) or WITHHELD.
Figure = int | None | Withheld

K = TypeVar("K", bound=Hashable)


def suppress(count: int) -> int | None:
    """``count``, or None when it is from 1 to 4 (a cell small enough to point at someone)."""
    return None if 0 < count < SUPPRESS_BELOW else count


def shown(value: object) -> str:
    """A published value as text: 「5未満」 under 5, 「秘匿」 withheld with it."""
    if value is None:
        return SUPPRESSED_LABEL
    return WITHHELD_LABEL if value is WITHHELD else str(value)


@dataclass(frozen=True)
class Suppressed(Generic[K]):
    """Which cells of one dimension are hidden: ``small`` (1 to 4) and ``withheld`` (with them)."""

    counts: Mapping[K, int]
    small: frozenset[K]
    withheld: frozenset[K]
    #: A hidden cell can still be worked out from the total: the caller withholds the total.
    exposed: bool

    @property
    def hidden(self) -> frozenset[K]:
        return self.small | self.withheld

    def figure(self, key: K) -> Figure:
        """The cell ``key`` as published."""
        if key in self.small:
            return None
        return WITHHELD if key in self.withheld else self.counts.get(key, 0)


def _bounds(count: int) -> tuple[float, float]:
    """What a hidden cell's label tells a reader: 1 to 4 (「5未満」) or 5 and more (「秘匿」)."""
    return (1, SUPPRESS_BELOW - 1) if count < SUPPRESS_BELOW else (SUPPRESS_BELOW, math.inf)


def recoverable(counts: Iterable[int], *, hidden_sum: int, open_total: bool = False) -> bool:
    """Whether a reader who knows the hidden cells' sum (total minus the shown cells) and their labels
    can pin one of them to a single value; ``open_total``: the sum also holds an unpublished remainder
    (e.g. questions left unanswered), so it is only an upper bound."""
    bounds = [_bounds(n) for n in counts]
    low_sum, high_sum = sum(lo for lo, _ in bounds), sum(hi for _, hi in bounds)
    for lo, hi in bounds:
        most = min(hi, hidden_sum - (low_sum - lo))
        least = lo if open_total else max(lo, hidden_sum - (high_sum - hi))
        if least >= most:
            return True
    return False


def complementary(counts: Mapping[K, int], *, total: int | None = None, withheld: Iterable[K] = ()) -> Suppressed[K]:
    """The cells of one dimension to hide: the small ones and enough others that none can be worked back.

    ``counts`` in the dimension's order (a tie takes the first); ``total`` when the published total is
    more than the cells' sum (an unpublished remainder), else the cells add up to it; ``withheld``:
    cells already hidden elsewhere (a cell two dimensions share).
    """
    small = frozenset(k for k, n in counts.items() if suppress(n) is None)  # the primary rule, as published
    extra = {k for k in withheld if counts.get(k, 0) >= SUPPRESS_BELOW}
    remainder = 0 if total is None else total - sum(counts.values())
    exposed = False
    while small or extra:
        hidden = small | extra
        values = [counts[k] for k in hidden]
        if sum(values) >= SUPPRESS_BELOW and not recoverable(
            values, hidden_sum=sum(values) + remainder, open_total=total is not None
        ):
            break
        shown_cells = [k for k, n in counts.items() if n and k not in hidden]
        if not shown_cells:
            exposed = recoverable(values, hidden_sum=sum(values) + remainder, open_total=total is not None)
            break
        extra.add(min(shown_cells, key=lambda k: counts[k]))
    return Suppressed(counts=counts, small=small, withheld=frozenset(extra), exposed=exposed)
