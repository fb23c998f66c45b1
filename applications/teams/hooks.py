"""Registers the team screens' permission policies (before any viewset asks) and the Teams menu.

Imported from ``applications/wagtail_hooks.py``.
"""

from wagtail import hooks
from wagtail.permissions import register_permission_policy

from applications.models import Assignment, OrganisationMember
from applications.teams.permissions import CityTeamPermissionPolicy
from recruitment.models import Organisation

register_permission_policy(
    Organisation,
    CityTeamPermissionPolicy(Organisation, organisation_path="pk", superuser_only=("add", "delete")),
    exact_class=True,
)
register_permission_policy(
    OrganisationMember,
    CityTeamPermissionPolicy(OrganisationMember, organisation_path="organisation"),
    exact_class=True,
)
register_permission_policy(
    Assignment, CityTeamPermissionPolicy(Assignment, organisation_path="call__organisation"), exact_class=True
)


@hooks.register("register_admin_viewset")
def register_teams_viewsets():
    from applications.teams.viewsets import TeamsViewSetGroup

    return TeamsViewSetGroup()
