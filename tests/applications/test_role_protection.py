"""A role that has applications cannot be deleted, and the admin says why."""

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from applications.models import Applicant, Application, Candidacy
from recruitment.models import RolePage
from tests.recruitment import factories as f

pytestmark = pytest.mark.django_db


def test_deleting_a_role_with_applications_is_refused_with_a_reason(client, site_content, demo_users):
    call = f.call()
    role = f.role(call)
    applicant = Applicant.objects.create(
        email="a@example.jp",
        email_key="a@example.jp",
        family_name="神戸",
        given_name="花子",
        family_name_kana="コウベ",
        given_name_kana="ハナコ",
        phone="0781234567",
        postal_code="650-8570",
        prefecture="兵庫県",
        city="神戸市",
    )
    now = timezone.now()
    application = Application.objects.create(
        reference="TEST-ABCDEF",
        submission_token="6b7c1d9e-1111-4a4a-9a9a-000000000001",
        call=call,
        applicant=applicant,
        consent_notice_version=1,
        consented_at=now,
        manage_token_hash="x" * 64,
        submitted_at=now,
    )
    Candidacy.objects.create(application=application, applicant=applicant, role=role, rank=1)
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
