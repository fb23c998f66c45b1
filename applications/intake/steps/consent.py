"""The last steps: consent to the call's personal-data notice, then every answer once more."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from applications.intake.steps.base import StepForm


class ConsentForm(StepForm):
    """Step 7: the call's personal-data notice and the applicant's consent."""

    title = _("Personal data")
    answers_key = "consent"
    consent = forms.BooleanField(
        label=_("I have read the notice above and agree to my personal data being used as it says."),
        error_messages={"required": _("You must agree to the notice to apply.")},
    )

    def answer(self) -> bool:
        return True  # the form is valid only with the box ticked


class ReviewStepForm(StepForm):
    """The last step: the answers once more, then submit."""

    title = _("Check your answers")
    hint = _("Check everything, then send your application. You can change any answer until then.")
    review = "hidden"
