"""Onboarding a city: its organisation, its folder of calls, its own staff groups and approval workflow.

Each organisation's calls live under its own ``CityPage``. The city's editor and
approver groups get page rights (:data:`CITY_PAGE_RIGHTS`) on that page
only, and a workflow whose one task is approval by the city's approvers starts
there, so staff of one city cannot edit, publish, unpublish or delete another
city's calls. See docs/adr/0008-cities-teams-and-page-rights.md.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import Group, Permission
from django.db import transaction
from wagtail.log_actions import log
from wagtail.models import GroupApprovalTask, GroupPagePermission, Workflow, WorkflowPage, WorkflowTask

from .models import CallIndexPage, CallPage, CityPage, Organisation
from .organisations import CONTACT_FIELDS

#: Page rights of each city's own groups, granted on that city's ``CityPage`` (its calls and roles).
CITY_PAGE_RIGHTS: dict[str, list[str]] = {
    "editors": ["add", "change", "lock"],
    "approvers": ["add", "change", "publish", "lock", "unlock"],
}


class CityError(Exception):
    """A city cannot be onboarded as asked; the message says why, for the person who asked."""


def city_group_name(organisation: Organisation, kind: str) -> str:
    """The name of a city's own group: ``kobe: 編集 Editors`` or ``kobe: 承認 Approvers``."""
    label = {"editors": "編集 Editors", "approvers": "承認 Approvers"}[kind]
    return f"{organisation.slug}: {label}"


def city_workflow_name(organisation: Organisation) -> str:
    return f"{organisation.name}の承認 {organisation.name_en or organisation.slug} approval"


@transaction.atomic
def organisation_onboard(
    *,
    name: str,
    slug: str,
    reference_prefix: str,
    name_en: str = "",
    url: str = "",
    by: Any = None,
    **contact: str,
) -> Organisation:
    """Create a city with its folder of calls, its editor and approver groups and its workflow.

    ``contact``: any of the contact and sender fields (``organisations.CONTACT_FIELDS``).
    Validates the organisation as a form would (``ValidationError`` by field) and
    refuses (``CityError``) when the site has no call index yet. Logged as a creation.
    """
    unknown = set(contact) - set(CONTACT_FIELDS)
    if unknown:
        raise TypeError(f"organisation_onboard() got unexpected fields: {', '.join(sorted(unknown))}")
    organisation = Organisation(
        name=name, slug=slug, reference_prefix=reference_prefix, name_en=name_en, url=url, **contact
    )
    organisation.full_clean()
    organisation.save()
    city_ensure(organisation=organisation, by=by)
    log(instance=organisation, action="wagtail.create", user=by, content_changed=True)
    return organisation


def city_ensure(*, organisation: Organisation, by: Any = None) -> CityPage:
    """Make sure ``organisation`` has its groups, rights, folder of calls and workflow (idempotent).

    Calls of the organisation found elsewhere in the tree (made before cities had
    their own folders) are moved under its ``CityPage``.
    """
    index = CallIndexPage.objects.order_by("path").first()
    if index is None:
        raise CityError("募集一覧のページがまだありません。 The site has no call index page yet.")

    groups = {}
    for kind in CITY_PAGE_RIGHTS:
        current = getattr(organisation, f"{kind}_group")
        groups[kind] = current or Group.objects.get_or_create(name=city_group_name(organisation, kind))[0]
    if organisation.editors_group_id is None or organisation.approvers_group_id is None:
        organisation.editors_group = groups["editors"]
        organisation.approvers_group = groups["approvers"]
        organisation.save(update_fields=["editors_group", "approvers_group"])

    city = CityPage.objects.filter(organisation=organisation).first()
    if city is None:
        city = index.add_child(
            instance=CityPage(
                title=organisation.name,
                title_en=organisation.name_en,
                slug=organisation.slug,
                organisation=organisation,
            )
        )
        city.save_revision(user=by).publish(user=by)

    for kind, group in groups.items():
        codenames = [f"{right}_page" for right in CITY_PAGE_RIGHTS[kind]]
        GroupPagePermission.objects.filter(group=group).exclude(page=city, permission__codename__in=codenames).delete()
        for permission in Permission.objects.filter(content_type__app_label="wagtailcore", codename__in=codenames):
            GroupPagePermission.objects.get_or_create(group=group, page=city, permission=permission)

    task, _ = GroupApprovalTask.objects.get_or_create(
        name=f"{organisation.name}の承認 Approval", defaults={"active": True}
    )
    task.groups.set([groups["approvers"]])
    workflow, _ = Workflow.objects.get_or_create(name=city_workflow_name(organisation), defaults={"active": True})
    WorkflowTask.objects.get_or_create(workflow=workflow, task=task, defaults={"sort_order": 0})
    WorkflowPage.objects.update_or_create(page=city, defaults={"workflow": workflow})

    stray = CallPage.objects.filter(organisation=organisation).exclude(path__startswith=city.path)
    for pk in list(stray.values_list("pk", flat=True)):
        CallPage.objects.get(pk=pk).move(city, pos="last-child", user=by)
    return city
