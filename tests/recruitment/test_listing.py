"""Home, call page and the open-roles listing: filters, Japanese search and constant query counts."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from recruitment.models import RolePage
from tests.recruitment import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalogue(site_content):
    video = f.category(name="イベント等記録動画撮影", name_en="Event video", slug="event-video")
    photo = f.category(name="イベント等記録写真撮影", name_en="Event photos", slug="event-photos")
    insta = f.category(name="Instagram掲載記事制作", name_en="Instagram articles", slug="instagram")
    call = f.call(title="神戸市 広報分野の副業人材", title_en="Kobe PR side jobs")
    now = timezone.now()
    # key: title, category, days until the role closes, and what else sets it apart in the filters.
    table = {
        "video": (
            "イベント動画の撮影",
            video,
            10,
            {"work_style": "partly_on_site", "pay_min": 30000, "pay_basis": "project"},
        ),
        "planning": ("施策PR動画の構成企画", video, 20, {"pay_min": 100000, "pay_basis": "month"}),
        "photo": ("イベント写真の撮影", photo, 5, {"work_style": "partly_on_site"}),
        "insta": ("Instagram記事の制作", insta, 2, {"pay_min": 6000, "pay_basis": "piece"}),
        "closed": ("終了した動画業務", video, -1, {}),
    }
    roles = {
        key: f.role(call, title=title, category=category, closes_at=now + timedelta(days=days), **fields)
        for key, (title, category, days, fields) in table.items()
    }
    return call, roles


def _titles(response) -> list[str]:
    return [role.title for role in response.context["roles"]]


def test_home_lists_open_calls_with_counts_and_nearest_deadline(client, catalogue):
    call, roles = catalogue
    html = client.get("/").content.decode()
    assert call.title in html
    assert "4 件の業務を募集中(全 5 件)" in html
    local = timezone.localtime(roles["insta"].closes_at)
    assert f"{local.year}年{local.month}月{local.day}日" in html


def test_search_in_japanese_finds_the_video_roles(client, catalogue):
    response = client.get("/calls/", {"q": "動画"})
    assert sorted(_titles(response)) == ["イベント動画の撮影", "施策PR動画の構成企画"]


def test_search_matches_category_names_and_full_width_letters(client, catalogue):
    assert _titles(client.get("/calls/", {"q": "ｉｎｓｔａｇｒａｍ"})) == ["Instagram記事の制作"]
    assert _titles(client.get("/calls/", {"q": "記録写真"})) == ["イベント写真の撮影"]
    assert _titles(client.get("/calls/", {"q": "動画 企画"})) == ["施策PR動画の構成企画"]


def test_filters_by_category_work_style_and_pay_basis(client, catalogue):
    assert sorted(_titles(client.get("/calls/", {"category": "event-video"}))) == [
        "イベント動画の撮影",
        "施策PR動画の構成企画",
    ]
    assert sorted(_titles(client.get("/calls/", {"work_style": "partly_on_site"}))) == [
        "イベント写真の撮影",
        "イベント動画の撮影",
    ]
    assert _titles(client.get("/calls/", {"pay_basis": "month"})) == ["施策PR動画の構成企画"]


def test_listing_orders_by_deadline_or_newest_and_hides_closed_roles(client, catalogue):
    closing = _titles(client.get("/calls/", {"order": "closing"}))
    assert closing == ["Instagram記事の制作", "イベント写真の撮影", "イベント動画の撮影", "施策PR動画の構成企画"]
    newest = _titles(client.get("/calls/", {"order": "newest"}))
    assert newest[0] == "Instagram記事の制作"
    assert "終了した動画業務" not in closing


def test_unknown_filter_values_are_ignored_not_errors(client, catalogue):
    response = client.get("/calls/", {"category": "<script>", "order": "x", "q": "a" * 500})
    assert response.status_code == 200


def test_call_page_groups_roles_by_category_and_filters_by_state(client, catalogue):
    call, _ = catalogue
    response = client.get(call.url)
    groups = {g.category.slug: [r.title for r in g.roles] for g in response.context["groups"]}
    assert groups["event-video"] == ["イベント動画の撮影", "施策PR動画の構成企画", "終了した動画業務"]
    html = response.content.decode()
    assert "受付終了" in html
    assert "締切間近" in html  # the Instagram role closes within 72 hours
    open_only = client.get(call.url, {"state": "open"}).context["groups"]
    assert "終了した動画業務" not in [r.title for g in open_only for r in g.roles]
    closed_only = client.get(call.url, {"state": "closed"}).context["groups"]
    assert [r.title for g in closed_only for r in g.roles] == ["終了した動画業務"]
    by_category = client.get(call.url, {"category": "instagram"}).context["groups"]
    assert [g.category.slug for g in by_category] == ["instagram"]


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


# The sitemap walks the city folders (CityPage) too: one page type, one query, more than before them.
MOST_QUERIES = {"call": 8, "role": 8, "index": 11, "sitemap": 11}


def test_query_count_does_not_grow_with_roles(client, site_content):
    """Rendered from the database (the page cache is off in tests): 3 roles or 12, the same queries.

    The call grows between the two measures (each role in its own category); every page is measured
    at each size.
    """
    counts: dict[str, list[int]] = {path: [] for path in MOST_QUERIES}
    call = f.call()
    roles: list[RolePage] = []
    for n in (3, 12):
        roles += [f.role(call, category=f.category()) for _ in range(n - len(roles))]
        urls = {"call": call.url, "role": roles[-1].url, "index": "/calls/", "sitemap": "/sitemap.xml"}
        for path, url in urls.items():
            client.get(url)  # warm per-process caches (site root paths, content types)
            counts[path].append(_queries(client, url))
    for path, most in MOST_QUERIES.items():
        assert counts[path][0] == counts[path][1], (path, counts)
        assert counts[path][1] <= most, (path, counts)


def test_roles_of_an_unpublished_call_are_not_public(client, site_content):
    hidden = f.call(live=False)
    role = f.role(hidden, title="非公開の募集の業務")
    assert client.get(role.url).status_code == 404
    assert client.get(hidden.url).status_code == 404
    assert role.url not in client.get("/sitemap.xml").content.decode()
