"""A visitor on a phone reads the site in Japanese and English; axe finds no A/AA violation."""

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_visitor_switches_language_and_pages_are_accessible(page, live_server, site_content, assert_accessible):
    page.goto(live_server.url + "/")
    assert page.locator("html").get_attribute("lang") == "ja"
    assert page.locator("h1").inner_text() == "神戸市 広報分野の副業人材 募集ポータル"
    assert_accessible(page)

    # The skip link is the first stop of the keyboard and takes focus to the main content.
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "本文へ移動"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"

    page.get_by_role("link", name="English").click()
    page.wait_for_url(live_server.url + "/en/")
    assert page.locator("html").get_attribute("lang") == "en"
    assert "Side-job professionals" in page.locator("h1").inner_text()
    assert_accessible(page)

    page.get_by_role("link", name="Accessibility policy").click()
    assert page.locator("h1").inner_text() == "Accessibility policy"
    assert_accessible(page)


def test_language_switch_targets_are_at_least_44px(page, live_server, site_content):
    page.goto(live_server.url + "/")
    for link in page.locator(".lang-switch a, .lang-switch__current, .site-footer__links a").all():
        box = link.bounding_box()
        assert box["height"] >= 44, link.inner_text()


def test_not_found_page_is_friendly_and_accessible(page, live_server, site_content, assert_accessible):
    response = page.goto(live_server.url + "/en/no-such-page/")
    assert response.status == 404
    assert page.locator("h1").inner_text() == "Page not found"
    assert_accessible(page)


def test_axe_check_catches_a_planted_violation(page, axe):
    """The accessibility gate is live: an image without alt text and a nameless button fail it."""
    page.set_content('<html lang="ja"><body><main><img src="data:,"><button></button></main></body></html>')
    ids = {v["id"] for v in axe.run(page).response["violations"]}
    assert {"image-alt", "button-name"} <= ids
