"""The last steps: consent to the call's personal-data notice, then every answer once more."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from applications.intake.steps.base import StepForm
from cms.web.numbers import parse_int


class ConsentForm(StepForm):
    """Step 7: the call's personal-data notice, in the visitor's language when the city wrote it, and the consent.

    The page sends back which version and language of the notice it showed (``notice_version``,
    ``notice_language``); when either is no longer what this visitor would be shown (the city
    published a new notice, or the visitor changed language since), the consent is asked again,
    so an application is always recorded against the text its applicant read (``consent_record``).
    """

    title = _("Personal data")
    answers_key = "consent"
    consent = forms.BooleanField(
        label=_("I have read the notice above and agree to my personal data being used as it says."),
        error_messages={"required": _("You must agree to the notice to apply.")},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.notice = self.call.notice_in(get_language() or "ja")

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if not cleaned.get("consent"):
            return cleaned
        # Absent (a draft saved before the page sent them): the consent is to the notice shown now.
        shown_version = str(self.data.get(self.add_prefix("notice_version")) or "").strip()
        shown_language = str(self.data.get(self.add_prefix("notice_language")) or "").strip()
        version_changed = shown_version and parse_int(shown_version) != self.notice.version
        language_changed = shown_language and shown_language != self.notice.language
        if version_changed or language_changed:
            self.add_error(
                "consent",
                _(
                    "The notice you agreed to has changed, or is now shown in another language. "
                    "Read it again and tick the box if you agree."
                ),
            )
        return cleaned

    def answer(self) -> bool:
        return True  # the form is valid only with the box ticked

    def consent_record(self) -> dict[str, Any]:
        """Which notice the applicant agreed to: its version, the language of the text shown, its digest."""
        return {
            "consent_notice_version": self.notice.version,
            "consent_notice_language": self.notice.language,
            "consent_notice_digest": self.notice.digest,
        }


class ReviewStepForm(StepForm):
    """The last step: the answers once more, then submit."""

    title = _("Check your answers")
    hint = _("Check everything, then send your application. You can change any answer until then.")
    review = "hidden"
