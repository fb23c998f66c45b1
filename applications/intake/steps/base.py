"""What every step form is and declares: its fields and checks, its answers and its summary rows.

A step form knows the call, the call's published roles and the roles chosen so far, so deadlines
and requirements are checked on the server at every step. Besides its fields it declares:

- ``answers_key`` and ``answer()``: its entry of ``Application.answers`` (no key: it keeps none);
  ``identity()`` and ``uploads()`` for the step that says who applies and the step with files;
- ``summary_rows()`` and ``review``: how the review step shows it back;
- ``shown_to_staff`` and ``staff_rows()``: how screeners read the stored entry (``identifying``
  fields are left out of blind review).

The wizard (``applications.intake.wizard``) and the screeners' pages only walk ``steps.STEPS``.
Messages are written in English and translated (``locale/ja``).
"""

from __future__ import annotations

import unicodedata
from typing import Any, ClassVar

from django import forms
from django.utils.html import strip_tags
from django.utils.translation import gettext as _g
from django.utils.translation import gettext_lazy as _

from recruitment.models import CallPage, RolePage

#: The most roles one application may choose (and so the lowest preference there is).
MAX_ROLES = 3


class NormalisedEmailField(forms.EmailField):
    """An applicant's email address: full-width input (ＨＡＮＡＫＯ＠ｅｘａｍｐｌｅ．ｊｐ) is read as ASCII.

    At most 254 characters, and our own words for a missing or malformed address
    (``error_messages`` given replace them, e.g. the "required" of a repeated address).
    """

    def __init__(self, *, max_length: int = 254, error_messages: dict[str, Any] | None = None, **kwargs: Any) -> None:
        messages = {
            "required": _("Enter your email address."),
            "invalid": _("Enter an email address such as name@example.jp."),
            **(error_messages or {}),
        }
        super().__init__(max_length=max_length, error_messages=messages, **kwargs)

    def to_python(self, value: Any) -> str:
        return super().to_python(unicodedata.normalize("NFKC", value) if isinstance(value, str) else value)


def required(message: Any) -> dict[str, Any]:
    """``error_messages`` that name what is missing (「姓を入力してください」), not 「この項目は必須です」."""
    return {"required": message}


def _django_default(field: forms.Field, code: str) -> bool:
    """Whether ``field`` still says Django's own words for ``code`` (which never name the field)."""
    own = field.error_messages.get(code)
    for klass in type(field).__mro__:
        default = getattr(klass, "default_error_messages", {}).get(code)
        if default is not None:
            return own is None or str(own) == str(default)
    return own is None


def name_fields_in_errors(form: forms.Form) -> None:
    """Give every field of ``form`` messages that name it (「1週間に働ける時間は1以上で入力してください。」).

    Django's own words (「この値は 1 以上でなければなりません。」) do not say which field they are about,
    and the error summary lists them away from their field. Messages a step wrote itself are kept,
    except for limits (length, lowest and highest value), which always name the field.
    """
    for field in form.fields.values():
        label = strip_tags(str(field.label or "")).replace("%", "%%")

        def named(message: str, label: str = label) -> str:
            return message.replace("{label}", label)

        messages = field.error_messages
        if isinstance(field, forms.FileField):
            messages["max_length"] = named(_g("{label}: the file name is too long (at most %(max)d characters)."))
            messages["empty"] = named(_g("{label}: the file is empty. Choose the file again."))
            for code in ("invalid", "missing"):
                messages[code] = named(_g("{label}: no file was received. Choose the file again."))
            continue
        if isinstance(field, forms.CharField):
            messages["max_length"] = named(
                _g("{label} must be at most %(limit_value)s characters (it has %(show_value)s). Shorten it.")
            )
            messages["min_length"] = named(_g("{label} must be at least %(limit_value)s characters."))
        messages["min_value"] = named(_g("{label} must be %(limit_value)s or more."))
        messages["max_value"] = named(_g("{label} must be %(limit_value)s or less."))
        if _django_default(field, "invalid_choice"):
            messages["invalid_choice"] = named(_g("{label}: choose one of the options shown."))
        if _django_default(field, "invalid"):
            messages["invalid"] = named(_g("{label}: check what you entered."))
        if _django_default(field, "required"):
            choose = isinstance(field, forms.ChoiceField | forms.BooleanField)
            messages["required"] = named(_g("Choose {label}.") if choose else _g("Enter {label}."))


def _empty(value: Any) -> bool:
    return value is None or value == "" or value == []


