"""The 体制 Teams menu: organisations, their members and the contractors assigned to their calls.

Wagtail's own ``ModelViewSet`` screens (list filters, search, history); the
registered permission policy decides who sees which rows, and every save or
delete goes through ``services`` (which logs it).
"""

from __future__ import annotations

from django import forms
from wagtail.admin.panels import FieldPanel, FieldRowPanel, ObjectList
from wagtail.admin.views import generic
from wagtail.admin.viewsets.model import ModelViewSet, ModelViewSetGroup

from applications.models import Assignment, OrganisationMember
from applications.teams import services
from applications.teams.forms import AssignmentForm, MemberForm, OrganisationForm
from recruitment.cities import organisation_onboard
from recruitment.models import Organisation
from recruitment.organisations import CONTACT_FIELDS

_ANY = ["view", "add", "change", "delete"]


def _scoped(view):
    """Rows outside the user's cities do not exist for them (404), in lists and on every object page."""
    return view.permission_policy.instances_user_has_any_permission_for(view.request.user, _ANY)


class _Scoped:
    """Edit and delete find their object among the user's rows only."""

    def get_queryset(self):
        return _scoped(self)


class _ScopedObject:
    """History and usage (listings of something else) find their object among the user's rows only."""

    def get_base_object_queryset(self):
        return _scoped(self)


class _ScopedIndexView(generic.IndexView):
    def get_base_queryset(self):
        return _scoped(self)


class _ScopedHistoryView(_ScopedObject, generic.HistoryView):
    pass


class _ScopedUsageView(_ScopedObject, generic.UsageView):
    pass


class _TeamsViewSet(ModelViewSet):
    """A screen of the Teams menu: in its group (not the admin menu itself), no copy, and every
    listing and object page among the user's rows only."""

    add_to_admin_menu = False
    copy_view_enabled = False
    index_view_class = _ScopedIndexView
    history_view_class = _ScopedHistoryView
    usage_view_class = _ScopedUsageView


# --- Organisations ------------------------------------------------------------------------


class _OrganisationCreateView(generic.CreateView):
    def save_instance(self):
        fields = {name: self.form.cleaned_data[name] for name in self.form.cleaned_data}
        return organisation_onboard(**fields, by=self.request.user)


class _OrganisationEditView(_Scoped, generic.EditView):
    def save_instance(self):
        fields = {name: getattr(self.form.instance, name) for name in self.form.changed_data}
        return services.organisation_contact_update(organisation=self.form.instance, by=self.request.user, **fields)


class OrganisationViewSet(_TeamsViewSet):
    model = Organisation
    icon = "group"
    menu_label = "団体 Organisations"
    url_prefix = "teams/organisations"
    list_display = ["name", "name_en", "reference_prefix", "contact_email"]
    search_fields = ["name", "name_en", "slug"]
    add_view_class = _OrganisationCreateView
    edit_view_class = _OrganisationEditView
    edit_handler = ObjectList(
        [
            FieldPanel("name", permission="superuser"),
            FieldPanel("name_en", permission="superuser"),
            FieldPanel("slug", permission="superuser"),
            FieldPanel("url", permission="superuser"),
            FieldPanel("reference_prefix", permission="superuser"),
            # What an approver may change (``organisation_contact_update``).
            *(FieldPanel(name) for name in CONTACT_FIELDS),
        ],
        base_form_class=OrganisationForm,
    )


# --- Members --------------------------------------------------------------------------------


class _MemberCreateView(generic.CreateView):
    def save_instance(self):
        data = self.form.cleaned_data
        return services.organisation_member_add(
            organisation=data["organisation"], user=data["user"], role=data["role"], by=self.request.user
        )


class _MemberEditView(_Scoped, generic.EditView):
    def save_instance(self):
        return services.organisation_member_change(
            member=self.form.instance, role=self.form.cleaned_data["role"], by=self.request.user
        )


class _MemberDeleteView(_Scoped, generic.DeleteView):
    def delete_action(self):
        services.organisation_member_remove(member=self.object, by=self.request.user)


class OrganisationMemberViewSet(_TeamsViewSet):
    model = OrganisationMember
    icon = "user"
    menu_label = "団体の職員 Members"
    url_prefix = "teams/members"
    list_display = ["user", "organisation", "role"]
    list_filter = ["organisation", "role"]
    search_fields = ["user__username", "user__last_name", "user__first_name", "user__email"]
    add_view_class = _MemberCreateView
    edit_view_class = _MemberEditView
    delete_view_class = _MemberDeleteView
    edit_handler = ObjectList(
        [FieldPanel("organisation"), FieldPanel("user"), FieldPanel("email"), FieldPanel("role")],
        base_form_class=MemberForm,
    )


# --- Assignments ----------------------------------------------------------------------------


class _AssignmentCreateView(generic.CreateView):
    def save_instance(self):
        data = self.form.cleaned_data
        return services.assignment_create(
            call=data["call"],
            user=data["user"],
            starts_on=data.get("starts_on"),
            ends_on=data.get("ends_on"),
            by=self.request.user,
        )


class _AssignmentEditView(_Scoped, generic.EditView):
    def save_instance(self):
        data = self.form.cleaned_data
        return services.assignment_change(
            assignment=self.form.instance,
            starts_on=data.get("starts_on"),
            ends_on=data.get("ends_on"),
            by=self.request.user,
        )


class _AssignmentDeleteView(_Scoped, generic.DeleteView):
    def delete_action(self):
        services.assignment_remove(assignment=self.object, by=self.request.user)


class AssignmentViewSet(_TeamsViewSet):
    model = Assignment
    icon = "clipboard-list"
    menu_label = "審査の担当 Assignments"
    url_prefix = "teams/assignments"
    list_display = ["user", "call", "starts_on", "ends_on"]
    list_filter = ["call__organisation", "call", "ends_on"]
    search_fields = ["user__username", "user__last_name", "user__email"]
    add_view_class = _AssignmentCreateView
    edit_view_class = _AssignmentEditView
    delete_view_class = _AssignmentDeleteView
    edit_handler = ObjectList(
        [
            # A plain list of the city's calls (drafts too), not Wagtail's page chooser of the whole tree.
            FieldPanel("call", widget=forms.Select),
            FieldPanel("user"),
            FieldPanel("email"),
            FieldRowPanel([FieldPanel("starts_on"), FieldPanel("ends_on")]),
        ],
        base_form_class=AssignmentForm,
    )


class TeamsViewSetGroup(ModelViewSetGroup):
    """One 体制 Teams menu, next to 審査 Screening."""

    items = (OrganisationViewSet, OrganisationMemberViewSet, AssignmentViewSet)
    menu_icon = "group"
    menu_label = "体制 Teams"
    menu_name = "teams"
    menu_order = 260
