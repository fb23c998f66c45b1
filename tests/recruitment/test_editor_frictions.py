"""What editors met: a call's preview counting no roles while they are drafts, 300-character slugs from
Japanese titles, a copied call keeping the source's dates and contacts without a word."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.recruitment import factories as f

pytestmark = pytest.mark.django_db


# --- The call's preview counts and lists its draft roles ------------------------------------------


def test_a_call_preview_lists_its_draft_roles_marked_and_the_live_page_never(site_content):
    call = f.call(title="公開中の募集")
    f.role(call, title="公開済みの業務", headcount=2)
    f.role(call, live=False, title="下書きの業務A", headcount=1)
    f.role(call, live=False, title="下書きの業務B", headcount=3)

    preview = call.make_preview_request().content.decode()
    assert "3 業務、合計 6 人" in preview  # 2 + 1 + 3 people
    assert "下書きの業務A" in preview
    assert "下書きの業務B" in preview
    assert preview.count("badge--draft") == 2

    public = Client().get(call.url).content.decode()
    assert "下書きの業務A" not in public
    assert "badge--draft" not in public
    assert "公開済みの業務" in public


def test_a_draft_call_preview_with_only_draft_roles_does_not_say_zero(site_content):
    call = f.call(live=False)
    for n in range(3):
        f.role(call, live=False, title=f"新しい業務{n}")
    preview = call.make_preview_request().content.decode()
    assert "0 業務" not in preview
    assert "0 roles" not in preview
    assert preview.count("badge--draft") == 3
