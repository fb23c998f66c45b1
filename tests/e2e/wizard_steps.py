"""What the browser tests of the wizard share: its controls, the next button, side work.

The mailed code is read by ``tests.applications.wizard_helpers.emailed_code``, as in the client tests.
"""

from __future__ import annotations

from playwright.sync_api import Page


def field(page: Page, step: str, name: str):
    """A wizard control by its form name (the labels are checked by axe and by get_by_label in the tests)."""
    return page.locator(f'[name="{step}-{name}"]')


def next_step(page: Page) -> None:
    page.locator('button[name="next"]').click()


def answer_sidework(page: Page, employer_permission: str) -> None:
    """The side work step as someone who holds no public office answers it, then sent."""
    page.locator(f'[name="sidework-employer_permission"][value="{employer_permission}"]').check()
    page.locator('[name="sidework-public_servant"][value="no"]').check()
    field(page, "sidework", "no_antisocial_ties").check()
    next_step(page)
