"""One approval publishes a call with all its roles; each role stays editable and publishable alone."""

from __future__ import annotations

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from wagtail.models import Page

from recruitment.models import CallPage, RolePage
from tests.conftest import shared_world, site_content_now
from tests.recruitment import factories as f

pytestmark = pytest.mark.django_db


@shared_world
def call_workflow_world():
    """The site content, the demo users and ``draft_call``, built once for this file's tests (writes undone)."""
    site_content_now()
    call_command("create_demo_users", stdout=io.StringIO())
    return make_draft_call(demo_staff())


def demo_staff():
    users = get_user_model().objects.in_bulk(["editor", "approver"], field_name="username")
    return users["editor"], users["approver"]


@pytest.fixture
def staff(call_workflow_world):
    return demo_staff()


@pytest.fixture
def draft_call(call_workflow_world):
    """A call as Kobe's: a draft call with ten draft roles (eleven pages), nothing public yet."""
    return call_workflow_world


def make_draft_call(staff):
    editor, approver = staff
    call = f.call(live=False, title="広報の副業人材(下書き)")
    f.member(editor, call.organisation, "editor")
    f.member(approver, call.organisation, "approver")
    roles = [f.role(call, live=False, title=f"下書きの業務{n}") for n in range(1, 11)]
    for page in (call, *roles):
        page.save_revision(user=editor)
    return call, roles


def approve_in_admin(page: Page, approver) -> None:
    """What the approver does: the 承認 action of the page's current task, in the admin."""
    task_state = page.current_workflow_task_state
    client = Client()
    client.force_login(approver)
    url = reverse("wagtailadmin_pages:workflow_action", args=(page.pk, "approve", task_state.pk))
    response = client.post(url, {"comment": ""})
    assert response.status_code in (200, 302)


def submit_and_approve(page: Page, editor, approver) -> None:
    """The editor submits ``page`` to its workflow; the approver approves it in the admin."""
    page.get_workflow().start(page, editor)
    approve_in_admin(page, approver)


def test_one_approval_publishes_the_call_and_all_its_roles(draft_call, staff):
    editor, approver = staff
    call, roles = draft_call
    assert Page.objects.filter(path__startswith=call.path, live=True).count() == 0

    submit_and_approve(call, editor, approver)  # one submission, one approval

    pages = Page.objects.filter(path__startswith=call.path)
    assert pages.count() == 11
    assert pages.filter(live=True).count() == 11
    public = Client().get(CallPage.objects.get(pk=call.pk).url)
    assert public.status_code == 200
    assert "下書きの業務10" in public.content.decode()
    role = RolePage.objects.get(pk=roles[0].pk)
    assert role.live_revision.user_id is not None  # published as someone, logged in the history
    assert role.get_latest_revision().pk == role.live_revision.pk


def test_roles_in_moderation_are_approved_with_the_call(draft_call, staff):
    editor, approver = staff
    call, roles = draft_call
    roles[0].get_workflow().start(roles[0], editor)  # this role was submitted on its own too
    submit_and_approve(call, editor, approver)

    role = RolePage.objects.get(pk=roles[0].pk)
    assert role.live
    assert role.current_workflow_state is None  # it left the approvers' queue


def test_a_role_is_still_edited_and_published_alone(draft_call, staff):
    editor, approver = staff
    call, roles = draft_call
    submit_and_approve(call, editor, approver)

    # A later edit of one live role: its own submission and approval publish it, and only it.
    role = RolePage.objects.get(pk=roles[3].pk)
    other = RolePage.objects.get(pk=roles[4].pk)
    other.title = "未提出の変更"
    other.save_revision(user=editor)
    role.title = "変更した業務"
    role.save_revision(user=editor)
    call_revision = CallPage.objects.get(pk=call.pk).live_revision_id
    submit_and_approve(role, editor, approver)

    role.refresh_from_db()
    assert role.live
    assert role.title == "変更した業務"
    assert not role.has_unpublished_changes
    other.refresh_from_db()
    assert other.has_unpublished_changes  # an edit nobody submitted stays a draft
    assert RolePage.objects.get(pk=other.pk).live_revision.as_object().title != "未提出の変更"
    assert CallPage.objects.get(pk=call.pk).live_revision_id == call_revision


def test_an_edit_of_a_live_role_waits_for_its_own_approval_when_the_call_is_approved(draft_call, staff):
    editor, approver = staff
    call, roles = draft_call
    submit_and_approve(call, editor, approver)
    role = RolePage.objects.get(pk=roles[1].pk)
    role.title = "まだ承認されていない変更"
    role.save_revision(user=editor)

    call = CallPage.objects.get(pk=call.pk)
    call.summary = "概要を直しました。"
    call.save_revision(user=editor)
    submit_and_approve(call, editor, approver)

    role.refresh_from_db()
    assert role.has_unpublished_changes
    assert role.title != "まだ承認されていない変更"  # the live title is unchanged
