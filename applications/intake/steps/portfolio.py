"""Links to the person's work and up to three files, checked by their content."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from applications.intake.steps.base import StepForm
from applications.intake.uploads import CheckedUpload, check_upload


class PortfolioForm(StepForm):
    """Step 5: up to five links and three files (PDF, JPEG, PNG; 10 MB each), checked by content."""

    title = _("Portfolio")
    hint = _("Links to your work and up to three files (PDF, JPEG or PNG, at most 10 MB each). Both are optional.")
    LINKS = 5
    FILES = 3
    answers_key = "portfolio_links"
    keeps_files = True

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
        self.checked: dict[str, CheckedUpload] = {}

    def answer(self) -> list[str]:
        """The links given, in order, empty ones left out."""
        return [self.cleaned_data[f"link_{i}"] for i in range(1, self.LINKS + 1) if self.cleaned_data.get(f"link_{i}")]

    def uploads(self) -> list[CheckedUpload]:
        return list(self.checked.values())

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
