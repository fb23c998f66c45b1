"""Every hostile upload through the real portfolio step: a field message, never a 5xx.

Django's multipart parser already drops directory parts of a file name
(`../../etc/passwd.pdf` arrives as `passwd.pdf`); whatever reaches the form must
be refused by content, or stored under a safe name.
"""

from __future__ import annotations

import unicodedata
from datetime import timedelta

import pytest
from django.core import mail
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from tests.applications.test_uploads import HOSTILE
from tests.applications.wizard_helpers import post_step, walk
from tests.conftest import shared_world, site_content_now
from tests.recruitment import factories as f

pytestmark = pytest.mark.django_db


@shared_world
def hostile_uploads_world() -> dict:
    """A call with one role, and a browser's draft walked up to the portfolio step, built once for this file.

    The draft and the browser's session are in the database: each test's client takes the session's
    cookie, and what it posts is undone after it.
    """
    site_content_now()
    call = f.call()
    role = f.role(call, closes_at=timezone.now() + timedelta(days=5))
    browser = Client()
    walk(browser, call, [role.pk], until="portfolio")
    mail.outbox.clear()
    cache.clear()  # the walk's requests count against no test's rate limits
    return {"call": call, "cookies": browser.cookies}


@pytest.fixture
def at_portfolio(client, hostile_uploads_world):
    client.cookies = hostile_uploads_world["cookies"]
    return hostile_uploads_world["call"]


@pytest.mark.parametrize(("name", "build", "code"), HOSTILE)
def test_hostile_upload_gets_a_field_message(client, at_portfolio, name, build, code):
    call = at_portfolio
    upload = SimpleUploadedFile("x", build(), content_type="application/pdf")
    upload._name = name
    response = post_step(client, call, "portfolio", {}, files={"file_1": upload})
    assert response.status_code < 500
    if response.status_code == 200:
        errors = response.context["form"].errors.get("file_1")
        assert errors, response.context["form"].errors
        assert any("\u3040" <= ch <= "\u9fff" for ch in str(errors))  # the message is in Japanese
    else:
        # Django's parser dropped the file or made its name harmless before the form saw it.
        stored = client.get(f"/apply/{call.pk}/portfolio/").context["form"].stored_files.get("file_1", "")
        assert "/" not in stored
        assert "\\" not in stored
        assert not any(unicodedata.category(ch) in {"Cc", "Cf"} for ch in stored)
