"""Public pages from the cache: what a visitor sees stays right after publishing and at every deadline."""

from __future__ import annotations

import threading
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
import time_machine
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from recruitment.models import RolePage
from tests.recruitment import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def page_cache_on(settings):
    settings.KOBO_PAGE_CACHE_SECONDS = 600
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def kobe(site_content):
    call = f.call(title="神戸市 広報の副業人材")
    role = f.role(call, title="Instagram記事の制作", closes_at=timezone.now() + timedelta(days=20))
    return call, role


def _get(client, url: str, **extra):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, **extra)
    assert response.status_code == 200, (url, response.status_code)
    return response, len(ctx.captured_queries)


def _badge(response) -> str:
    html = response.content.decode()
    return next(state for state in ("open", "soon", "closed", "upcoming") if f"badge--{state}" in html)


@pytest.mark.parametrize("which", ["call", "role", "index", "home", "feed", "sitemap", "english call"])
def test_a_second_visitor_gets_the_page_from_the_cache_without_queries(client, kobe, which):
    call, role = kobe
    url = {
        "call": call.url,
        "role": role.url,
        "index": "/calls/",
        "home": "/",
        "feed": "/roles/feed.atom",
        "sitemap": "/sitemap.xml",
        "english call": "/en" + call.url,
    }[which]
    first, _ = _get(client, url)
    second, queries = _get(client, url)
    assert (first["X-Page-Cache"], second["X-Page-Cache"]) == ("miss", "hit")
    assert queries == 0
    assert second.content == first.content
    assert second["Content-Type"] == first["Content-Type"]
    assert second["Content-Security-Policy"] == first["Content-Security-Policy"]
    cache_control = second["Cache-Control"]
    assert "public" in cache_control
    assert "s-maxage=" in cache_control
    assert "Cookie" not in second.get("Vary", "")
    assert "Accept-Language" not in second.get("Vary", "")


def test_japanese_and_english_are_cached_apart(client, kobe):
    call, _role = kobe
    url = call.url  # a request to /en/ leaves English active in this thread, and .url follows it
    japanese, _ = _get(client, url)
    english, _ = _get(client, "/en" + url)
    assert _get(client, url)[0].content == japanese.content
    assert _get(client, "/en" + url)[0].content == english.content
    assert 'lang="ja"' in japanese.content.decode()[:200]
    assert 'lang="en"' in english.content.decode()[:200]


def test_publishing_a_change_shows_at_once(client, kobe):
    call, role = kobe
    _get(client, call.url)
    _get(client, role.url)
    role.title = "Instagram記事の制作(改訂)"
    role.save_revision().publish()
    assert "Instagram記事の制作(改訂)" in _get(client, call.url)[0].content.decode()
    assert "Instagram記事の制作(改訂)" in _get(client, role.url)[0].content.decode()


def test_unpublishing_a_role_removes_it_from_every_cached_page(client, kobe):
    call, role = kobe
    role_url = role.url
    listings = {call.url: role.title, "/calls/": role.title, "/roles/feed.atom": role.title, "/sitemap.xml": role_url}
    _get(client, role_url)
    for url, shown in listings.items():
        assert shown in _get(client, url)[0].content.decode(), url
    role.unpublish()
    assert client.get(role_url).status_code == 404
    for url, shown in listings.items():
        assert shown not in _get(client, url)[0].content.decode(), url


def test_unpublishing_a_call_hides_it_and_its_roles(client, kobe):
    call, role = kobe
    _get(client, call.url)
    _get(client, role.url)
    call.unpublish()
    assert client.get(call.url).status_code == 404
    assert client.get(role.url).status_code == 404
    assert call.title not in _get(client, "/")[0].content.decode()


def test_moving_a_role_to_another_call_updates_both_calls(client, kobe):
    call, role = kobe
    other = f.call(title="三木市 広報の副業人材")
    old_url = role.url
    assert role.title in _get(client, call.url)[0].content.decode()
    assert role.title not in _get(client, other.url)[0].content.decode()
    _get(client, old_url)
    role.move(other, pos="last-child")
    role.refresh_from_db()
    moved = client.get(old_url)  # Wagtail leaves a redirect at the old address
    assert (moved.status_code, moved.get("Location")) == (301, role.url)
    assert role.title not in _get(client, call.url)[0].content.decode()
    assert role.title in _get(client, other.url)[0].content.decode()
    assert role.title in _get(client, role.url)[0].content.decode()


