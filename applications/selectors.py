"""Reads of applications shared by screening and exports, and the manage link's lookup."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.core import signing

from . import forms as step_forms
from .models import Application
from .wizard import hash_token

#: Manage links issued after submission (to the address that applied, when someone applies again
#: with it) are signed, not stored: they name the application and expire.
MANAGE_LINK_SALT = "kobo.applications.manage-link"
MANAGE_LINK_MAX_AGE = timedelta(days=30)


def application_by_manage_token(token: str) -> Application | None:
    """The application a manage link opens, or None.

    Either the secret token of the confirmation email (only its hash is stored) or a
    signed link from :func:`applications.services.manage_link_token` younger than
    ``MANAGE_LINK_MAX_AGE``.
    """
    applications = Application.objects.select_related("call", "applicant")
    application = applications.filter(manage_token_hash=hash_token(token)).first()
    if application is not None:
        return application
    try:
        pk = signing.loads(token, salt=MANAGE_LINK_SALT, max_age=MANAGE_LINK_MAX_AGE)
    except signing.BadSignature:
        return None
    return applications.filter(pk=pk).first() if isinstance(pk, int) else None


#: Answers that identify the person (an invoice number is public with the name): hidden in blind review.
IDENTIFYING_ANSWERS = frozenset({"invoice_number"})
#: Sections of ``Application.answers`` shown to screeners, with the wizard form that asked them.
ANSWER_SECTIONS = [
    ("check", step_forms.SelfCheckForm),
    ("experience", step_forms.ExperienceForm),
    ("sidework", step_forms.SideWorkForm),
]


def answer_sections(answers: dict[str, Any], *, identity_visible: bool) -> list[tuple[str, list[tuple[str, str]]]]:
    """The application's answers as (section title, [(question, answer)]) with the wizard's wording.

    Choices show their labels, yes/no questions はい/いいえ, empty answers "—"; answers
    that identify the person are left out when ``identity_visible`` is false.
    """
    sections = []
    for name, form_class in ANSWER_SECTIONS:
        data = answers.get(name) or {}
        rows = []
        for field_name, field in form_class.base_fields.items():
            if field_name not in data or (not identity_visible and field_name in IDENTIFYING_ANSWERS):
                continue
            value = data[field_name]
            if isinstance(value, bool):
                value = "はい" if value else "いいえ"
            elif getattr(field, "choices", None):
                value = {str(k): v for k, v in field.choices}.get(str(value), value)
            rows.append((str(field.label), "—" if value in (None, "") else str(value)))
        if rows:
            sections.append((str(form_class.title), rows))
    return sections
