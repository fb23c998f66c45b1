"""Side work: the employer's and the appointing authority's permission, conflicts, declarations."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from applications.intake.steps.base import StepForm, required


class SideWorkForm(StepForm):
    """Step 6: permission for side work, conflicts, the anti-social forces declaration, invoice number."""

    title = _("Side work and declarations")
    answers_key = "sidework"
    shown_to_staff = True
    identifying = frozenset({"invoice_number"})
    PERMISSION = [
        ("obtained", _("Obtained")),
        ("will_apply", _("I will apply for it")),
        ("not_needed", _("Not needed (no employer, or side work is free)")),
    ]
    employer_permission = forms.ChoiceField(
        label=_("Permission for side work from your main employer"),
        choices=PERMISSION,
        widget=forms.RadioSelect,
        error_messages=required(_("Say whether you have permission for side work from your main employer.")),
    )
    public_servant = forms.TypedChoiceField(
        label=_("Are you a public servant?"),
        choices=[("no", _("No")), ("yes", _("Yes"))],
        coerce=lambda v: v == "yes",
        widget=forms.RadioSelect,
        error_messages=required(_("Say whether you are a public servant.")),
    )
    public_servant_permission = forms.ChoiceField(
        label=_("Permission of your appointing authority (地方公務員法第38条)"),
        required=False,
        choices=[("", _("Not applicable")), ("obtained", _("Obtained")), ("will_apply", _("I will apply for it"))],
    )
    conflicts = forms.CharField(
        label=_("Contracts you or your employer have with the city"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Leave empty if there are none."),
    )
    no_antisocial_ties = forms.BooleanField(
        label=_("I declare that I have no ties to anti-social forces (反社会的勢力)."),
        error_messages={"required": _("This declaration is required to apply.")},
    )
    invoice_number = forms.CharField(
        label=_("Invoice registration number (optional)"),
        required=False,
        max_length=20,
        help_text=_("T followed by 13 digits, for example T1234567890123."),
    )

    def clean_invoice_number(self) -> str:
        value = self.cleaned_data["invoice_number"].strip().upper().replace("-", "")
        value = value.translate(str.maketrans("０１２３４５６７８９Ｔ", "0123456789T"))
        if value and not re.fullmatch(r"T\d{13}", value):
            raise ValidationError(
                _("The number is T followed by 13 digits, for example T1234567890123."), code="invoice"
            )
        return value

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if cleaned.get("public_servant") and not cleaned.get("public_servant_permission"):
            self.add_error(
                "public_servant_permission",
                _("Public servants need their appointing authority's permission: say whether you have it."),
            )
        return cleaned
