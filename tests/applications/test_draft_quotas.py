"""Issue 19, finding 6: the drafts of one call keep a bounded number of bytes of files, together.

Each draft has its own cap (three files of the largest size); many drafts, from many
addresses, are bounded by the call's quota, and files of untouched drafts go within a day.
"""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone
from PIL import Image

from applications.intake.drafts import call_draft_file_bytes
from applications.models import Draft
from tests.applications.wizard_helpers import post_step, walk
from tests.recruitment import factories as f

pytestmark = pytest.mark.django_db


def _png(name: str) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), "red").save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


@pytest.fixture
def call_and_role(site_content, settings, tmp_path):
    settings.RATELIMIT_ENABLE = False
    call = f.call()
    return call, f.role(call, closes_at=timezone.now() + timedelta(days=10))


def test_the_calls_drafts_together_keep_no_more_than_the_quota(call_and_role, settings):
    call, role = call_and_role
    first = Client()
    walk(first, call, [role.pk], until="portfolio")
    assert post_step(first, call, "portfolio", {}, files={"file_1": _png("a.png")}).status_code == 302
    kept = call_draft_file_bytes(call)
    assert kept > 0
    assert Draft.objects.get().file_bytes == kept
    settings.KOBO_CALL_DRAFT_FILE_BYTES = kept + kept // 2  # room for half a file more

    second = Client()
    walk(second, call, [role.pk], until="portfolio")
    refused = post_step(second, call, "portfolio", {"link_1": "https://example.jp/w"}, files={"file_1": _png("b.png")})
    assert refused.status_code == 200
    assert "非常に多くのファイル" in refused.content.decode()
    assert call_draft_file_bytes(call) == kept  # nothing of it was kept
    # Removing a file frees its bytes for the others.
    post_step(first, call, "portfolio", {"remove_file_1": "on"})
    assert call_draft_file_bytes(call) == 0
    assert post_step(second, call, "portfolio", {}, files={"file_1": _png("b.png")}).status_code == 302
