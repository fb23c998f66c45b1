"""A city's team without a shell: approvers manage their own city's members and assignments, nobody else's."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from wagtail.models import ModelLogEntry

from applications.models import Assignment, OrganisationMember
from applications.teams import access
from recruitment.organisations import CONTACT_FIELDS
from tests.applications.teams_world import two_cities

pytestmark = pytest.mark.django_db


@pytest.fixture
def cities(site_content):
    return two_cities()


def test_approver_adds_an_official_to_their_city_and_the_log_says_so(client, cities):
    newcomer = cities.users["contractor_none"].__class__.objects.create_user("newcomer", "n@example.jp", "pw-123456x")
    client.force_login(cities.users["approver_x"])
    # A newcomer is no one of the city's yet: the approver types their account's email address.
    response = client.post(
        reverse("organisationmember:add"),
        {"organisation": cities.org_x.pk, "email": newcomer.email, "role": "official"},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    member = OrganisationMember.objects.get(user=newcomer)
    assert (member.organisation, member.role) == (cities.org_x, "official")
    assert access.call_or_404(newcomer, cities.call_x.pk) == cities.call_x
    entry = ModelLogEntry.objects.for_instance(member).get(action="wagtail.create")
    assert entry.user == cities.users["approver_x"]


def test_approver_cannot_add_a_member_to_another_city(client, cities):
    client.force_login(cities.users["approver_y"])
    target = cities.users["contractor_none"]
    response = client.post(
        reverse("organisationmember:add"), {"organisation": cities.org_x.pk, "user": target.pk, "role": "approver"}
    )
    assert response.status_code == 200  # the form again, with the error next to the field
    assert "organisation" in response.context["form"].errors
    assert not OrganisationMember.objects.filter(user=target).exists()


def test_other_citys_members_and_assignments_do_not_exist_for_an_approver(client, cities):
    member_x = OrganisationMember.objects.get(user=cities.users["official_x"])
    assignment_x = Assignment.objects.get(user=cities.users["contractor_x"])
    client.force_login(cities.users["approver_y"])
    for name, pk in [("organisationmember", member_x.pk), ("assignment", assignment_x.pk)]:
        for view in ("edit", "delete", "history"):
            assert client.get(reverse(f"{name}:{view}", args=[pk])).status_code == 404, (name, view)
        assert client.post(reverse(f"{name}:delete", args=[pk])).status_code == 404, name
    assert client.get(reverse("organisation:edit", args=[cities.org_x.pk])).status_code == 404
    listing = client.get(reverse("organisationmember:index"))
    assert "official_x" not in listing.content.decode().replace("approver_y_official_x", "")  # Y's own approver
    assert "approver_y" in listing.content.decode()
    assert OrganisationMember.objects.filter(pk=member_x.pk).exists()
    assert Assignment.objects.filter(pk=assignment_x.pk).exists()


def test_approver_assigns_a_contractor_for_dates_and_screening_honours_them(client, cities):
    contractor = cities.users["contractor_none"]
    client.force_login(cities.users["approver_x"])
    today = timezone.localdate()
    response = client.post(
        reverse("assignment:add"),
        {
            "call": cities.call_x.pk,
            "email": contractor.email,  # not yet working for the city: found by their address
            "starts_on": (today + timedelta(days=1)).isoformat(),
            "ends_on": (today + timedelta(days=10)).isoformat(),
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assignment = Assignment.objects.get(user=contractor)
    assert ModelLogEntry.objects.filter(object_id=str(assignment.pk), action="wagtail.create").exists()
    assert not access.screenable_calls(contractor).exists()  # starts tomorrow
    assignment.starts_on = today
    assignment.save()
    assert list(access.screenable_calls(contractor)) == [cities.call_x]
    assignment.ends_on = today - timedelta(days=1)
    assignment.save()
    assert not access.screenable_calls(contractor).exists()  # ended yesterday


def test_assignment_choices_are_the_citys_calls_and_contractors_only(client, cities):
    client.force_login(cities.users["approver_x"])
    form = client.get(reverse("assignment:add")).context["form"]
    assert list(form.fields["call"].queryset) == [cities.call_x]
    # Contractors already working for the city; others by email (tests/applications/test_authority.py).
    assert set(form.fields["user"].queryset.values_list("username", flat=True)) == {"contractor_x"}
    response = client.post(
        reverse("assignment:add"), {"call": cities.call_y.pk, "email": cities.users["contractor_none"].email}
    )
    assert "call" in response.context["form"].errors
    bad_dates = client.post(
        reverse("assignment:add"),
        {"call": cities.call_x.pk, "email": cities.users["contractor_none"].email, "starts_on": "2030-01-10",
         "ends_on": "2030-01-01"},
    )  # fmt: skip
    assert "終了日は開始日以降" in str(bad_dates.context["form"].errors["ends_on"])
    assert not Assignment.objects.filter(user=cities.users["contractor_none"]).exists()


def test_approver_edits_their_citys_contact_only(client, cities):
    client.force_login(cities.users["approver_x"])
    url = reverse("organisation:edit", args=[cities.org_x.pk])
    form = client.get(url).context["form"]
    assert set(form.fields) == set(CONTACT_FIELDS)  # contact, phone, hours, sender name, Reply-To…
    data = {"contact": "広報課 078-000-0000", "contact_email": "pr@x.example.jp", "name": "乗っ取り"}
    response = client.post(url, data)
    assert response.status_code == 302
    cities.org_x.refresh_from_db()
    assert (cities.org_x.contact, cities.org_x.name) == ("広報課 078-000-0000", "エックス市")
    assert ModelLogEntry.objects.filter(object_id=str(cities.org_x.pk), action="wagtail.edit").exists()
    assert client.get(reverse("organisation:add")).status_code in (302, 403)


def test_removing_a_member_takes_them_out_of_the_citys_groups(client, cities):
    approver = cities.users["approver_x"]
    editor = cities.users["editor_x"]
    assert editor.groups.filter(pk=cities.org_x.editors_group_id).exists()
    member = OrganisationMember.objects.get(user=editor)
    client.force_login(approver)
    assert client.post(reverse("organisationmember:delete", args=[member.pk])).status_code == 302
    assert not editor.groups.filter(pk=cities.org_x.editors_group_id).exists()
    assert not cities.call_x.permissions_for_user(editor).can_edit()
    assert ModelLogEntry.objects.filter(object_id=str(member.pk), action="wagtail.delete").exists()


def test_superuser_onboards_a_city_in_the_admin(client, cities):
    client.force_login(cities.users["superuser"])
    response = client.post(
        reverse("organisation:add"),
        {"name": "ゼット市", "name_en": "Z City", "slug": "z-city", "reference_prefix": "ZCTY", "url": "",
         "contact": "", "contact_email": ""},
    )  # fmt: skip
    assert response.status_code == 302, response.content.decode()[:2000]
    from recruitment.models import Organisation

    z = Organisation.objects.get(slug="z-city")
    assert z.city_page.get_workflow().tasks.get().specific.groups.get() == z.approvers_group


def test_a_city_with_calls_is_not_deleted_even_by_a_superuser(client, cities):
    client.force_login(cities.users["superuser"])
    response = client.post(reverse("organisation:delete", args=[cities.org_x.pk]))
    assert response.status_code in (302, 403)
    from recruitment.models import Organisation

    assert Organisation.objects.filter(pk=cities.org_x.pk).exists()
