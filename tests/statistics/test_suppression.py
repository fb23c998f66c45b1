"""Complementary suppression: no hidden figure can be worked back from a published total.

The rule (``applications.statistics.suppression.complementary``) is checked against a reader who knows
everything published: the total, the shown cells and what each label says (「5未満」 is 1 to 4,
「秘匿」 is 5 or more). For every hidden cell, the values that fit all of it are enumerated here (not
reasoned about as the rule does); more than one must remain.
"""

from __future__ import annotations

import csv
import io
import itertools

import pytest
from django.urls import reverse

from applications.statistics.aggregates import call_statistics
from applications.statistics.public import public_results
from applications.statistics.suppression import WITHHELD, complementary
from tests.statistics.helpers import expected_figures
from tests.statistics.test_statistics import publish_results


def fitting_values(labels: list[str], hidden_sum: int, *, open_total: bool = False) -> list[set[int]]:
    """For each hidden cell, every value that the others can complete to ``hidden_sum`` (or to at most
    it, when the total also holds an unpublished remainder)."""
    ranges = [range(1, 5) if label == "5未満" else range(5, hidden_sum + 1) for label in labels]
    fitting = []
    for i, own in enumerate(ranges):
        sums = {0}
        for other in ranges[:i] + ranges[i + 1 :]:
            sums = {s + x for s in sums for x in other if s + x <= hidden_sum}
        fitting.append(
            {v for v in own if (hidden_sum - v in sums) or (open_total and any(s <= hidden_sum - v for s in sums))}
        )
    return fitting


def published(counts: list[int], **kwargs) -> tuple[list[object], bool]:
    cells = complementary(dict(enumerate(counts)), **kwargs)
    return [cells.figure(n) for n in range(len(counts))], cells.exposed


def test_one_small_cell_beside_a_shown_total_takes_a_second_cell_with_it():
    # English 1 of 14: with Japanese 13 shown, 14 - 13 gives it back.
    assert published([13, 1]) == ([WITHHELD, None], False)
    # Two small cells that together make 5 or more are safe on their own; 0 is never hidden.
    assert published([9, 3, 2, 0]) == ([9, None, None, 0], False)
    # 2 and 1 make 3: the smallest shown cell (the first of two equal ones) is withheld too.
    assert published([5, 7, 2, 5, 1]) == ([WITHHELD, 7, None, 5, None], False)


VALUES = (0, 1, 2, 3, 4, 5, 6, 7, 9)


@pytest.mark.parametrize("size", [2, 3, 4])
@pytest.mark.parametrize("remainder", [None, 0, 3])
def test_no_shape_lets_a_hidden_cell_be_worked_back_from_its_total(size, remainder):
    """Every table of ``size`` cells from ``VALUES``: exactly the cells the rule publishes, and what the
    total (the cells' sum, plus an unpublished remainder such as unanswered questions) gives away."""
    for counts in itertools.product(VALUES, repeat=size):
        total = None if remainder is None else sum(counts) + remainder
        figures, exposed = published(list(counts), total=total)
        hidden = [n for n, figure in enumerate(figures) if not isinstance(figure, int)]
        for n, count in enumerate(counts):
            assert (figures[n] is None) == (0 < count < 5), counts  # every small cell, and only they, 「5未満」
            assert figures[n] in (count, None, WITHHELD), counts  # a shown cell is the count
        if not hidden:
            continue
        withheld = [counts[n] for n in hidden if figures[n] is WITHHELD]
        still_shown = [c for n, c in enumerate(counts) if n not in hidden and c]
        assert not withheld or not still_shown or max(withheld) <= min(still_shown), counts  # smallest first
        if exposed:  # nothing left to withhold: the caller withholds the total (public_results)
            assert not still_shown, counts
            continue
        if sum(counts) + (remainder or 0) < 5:
            continue  # the total is under 5 itself, so it is not published: nothing to subtract from
        if total is None:  # the standard rule: two hidden cells at least, together 5 or more
            assert len(hidden) >= 2, counts
            assert sum(counts[n] for n in hidden) >= 5, counts
        hidden_sum = (sum(counts) + (remainder or 0)) - sum(still_shown)
        labels = ["5未満" if figures[n] is None else "秘匿" for n in hidden]
        for n, values in zip(hidden, fitting_values(labels, hidden_sum, open_total=total is not None), strict=True):
            assert counts[n] in values, (counts, remainder, n, values)
            assert len(values) >= 2, (counts, remainder, n, values)  # more than one value fits


def test_pinned_by_the_labels_alone_is_not_enough():
    # 4 and 4 of 8 are both 「5未満」, yet 8 leaves only 4 + 4: a third cell is withheld.
    assert published([4, 4, 6]) == ([None, None, WITHHELD], False)
    # 1 and 5 of 6: 「5未満」 + 「秘匿」 (5 or more) leaves only 1 + 5, and nothing else to withhold.
    assert published([1, 5]) == ([None, WITHHELD], True)


def audit(labels_and_counts: list[tuple[str, int]], total: int) -> None:
    """What a reader can work out from one published table of the CSV and its total."""
    hidden = [(label, count) for label, count in labels_and_counts if label in ("5未満", "秘匿")]
    shown_sum = sum(int(label) for label, _count in labels_and_counts if label not in ("5未満", "秘匿"))
    assert len(hidden) != 1, labels_and_counts
    if hidden:
        values = fitting_values([label for label, _ in hidden], total - shown_sum)
        assert all(len(v) >= 2 for v in values), (labels_and_counts, values)


@pytest.mark.django_db
def test_the_open_data_of_a_small_call_lets_no_hidden_figure_be_worked_back(client, kobe):
    """From the raw rows: each table of the published CSV, against the total a reader can compute."""
    call, roles = kobe
    want = expected_figures(call)
    publish_results(call)
    raw = client.get(reverse("call_results_csv", args=[call.organisation.slug, call.slug])).content
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    total = rows[0]

    role_rows = [r for r in rows if r["record"] == "role"]
    applied = [want["by_role"][role.pk]["applications"] for role in roles]
    assert sum(1 for r in role_rows if r["applications"] in ("5未満", "秘匿")) == 2  # one small cell, two hidden
    # The total per post (to 0.1) times the posts gives the roles' sum back: it counts as published.
    assert round(float(total["applications_per_post"]) * int(total["headcount"])) == sum(applied) == 19
    audit([(r["applications"], n) for r, n in zip(role_rows, applied, strict=True)], sum(applied))

    people = {r["code"]: r["people"] for r in rows if r["record"] == "prefecture"}
    raw_people = want["prefectures"]
    audit([(people[code], raw_people.get(code, 0)) for code in people], sum(raw_people.values()))

    results = public_results(call_statistics(call=call))
    # The city's own prefecture against the rest: people = Hyogo + outside, all three published.
    split = [(people["28"], raw_people["28"]), (label(results.people_outside), want["outside"])]
    audit(split, want["people"])
    # The press summary's devices and languages: the same rule, the applications their total.
    for shares, counts in ((results.devices, want["devices"]), (results.languages, want["languages"])):
        audit([(label(s.applications), counts[s.code]) for s in shares], want["applications"])
        assert all((s.share is None) == (not isinstance(s.applications, int)) for s in shares)  # shares hidden too


def label(figure: object) -> str:
    return "5未満" if figure is None else "秘匿" if figure is WITHHELD else str(figure)
