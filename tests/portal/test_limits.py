"""Issue 19, findings 6-7: limits per visitor and per address, a 429 that says how long, staff sign-in bounds.

One visitor using up their own limit must not stop the next person behind the same address
(a carrier's CGNAT, an office, a library); the address has its own, far more generous ceiling.
"""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from applications.models import Attachment
from cms.web import limits
from tests.applications.teams_world import two_cities
from tests.applications.wizard_helpers import post_step
from tests.conftest import shared_world, site_content_now
from tests.recruitment import factories as f

pytestmark = pytest.mark.django_db


@shared_world
def limits_world():
    """The site content, an open call, twelve staff accounts and two cities, built once for this file's tests."""
    site_content_now()
    call = f.call()
    users = get_user_model().objects
    return {
        "open_call": (call, f.role(call, closes_at=timezone.now() + timedelta(days=10))),
        "staff": [
            users.create_user(f"staff{n}", f"staff{n}@example.jp", f"right-password-{n}-long") for n in range(12)
        ],
        "cities": two_cities(),
    }


@pytest.fixture
def open_call(limits_world):
    return limits_world["open_call"]


def test_one_visitor_over_their_limit_does_not_stop_the_next_person_at_the_same_address(open_call, monkeypatch):
    call, role = open_call
    monkeypatch.setitem(limits.RATES, "wizard", limits.Rate(visitor="3/h", address="30/h"))
    greedy = Client()
    statuses = [post_step(greedy, call, "roles", {"roles": [role.pk]}).status_code for _ in range(4)]
    assert statuses == [302, 302, 302, 429]
    assert post_step(Client(), call, "roles", {"roles": [role.pk]}).status_code == 302  # same address, next person


def test_the_address_ceiling_stops_clients_that_drop_their_cookies(open_call, monkeypatch):
    call, role = open_call
    monkeypatch.setitem(limits.RATES, "wizard", limits.Rate(visitor="3/h", address="5/h"))
    statuses = [post_step(Client(), call, "roles", {"roles": [role.pk]}).status_code for _ in range(6)]
    assert statuses == [302] * 5 + [429]


def test_the_429_page_says_why_and_how_long_to_wait(open_call, monkeypatch):
    call, role = open_call
    monkeypatch.setitem(limits.RATES, "wizard", limits.Rate(visitor="1/h", address="100/h"))
    browser = Client()
    post_step(browser, call, "roles", {"roles": [role.pk]})
    refused = post_step(browser, call, "roles", {"roles": [role.pk]})
    assert refused.status_code == 429
    wait = int(refused["Retry-After"])
    assert 0 < wait <= 3600
    page = refused.content.decode()
    assert "何度も送信" in page  # why: this visitor sent the form many times
    assert f"約{-(-wait // 60)}分待って" in page  # how long, in minutes, as the header says in seconds
    english = Client()
    english.post(f"/en/apply/{call.pk}/roles/", {f"apply-{call.pk}-current_step": "roles", "roles-roles": role.pk})
    page = english.post(
        f"/en/apply/{call.pk}/roles/", {f"apply-{call.pk}-current_step": "roles", "roles-roles": role.pk}
    ).content.decode()
    assert "Please wait about" in page
    assert "minute" in page


def test_the_429_page_for_a_shared_address_says_so(open_call, monkeypatch):
    call, role = open_call
    monkeypatch.setitem(limits.RATES, "wizard", limits.Rate(visitor="100/h", address="1/h"))
    post_step(Client(), call, "roles", {"roles": [role.pk]})
    refused = post_step(Client(), call, "roles", {"roles": [role.pk]})
    assert refused.status_code == 429
    assert "回線" in refused.content.decode()


# --- staff sign-in ----------------------------------------------------------------------------------


@pytest.fixture
def staff_accounts(limits_world):
    """Twelve staff accounts, each with its own right password."""
    return limits_world["staff"]


def test_guessing_across_usernames_from_one_address_locks_the_address(staff_accounts):
    client = Client(REMOTE_ADDR="203.0.113.9")
    login = reverse("wagtailadmin_login")
    ceiling = int(limits.RATES["login"].address.split("/")[0])
    statuses = []
    for guess in range(ceiling + 1):  # 31 wrong passwords, spread over 12 accounts (under five each)
        user = staff_accounts[guess % len(staff_accounts)]
        statuses.append(client.post(login, {"username": user.username, "password": f"guess-{guess}"}).status_code)
    assert set(statuses) == {200}  # each a failed login form
    # The address is now locked out, for every username, even with the right password.
    locked = client.post(login, {"username": "staff0", "password": "right-password-0-long"})
    assert locked.status_code == 429
    assert "_auth_user_id" not in client.session
    # Another address is not.
    other = Client(REMOTE_ADDR="198.51.100.4")
    assert other.post(login, {"username": "staff0", "password": "right-password-0-long"}).status_code == 302


def test_password_reset_is_limited_per_account_and_per_address(staff_accounts):
    reset = reverse("wagtailadmin_password_reset")
    client = Client(REMOTE_ADDR="203.0.113.10")
    statuses = [client.post(reset, {"email": "staff1@example.jp"}).status_code for _ in range(4)]
    assert statuses == [302, 302, 302, 429]
    assert len(mail.outbox) == 3
    # Other accounts from the same address, up to the address ceiling.
    address_ceiling = int(limits.RATES["password_reset"].address.split("/")[0])
    statuses = [
        client.post(reset, {"email": f"staff{2 + n % 10}@example.jp"}).status_code for n in range(address_ceiling)
    ]
    assert statuses.count(429) == 3  # the 21st to 23rd requests from this address
    assert len(mail.outbox) == address_ceiling


# --- private downloads ------------------------------------------------------------------------------------


def test_attachment_download_is_sandboxed_like_exports(limits_world, settings, tmp_path):
    settings.RATELIMIT_ENABLE = False
    cities = limits_world["cities"]
    attachment = Attachment(
        application=cities.candidacy_x.application, original_name="portfolio.pdf", content_type="application/pdf",
        size=15, sha256="0" * 64,
    )  # fmt: skip
    attachment.file.save(f"{uuid.uuid4().hex}.pdf", ContentFile(b"%PDF-1.4\n%%EOF\n"), save=False)
    attachment.save()
    client = Client()
    client.force_login(cities.users["approver_x"])
    try:
        response = client.get(reverse("screening_attachment", args=[attachment.pk]))
        assert response.status_code == 200
        assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"
        assert response["X-Content-Type-Options"] == "nosniff"
        assert "no-store" in response["Cache-Control"]
    finally:
        attachment.file.delete(save=False)
