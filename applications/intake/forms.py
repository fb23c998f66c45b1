"""One form per step of the application wizard. Each knows its fields and its own checks.

Messages are written in English and translated (``locale/ja``); the Japanese site
shows Japanese. Every form takes ``call`` and ``roles`` (the call's published
roles) so deadlines and requirements are checked on the server at every step.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from applications.intake.text import digits, email_key, furigana, has_invisible_characters, is_katakana
from applications.intake.uploads import check_upload
from cms.templatetags.kobo import localized_value
from recruitment.formatting import format_japan_datetime
from recruitment.models import CallPage, RolePage
from recruitment.prefectures import PREFECTURES

MAX_ROLES = 3


class NormalisedEmailField(forms.EmailField):
    """An email field that reads full-width input (ＨＡＮＡＫＯ＠ｅｘａｍｐｌｅ．ｊｐ) as the ASCII it means."""

    def to_python(self, value: Any) -> str:
        return super().to_python(unicodedata.normalize("NFKC", value) if isinstance(value, str) else value)


def required(message: Any) -> dict[str, Any]:
    """``error_messages`` that name what is missing (「姓を入力してください」), not 「この項目は必須です」."""
    return {"required": message}


class StepForm(forms.Form):
    """Base of the step forms: knows the call, its roles and the roles chosen so far."""

    title: Any = ""
    hint: Any = ""
    do_not_call_in_templates = True  # templates read ``title`` from the class

    def __init__(self, *args: Any, call: CallPage, roles: list[RolePage], chosen: list[RolePage], **kwargs: Any):
        self.call = call
        self.roles = roles
        self.chosen = chosen
        super().__init__(*args, **kwargs)


def role_title(role: RolePage) -> str:
    """The role's title in the visitor's language; a Japanese fallback on the English site is marked ``lang="ja"``."""
    title = localized_value(role, "title")
    return format_html('<span lang="ja">{}</span>', title.value) if title.fallback else title.value


def role_label(role: RolePage) -> str:
    """A role as a choice: its title, then its deadline (Japan time) and headcount on one line."""
    details = ngettext(
        "Deadline %(deadline)s · %(count)s person", "Deadline %(deadline)s · %(count)s people", role.headcount
    ) % {"deadline": format_japan_datetime(role.closes_at), "count": role.headcount}
    return format_html('{} <span class="choice__meta">{}</span>', role_title(role), details)


class RolesForm(StepForm):
    """Step 1: one to three open roles of the call, as a compact list of checkboxes (ranked on the next step)."""

    title = _("Choose roles")
    hint = _(
        "Choose up to three roles of this call. Only roles still open can be chosen. "
        "If you choose more than one, you put them in order of preference next."
    )

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        now = timezone.now()
        open_roles = [r for r in self.roles if r.state(now).accepts_applications]
        self.fields["roles"] = forms.MultipleChoiceField(
            label=_("Roles you want to apply for"),
            help_text=_("Up to three."),
            choices=[(str(r.pk), role_label(r)) for r in open_roles],
            widget=forms.CheckboxSelectMultiple,
            error_messages={
                "required": _("Choose at least one role."),
                "invalid_choice": _("This role is not open."),
            },
        )

    def unavailable_roles(self) -> list[RolePage]:
        """The call's roles that cannot be chosen now (closed or not yet open), listed for information."""
        now = timezone.now()
        return [r for r in self.roles if not r.state(now).accepts_applications]

    def clean_roles(self) -> list[str]:
        chosen = self.cleaned_data["roles"]
        if len(chosen) > MAX_ROLES:
            raise ValidationError(_("Choose at most three roles."), code="too_many")
        return chosen

    def chosen_role_ids(self) -> list[int]:
        return [int(pk) for pk in self.cleaned_data["roles"]]


class RankForm(StepForm):
    """Step 1b, only when more than one role was chosen: the order of preference, one radio group per role."""

    title = _("Order of preference")
    hint = _("Give each role you chose a different number: 1 is the one you want most.")

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        ranks = [(str(n), str(n)) for n in range(1, len(self.chosen) + 1)]
        for role in sorted(self.chosen, key=lambda r: r.pk):
            self.fields[f"role_{role.pk}"] = forms.ChoiceField(
                label=format_html(str(_("Preference for {}")), role_title(role)),
                choices=ranks,
                widget=forms.RadioSelect,
                error_messages={"required": _("Choose a preference for this role.")},
            )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        seen: set[str] = set()
        for name in self.fields:
            value = cleaned.get(name)
            if value and value in seen:
                self.add_error(name, _("Another role already has this preference; give each role a different one."))
            if value:
                seen.add(value)
        return cleaned


class SelfCheckForm(StepForm):
    """Step 2: does the work fit? Warnings ask for confirmation; only online work is a hard requirement."""

    title = _("Check the conditions")
    hint = _("These questions help you check that the work fits your situation.")

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


