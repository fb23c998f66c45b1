"""The optional survey's form: three questions, each with "prefer not to say"."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from applications.statistics.models import SURVEY_FIELDS, SURVEY_TITLES


class SurveyForm(forms.Form):
    """Age band, occupation type, how the applicant heard of the call; none required, none used in screening."""

    def __init__(self, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        for name, choices in SURVEY_FIELDS:
            self.fields[name] = forms.ChoiceField(
                label=SURVEY_TITLES[name],
                choices=[*choices.choices, ("", _("Prefer not to say"))],
                required=False,
                widget=forms.RadioSelect,
            )
