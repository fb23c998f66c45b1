"""The one rule for a candidacy's score and for reviewers who disagree."""

from __future__ import annotations

from decimal import Decimal

import pytest

from applications.screening.scoring import aggregate_scores, review_score


def rubric(*criteria: tuple[str, int]) -> list[dict]:
    return [
        {"name": f"c{i}", "name_en": f"c{i}", "weight": weight, "max_score": top}
        for i, (weight, top) in enumerate(criteria)
    ]


def test_weights_count_in_the_mean():
    # (2 × 5 + 1 × 2) / 3 = 4
    assert aggregate_scores([[5, 2]], rubric(("2", 5), ("1", 5))) == (Decimal("4.00"), False)
    # the same scores with the weights swapped: (1 × 5 + 2 × 2) / 3 = 3
    assert aggregate_scores([[5, 2]], rubric(("1", 5), ("2", 5))) == (Decimal("3.00"), False)


def test_weights_as_strings_numbers_or_decimals_agree():
    expected = aggregate_scores([[4, 3, 5]], rubric(("1.5", 5), ("1.0", 5), ("0.5", 5)))
    assert aggregate_scores([[4, 3, 5]], rubric((1.5, 5), (1, 5), (0.5, 5))) == expected
    assert aggregate_scores([[4, 3, 5]], rubric((Decimal("1.5"), 5), (Decimal(1), 5), (Decimal("0.5"), 5))) == expected


def test_scores_are_put_on_a_scale_of_five_before_weighting():
    # 10 of 10 and 3 of 5 weigh the same: (5 + 3) / 2
    assert aggregate_scores([[10, 3]], rubric(("1", 10), ("1", 5))) == (Decimal("4.00"), False)


def test_reviews_are_averaged_and_rounded_half_up_to_two_decimals():
    criteria = rubric(("1", 5), ("3", 5))
    # 1.25 and 2.00 → 1.625 → 1.63 (half up, not half to even)
    assert aggregate_scores([[2, 1], [2, 2]], criteria) == (Decimal("1.63"), False)
    assert aggregate_scores([[4], [4], [5]], rubric(("1", 5))) == (Decimal("4.33"), False)


def test_none_is_not_applicable_and_left_out_of_numerator_and_denominator():
    criteria = rubric(("2", 5), ("1", 5))
    # Not 5 × 2 / 3 (None as zero) and not (10 + 5) / 3 (None as full marks): just the scored criterion.
    assert aggregate_scores([[None, 2]], criteria) == (Decimal("2.00"), False)
    assert review_score([5, None], criteria) == Decimal(5)


def test_a_review_with_nothing_applicable_is_left_out_of_the_mean():
    criteria = rubric(("1", 5), ("1", 5))
    assert aggregate_scores([[None, None], [4, 2]], criteria) == (Decimal("3.00"), False)


def test_all_none_gives_no_score_and_no_disagreement():
    criteria = rubric(("1", 5), ("1", 5))
    assert aggregate_scores([[None, None]], criteria) == (None, False)
    assert aggregate_scores([[None, None], [None, None]], criteria) == (None, False)
    assert aggregate_scores([], criteria) == (None, False)


def test_disagreement_at_exactly_two_points():
    criteria = rubric(("1", 5), ("1", 5))
    assert aggregate_scores([[3, 4], [5, 4]], criteria)[1] is True
    assert aggregate_scores([[5, 1], [3, 1]], criteria)[1] is True


def test_no_disagreement_at_one_point():
    criteria = rubric(("1", 5), ("1", 5))
    assert aggregate_scores([[3, 4], [4, 5]], criteria) == (Decimal("4.00"), False)


def test_disagreement_between_any_two_of_several_reviews():
    criteria = rubric(("1", 5))
    assert aggregate_scores([[3], [4], [5]], criteria)[1] is True
    assert aggregate_scores([[3], [4], [4]], criteria)[1] is False


def test_disagreement_only_on_criteria_both_scored():
    criteria = rubric(("1", 5), ("1", 5))
    assert aggregate_scores([[None, 3], [5, 3]], criteria) == (Decimal("3.50"), False)


def test_a_single_review_never_disagrees():
    assert aggregate_scores([[1, 5]], rubric(("1", 5), ("1", 5)))[1] is False


def test_scores_that_do_not_match_the_rubric_are_refused():
    with pytest.raises(ValueError, match="2 scores for a rubric of 3"):
        aggregate_scores([[3, 3]], rubric(("1", 5), ("1", 5), ("1", 5)))
