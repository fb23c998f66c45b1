"""Who applies: name, contact and address, and the address proven by an emailed code."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.urls import reverse_lazy
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from applications.intake.postcodes import postcode_address
from applications.intake.steps.base import NormalisedEmailField, StepForm, required
from applications.intake.text import (
    digits,
    email_key,
    furigana,
    has_invisible_characters,
    is_katakana,
    is_latin,
    phone_number,
)
from recruitment import prefectures


class AboutYouForm(StepForm):
    """Step 3: name, furigana, contact and address. No date of birth."""

    title = _("About you")
    not_summarised = frozenset({"website", "email_confirm"})
    family_name = forms.CharField(
        label=_("Family name (姓)"), max_length=100, error_messages=required(_("Enter your family name."))
    )
    given_name = forms.CharField(
        label=_("Given name (名)"), max_length=100, error_messages=required(_("Enter your given name."))
    )
    family_name_kana = forms.CharField(
        label=_("Family name in katakana (セイ)"),
        max_length=100,
        help_text=_("Hiragana is converted to katakana."),
        error_messages=required(_("Enter the reading of your family name in katakana.")),
    )
    given_name_kana = forms.CharField(
        label=_("Given name in katakana (メイ)"),
        max_length=100,
        help_text=_("Hiragana is converted to katakana."),
        error_messages=required(_("Enter the reading of your given name in katakana.")),
    )
    email = NormalisedEmailField(
        label=_("Email address"), help_text=_("We send your reference number and updates here.")
    )
    email_confirm = NormalisedEmailField(
        label=_("Email address again"), error_messages=required(_("Enter your email address again, to check it."))
    )
    phone = forms.CharField(
        label=_("Phone number"),
        max_length=20,
        help_text=_("Digits; hyphens are optional. Example: 078-123-4567"),
        error_messages=required(_("Enter your phone number.")),
    )
    postal_code = forms.CharField(
        label=_("Postal code"),
        max_length=10,
        widget=forms.TextInput(
            attrs={
                "data-postcode-lookup": reverse_lazy("applications:postcode"),
                "data-postcode-filled": _("Filled in from the postal code:"),
            }
        ),
        help_text=_(
            "7 digits; the hyphen is optional. Example: 650-8570. "
            "The prefecture and city are filled in from it; you can change them."
        ),
        error_messages=required(_("Enter your postal code.")),
    )
    prefecture = forms.ChoiceField(
        label=_("Prefecture"),
        choices=[("", _("Choose")), *prefectures.form_choices("ja")],  # labelled in the visitor's language below
        error_messages=required(_("Choose your prefecture.")),
    )
    city = forms.CharField(
        label=_("City, ward, town or village"),
        max_length=100,
        error_messages=required(_("Enter your city, ward, town or village.")),
    )
    # Honeypot: hidden from people by CSS and aria-hidden; bots fill it in.
    website = forms.CharField(
        required=False, label="Website", widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"})
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        language = get_language() or "ja"
        self.fields["prefecture"].choices = [("", _("Choose")), *prefectures.form_choices(language)]
        #: Someone applying in English may give the reading in Latin letters (stored as given), or in katakana.
        self.latin_reading = language == "en"
        if self.latin_reading:
            for name, label, missing in (
                ("family_name_kana", _("Reading of your family name"), _("Enter the reading of your family name.")),
                ("given_name_kana", _("Reading of your given name"), _("Enter the reading of your given name.")),
            ):
                field = self.fields[name]
                field.label = label
                field.help_text = _("In Latin letters as in your passport (for example Smith), or in katakana.")
                field.error_messages["required"] = missing

    def identity(self) -> dict[str, Any]:
        """The person as given here (the honeypot and the repeated address left out)."""
        return {k: v for k, v in self.cleaned_data.items() if k not in {"website", "email_confirm"}}

    def clean_family_name_kana(self) -> str:
        return self._kana("family_name_kana")

    def clean_given_name_kana(self) -> str:
        return self._kana("given_name_kana")

    def _kana(self, field: str) -> str:
        """The reading in katakana (hiragana converted); in English also in Latin letters, kept as typed."""
        value = furigana(self.cleaned_data[field])
        if is_katakana(value):
            return value
        if self.latin_reading:
            if is_latin(value):
                return value
            raise ValidationError(
                _("Write the reading in Latin letters (for example Smith) or in katakana (for example スミス)."),
                code="reading",
            )
        raise ValidationError(_("Write the reading in katakana (or hiragana), for example コウベ."), code="kana")

    def clean_phone(self) -> str:
        number = digits(self.cleaned_data["phone"])
        if not 10 <= len(number) <= 11 or not number.startswith("0"):
            raise ValidationError(
                _("Enter a Japanese phone number of 10 or 11 digits, for example 078-123-4567."), code="phone"
            )
        return phone_number(self.cleaned_data["phone"])

    def clean_postal_code(self) -> str:
        number = digits(self.cleaned_data["postal_code"])
        if len(number) != 7:
            raise ValidationError(_("Enter the 7-digit postal code, for example 650-8570."), code="postal_code")
        code = f"{number[:3]}-{number[3:]}"
        if postcode_address(number) is None:
            raise ValidationError(
                _("There is no postal code %(code)s. Check the number on your mail or at Japan Post."),
                code="postal_code_unknown",
                params={"code": code},
            )
        return code

    def clean_website(self) -> str:
        if self.cleaned_data.get("website"):
            raise ValidationError(_("Leave this field empty."), code="honeypot")
        return ""

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        email, again = cleaned.get("email"), cleaned.get("email_confirm")
        if email and again and email_key(email) != email_key(again):
            self.add_error("email_confirm", _("The two email addresses are different."))
        # Names reach emails and documents: one line of visible characters only.
        for name in ("family_name", "given_name", "family_name_kana", "given_name_kana", "city"):
            if has_invisible_characters(cleaned.get(name) or ""):
                self.add_error(
                    name, _("Line breaks and invisible control characters cannot be used. Type it on one line.")
                )
        return cleaned


class VerifyEmailForm(StepForm):
    """Step 4: the code emailed to the address just given, typed back; nothing is sent without it.

    ``verified``: the address of the "about you" step is already proven (the step then only says so).
    ``check``: given by the wizard only when this step itself is posted; it checks the code (and counts
    the try). Without it (a re-check of the stored steps) an unproven address is simply an error.
    """

    title = _("Confirm your email address")
    review = "hidden"  # the address is shown with "about you"
    code = forms.CharField(
        label=_("Confirmation code (6 digits)"),
        max_length=20,
        required=False,
        help_text=_("Check your email (and its spam folder) for a 6-digit code, then type it here."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}),
    )

    def __init__(self, *args: Any, email: str = "", verified: bool = False, check: Any = None, **kwargs: Any) -> None:
        self.email = email
        self.verified = verified
        self.check = check
        super().__init__(*args, **kwargs)
        if verified:
            self.fields.pop("code")

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if self.verified:
            return {}
        code = digits(cleaned.get("code") or "")
        if not code:
            self.add_error("code", _("Enter the 6-digit code we sent to your email address."))
        elif len(code) != 6:
            self.add_error("code", _("Enter the code as 6 digits, such as 123456."))
        elif self.check is None:
            self.add_error("code", _("Confirm your email address with the code we sent to it."))
        else:
            problem = self.check(code)
            if problem:
                self.add_error("code", problem)
        return cleaned
