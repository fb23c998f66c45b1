"""Forms of the screening screens: the candidacy list's and the audit log's FilterSets, and the review form."""

from __future__ import annotations

import re
from typing import Any

import django_filters
from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet
from wagtail.admin.filters import WagtailFilterSet

from applications.intake.steps import MAX_ROLES
from applications.models import AuditEntry, Candidacy, Review
from applications.screening.audit import AUDIT_ACTIONS
from applications.screening.rubric import Criterion
from applications.screening.selectors import SORTS, candidacy_list
from recruitment.models import CallPage, RolePage

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
    rank = _choice("希望順位 Preference", [*ANY, *((str(n), f"第{n}希望 #{n}") for n in range(1, MAX_ROLES + 1))])
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

    def __init__(
        self, *args: Any, criteria: list[Criterion], changing: bool = False, reason_required: bool = False,
        **kwargs: Any,
    ) -> None:  # fmt: skip
        super().__init__(*args, **kwargs)
        self.criteria = criteria
        if changing:
            # A review is submitted once; a change after colleagues' reviews could be read says why.
            self.fields["reason"] = forms.CharField(
                label="修正の理由 Reason for the change",
                required=reason_required,
                max_length=500,
                help_text="他の審査者の評価を読んだ後の修正には理由が必要です。修正前と修正後の両方が記録されます。 "
                "After reading your colleagues' reviews, a change needs a reason; both versions are logged.",
                error_messages={
                    "required": "修正の理由を書いてください。 Say why you change your review.",
                },
            )
        for i, criterion in enumerate(criteria):
            choices = [(str(n), str(n)) for n in range(1, criterion.max_score + 1)]
            self.fields[f"score_{i}"] = forms.ChoiceField(
                label=criterion.name,
                help_text=criterion.description,
                choices=[*choices, (self.NOT_APPLICABLE, "該当なし Not applicable")],
                widget=forms.RadioSelect,
                error_messages={"required": "点数か「該当なし」を選んでください。 Choose a score or not applicable."},
            )

    def score_fields(self) -> list[tuple[Criterion, forms.BoundField]]:
        return [(c, self[f"score_{i}"]) for i, c in enumerate(self.criteria)]

    def scores(self) -> list[int | None]:
        values = [self.cleaned_data[f"score_{i}"] for i in range(len(self.criteria))]
        return [None if v == self.NOT_APPLICABLE else int(v) for v in values]


def _date(label: str, lookup: str) -> django_filters.DateFilter:
    return django_filters.DateFilter(
        label=label,
        field_name="timestamp",
        lookup_expr=lookup,
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": "日付を YYYY-MM-DD で入力してください。 Enter a date as YYYY-MM-DD."},
    )


class AuditFilterSet(WagtailFilterSet):
    """The audit log's filters (GET): who, what (action), which candidacy, when (dates in Japan time, inclusive).

    ``candidacy`` takes an application reference (all its candidacies and the downloads of its
    files) or a candidate code (``C-000123``). A condition with an error is ignored and the form says so.
    """

    user = django_filters.ChoiceFilter(label="操作者 Who", empty_label="すべて All", method="filter_user")
    action = django_filters.ChoiceFilter(label="操作 Action", empty_label="すべて All", choices=AUDIT_ACTIONS)
    candidacy = django_filters.CharFilter(
        label="対象 Candidacy", max_length=30, method="filter_candidacy",
        help_text="受付番号または候補番号 Reference or candidate code",
    )  # fmt: skip
    date_from = _date("開始日 From", "date__gte")
    date_to = _date("終了日 To", "date__lte")

    #: The "who" choice for entries without a user: the applicant (their own links) or the system.
    NOBODY = "none"

    class Meta:
        model = AuditEntry
        fields: list[str] = []

    def __init__(self, data: Any, *, request: Any, call: CallPage) -> None:
        super().__init__(data, queryset=AuditEntry.objects.filter(call=call), request=request)
        User = get_user_model()
        ids = AuditEntry.objects.filter(call=call, user__isnull=False).order_by().values("user").distinct()
        users = User.objects.filter(pk__in=ids).order_by("username")
        self.filters["user"].extra["choices"] = [
            *((str(u.pk), u.get_full_name() or u.get_username()) for u in users),
            (self.NOBODY, "応募者・システム Applicant or system"),
        ]

    def filter_user(self, queryset: QuerySet[AuditEntry], name: str, value: str) -> QuerySet[AuditEntry]:
        if value == self.NOBODY:
            return queryset.filter(user__isnull=True)
        return queryset.filter(user_id=int(value)) if value.isdigit() else queryset

    def filter_candidacy(self, queryset: QuerySet[AuditEntry], name: str, value: str) -> QuerySet[AuditEntry]:
        value = value.strip()
        if not value:
            return queryset
        code = re.fullmatch(r"[Cc]-?0*(\d{1,9})", value)
        if code:
            return queryset.filter(candidacy_id=int(code.group(1)))
        return queryset.filter(Q(candidacy__reference__iexact=value) | Q(data__reference__iexact=value))
