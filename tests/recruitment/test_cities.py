"""Each city's calls in its own subtree, with its own groups and workflow; copying a call to another city."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from wagtail.models import GroupPagePermission, PageLogEntry

from recruitment.cities import city_group_name
from recruitment.models import CallPage, RolePage
from tests.recruitment import factories as f

pytestmark = pytest.mark.django_db


def test_onboarding_creates_the_citys_groups_rights_folder_and_workflow(cities):
    city = f.organisation(name="ゼット市", slug="z-city")
    page = city.city_page
    assert page.get_parent().specific_class.__name__ == "CallIndexPage"
    assert (city.editors_group.name, city.approvers_group.name) == (
        city_group_name(city, "editors"),
        city_group_name(city, "approvers"),
    )
    rights = {
        (p.group_id, p.permission.codename)
        for p in GroupPagePermission.objects.filter(group__in=[city.editors_group, city.approvers_group])
    }
    assert {p for g, p in rights if g == city.editors_group_id} == {"add_page", "change_page", "lock_page"}
    assert "publish_page" in {p for g, p in rights if g == city.approvers_group_id}
    assert set(GroupPagePermission.objects.filter(group=city.approvers_group).values_list("page", flat=True)) == {
        page.pk
    }
    task = page.get_workflow().tasks.get().specific
    assert list(task.groups.all()) == [city.approvers_group]


def test_calls_live_under_their_citys_folder(cities):
    assert cities.call_x.get_parent().specific.organisation == cities.org_x
    assert cities.call_x.url.startswith("/calls/x-city/")


def test_another_citys_approver_cannot_edit_unpublish_or_delete_its_pages(client, cities):
    client.force_login(cities.users["approver_y"])
    for page in (cities.call_x, cities.role_x):
        for action in ("edit", "unpublish", "delete", "copy"):
            response = client.get(reverse(f"wagtailadmin_pages:{action}", args=[page.pk]))
            assert response.status_code in (302, 403), (page, action, response.status_code)
            assert response.status_code == 403 or response["Location"].startswith("/admin/")
        client.post(reverse("wagtailadmin_pages:unpublish", args=[page.pk]))
        client.post(reverse("wagtailadmin_pages:delete", args=[page.pk]))
    assert CallPage.objects.get(pk=cities.call_x.pk).live
    assert RolePage.objects.get(pk=cities.role_x.pk).live


def test_own_citys_approver_can_edit_and_unpublish_its_pages(client, cities):
    client.force_login(cities.users["approver_x"])
    assert client.get(reverse("wagtailadmin_pages:edit", args=[cities.role_x.pk])).status_code == 200
    assert client.post(reverse("wagtailadmin_pages:unpublish", args=[cities.role_x.pk])).status_code == 302
    assert not RolePage.objects.get(pk=cities.role_x.pk).live


def test_copying_a_call_to_another_city_moves_every_date_by_the_offset(client, cities):
    source = cities.call_x
    now = timezone.now().replace(microsecond=0)  # revisions keep milliseconds; deadlines are set to the minute
    f.role(source, title="二つ目の業務", opens_at=now - timedelta(days=3), closes_at=now + timedelta(days=9))
    f.role(source, title="三つ目の業務", closes_at=now + timedelta(days=2, hours=5))
    first = RolePage.objects.get(pk=cities.role_x.pk)
    first.closes_at = now + timedelta(days=30)
    first.save_revision().publish()
    roles = {r.slug: r for r in RolePage.objects.child_of(source)}
    client.force_login(cities.users["superuser"])
    page = client.get(reverse("wagtailadmin_pages:copy", args=[source.pk]))
    assert page.status_code == 200
    assert "shift_days" in page.context["form"].fields
    response = client.post(
        reverse("wagtailadmin_pages:copy", args=[source.pk]),
        {"new_title": "ワイ市版", "new_slug": "y-copy", "organisation": cities.org_y.pk, "shift_days": "45"},
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    copy = CallPage.objects.get(slug="y-copy")
    assert copy.organisation == cities.org_y
    assert copy.get_parent().specific == cities.org_y.city_page
    assert not copy.live
    copied = {r.slug: r for r in RolePage.objects.child_of(copy)}
    assert set(copied) == set(roles)
    for slug, role in roles.items():
        new = copied[slug]
        assert not new.live
        assert new.closes_at - role.closes_at == timedelta(days=45)
        draft = new.get_latest_revision_as_object()
        assert draft.closes_at - role.closes_at == timedelta(days=45)
        if role.opens_at:
            assert new.opens_at - role.opens_at == timedelta(days=45)
        assert (new.title, new.headcount, new.category_id) == (role.title, role.headcount, role.category_id)
    assert PageLogEntry.objects.filter(page=copy, action="wagtail.copy").exists()
    assert copy.permissions_for_user(cities.users["approver_y"]).can_edit()
    assert not copy.permissions_for_user(cities.users["approver_x"]).can_edit()


def test_copy_refuses_a_city_the_user_cannot_add_to_and_a_taken_slug(client, cities):
    client.force_login(cities.users["approver_x"])
    url = reverse("wagtailadmin_pages:copy", args=[cities.call_x.pk])
    form = client.get(url).context["form"]
    assert list(form.fields["organisation"].queryset) == [cities.org_x]
    other = client.post(url, {"new_title": "t", "new_slug": "t", "organisation": cities.org_y.pk, "shift_days": "1"})
    assert "organisation" in other.context["form"].errors
    taken = client.post(
        url, {"new_title": "t", "new_slug": cities.call_x.slug, "organisation": cities.org_x.pk, "shift_days": "x"}
    )
    assert set(taken.context["form"].errors) == {"new_slug", "shift_days"}
    assert CallPage.objects.filter(organisation=cities.org_y).count() == 1


def test_demo_staff_work_on_kobe_and_cannot_touch_miki(cities, demo_users):
    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    from recruitment.demo import ensure_kobe_demo

    kobe = ensure_kobe_demo()
    call_command("create_demo_users", stdout=open("/dev/null", "w"))  # noqa: SIM115
    miki = CallPage.objects.get(slug="miki-pr")
    assert kobe.get_parent().specific.organisation.slug == "kobe"
    assert miki.get_parent().specific.organisation.slug == "miki"
    users = get_user_model().objects.in_bulk(["editor", "approver"], field_name="username")
    assert kobe.permissions_for_user(users["editor"]).can_edit()
    assert not kobe.permissions_for_user(users["editor"]).can_publish()
    assert kobe.permissions_for_user(users["approver"]).can_publish()
    for user in users.values():
        assert not miki.permissions_for_user(user).can_edit()
        assert not miki.permissions_for_user(user).can_unpublish()
