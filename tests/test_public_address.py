"""One public address: `make run` on another port mails links to that port; production insists on https."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import Client
from django.utils import timezone
from wagtail.models import Site

from applications.intake.services import draft_send_link
from applications.mail.triggers.staff import deadline_digests_send
from applications.models import Draft
from applications.staff import CITY_APPROVERS
from applications.tasks import send_outbox
from applications.teams.authority import mail_recipients
from tests.applications import factories as af
from tests.recruitment import factories as f

REPO = Path(__file__).resolve().parent.parent


def _clean_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in {"KOBO_PUBLIC_URL", "WAGTAILADMIN_BASE_URL", "PORT"}}
    return {**env, **extra}


def make_run_address(**variables: str) -> str:
    """The public address the Makefile hands to the three processes of `make run` (read from make itself)."""
    args = [f"{k}={v}" for k, v in variables.items()]
    result = subprocess.run(
        ["make", "-s", "--no-print-directory", "--eval=print-%: ; @echo $($*)", "print-KOBO_PUBLIC_URL", *args],
        cwd=REPO, env=_clean_env(), capture_output=True, text=True, check=True,
    )  # fmt: skip
    return result.stdout.strip()


def settings_in_process(env: dict[str, str], module: str = "portal.settings.local") -> subprocess.CompletedProcess:
    """Start Django as a `make run` process would and print the addresses its emails use."""
    code = (
        "import django; django.setup(); from django.conf import settings; "
        "print(settings.KOBO_PUBLIC_URL); print(settings.WAGTAILADMIN_BASE_URL)"
    )
    return subprocess.run(
        [sys.executable, "-c", code], cwd=REPO, env=_clean_env(DJANGO_SETTINGS_MODULE=module, **env),
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip


def test_make_run_on_another_port_mails_links_to_that_port(site_content, settings):
    address = make_run_address(PORT="8123")
    assert address == "http://127.0.0.1:8123"
    assert make_run_address(HOST="kobo.local", PORT="9000") == "http://kobo.local:9000"

    # honcho gives each process its own PORT (the worker 8223, say): the mail address does not follow it.
    worker = settings_in_process({"KOBO_PUBLIC_URL": address, "PORT": "8223"})
    assert worker.returncode == 0, worker.stderr
    assert worker.stdout.split() == ["http://127.0.0.1:8123", "http://127.0.0.1:8123"]

    settings.KOBO_PUBLIC_URL = settings.WAGTAILADMIN_BASE_URL = address
    call = f.call()
    role = f.role(call, closes_at=timezone.now() - timedelta(minutes=5))
    af.staff("approver-1", CITY_APPROVERS, organisation=call.organisation)
    draft = Draft.objects.create(token_hash="x" * 64, call=call, expires_at=timezone.now() + timedelta(days=1))
    mail.outbox.clear()
    draft_send_link(draft=draft, email="someone@example.jp", language="ja")
    deadline_digests_send(staff=mail_recipients)
    send_outbox.delay()
    by_to = {m.to[0]: m for m in mail.outbox}
    found = re.search(r"http://127\.0\.0\.1:8123/apply/resume/[\w-]+/", by_to["someone@example.jp"].body)
    assert found, by_to["someone@example.jp"].body
    applicant_link = found.group(0)
    assert f'href="{applicant_link}"' in by_to["someone@example.jp"].alternatives[0][0]
    assert f"http://127.0.0.1:8123/admin/screening/call/{call.pk}/" in by_to["approver-1@example.jp"].body
    # The link works on that address: it asks to continue the draft (continuing is a POST).
    response = Client().get(applicant_link.removeprefix(address))
    assert response.status_code == 200
    assert b'method="post"' in response.content
    assert role.pk  # the digest above was for this role

    # `make run`'s set-up syncs the Site, so canonical links and the sitemap say the same port.
    call_command("sync_site", stdout=open(os.devnull, "w"))  # noqa: SIM115
    assert Site.objects.get(is_default_site=True).root_url == "http://127.0.0.1:8123"
    sitemap = Client().get("/sitemap.xml").content.decode()
    assert "<loc>http://127.0.0.1:8123/" in sitemap


PRODUCTION = {
    "SECRET_KEY": "production-test-" + "k" * 60,
    "ALLOWED_HOSTS": "kobo.example.jp",
    "CACHE_URL": "redis://127.0.0.1:6379/3",
    "DATABASE_URL": "sqlite:///:memory:",
    "KOBO_TRUSTED_PROXY_COUNT": "1",
}


@pytest.mark.parametrize(
    ("env", "refused"),
    [
        ({}, True),
        ({"KOBO_PUBLIC_URL": "http://kobo.example.jp"}, True),
        ({"KOBO_PUBLIC_URL": "https://kobo.example.jp", "WAGTAILADMIN_BASE_URL": "http://admin.example.jp"}, True),
        ({"KOBO_PUBLIC_URL": "https://kobo.example.jp"}, False),
    ],
)
def test_production_refuses_to_start_without_an_https_public_address(env, refused):
    result = settings_in_process({**PRODUCTION, **env}, module="portal.settings.production")
    if refused:
        assert result.returncode != 0
        assert "must be the portal's public https address" in result.stderr
    else:
        assert result.returncode == 0, result.stderr
        assert result.stdout.split() == ["https://kobo.example.jp", "https://kobo.example.jp"]
