"""Admin forms of the team screens: each offers only what the person filling it may choose."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from wagtail.admin.forms import WagtailAdminModelForm

from portal.groups import SCREENING_CONTRACTORS
from recruitment.models import CallIndexPage, CallPage

from .permissions import approver_organisations


class OrganisationForm(WagtailAdminModelForm):
    """A superuser onboards a city (all fields); an approver changes only the contact fields
    (the others are ``FieldPanel(permission="superuser")`` in the viewset)."""

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk is None and not CallIndexPage.objects.exists():
            self.add_error(None, "募集一覧のページがまだありません。 The site has no call index page yet.")
        return cleaned


class MemberForm(WagtailAdminModelForm):
    """Organisations: the ones the user manages. People: active staff accounts (not superusers)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "organisation" in self.fields:
            self.fields["organisation"].queryset = approver_organisations(self.for_user)
        if "user" in self.fields:
            self.fields["user"].queryset = get_user_model().objects.filter(is_active=True, is_superuser=False)
        if self.instance.pk:
            for name in ("organisation", "user"):
                if name in self.fields:
                    self.fields[name].disabled = True


class AssignmentForm(WagtailAdminModelForm):
    """Contractors: users of the screening contractors group. Calls: those of the user's cities,
    drafts included (a copied call is assigned before it is published)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "user" in self.fields:
            self.fields["user"].queryset = get_user_model().objects.filter(
                is_active=True, groups__name=SCREENING_CONTRACTORS
            )
        if "call" in self.fields:
            self.fields["call"].queryset = (
                CallPage.objects.filter(organisation__in=approver_organisations(self.for_user))
                .select_related("organisation")
                .order_by("organisation__name", "-pk")
            )
            self.fields["call"].label_from_instance = lambda call: f"{call.title}({call.organisation.name})"
        if self.instance.pk:
            for name in ("user", "call"):
                if name in self.fields:
                    self.fields[name].disabled = True

    def clean(self):
        cleaned = super().clean()
        starts_on, ends_on = cleaned.get("starts_on"), cleaned.get("ends_on")
        if starts_on and ends_on and ends_on < starts_on:
            self.add_error(
                "ends_on", "終了日は開始日以降にしてください。 The end date must not be before the start date."
            )
        return cleaned