def test_deleting_a_role_removes_it(client, kobe):
    call, role = kobe
    url = role.url
    _get(client, url)
    assert role.title in _get(client, call.url)[0].content.decode()
    RolePage.objects.get(pk=role.pk).delete()
    assert client.get(url).status_code == 404
    assert role.title not in _get(client, call.url)[0].content.decode()


def test_editing_a_category_name_shows_at_once(client, kobe):
    call, role = kobe
    _get(client, call.url)
    role.category.name = "SNS記事"
    role.category.save()
    assert "SNS記事" in _get(client, call.url)[0].content.decode()


@pytest.mark.parametrize("page", ["role", "call"])
def test_the_state_shown_changes_at_the_second_of_each_boundary(client, site_content, page):
    """Opens, 72 hours before the deadline and the deadline: the cached page never lags."""
    opens = timezone.now().replace(microsecond=0) + timedelta(days=1)
    closes = opens + timedelta(days=10)
    call = f.call()
    role = f.role(call, opens_at=opens, closes_at=closes)
    url = role.url if page == "role" else call.url
    expected = [
        (opens - timedelta(seconds=1), "upcoming"),
        (opens, "open"),
        (closes - timedelta(hours=72, seconds=1), "open"),
        (closes - timedelta(hours=72), "soon"),
        (closes - timedelta(seconds=1), "soon"),
        (closes, "closed"),
    ]
    for instant, state in expected:
        with time_machine.travel(instant - timedelta(seconds=5), tick=False):
            _get(client, url)  # a visitor a few seconds before fills the cache
        with time_machine.travel(instant, tick=False):
            response, _ = _get(client, url)
            assert _badge(response) == state, (instant, state)
            assert _get(client, url)[0]["X-Page-Cache"] == "hit"  # stored again for the new state


def test_a_cached_page_tells_proxies_to_keep_it_only_until_the_deadline(client, site_content):
    call = f.call()
    now = timezone.now().replace(microsecond=0)
    role = f.role(call, closes_at=now + timedelta(hours=72, seconds=100))
    with time_machine.travel(now, tick=False):
        response, _ = _get(client, role.url)
    assert "s-maxage=99" in response["Cache-Control"] or "s-maxage=100" in response["Cache-Control"]
    assert "max-age=60" in response["Cache-Control"]
    with time_machine.travel(now + timedelta(hours=72, seconds=100), tick=False):
        assert _badge(_get(client, role.url)[0]) == "closed"


def test_a_logged_in_editor_is_never_served_or_stored(client, kobe, demo_users):
    call, _role = kobe
    anonymous, _ = _get(client, call.url)
    client.login(username="editor", password="kobo-demo-2026")
    editor, queries = _get(client, call.url)
    assert "X-Page-Cache" not in editor
    assert queries > 0
    assert "private" in editor["Cache-Control"]
    client.logout()
    client.cookies.clear()
    again, _ = _get(client, call.url)
    assert again["X-Page-Cache"] == "hit"
    assert again.content == anonymous.content


def test_a_visitor_with_a_session_or_a_message_gets_a_fresh_page(client, kobe):
    call, role = kobe
    _get(client, call.url)
    RolePage.objects.filter(pk=role.pk).update(title="こっそり変えた題名")  # no signal: the cache still has the old one
    assert "こっそり変えた題名" not in _get(client, call.url)[0].content.decode()
    client.cookies["sessionid"] = "someone-with-a-draft"
    with_session, _ = _get(client, call.url)
    assert "こっそり変えた題名" in with_session.content.decode()
    assert "X-Page-Cache" not in with_session
    del client.cookies["sessionid"]
    client.cookies["messages"] = "a-flash-message"
    assert "こっそり変えた題名" in _get(client, call.url)[0].content.decode()


def test_pages_with_a_form_are_not_cached(client, kobe):
    call, role = kobe
    response = client.get(f"/apply/{call.pk}/?role={role.pk}", follow=True)
    assert response.status_code == 200
    assert 'name="csrfmiddlewaretoken"' in response.content.decode()
    assert "X-Page-Cache" not in response
    assert "public" not in response.get("Cache-Control", "")


def test_addresses_made_up_by_visitors_are_not_stored(client, kobe):
    call, _role = kobe
    for url in (f"{call.url}?utm_source=x", f"{call.url}?state=nonsense", "/calls/?q=動画", "/sitemap.xml?p=1"):
        response = client.get(url)
        assert response.status_code in (200, 404), url
        assert "X-Page-Cache" not in response, url
    assert _get(client, f"{call.url}?state=open")[0]["X-Page-Cache"] == "miss"