class AboutYouForm(StepForm):
    """Step 3: name, furigana, contact and address. No date of birth."""

    title = _("About you")
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
        label=_("Email address"),
        max_length=254,
        help_text=_("We send your reference number and updates here."),
        error_messages={
            "required": _("Enter your email address."),
            "invalid": _("Enter an email address such as name@example.jp."),
        },
    )
    email_confirm = NormalisedEmailField(
        label=_("Email address again"),
        max_length=254,
        error_messages={
            "required": _("Enter your email address again, to check it."),
            "invalid": _("Enter an email address such as name@example.jp."),
        },
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
        choices=[("", _("Choose"))] + [(p, p) for p in PREFECTURES],
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

    def clean_family_name_kana(self) -> str:
        return self._kana("family_name_kana")

    def clean_given_name_kana(self) -> str:
        return self._kana("given_name_kana")

    def _kana(self, field: str) -> str:
        value = furigana(self.cleaned_data[field])
        if not is_katakana(value):
            raise ValidationError(_("Write the reading in katakana (or hiragana), for example コウベ."), code="kana")
        return value

    def clean_phone(self) -> str:
        number = digits(self.cleaned_data["phone"])
        if not 10 <= len(number) <= 11 or not number.startswith("0"):
            raise ValidationError(
                _("Enter a Japanese phone number of 10 or 11 digits, for example 078-123-4567."), code="phone"
            )
        return self.cleaned_data["phone"].strip()

    def clean_postal_code(self) -> str:
        number = digits(self.cleaned_data["postal_code"])
        if len(number) != 7:
            raise ValidationError(_("Enter the 7-digit postal code, for example 650-8570."), code="postal_code")
        return f"{number[:3]}-{number[3:]}"

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


class ExperienceForm(StepForm):
    """Step 4: occupation, experience, strengths and interests."""

    title = _("Experience and interests")
    hint = _(
        "Strengths and interests help match people to work: a football fan may be the right person "
        "to write about the city's football club."
    )
    OCCUPATIONS = [
        ("employee", _("Company employee (会社員)")),
        ("public_servant", _("Public servant (公務員)")),
        ("freelance", _("Freelance (フリーランス)")),
        ("student", _("Student (学生)")),
        ("other", _("Other (その他)")),
    ]
    occupation = forms.ChoiceField(
        label=_("Current occupation"),
        choices=OCCUPATIONS,
        widget=forms.RadioSelect,
        error_messages=required(_("Choose your current occupation.")),
    )
    experience = forms.CharField(
        label=_("Relevant experience"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Work you have done that relates to the roles, with years. Up to 2,000 characters."),
        error_messages=required(_("Describe your relevant experience.")),
    )
    strengths = forms.CharField(
        label=_("Strengths (強み)"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages=required(_("Enter your strengths.")),
    )
    hobbies = forms.CharField(
        label=_("Hobbies and interests (趣味)"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class PortfolioForm(StepForm):
    """Step 5: up to five links and three files (PDF, JPEG, PNG; 10 MB each), checked by content."""

    title = _("Portfolio")
    hint = _("Links to your work and up to three files (PDF, JPEG or PNG, at most 10 MB each). Both are optional.")
    LINKS = 5
    FILES = 3

    def __init__(self, *args: Any, stored_files: dict[str, str] | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.stored_files = stored_files or {}
        for i in range(1, self.LINKS + 1):
            self.fields[f"link_{i}"] = forms.URLField(
                label=_("Link %(n)s") % {"n": i},
                required=False,
                max_length=500,
                assume_scheme="https",
                error_messages={"invalid": _("Enter a full web address starting with https://")},
            )
        for i in range(1, self.FILES + 1):
            self.fields[f"file_{i}"] = forms.FileField(
                label=_("File %(n)s") % {"n": i},
                required=False,
                widget=forms.ClearableFileInput(
                    attrs={"accept": ".pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png"}
                ),
            )
        self.checked: dict[str, Any] = {}

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        for i in range(1, self.LINKS + 1):
            url = cleaned.get(f"link_{i}")
            if url and not re.match(r"^https?://", url, re.IGNORECASE):
                self.add_error(f"link_{i}", _("Only web addresses starting with http:// or https:// are accepted."))
        for i in range(1, self.FILES + 1):
            upload = cleaned.get(f"file_{i}")
            if upload:
                try:
                    self.checked[f"file_{i}"] = check_upload(upload)
                except ValidationError as exc:
                    self.add_error(f"file_{i}", exc)
        return cleaned


class SideWorkForm(StepForm):
    """Step 6: permission for side work, conflicts, the anti-social forces declaration, invoice number."""

    title = _("Side work and declarations")
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


class ConsentForm(StepForm):
    """Step 7: the call's personal-data notice and the applicant's consent."""

    title = _("Personal data")
    consent = forms.BooleanField(
        label=_("I have read the notice above and agree to my personal data being used as it says."),
        error_messages={"required": _("You must agree to the notice to apply.")},
    )


class ReviewStepForm(StepForm):
    """The last step: the answers once more, then submit."""

    title = _("Check your answers")
    hint = _("Check everything, then send your application. You can change any answer until then.")


class DraftEmailForm(forms.Form):
    """Where to send the link that resumes a saved draft."""

    email = NormalisedEmailField(
        label=_("Email address"),
        max_length=254,
        help_text=_(
            "We send a link that opens your draft in any browser. It works for 30 days or until the roles close."
        ),
        error_messages={
            "required": _("Enter your email address."),
            "invalid": _("Enter an email address such as name@example.jp."),
        },
    )


class ManageLinkRequestForm(forms.Form):
    """The address an application was made with, to send a new link to manage it."""

    email = NormalisedEmailField(
        label=_("Email address"),
        max_length=254,
        help_text=_("The address you applied with. If it applied, we send it a new link."),
        error_messages={
            "required": _("Enter your email address."),
            "invalid": _("Enter an email address such as name@example.jp."),
        },
    )
