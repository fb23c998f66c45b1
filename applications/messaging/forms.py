"""The two forms of a thread: staff write a message; the applicant answers, optionally with one file."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from applications.intake.uploads import CheckedUpload, check_upload
from applications.messaging.models import MAX_MESSAGE_LENGTH


class StaffMessageForm(forms.Form):
    """A message from the city's side to the applicant (no contact details travel either way)."""

    body = forms.CharField(
        label="応募者へのメッセージ Message to the applicant",
        max_length=MAX_MESSAGE_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "メッセージを書いてください。 Write your message."},
    )


class AnswerForm(forms.Form):
    """The applicant's answer: text, and one file checked exactly as the wizard checks portfolio files."""

    body = forms.CharField(
        label=_("Your answer"),
        help_text=_(
            "Screening is anonymous at this stage: please do not write your name, email address or phone number."
        ),
        max_length=MAX_MESSAGE_LENGTH,
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={"required": _("Write your answer.")},
    )
    file = forms.FileField(
        label=_("File (optional)"),
        help_text=_("One PDF, JPEG or PNG file, at most 10 MB."),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png"}),
    )

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.checked: CheckedUpload | None = None

    def clean_file(self) -> Any:
        upload = self.cleaned_data.get("file")
        if upload:
            try:
                self.checked = check_upload(upload)
            except ValidationError as exc:
                raise ValidationError(exc.messages, code=getattr(exc, "code", None)) from exc
        return upload
