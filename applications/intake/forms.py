"""Forms of the application side outside the wizard's steps (those are in ``steps``)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from applications.intake.steps.base import NormalisedEmailField


class DraftEmailForm(forms.Form):
    """Where to send the link that resumes a saved draft."""

    email = NormalisedEmailField(
        label=_("Email address"),
        help_text=_(
            "We send a link that opens your draft in any browser. It works for 30 days or until the roles close."
        ),
    )


class ManageLinkRequestForm(forms.Form):
    """The address an application was made with, to send a new link to manage it."""

    email = NormalisedEmailField(
        label=_("Email address"),
        help_text=_("The address you applied with. If it applied, we send it a new link."),
    )
