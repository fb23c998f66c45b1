"""The four staff groups, their rights, the City approval workflow and the demo users.

Page rights per city (each city's own groups on its own subtree) are tested in
tests/recruitment/test_cities.py.
"""

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.core.management.base import CommandError
from wagtail.models import GroupCollectionPermission, GroupPagePermission, Page, Workflow

from applications.staff import CITY_APPROVERS, CITY_EDITORS, GROUPS, OFFICIALS, SCREENING_CONTRACTORS

pytestmark = pytest.mark.django_db


def _page_rights(name):
    return set(
        GroupPagePermission.objects.filter(group__name=name, page__depth=1).values_list(
            "permission__codename", flat=True
        )
    )


def test_exactly_our_four_groups_exist():
    names = set(Group.objects.values_list("name", flat=True))
    assert names == {CITY_EDITORS, CITY_APPROVERS, SCREENING_CONTRACTORS, OFFICIALS}


def test_site_wide_groups_have_no_page_rights_anywhere():
    """Page rights come only from a city's own groups, on that city's subtree."""
    for name in (CITY_EDITORS, CITY_APPROVERS, SCREENING_CONTRACTORS, OFFICIALS):
        assert not GroupPagePermission.objects.filter(group__name=name).exists(), name


def test_editors_view_task_categories_and_approvers_manage_their_team():
    editors = Group.objects.get(name=CITY_EDITORS)
    assert editors.permissions.filter(codename="view_taskcategory").exists()
    assert not editors.permissions.filter(codename="change_taskcategory").exists()
    approvers = Group.objects.get(name=CITY_APPROVERS)
    codenames = set(approvers.permissions.values_list("codename", flat=True))
    assert {"change_sitesettings", "view_taskcategory", "change_organisation", "add_assignment"} <= codenames
    assert {"add_organisation", "delete_organisation", "change_taskcategory"}.isdisjoint(codenames)


def test_contractors_and_officials_have_admin_access_but_no_page_rights():
    for name in (SCREENING_CONTRACTORS, OFFICIALS):
        group = Group.objects.get(name=name)
        assert list(group.permissions.values_list("codename", flat=True)) == ["access_admin"]
        assert _page_rights(name) == set()
        assert not GroupCollectionPermission.objects.filter(group=group).exists()


def test_every_group_matches_the_table():
    for name, rights in GROUPS.items():
        group = Group.objects.get(name=name)
        model_perms = {f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.all()}
        assert model_perms == set(rights["model"])
        assert _page_rights(name) == {f"{kind}_page" for kind in rights["page"]}


def test_city_approval_workflow_guards_the_whole_site():
    root = Page.get_first_root_node()
    workflow = root.get_workflow()
    assert workflow.name == "City approval"
    task = workflow.tasks.get().specific
    assert list(task.groups.values_list("name", flat=True)) == [CITY_APPROVERS]
    assert not Workflow.objects.filter(name="Moderators approval", active=True).exists()


def test_demo_users_log_in_to_the_admin(client, demo_users, settings):
    for username in ("editor", "approver", "screener", "official", "admin"):
        client.logout()
        response = client.post(
            "/admin/login/", {"username": username, "password": settings.KOBO_DEMO_PASSWORD}, follow=True
        )
        assert response.status_code == 200
        assert response.wsgi_request.user.username == username, username
        assert response.redirect_chain[-1][0] == "/admin/"


def test_demo_users_belong_to_one_group_each(demo_users):
    from django.contrib.auth import get_user_model

    users = {u.username: u for u in get_user_model().objects.prefetch_related("groups")}
    assert [g.name for g in users["editor"].groups.all()] == [CITY_EDITORS]
    assert [g.name for g in users["screener"].groups.all()] == [SCREENING_CONTRACTORS]
    assert users["admin"].is_superuser
    assert not users["editor"].is_superuser


def test_demo_users_are_refused_where_demo_data_is_not_allowed(settings):
    settings.KOBO_DEMO_ALLOWED = False
    with pytest.raises(CommandError, match="only for local settings"):
        call_command("create_demo_users")
