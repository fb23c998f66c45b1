"""Editors and approvers: the City approval workflow, scheduled publishing, admin checks, history."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.test import RequestFactory
from django.utils import timezone
from wagtail import hooks
from wagtail.models import PageLogEntry
from wagtail.test.utils.form_data import rich_text

from portal.tasks import publish_scheduled
from recruitment.models import RolePage
from recruitment.wagtail_hooks import log_deadline_change
from tests.recruitment import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(demo_users):
    users = get_user_model().objects.in_bulk(["editor", "approver"], field_name="username")
    return users["editor"], users["approver"]


def test_editor_submits_and_approver_publishes(site_content, staff):
    editor, approver = staff
    call = f.call()
    f.member(editor, call.organisation, "editor")
    f.member(approver, call.organisation, "approver")
    role = f.role(call, live=False, title="下書きの業務")
    assert role.permissions_for_user(editor).can_edit()
    assert not role.permissions_for_user(editor).can_publish()
    assert role.permissions_for_user(approver).can_publish()

    role.save_revision(user=editor)
    workflow = role.get_workflow()
    assert workflow.name.startswith(call.organisation.name)
    state = workflow.start(role, editor)
    task_state = state.current_task_state
    task = task_state.task.specific
    assert [name for name, *_ in task.get_actions(role, editor)] == []
    assert "approve" in [name for name, *_ in task.get_actions(role, approver)]

    task.on_action(task_state, approver, "approve")
    role.refresh_from_db()
    assert role.live
    state.refresh_from_db()
    assert state.status == "approved"


def test_scheduled_role_goes_live_when_beat_runs_publish_scheduled(site_content):
    call = f.call()
    role = f.role(call, live=False)
    go_live = timezone.now() + timedelta(hours=1)
    role.go_live_at = go_live
    role.save_revision().publish()
    role.refresh_from_db()
    assert not role.live  # scheduled, not yet public

    with time_machine.travel(go_live + timedelta(minutes=1)):
        publish_scheduled.delay()
    role.refresh_from_db()
    assert role.live


def test_beat_schedule_runs_publish_scheduled_every_minute(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["publish-scheduled-pages"]
    assert entry["task"] == "portal.tasks.publish_scheduled"
    assert entry["schedule"] == 60.0


def _role_form(role, **overrides):
    form_class = RolePage.get_edit_handler().get_form_class()
    data = {
        "title": role.title,
        "slug": role.slug,
        "category": role.category_id,
        "headcount": 2,
        "closes_at": (timezone.localtime() + timedelta(days=5)).strftime("%Y-%m-%d %H:%M"),
        "opens_at": "",
        "duties": rich_text("<p>業務</p>"),
        "pay_text": "1記事6,000円",
        "work_style": "online",
        "rubric-count": "0",
        "interview_rubric-count": "0",
        **overrides,
    }
    return form_class(data, instance=role, parent_page=role.get_parent(), for_user=None)


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"headcount": 0}, "headcount", "募集人数は1人以上にしてください。"),
        (
            {
                "opens_at": (timezone.localtime() + timedelta(days=9)).strftime("%Y-%m-%d %H:%M"),
                "closes_at": (timezone.localtime() + timedelta(days=8)).strftime("%Y-%m-%d %H:%M"),
            },
            "closes_at",
            "締切は受付開始より後にしてください。",
        ),
        (
            {"closes_at": (timezone.localtime() - timedelta(days=1)).strftime("%Y-%m-%d %H:%M")},
            "closes_at",
            "締切が過去の日時です。",
        ),
    ],
)
def test_admin_form_refuses_bad_roles_with_clear_messages(site_content, overrides, field, message):
    call = f.call()
    new_role = RolePage(title="新しい業務", slug="new-role", category=f.category())
    new_role.path = call.path + "0001"  # parent lookup for the form; never saved
    new_role.depth = call.depth + 1
    form = _role_form(new_role, **overrides)
    assert not form.is_valid()
    assert any(message in error for error in form.errors.get(field, [])), form.errors


def test_admin_form_accepts_a_good_role(site_content):
    call = f.call()
    new_role = RolePage(title="新しい業務", slug="new-role", category=f.category())
    new_role.path = call.path + "0001"
    new_role.depth = call.depth + 1
    form = _role_form(new_role)
    assert form.is_valid(), form.errors


def test_past_deadline_is_allowed_when_editing_a_published_role(site_content):
    role = RolePage.objects.get(pk=f.role(f.call()).pk)  # as the admin loads it
    form = _role_form(role, closes_at=(timezone.localtime() - timedelta(days=1)).strftime("%Y-%m-%d %H:%M"))
    assert form.is_valid(), form.errors  # closing a live role early is legitimate


def test_changing_a_deadline_is_logged_in_the_history(site_content, staff):
    editor, _ = staff
    role = f.role(f.call())
    old = role.closes_at
    role.closes_at = old + timedelta(days=3)
    role.save_revision(user=editor)
    assert log_deadline_change in hooks.get_hooks("after_edit_page")
    request = RequestFactory().post("/admin/")
    request.user = editor
    log_deadline_change(request, role)
    entry = PageLogEntry.objects.get(page=role, action="recruitment.deadline_change")
    assert entry.user == editor
    assert entry.data["from"].startswith(old.isoformat()[:16])
    assert entry.data["to"] != entry.data["from"]


def test_an_edit_that_keeps_the_deadline_is_not_logged_as_a_change(site_content, staff):
    editor, _ = staff
    role = f.role(f.call())
    role.title = "題名だけ変更"
    role.save_revision(user=editor)
    request = RequestFactory().post("/admin/")
    request.user = editor
    log_deadline_change(request, role)
    assert not PageLogEntry.objects.filter(page=role, action="recruitment.deadline_change").exists()


def test_admin_explorer_shows_each_roles_state_and_deadline(site_content):
    from zoneinfo import ZoneInfo

    deadline = timezone.datetime(2031, 3, 31, 23, 59, tzinfo=ZoneInfo("Asia/Tokyo"))
    role = f.role(f.call(), closes_at=deadline, title="動画編集")
    with time_machine.travel(deadline + timedelta(minutes=1)):
        assert role.get_admin_display_title() == "動画編集【受付終了・締切 2031年3月31日(月) 23:59】"
