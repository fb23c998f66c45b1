"""Forms of the screening screens: the list's filters, a review, the shortlist actions."""

from __future__ import annotations

from typing import Any

from django import forms

from recruitment.models import RolePage

from .. import forms as step_forms
from ..models import Candidacy, Review
from .selectors import SORTS

S = Candidacy.Status

ANY = [("", "すべて All")]
YES_NO = [*ANY, ("yes", "はい Yes"), ("no", "いいえ No")]


class CandidacyFilterForm(forms.Form):
    """The filters, search and sort of the candidacy list (GET); invalid values are ignored."""

    q = forms.CharField(
        label="検索 Search",
        required=False,
        max_length=100,
        help_text="受付番号・候補番号・氏名・フリガナ Reference, code, name, kana",
    )
    role = forms.TypedChoiceField(label="業務 Role", required=False, coerce=int, empty_value=None)
    status = forms.ChoiceField(
        label="選考状況 Status", required=False, choices=[("", "取り下げ以外 All but withdrawn"), *S.choices]
    )
    rank = forms.TypedChoiceField(
        label="希望順位 Preference",
        required=False,
        coerce=int,
        empty_value=None,
        choices=[*ANY, *((str(n), f"第{n}希望 #{n}") for n in range(1, step_forms.MAX_ROLES + 1))],
    )
    score_min = forms.DecimalField(
        label="スコア下限 Score from", required=False, min_value=0, max_value=5, decimal_places=2
    )
    score_max = forms.DecimalField(
        label="スコア上限 Score to", required=False, min_value=0, max_value=5, decimal_places=2
    )
    mine = forms.ChoiceField(label="自分の審査 Reviewed by me", required=False, choices=YES_NO)
    reviewed = forms.ChoiceField(label="審査あり Has reviews", required=False, choices=YES_NO)
    assigned = forms.ChoiceField(
        label="審査担当 Assigned to", required=False,
        choices=[("", "すべて All"), ("me", "自分 Me"), ("nobody", "未割り当て Nobody")],
    )  # fmt: skip
    disagreement = forms.ChoiceField(label="評価の不一致 Reviewers disagree", required=False, choices=YES_NO)
    sort = forms.ChoiceField(
        label="並び順 Sort", required=False, choices=[(key, label) for key, (label, _order) in SORTS.items()]
    )

    def __init__(self, *args: Any, roles: list[RolePage], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = [*ANY, *((str(r.pk), r.title) for r in roles)]

    def value(self, name: str) -> Any:
        """The cleaned value of a field, or None when it was empty or invalid."""
        if not hasattr(self, "cleaned_data"):
            self.is_valid()
        value = self.cleaned_data.get(name)
        return None if value in (None, "") else value

    def filters(self) -> dict[str, Any]:
        """The valid conditions, as ``selectors.candidacy_list`` takes them (invalid ones are dropped)."""
        return {name: self.value(name) for name in self.fields}


class ReviewForm(forms.Form):
    """One radio group per rubric criterion (1..max or not applicable), a comment and a recommendation."""

    NOT_APPLICABLE = "na"

    comment = forms.CharField(label="コメント Comment", required=False, widget=forms.Textarea(attrs={"rows": 4}))
    recommendation = forms.ChoiceField(
        label="推薦 Recommendation", choices=Review.Recommendation.choices, widget=forms.RadioSelect
    )

    def __init__(self, *args: Any, criteria: list[dict[str, Any]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.criteria = criteria
        for i, criterion in enumerate(criteria):
            choices = [(str(n), str(n)) for n in range(1, int(criterion["max_score"]) + 1)]
            self.fields[f"score_{i}"] = forms.ChoiceField(
                label=criterion["name"],
                help_text=criterion.get("description", ""),
                choices=[*choices, (self.NOT_APPLICABLE, "該当なし Not applicable")],
                widget=forms.RadioSelect,
                error_messages={"required": "点数か「該当なし」を選んでください。 Choose a score or not applicable."},
            )

    def score_fields(self) -> list[tuple[dict[str, Any], forms.BoundField]]:
        return [(c, self[f"score_{i}"]) for i, c in enumerate(self.criteria)]

    def scores(self) -> list[int | None]:
        values = [self.cleaned_data[f"score_{i}"] for i in range(len(self.criteria))]
        return [None if v == self.NOT_APPLICABLE else int(v) for v in values]
