"""Full-width formula starters are neutralised in the CSV too (issue 11, item 13)."""

from __future__ import annotations

import pytest

from exports.documents.candidacy_csv import neutralise


@pytest.mark.parametrize("cell", ['＝HYPERLINK("http://evil.example")', "＋81", "－1+2", "＠SUM(A1)", "﹦1+1", "﹢1"])
def test_a_full_width_formula_is_shown_as_text(cell):
    assert neutralise(cell) == f"'{cell}"


@pytest.mark.parametrize("cell", ["神戸 ＝ こうべ", "ＡＢＣ", "１２３", "（株）広報"])
def test_full_width_text_that_is_no_formula_is_left_alone(cell):
    assert neutralise(cell) == cell
