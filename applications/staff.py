"""Who staff are: the site-wide groups with what each may do (one table, applied by migrations),
and the kinds of actor a screening move names (contractor, approver, applicant).

These four site-wide groups carry model rights (admin access, the team screens,
task categories) and image and document rights on the root collection. Page rights
are not granted here: each onboarded city has its own editor and approver groups
with rights on that city's subtree only (``recruitment.cities.CITY_PAGE_RIGHTS``);
see docs/adr/0008-cities-teams-and-page-rights.md.
No group gives a power on a call: what a user may do on a call (screen, approve,
decide, read the audit log, export) comes from their membership of the call's city or
their assignment to the call (``applications.teams.authority``, docs/adr/0009); an
approver's reach over their city's team is the teams permission policy's. A later
migration that adds permissions edits this table and calls :func:`sync_groups` again.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from applications.teams import authority
from applications.teams.authority import Power

if TYPE_CHECKING:
    from recruitment.models import CallPage

#: The kinds of actor of a screening move (``screening.rules.ALLOWED_TRANSITIONS``): what
#: :func:`actor_kind` answers for a user on a call.
CONTRACTOR = "contractor"
APPROVER = "approver"
APPLICANT = "applicant"

CITY_EDITORS = "City editors"
CITY_APPROVERS = "City approvers"
SCREENING_CONTRACTORS = "Screening contractors"
OFFICIALS = "Officials"

_MEDIA = ["add_image", "change_image", "choose_image", "add_document", "change_document", "choose_document"]

#: The team screens a city approver uses; the permission policies of ``applications.teams``
#: narrow each right to the approver's own city.
_TEAM = [
    "recruitment.view_organisation",
    "recruitment.change_organisation",
    "applications.view_organisationmember",
    "applications.add_organisationmember",
    "applications.change_organisationmember",
    "applications.delete_organisationmember",
    "applications.view_assignment",
    "applications.add_assignment",
    "applications.change_assignment",
    "applications.delete_assignment",
]

GROUPS: dict[str, dict[str, list[str]]] = {
    CITY_EDITORS: {
        # Editors write and submit for approval (page rights: CITY_PAGE_RIGHTS); they cannot publish.
        "model": ["wagtailadmin.access_admin", "recruitment.view_taskcategory"],
        "page": [],
        "collection": _MEDIA,
    },
    CITY_APPROVERS: {
        # Task categories are shared by every city, so only site administrators change them.
        "model": ["wagtailadmin.access_admin", "cms.change_sitesettings", "recruitment.view_taskcategory", *_TEAM],
        "page": [],
        "collection": [*_MEDIA, "delete_image", "delete_document"],
    },
    SCREENING_CONTRACTORS: {
        "model": ["wagtailadmin.access_admin"],
        "page": [],
        "collection": [],
    },
    OFFICIALS: {
        "model": ["wagtailadmin.access_admin"],
        "page": [],
        "collection": [],
    },
}

# Wagtail's starter groups, replaced by the ones above.
WAGTAIL_DEFAULT_GROUPS = ["Editors", "Moderators"]


def actor_kind(user: Any, call: CallPage) -> set[str]:
    """In which roles ``user`` acts on ``call`` (``authority``); ``None`` is the applicant (their withdrawal link).

    The contractor's moves need the power to shortlist, the approver's the power to decide.
    """
    if user is None:
        return {APPLICANT}
    held = authority.powers(user, call)
    kinds = set()
    if Power.SHORTLIST in held:
        kinds.add(CONTRACTOR)
    if Power.DECIDE in held:
        kinds.add(APPROVER)
    return kinds


def sync_groups(apps: Any) -> None:
    """Create the groups and set exactly the permissions of :data:`GROUPS` (idempotent).

    ``apps`` is a migration's app registry (or ``django.apps.apps``).
    """
    from django.contrib.auth.management import create_permissions

    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    Page = apps.get_model("wagtailcore", "Page")
    Collection = apps.get_model("wagtailcore", "Collection")
    GroupPagePermission = apps.get_model("wagtailcore", "GroupPagePermission")
    GroupCollectionPermission = apps.get_model("wagtailcore", "GroupCollectionPermission")

    root_page = Page.objects.filter(depth=1).first()
    root_collection = Collection.objects.filter(depth=1).first()

    for name, rights in GROUPS.items():
        group, _ = Group.objects.get_or_create(name=name)
        perms = []
        for dotted in rights["model"]:
            app_label, codename = dotted.split(".")
            perms.append(Permission.objects.get(content_type__app_label=app_label, codename=codename))
        group.permissions.set(perms)

        GroupPagePermission.objects.filter(group=group).delete()
        for kind in rights["page"]:
            GroupPagePermission.objects.create(
                group=group,
                page=root_page,
                permission=Permission.objects.get(content_type__app_label="wagtailcore", codename=f"{kind}_page"),
            )
        GroupCollectionPermission.objects.filter(group=group).delete()
        for codename in rights["collection"]:
            GroupCollectionPermission.objects.create(
                group=group,
                collection=root_collection,
                permission=Permission.objects.get(
                    codename=codename, content_type__app_label__in=["wagtailimages", "wagtaildocs"]
                ),
            )


def replace_default_workflow(apps: Any) -> None:
    """Make "City approval" (approvers approve what editors submit) the site's workflow.

    Wagtail starts with a "Moderators approval" workflow on the root page and
    the groups Editors and Moderators; ours replace them.
    """
    ContentType = apps.get_model("contenttypes", "ContentType")
    Group = apps.get_model("auth", "Group")
    Page = apps.get_model("wagtailcore", "Page")
    Workflow = apps.get_model("wagtailcore", "Workflow")
    WorkflowTask = apps.get_model("wagtailcore", "WorkflowTask")
    WorkflowPage = apps.get_model("wagtailcore", "WorkflowPage")
    GroupApprovalTask = apps.get_model("wagtailcore", "GroupApprovalTask")

    task_type, _ = ContentType.objects.get_or_create(app_label="wagtailcore", model="groupapprovaltask")
    task, _ = GroupApprovalTask.objects.get_or_create(
        name="市の承認 City approval", defaults={"content_type": task_type, "active": True}
    )
    task.groups.set([Group.objects.get(name=CITY_APPROVERS)])
    workflow, _ = Workflow.objects.get_or_create(name="City approval", defaults={"active": True})
    WorkflowTask.objects.get_or_create(workflow=workflow, task=task, defaults={"sort_order": 0})
    root_page = Page.objects.filter(depth=1).first()
    WorkflowPage.objects.update_or_create(page=root_page, defaults={"workflow": workflow})
    Workflow.objects.filter(name="Moderators approval").update(active=False)
    GroupApprovalTask.objects.filter(name="Moderators approval").update(active=False)
    Group.objects.filter(name__in=WAGTAIL_DEFAULT_GROUPS).delete()
