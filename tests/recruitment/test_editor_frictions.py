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


# --- Short slugs from Japanese titles -------------------------------------------------------------

LONG_TITLE = "神戸市公式Instagram掲載記事制作業務(市の魅力を写真と文章で発信する副業人材の募集)"


def add_role_in_admin(client, call, *, title: str, slug: str, title_en: str = "", category=None):
    """What the editor's browser posts when adding a role (Wagtail's script filled the slug from the title)."""
    from datetime import timedelta

    from django.utils import timezone
    from wagtail.test.utils.form_data import rich_text

    category = category or f.category()
    data = {
        "title": title,
        "title_en": title_en,
        "slug": slug,
        "category": category.pk,
        "headcount": 1,
        "closes_at": (timezone.localtime() + timedelta(days=9)).strftime("%Y-%m-%d %H:%M"),
        "opens_at": "",
        "summary": "",
        "summary_en": "",
        "duties": rich_text("<p>記事を書きます。</p>"),
        "deliverables": rich_text(""),
        "requirements": rich_text(""),
        "pay_text": "1記事6,000円",
        "work_style": "online",
        "rubric-count": "0",
        "comments-TOTAL_FORMS": "0",
        "comments-INITIAL_FORMS": "0",
        "comments-MIN_NUM_FORMS": "0",
        "comments-MAX_NUM_FORMS": "1000",
    }
    response = client.post(f"/admin/pages/add/recruitment/rolepage/{call.pk}/", data)
    assert response.status_code == 302, response.context["form"].errors if response.context else response
    from recruitment.models import RolePage

    return RolePage.objects.child_of(call).get(draft_title=title)


def test_a_role_with_a_japanese_title_gets_a_short_slug(site_content, admin_client):
    from django.utils.text import slugify

    call = f.call()
    category = f.category(slug="instagram-articles")
    unicode_slug = slugify(LONG_TITLE, allow_unicode=True)
    role = add_role_in_admin(admin_client, call, title=LONG_TITLE, slug=unicode_slug, category=category)
    assert role.slug == "instagram-articles"
    again = add_role_in_admin(admin_client, call, title=LONG_TITLE + "2", slug="", category=category)
    assert again.slug == "instagram-articles-2"
    assert len(role.url) < 80


def test_the_english_title_makes_the_slug_when_there_is_one(site_content, admin_client):
    from django.utils.text import slugify

    call = f.call()
    role = add_role_in_admin(
        admin_client,
        call,
        title=LONG_TITLE,
        title_en="Articles for the City of Kobe's official Instagram account and more",
        slug=slugify(LONG_TITLE, allow_unicode=True),
    )
    assert role.slug == "articles-for-the-city-of-kobes-official"
    assert len(role.slug) <= 40


def test_the_editor_chooses_the_slug_and_existing_slugs_stay(site_content, admin_client):
    call = f.call()
    role = add_role_in_admin(admin_client, call, title=LONG_TITLE, slug="kobe-insta")
    assert role.slug == "kobe-insta"  # typed by the editor: kept

    old = f.role(call, title="既存の業務", slug="既存の業務")  # a page made before: its address stays
    from tests.recruitment.test_editorial import _role_form

    form = _role_form(old, title="既存の業務(改)", slug="既存の業務")
    assert form.is_valid(), form.errors
    assert form.cleaned_data["slug"] == "既存の業務"
