"""A role that has applications cannot be deleted, and the admin says why."""

import pytest
from django.contrib.auth import get_user_model

from recruitment.models import RolePage
from tests.applications import factories as af
from tests.recruitment import factories as f

pytestmark = pytest.mark.django_db


def test_deleting_a_role_with_applications_is_refused_with_a_reason(client, site_content, demo_users):
    call = f.call()
    role = f.role(call)
    af.candidacy(role)
    client.force_login(get_user_model().objects.get(username="admin"))

    response = client.post(f"/admin/pages/{role.pk}/delete/", follow=True)

    assert RolePage.objects.filter(pk=role.pk).exists()
    messages = [str(m) for m in response.context["messages"]]
    assert any("応募(1件)があるため削除できません" in m for m in messages), messages


def test_a_role_without_applications_can_be_deleted(client, site_content, demo_users):
    role = f.role(f.call())
    client.force_login(get_user_model().objects.get(username="admin"))
    client.post(f"/admin/pages/{role.pk}/delete/")
    assert not RolePage.objects.filter(pk=role.pk).exists()
