"""Forms of the screening screens: the candidacy list's FilterSet and the review form."""

from __future__ import annotations

from typing import Any

import django_filters
from django import forms
from django.db.models import QuerySet
from wagtail.admin.filters import WagtailFilterSet

from recruitment.models import CallPage, RolePage

from .. import forms as step_forms
from ..models import Candidacy, Review
from .selectors import SORTS, candidacy_list

S = Candidacy.Status

ANY = [("", "すべて All")]
YES_NO = [*ANY, ("yes", "はい Yes"), ("no", "いいえ No")]


def _choice(label: str, choices: list[tuple[str, str]], **kwargs: Any) -> django_filters.ChoiceFilter:
    """A select whose first choice ("" = no condition) is ours, not django-filter's "---------"."""
    return django_filters.ChoiceFilter(label=label, choices=choices[1:], empty_label=choices[0][1], **kwargs)


class CandidacyFilterSet(WagtailFilterSet):
    """The candidacy list's filters, search and sort (GET), as a Wagtail/django-filter FilterSet.

    The FilterSet validates and renders the conditions; the filtering itself is
    ``selectors.candidacy_list`` (one place, shared with the CSV export), fed the valid
    conditions only: a condition with an error is ignored, and the form says so.
    """

    q = django_filters.CharFilter(
        label="検索 Search", max_length=100, help_text="受付番号・候補番号・氏名・フリガナ Reference, code, name, kana"
    )
    role = _choice("業務 Role", ANY)
    status = _choice("選考状況 Status", [("", "取り下げ以外 All but withdrawn"), *S.choices])
    rank = _choice(
        "希望順位 Preference", [*ANY, *((str(n), f"第{n}希望 #{n}") for n in range(1, step_forms.MAX_ROLES + 1))]
    )
    score_min = django_filters.NumberFilter(label="スコア下限 Score from", min_value=0, max_value=5, decimal_places=2)
    score_max = django_filters.NumberFilter(label="スコア上限 Score to", min_value=0, max_value=5, decimal_places=2)
    mine = _choice("自分の審査 Reviewed by me", YES_NO)
    reviewed = _choice("審査あり Has reviews", YES_NO)
    assigned = _choice("審査担当 Assigned to", [*ANY, ("me", "自分 Me"), ("nobody", "未割り当て Nobody")])
    disagreement = _choice("評価の不一致 Reviewers disagree", YES_NO)
    sort = django_filters.ChoiceFilter(
        label="並び順 Sort", empty_label=None, choices=[(key, label) for key, (label, _order) in SORTS.items()]
    )

    class Meta:
        model = Candidacy
        fields: list[str] = []

    def __init__(self, data: Any, *, request: Any, call: CallPage, roles: list[RolePage]) -> None:
        super().__init__(data, queryset=Candidacy.objects.none(), request=request)
        self.call = call
        self.filters["role"].extra["choices"] = [(str(r.pk), r.title) for r in roles]

    def conditions(self) -> dict[str, Any]:
        """The valid conditions, as ``selectors.candidacy_list`` takes them (invalid ones are dropped)."""
        self.form.is_valid()
        cleaned = self.form.cleaned_data
        return {name: cleaned.get(name) for name in self.filters if cleaned.get(name) not in (None, "")}

    def filter_queryset(self, queryset: QuerySet[Candidacy]) -> QuerySet[Candidacy]:
        return candidacy_list(fetched_by=self.request.user, call=self.call, filters=self.conditions())


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
