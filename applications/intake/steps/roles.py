"""The first steps: which roles of the call, and (for more than one) in which order of preference."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _g
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from applications.intake.steps.base import MAX_ROLES, StepForm
from cms.templatetags.kobo import localized_value
from recruitment.formatting import format_japan_datetime
from recruitment.models import RolePage


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
    answers_key = "roles"

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

    def answer(self) -> list[int]:
        """The chosen roles in order of preference (the wizard hands them ranked, as ``chosen``)."""
        return [r.pk for r in self.chosen]

    def summary_rows(self) -> list[dict[str, Any]]:
        """One row per chosen role, in order of preference (the "rank" step shows in this section)."""
        return [
            {"label": _g("Preference %(rank)s") % {"rank": rank}, "value": role_title(role), "html": True}
            for rank, role in enumerate(self.chosen, start=1)
        ]


class RankForm(StepForm):
    """Step 1b, only when more than one role was chosen: the order of preference, one radio group per role."""

    title = _("Order of preference")
    hint = _("Give each role you chose a different number: 1 is the one you want most.")
    review = "previous"  # the roles' section lists them in this order

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