class StepForm(forms.Form):
    """Base of the step forms: knows the call, its roles and the roles chosen so far."""

    title: Any = ""
    hint: Any = ""
    do_not_call_in_templates = True  # templates read ``title`` from the class

    #: The key of this step's entry in ``Application.answers``; None: the step keeps nothing there.
    answers_key: ClassVar[str | None] = None
    #: Whether the step takes files: the wizard then hands it the names of those kept (``stored_files``)
    #: and keeps what its ``checked`` uploads hold across steps.
    keeps_files: ClassVar[bool] = False
    #: How the review step shows the step: its own section ("section"), inside the previous step's
    #: section (its validity counts there: "previous"), or not at all ("hidden").
    review: ClassVar[str] = "section"
    #: Fields never shown back on the review step (a honeypot, a repeated address, a confirmation).
    not_summarised: ClassVar[frozenset[str]] = frozenset()
    #: Whether screeners see the step's stored answers, as a section with the wizard's wording.
    shown_to_staff: ClassVar[bool] = False
    #: Answers that identify the person (an invoice number is public with the name): hidden in blind review.
    identifying: ClassVar[frozenset[str]] = frozenset()

    def __init__(self, *args: Any, call: CallPage, roles: list[RolePage], chosen: list[RolePage], **kwargs: Any):
        self.call = call
        self.roles = roles
        self.chosen = chosen
        super().__init__(*args, **kwargs)

    def full_clean(self) -> None:
        """Clean with messages that name their field; line breaks counted as one character, as typed."""
        name_fields_in_errors(self)  # here, not in __init__: steps add fields after it
        if self.is_bound and hasattr(self.data, "setlist"):
            data = self.data.copy()
            for name, field in self.fields.items():
                key = self.add_prefix(name)
                if isinstance(field.widget, forms.Textarea) and key in data:
                    data.setlist(key, [v.replace("\r\n", "\n") for v in data.getlist(key)])
            self.data = data
        super().full_clean()

    # --- what the step keeps (valid forms only) ------------------------------------------

    def answer(self) -> Any:
        """The value kept under ``answers_key``: by default the step's cleaned fields."""
        return dict(self.cleaned_data)

    def answers(self) -> dict[str, Any]:
        """This step's entries of ``Application.answers``."""
        return {self.answers_key: self.answer()} if self.answers_key else {}

    def identity(self) -> dict[str, Any]:
        """Who applies, as given on this step (``Submission.about``); most steps say nothing of it."""
        return {}

    def uploads(self) -> list[Any]:
        """The checked files this step hands in (``uploads.CheckedUpload``)."""
        return []

    def consent_record(self) -> dict[str, Any]:
        """Which notice the applicant agreed to (``Submission``'s ``consent_notice_*``); only the consent step knows."""
        return {}

    # --- what the review step shows ------------------------------------------------------

    def summary_rows(self) -> list[dict[str, Any]]:
        """The step's answers as the review step lists them: label and value, empty answers left out.

        Call after ``is_valid()``: a valid step shows its cleaned values, an invalid one what was typed.
        Choices show their labels; files the name kept in the draft (``stored_files``).
        """
        valid = self.is_valid()
        rows = []
        for name, field in self.fields.items():
            if name in self.not_summarised:
                continue
            if isinstance(field, forms.FileField):
                value = getattr(self, "stored_files", {}).get(name)
            else:
                value = self.cleaned_data.get(name) if valid else self[name].value()
            if _empty(value):
                continue
            if hasattr(field, "choices") and not isinstance(value, bool):
                value = {str(k): v for k, v in field.choices}.get(str(value), value)
            if hasattr(value, "name"):
                value = value.name
            if _empty(value):
                continue
            rows.append({"label": field.label, "value": value})
        return rows

    # --- what screeners read ---------------------------------------------------------------

    @classmethod
    def staff_rows(cls, answers: dict[str, Any], *, identity_visible: bool) -> list[tuple[str, str]]:
        """The step's stored answers as (question, answer) with the wizard's wording, for screeners.

        Choices show their labels, yes/no questions はい/いいえ, empty answers "—"; ``identifying``
        answers are left out when ``identity_visible`` is false. Nothing for steps not ``shown_to_staff``.
        """
        if not cls.shown_to_staff or not cls.answers_key:
            return []
        data = answers.get(cls.answers_key) or {}
        rows = []
        for field_name, field in cls.base_fields.items():
            if field_name not in data or (not identity_visible and field_name in cls.identifying):
                continue
            value = data[field_name]
            if isinstance(value, bool):
                value = "はい" if value else "いいえ"
            elif getattr(field, "choices", None):
                value = {str(k): v for k, v in field.choices}.get(str(value), value)
            rows.append((str(field.label), "—" if value in (None, "") else str(value)))
        return rows
