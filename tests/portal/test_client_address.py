"""Visitors behind the site's reverse proxy are told apart by their own address (issue 11, item 9).

Every request here reaches Django from the proxy (REMOTE_ADDR 10.0.0.1), which appended the
visitor's address to X-Forwarded-For, as nginx's ``$proxy_add_x_forwarded_for`` does.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.utils import timezone

from applications.models import Application
from tests.applications.wizard_helpers import GOOD_ANSWERS, post_step, walk
from tests.recruitment import factories as f

PROXY = "10.0.0.1"


def behind_proxy(visitor: str, forged: str = "") -> Client:
    """A browser at ``visitor`` whose requests pass through the proxy (after a forged entry, if any)."""
    forwarded = f"{forged}, {visitor}" if forged else visitor
    return Client(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=forwarded)


@pytest.fixture
def one_proxy(settings):
    settings.KOBO_TRUSTED_PROXY_COUNT = 1
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "proxy"}}
    from django.core.cache import cache

    cache.clear()
    return settings


@pytest.fixture
def open_call(site_content):
    call = f.call()
    role = f.role(call, title="記事", closes_at=timezone.now() + timedelta(days=9))
    return call, role


def answers_for(email: str) -> dict:
    return {"about": {**GOOD_ANSWERS["about"], "email": email, "email_confirm": email}}


def test_the_submit_limit_of_one_visitor_does_not_stop_another_behind_the_same_proxy(one_proxy, open_call, monkeypatch):
    from cms.web import limits

    monkeypatch.setitem(limits.RATES, "submit", limits.Rate(visitor="1/h", address="1/h"))
    call, role = open_call
    first, neighbour, again = behind_proxy("203.0.113.5"), behind_proxy("198.51.100.7"), behind_proxy("203.0.113.5")
    for browser, email in [(first, "a@example.jp"), (neighbour, "b@example.jp"), (again, "c@example.jp")]:
        walk(browser, call, [role.pk], until="review", answers=answers_for(email))

    assert post_step(first, call, "review", {}).status_code == 302
    assert post_step(neighbour, call, "review", {}).status_code == 302
    blocked = post_step(again, call, "review", {})

    assert blocked.status_code == 429
    assert Application.objects.count() == 2


def test_a_forged_forwarded_for_does_not_escape_the_limit(one_proxy, open_call, monkeypatch):
    from cms.web import limits

    monkeypatch.setitem(limits.RATES, "submit", limits.Rate(visitor="1/h", address="1/h"))
    call, role = open_call
    honest, forger = behind_proxy("203.0.113.5"), behind_proxy("203.0.113.5", forged="192.0.2.99")
    walk(honest, call, [role.pk], until="review", answers=answers_for("a@example.jp"))
    walk(forger, call, [role.pk], until="review", answers=answers_for("b@example.jp"))

    assert post_step(honest, call, "review", {}).status_code == 302
    assert post_step(forger, call, "review", {}).status_code == 429


def test_with_no_proxy_configured_the_header_is_ignored(settings, open_call, monkeypatch):
    from cms.web import limits

    settings.KOBO_TRUSTED_PROXY_COUNT = 0
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "direct"}}
    monkeypatch.setitem(limits.RATES, "submit", limits.Rate(visitor="1/h", address="1/h"))
    call, role = open_call
    first = Client(REMOTE_ADDR="203.0.113.5", HTTP_X_FORWARDED_FOR="198.51.100.1")
    second = Client(REMOTE_ADDR="203.0.113.5", HTTP_X_FORWARDED_FOR="198.51.100.2")
    walk(first, call, [role.pk], until="review", answers=answers_for("a@example.jp"))
    walk(second, call, [role.pk], until="review", answers=answers_for("b@example.jp"))

    assert post_step(first, call, "review", {}).status_code == 302
    assert post_step(second, call, "review", {}).status_code == 429


# --- login lockout ------------------------------------------------------------------------------

PASSWORD = "correct-horse-battery-staple"


@pytest.fixture
def staff(one_proxy, db):
    one_proxy.AXES_ENABLED = True
    user = get_user_model().objects.create_user("approver", password=PASSWORD)
    user.user_permissions.add(*_admin_access())
    return user


def _admin_access():
    from django.contrib.auth.models import Permission

    return Permission.objects.filter(content_type__app_label="wagtailadmin", codename="access_admin")


def sign_in(browser: Client, password: str):
    return browser.post("/admin/login/", {"username": "approver", "password": password})


def test_failed_logins_from_elsewhere_do_not_lock_staff_out(staff):
    attacker = behind_proxy("198.51.100.66")
    for _ in range(6):
        assert sign_in(attacker, "guess").status_code in {200, 429}

    response = sign_in(behind_proxy("203.0.113.5"), PASSWORD)

    assert response.status_code == 302
    assert response.headers["Location"] == "/admin/"


def test_the_guesser_is_locked_out_even_with_the_right_password(staff):
    attacker = behind_proxy("198.51.100.66")
    for _ in range(5):
        sign_in(attacker, "guess")

    response = sign_in(attacker, PASSWORD)

    assert response.status_code == 429
    assert "_auth_user_id" not in attacker.session