class _Recorder(BaseHTTPRequestHandler):
    seen: list[tuple[str, str]] = []

    def do_PURGE(self):
        self.seen.append((self.headers["Host"], self.path))
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args):
        pass


def test_a_configured_proxy_is_told_to_purge_the_pages_a_publish_changes(
    client, kobe, settings, django_capture_on_commit_callbacks
):
    call, role = kobe
    server = HTTPServer(("127.0.0.1", 0), _Recorder)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        settings.WAGTAILFRONTENDCACHE = {
            "proxy": {
                "BACKEND": "wagtail.contrib.frontend_cache.backends.HTTPBackend",
                "LOCATION": f"http://127.0.0.1:{server.server_port}",
            }
        }
        _Recorder.seen = []
        with django_capture_on_commit_callbacks(execute=True):
            role.title = "改訂"
            role.save_revision().publish()
    finally:
        server.shutdown()
    paths = {path for _host, path in _Recorder.seen}
    for url in (role.url, call.url, "/calls/", "/", "/roles/feed.atom"):
        assert url in paths, (url, paths)
        assert "/en" + url in paths, (url, paths)
    assert "/sitemap.xml" in paths


# The site's configuration (site, settings, view restrictions) read once per change --------------


def _fresh(client, url: str):
    """Rendered from the database as in production: a visitor with a message is never served from the cache."""
    client.cookies["messages"] = "a-flash-message"
    response, queries = _get(client, url)
    assert "X-Page-Cache" not in response
    return response, queries


#: The most queries each page may read when rendered from the database (site configuration from memory).
MOST_QUERIES = {"call": 3, "role": 3, "index": 6}


def test_a_page_rendered_from_the_database_reads_only_its_own_rows(client, site_content):
    """Site, root page, settings, footer pages and view restrictions come from memory until something changes.

    3 roles or 12 (each in its own category), the same queries: the call grows between the two
    measures, and every page is measured at each size.
    """
    counts: dict[str, list[int]] = {which: [] for which in MOST_QUERIES}
    call = f.call()
    roles: list[RolePage] = []
    for n in (3, 12):
        roles += [f.role(call, category=f.category()) for _ in range(n - len(roles))]
        for which, url in {"call": call.url, "role": roles[-1].url, "index": "/calls/"}.items():
            _fresh(client, url)  # the first render after the changes reads the site's configuration
            counts[which].append(_fresh(client, url)[1])
    for which, most in MOST_QUERIES.items():
        assert counts[which][0] == counts[which][1] <= most, (which, counts)


def test_a_changed_site_setting_shows_on_the_next_render(client, kobe):
    from cms.models import SiteSettings

    call, _role = kobe
    before, _ = _fresh(client, call.url)
    settings_row = SiteSettings.objects.get()
    settings_row.site_name = "こうべ副業ポータル"
    settings_row.save()
    after, _ = _fresh(client, call.url)
    assert "こうべ副業ポータル" not in before.content.decode()
    assert "こうべ副業ポータル" in after.content.decode()


def test_a_page_made_private_asks_for_its_password_on_the_next_render(client, kobe):
    from wagtail.models import PageViewRestriction

    call, role = kobe
    assert role.title in _fresh(client, role.url)[0].content.decode()
    PageViewRestriction.objects.create(page=call, restriction_type=PageViewRestriction.PASSWORD, password="kobe2020")
    response, _ = _fresh(client, role.url)
    html = response.content.decode()
    assert 'name="password"' in html
    assert role.duties not in html


def test_a_change_another_process_made_shows_once_a_page_would_have_expired(client, kobe, monkeypatch):
    """Without a shared cache (``make run``) a change made by another process moves no generation here."""
    import time

    from cms.models import SiteSettings

    call, _role = kobe
    _fresh(client, call.url)
    SiteSettings.objects.update(site_name="別の処理が変えた名前")  # no signal, as from the beat without Redis
    assert "別の処理が変えた名前" not in _fresh(client, call.url)[0].content.decode()  # this process's copy
    later = time.monotonic() + 601  # the page cache keeps pages 600 s here
    monkeypatch.setattr(time, "monotonic", lambda: later)
    assert "別の処理が変えた名前" in _fresh(client, call.url)[0].content.decode()
