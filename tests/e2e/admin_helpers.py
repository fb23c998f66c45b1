"""Steps the admin's browser tests share: signing in, and waiting for a page to settle before axe."""

from __future__ import annotations

#: Staff work at a desk: the browser tests look at the admin in a window this size.
DESK = {"width": 1280, "height": 900}


def log_in(page, live_server, username, password):
    """Sign in to the Wagtail admin as ``username`` (signing out whoever was signed in first)."""
    page.context.clear_cookies()
    page.goto(live_server.url + "/admin/login/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(password)
    page.locator("form button[type=submit], form input[type=submit]").first.click()
    page.wait_for_url(live_server.url + "/admin/")


def at_desk(page, live_server, username, password, path):
    """``username`` signs in to the admin in a desk-sized window and opens ``path``."""
    page.set_viewport_size(DESK)
    log_in(page, live_server, username, password)
    page.goto(live_server.url + path)


def settled(page, assert_accessible):
    """Wagtail fades its message banners in; axe during the fade reports a false contrast failure."""
    page.wait_for_load_state()
    page.wait_for_timeout(1200)
    assert_accessible(page)
