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
        "interview_rubric-count": "0",
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


# --- A copied call warns of the source's dates and contacts ---------------------------------------


@pytest.fixture
def kobe_call_to_copy(site_content):
    kobe = f.organisation(
        slug="kobe-c",
        name="神戸コピー市",
        contact_department="企画調整局 広報戦略部",
        contact_phone="078-000-0000",
        contact_email="kobe-pr@example.jp",
    )
    miki = f.organisation(slug="miki-c", name="三木コピー市", contact_email="miki-pr@example.jp")
    call = f.call(
        organisation=kobe,
        body=[("paragraph", "<p>説明会は2020年10月3日(土)に開きます。締切は10月23日です。</p>")],
        contact="神戸コピー市 企画調整局 広報戦略部\n電話 078-000-0000",
        contact_email="kobe-pr@example.jp",
    )
    f.role(call, term="2020年11月〜2021年3月")
    return call, miki


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


def test_copying_a_call_warns_of_dates_in_its_text_and_the_source_citys_contacts(kobe_call_to_copy, admin_client):
    call, miki = kobe_call_to_copy
    response = admin_client.post(
        f"/admin/pages/{call.pk}/copy/",
        {"new_title": "三木市の募集", "new_slug": "miki-copy", "organisation": miki.pk, "shift_days": 365},
        follow=True,
    )
    shown = " ".join(messages_of(response))
    assert "2020年10月3日" in shown
    assert "10月23日" in shown
    assert "2020年11月" in shown  # a role's term, written as text
    assert "神戸コピー市" in shown
    assert "078-000-0000" in shown
    assert "kobe-pr@example.jp" in shown

    from recruitment.models import CallPage

    copy = CallPage.objects.get(slug="miki-copy")
    # Opened again later in the editor (before publishing), the check is still shown.
    again = " ".join(messages_of(admin_client.get(f"/admin/pages/{copy.pk}/edit/")))
    assert "神戸コピー市" in again
    assert "2020年10月3日" in again


def test_a_copy_whose_text_was_corrected_shows_no_warning_and_an_original_call_never(kobe_call_to_copy, admin_client):
    from recruitment.copying import call_copy, copied_call_warnings

    call, miki = kobe_call_to_copy
    assert copied_call_warnings(call) == []  # not a copy: its own dates and contacts are its own
    copy = call_copy(call=call, organisation=miki, title="三木市の募集", slug="miki-fixed", shift_days=365, by=None)
    assert copied_call_warnings(copy)

    draft = copy.get_latest_revision_as_object()
    draft.body = [("paragraph", "<p>説明会は2021年10月3日(日)に開きます。</p>")]
    draft.contact = "三木コピー市 広報担当課"
    draft.contact_email = "miki-pr@example.jp"
    draft.save_revision()
    from recruitment.models import RolePage

    role = RolePage.objects.child_of(copy).first()
    role.term = "2021年11月〜2022年3月"
    role.save_revision()
    assert copied_call_warnings(copy) == []
