"""A visitor on a phone finds a Kobe role by category and opens it; axe passes on every public page."""

import pytest
from playwright.sync_api import expect

from recruitment.demo import ensure_kobe_demo
from tests.conftest import replayed

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def kobe(transactional_db):
    return replayed("kobe", ensure_kobe_demo)


def test_visitor_finds_a_role_by_category_and_opens_it(page, live_server, kobe, assert_accessible):
    page.goto(live_server.url + "/")
    assert_accessible(page)
    page.get_by_role("link", name="募集中の業務をすべて見る").click()
    assert page.locator("h1").inner_text() == "募集一覧"
    assert_accessible(page)

    page.get_by_label("業務カテゴリ").select_option(label="Instagram掲載記事制作")
    page.get_by_role("button", name="検索").click()
    assert "category=" in page.url
    cards = page.locator(".role-card")
    # count() does not wait: wait for the results page's first card (a loaded machine answers slower).
    expect(cards.first).to_be_visible()
    assert cards.count() >= 1
    assert all("Instagram" in t for t in page.locator(".role-card__title").all_inner_texts())
    assert_accessible(page)

    cards.filter(has_text="神戸市").first.get_by_role("link").click()
    assert "Instagram" in page.locator("h1").inner_text()
    assert page.get_by_text("締切", exact=False).first.is_visible()
    assert page.locator("#apply").is_visible()
    assert_accessible(page)
    # The page fits a phone: nothing scrolls sideways.
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_call_page_and_closed_role_are_accessible(page, live_server, kobe, assert_accessible):
    page.goto(live_server.url + kobe.url)
    assert page.locator(".role-card").count() == 10
    assert_accessible(page)
    closed = page.locator(".role-card", has=page.locator(".badge--closed"))
    assert closed.count() == 1
    closed.get_by_role("link").click()
    assert page.get_by_text("この業務の受付は終了しました。").is_visible()
    assert page.locator("#apply").count() == 0
    assert_accessible(page)


def test_search_for_video_in_english(page, live_server, kobe, assert_accessible):
    page.goto(live_server.url + "/en/calls/?q=動画")
    titles = page.locator(".role-card__title").all_inner_texts()
    assert len(titles) >= 3
    assert_accessible(page)
