"""The home page and standard pages in Japanese and English; friendly error pages."""

import pytest
from django.test import Client
from django.test.client import RequestFactory
from django.utils import translation
from django.views.defaults import server_error

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("url", "language", "title", "skip_link", "switch"),
    [
        ("/", "ja", "神戸市 広報分野の副業人材 募集ポータル", "本文へ移動", 'href="/en/" hreflang="en"'),
        ("/en/", "en", "Side-job professionals for public relations", "Skip to main content", 'href="/" hreflang="ja"'),
    ],
)
def test_home_page_in_each_language(client, site_content, url, language, title, skip_link, switch):
    response = client.get(url)
    html = response.content.decode()
    assert response.status_code == 200
    assert f'<html lang="{language}">' in html
    assert title in html
    assert skip_link in html  # translated
    assert '<main id="main"' in html
    assert switch in html  # the language switch


def test_japanese_left_untranslated_on_the_english_home_page_is_marked_for_screen_readers(client, site_content):
    assert '<p lang="ja">神戸市 企画調整局' in client.get("/en/").content.decode()


def test_content_pages_and_footer_links(client, site_content):
    html = client.get("/en/").content.decode()
    assert '<a href="/en/accessibility/">Accessibility policy</a>' in html
    response = client.get("/accessibility/")
    assert "JIS X 8341-3:2016" in response.content.decode()


def test_site_content_loader_is_idempotent(site_content):
    from cms.content import ensure_site_content
    from cms.models import ContentPage, HomePage

    ensure_site_content()
    assert HomePage.objects.count() == 1
    assert ContentPage.objects.count() == 3


def test_public_pages_send_a_strict_content_security_policy(client, site_content):
    response = client.get("/")
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp
    assert "unsafe-inline" not in csp
    assert response["X-Frame-Options"] == "DENY"


@pytest.mark.parametrize(
    ("path", "text"),
    [("/no-such-page/", "ページが見つかりません"), ("/en/no-such-page/", "Page not found")],
)
def test_friendly_404_in_both_languages(client, site_content, path, text):
    response = client.get(path)
    assert response.status_code == 404
    assert text in response.content.decode()


@pytest.mark.parametrize(
    ("language", "text"), [("ja", "サーバーでエラーが発生しました"), ("en", "Something went wrong on our side")]
)
def test_friendly_500_in_both_languages(language, text):
    request = RequestFactory().get("/")
    with translation.override(language):
        response = server_error(request)
    assert response.status_code == 500
    assert text in response.content.decode()


def test_friendly_csrf_failure_page(site_content):
    client = Client(enforce_csrf_checks=True)
    response = client.post("/admin/login/", {"username": "x", "password": "y"})
    assert response.status_code == 403
    assert "フォームの有効期限が切れました" in response.content.decode()


def test_friendly_403_page(client, site_content):
    from django.views.defaults import permission_denied

    request = RequestFactory().get("/en/")
    request.site = None
    with translation.override("en"):
        response = permission_denied(request, exception=None)
    assert response.status_code == 403
    assert "Access denied" in response.content.decode()
