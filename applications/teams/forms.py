"""Admin forms of the team screens: each offers only what the person filling it may choose.

People are offered from the manager's own cities only (:func:`city_people`): members of
the organisations they manage and contractors assigned to those organisations' calls.
Anyone else (a new colleague, another city's staff) is added by typing the email address
of their existing staff account, so no screen lists every city's staff (docs/adr/0009).
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Exists, OuterRef, QuerySet
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm

from applications.models import Assignment, OrganisationMember
from applications.staff import SCREENING_CONTRACTORS
from applications.teams.permissions import approver_organisations
from recruitment.models import CallIndexPage, CallPage


def city_people(manager: Any) -> QuerySet[Any]:
    """Active staff (superusers left out) already in a city ``manager`` manages: its members, its calls' contractors."""
    organisations = approver_organisations(manager).values("pk")
    return get_user_model().objects.filter(
        Exists(OrganisationMember.objects.filter(user_id=OuterRef("pk"), organisation_id__in=organisations))
        | Exists(Assignment.objects.filter(user_id=OuterRef("pk"), call__organisation_id__in=organisations)),
        is_active=True,
        is_superuser=False,
    )


def staff_by_email(email: str, *, among: QuerySet[Any], not_found: str) -> Any:
    """The one account of ``among`` with this email address (any case), else ``ValidationError`` naming why."""
    found = list(among.filter(email__iexact=email.strip())[:2])
    if not found:
        raise forms.ValidationError(not_found)
    if len(found) > 1:
        raise forms.ValidationError(
            _("Several accounts have this email address; ask a site administrator which one to add.")
        )
    return found[0]


class OrganisationForm(WagtailAdminModelForm):
    """A superuser onboards a city (all fields); an approver changes only the contact fields
    (the others are ``FieldPanel(permission="superuser")`` in the viewset)."""

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk is None and not CallIndexPage.objects.exists():
            self.add_error(None, "募集一覧のページがまだありません。 The site has no call index page yet.")
        return cleaned


class _PersonByListOrEmail(WagtailAdminModelForm):
    """A ``user`` chosen from the city's own people, or found by the ``email`` of an existing account.

    ``fixed``: the fields an existing row keeps (shown, not changeable).
    """

    fixed: tuple[str, ...] = ()
    not_found = _("No staff account has this email address. Ask a site administrator to create the account first.")

    email = forms.EmailField(
        label=_("Or add by email address"),
        required=False,
        help_text=_("Someone not yet in your city (a new colleague, another city's staff): their account's email."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields.pop("email", None)
            for name in self.fixed:
                if name in self.fields:
                    self.fields[name].disabled = True
            return
        if "user" in self.fields:
            self.fields["user"].queryset = self.offered_people()
            self.fields["user"].required = False
            self.fields["user"].error_messages["invalid_choice"] = _(
                "This person is not in your city: add them by their email address instead."
            )

    def offered_people(self) -> QuerySet[Any]:
        """Whom the list offers: people already in the user's cities."""
        return city_people(self.for_user)

    def found_by_email(self) -> QuerySet[Any]:
        """Whom an email address may find: any active staff account (superusers left out)."""
        return get_user_model().objects.filter(is_active=True, is_superuser=False)

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk or "user" in self.errors:
            return cleaned
        email = cleaned.get("email")
        if email:
            try:
                cleaned["user"] = staff_by_email(email, among=self.found_by_email(), not_found=self.not_found)
            except forms.ValidationError as exc:
                self.add_error("email", exc)
        elif not cleaned.get("user"):
            self.add_error("user", _("Choose a person of your city, or type the email address of their account."))
        return cleaned


class MemberForm(_PersonByListOrEmail):
    """Organisations: the ones the user manages. People: those already in the user's cities, or by email."""

    fixed = ("organisation", "user")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "organisation" in self.fields and not self.instance.pk:
            self.fields["organisation"].queryset = approver_organisations(self.for_user)


class AssignmentForm(_PersonByListOrEmail):
    """Contractors: those already assigned to the user's cities' calls, or a contractor account by email.
    Calls: those of the user's cities, drafts included (a copied call is assigned before it is published)."""

    fixed = ("user", "call")
    not_found = _(
        "No screening contractor account has this email address. Ask a site administrator to create the account first."
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "call" in self.fields and not self.instance.pk:
            self.fields["call"].queryset = (
                CallPage.objects.filter(organisation__in=approver_organisations(self.for_user))
                .select_related("organisation")
                .order_by("organisation__name", "-pk")
            )
            self.fields["call"].label_from_instance = lambda call: f"{call.title}({call.organisation.name})"

    def offered_people(self) -> QuerySet[Any]:
        """Contractors already assigned to a call of the user's cities."""
        organisations = approver_organisations(self.for_user).values("pk")
        assigned_here = Assignment.objects.filter(user_id=OuterRef("pk"), call__organisation_id__in=organisations)
        return self.found_by_email().filter(Exists(assigned_here))

    def found_by_email(self) -> QuerySet[Any]:
        """Accounts of the screening contractors group (the group opens the admin to them)."""
        return super().found_by_email().filter(groups__name=SCREENING_CONTRACTORS)

    def clean(self):
        cleaned = super().clean()
        starts_on, ends_on = cleaned.get("starts_on"), cleaned.get("ends_on")
        if starts_on and ends_on and ends_on < starts_on:
            self.add_error(
                "ends_on", "終了日は開始日以降にしてください。 The end date must not be before the start date."
            )
        return cleaned
