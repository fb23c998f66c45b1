"""Does the work fit? The chosen roles' conditions, checked against what the person can do."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from applications.intake.steps.base import StepForm
from recruitment.models import RolePage


class SelfCheckForm(StepForm):
    """Step 2: does the work fit? Warnings ask for confirmation; only online work is a hard requirement."""

    title = _("Check the conditions")
    hint = _("These questions help you check that the work fits your situation.")
    answers_key = "check"
    not_summarised = frozenset({"accept_warnings"})
    shown_to_staff = True

    hours_per_week = forms.IntegerField(
        label=_("Hours you can work per week"),
        min_value=1,
        max_value=80,
        error_messages={
            "required": _("Enter the hours per week you can work."),
            "invalid": _("Enter a whole number of hours, for example 5."),
        },
    )
    online_ok = forms.TypedChoiceField(
        label=_("Can you work online (computer, internet, video calls)?"),
        choices=[("yes", _("Yes")), ("no", _("No"))],
        coerce=lambda v: v == "yes",
        widget=forms.RadioSelect,
        error_messages={"required": _("Answer whether you can work online.")},
    )
    pay_understood = forms.BooleanField(
        label=_("I have read how each chosen role is paid (per month, per piece or per project)."),
        error_messages={"required": _("Confirm that you have read how the roles are paid.")},
    )
    accept_warnings = forms.BooleanField(
        label=_("I understand the points above and still want to apply."), required=False
    )

    def warnings(self) -> list[str]:
        hours = self.cleaned_data.get("hours_per_week") if hasattr(self, "cleaned_data") else None
        if not hours:
            return []
        return [
            str(_("%(role)s expects at least %(min)s hours a week; you said %(hours)s."))
            % {"role": r.title, "min": r.hours_min, "hours": hours}
            for r in self.chosen
            if r.hours_min and hours < r.hours_min
        ]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if cleaned.get("online_ok") is False and any(r.work_style == RolePage.WorkStyle.ONLINE for r in self.chosen):
            self.add_error("online_ok", _("The roles you chose are done online, so working online is required."))
        if self.warnings() and not cleaned.get("accept_warnings"):
            self.add_error("accept_warnings", _("Some conditions do not fit; tick the box to apply anyway."))
        return cleaned
