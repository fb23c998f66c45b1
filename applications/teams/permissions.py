"""Who may manage which city's team: a superuser any city, a city approver only their own.

One policy class, registered the Wagtail 8 way for the organisation, its members
and its assignments; each knows the path from its rows to their organisation.
Model permissions (``applications.staff``) say what a group may do at all; this policy
narrows every right to the organisations where the user is an approver.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Model, QuerySet
from wagtail.permission_policies import ModelPermissionPolicy

from applications.models import OrganisationMember
from recruitment.models import Organisation


def approver_organisations(user: Any) -> QuerySet[Organisation]:
    """The organisations whose team ``user`` manages (all of them for a superuser)."""
    if not user.is_authenticated or not user.is_active:
        return Organisation.objects.none()
    if user.is_superuser:
        return Organisation.objects.all()
    return Organisation.objects.filter(members__user=user, members__role=OrganisationMember.Role.APPROVER)


class CityTeamPermissionPolicy(ModelPermissionPolicy):
    """Model permissions, limited to rows of the user's own organisations.

    ``organisation_path`` leads from a row to its organisation's id (``"pk"`` for the
    organisation itself). ``superuser_only`` actions (creating or deleting a city) are
    refused to everyone else whatever their model permissions.
    """

    def __init__(self, model: type[Model], *, organisation_path: str, superuser_only: tuple[str, ...] = ()):
        super().__init__(model)
        self.organisation_path = organisation_path
        self.superuser_only = superuser_only

    def user_has_permission(self, user: Any, action: str) -> bool:
        if action in self.superuser_only:
            return user.is_active and user.is_superuser
        return super().user_has_permission(user, action)

    def _scope(self, user: Any) -> QuerySet:
        organisations = approver_organisations(user).values("pk")
        return self.model._default_manager.filter(**{f"{self.organisation_path}__in": organisations})

    def user_has_permission_for_instance(self, user: Any, action: str, instance: Model) -> bool:
        if not self.user_has_permission(user, action):
            return False
        return user.is_superuser or self._scope(user).filter(pk=instance.pk).exists()

    def instances_user_has_any_permission_for(self, user: Any, actions: list[str]) -> QuerySet:
        if not self.user_has_any_permission(user, actions):
            return self.model._default_manager.none()
        if user.is_superuser:
            return self.model._default_manager.all()
        return self._scope(user)
