"""Forms of the application side outside the wizard's steps (those are in ``steps``)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from applications.intake.steps.base import NormalisedEmailField


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
