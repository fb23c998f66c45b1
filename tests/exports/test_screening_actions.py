"""Exports put their buttons on the screening pages through applications' hook, not through URLs there."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from wagtail import hooks

from applications.hooks import SCREENING_ACTIONS, ScreeningAction
from tests.conftest import shared_world, site_content_now
from tests.exports.conftest import SmallCall, make_small_call

pytestmark = pytest.mark.django_db


@shared_world
def screening_actions_world() -> SmallCall:
    """The site content and a small call, built once for this file's tests (each test's writes are undone)."""
    site_content_now()
    return make_small_call()


@pytest.fixture
def small_call(screening_actions_world) -> SmallCall:
    return screening_actions_world


def page(user, name: str, *args) -> str:
    client = Client()
    client.force_login(user)
    response = client.get(reverse(name, args=args))
    assert response.status_code == 200
    return response.content.decode()


def test_the_screening_pages_carry_the_export_actions(small_call):
    call = small_call.call
    request = reverse("exports_request", args=[call.pk])

    dashboard = page(small_call.official, "screening_dashboard", call.pk)
    form = re.search(rf'<form method="post" action="{request}" class="kobo-actions".*?</form>', dashboard, re.S)
    assert form is not None
    assert re.findall(r'name="kind" value="(\w+)"', form.group()) == ["decision_pack", "dossiers", "csv"]
    assert "csrfmiddlewaretoken" in form.group()
    assert "出力 Export</th>" in dashboard
    for role in small_call.roles:
        assert f'<input type="hidden" name="role" value="{role.pk}">' in dashboard

    candidacies = page(small_call.contractor, "screening_candidacies", call.pk)
    assert f'formaction="{request}" name="kind" value="csv"' in candidacies

    statistics = page(small_call.official, "call_statistics", call.pk)
    assert f'action="{request}"' in statistics
    assert 'name="kind" value="press_summary"' in statistics


def test_without_a_registered_action_the_pages_name_no_export(small_call, monkeypatch):
    original = hooks.get_hooks
    monkeypatch.setattr(hooks, "get_hooks", lambda name: [] if name == SCREENING_ACTIONS else original(name))
    call = small_call.call
    request = reverse("exports_request", args=[call.pk])
    for user, name in [
        (small_call.official, "screening_dashboard"),
        (small_call.contractor, "screening_candidacies"),
        (small_call.official, "call_statistics"),
    ]:
        html = page(user, name, call.pk)
        assert request not in html
        assert "exports-heading" not in html
    assert "出力 Export</th>" not in page(small_call.official, "screening_dashboard", call.pk)


def test_applications_names_no_export_url_and_imports_no_exports():
    root = Path(settings.BASE_DIR) / "applications"
    for path in [*root.rglob("*.html"), *root.rglob("*.py")]:
        text = path.read_text(encoding="utf-8")
        assert "exports_" not in text, path
        assert not re.search(r"^\s*(from|import) exports\b", text, re.M), path
        assert 'extends "exports/' not in text, path


def test_an_action_names_a_known_place():
    with pytest.raises(ValueError, match="unknown screening action place"):
        ScreeningAction(place="sidebar", template_name="exports/actions/dashboard.html")
