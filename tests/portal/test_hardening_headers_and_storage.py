"""Permissions-Policy, private file modes and staff session length (issue 11, item 13)."""

from __future__ import annotations

import stat
import uuid
from datetime import timedelta
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.utils import timezone

pytestmark = pytest.mark.django_db


def test_every_public_page_switches_off_browser_features_it_does_not_use(client, site_content):
    for path in ["/", "/en/", "/does-not-exist/"]:
        policy = client.get(path).headers.get("Permissions-Policy", "")
        for feature in ["camera=()", "microphone=()", "geolocation=()", "payment=()", "usb=()"]:
            assert feature in policy, (path, policy)


def test_the_admin_login_page_has_the_policy_too(client):
    assert "camera=()" in client.get("/admin/login/").headers["Permissions-Policy"]


def _mode(path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_private_files_are_readable_by_the_portal_only():
    private = storages["private"]
    folder = f"hardening-{uuid.uuid4().hex}"
    name = private.save(f"{folder}/2026/cv.pdf", ContentFile(b"%PDF-1.7 test"))
    try:
        stored = Path(private.path(name))
        assert _mode(stored) == 0o600
        assert _mode(stored.parent) == 0o700
        assert _mode(stored.parent.parent) == 0o700
    finally:
        private.delete(name)


@pytest.fixture
def staff_user(db):
    from django.contrib.auth.models import Permission

    user = get_user_model().objects.create_user("editor1", password="a-long-test-password-1")
    user.user_permissions.add(Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin"))
    return user


@pytest.mark.parametrize("remember", ["", "on"])
def test_a_staff_session_ends_with_the_browser_and_after_a_working_day(client, staff_user, remember):
    response = client.post(
        "/admin/login/", {"username": "editor1", "password": "a-long-test-password-1", "remember": remember}
    )
    assert response.status_code == 302

    cookie = response.cookies["sessionid"]
    assert cookie["max-age"] == ""
    assert cookie["expires"] == ""
    session = Session.objects.get(session_key=cookie.value)
    lifetime = session.expire_date - timezone.now()
    assert timedelta(hours=8) <= lifetime <= timedelta(hours=10)


def test_a_citizens_draft_session_outlives_a_browser_restart_but_only_for_two_hours(client, site_content):
    """A restart on a phone keeps the form; a shared browser does not keep it for days (issue 19)."""
    from tests.applications.wizard_helpers import post_step
    from tests.recruitment import factories as f

    call = f.call()
    role = f.role(call, title="記事", closes_at=timezone.now() + timedelta(days=9))

    response = post_step(client, call, "roles", {"roles": [str(role.pk)]})

    assert response.status_code == 302
    cookie = response.cookies["sessionid"]
    assert cookie["max-age"] == 2 * 3600
    session = Session.objects.get(session_key=cookie.value)
    assert session.expire_date - timezone.now() <= timedelta(hours=2)
