"""What the browser tests of the wizard share: its controls, the next button, the mailed code, side work."""

from __future__ import annotations

import re

from django.core import mail
from playwright.sync_api import Page


def field(page: Page, step: str, name: str):
    """A wizard control by its form name (the labels are checked by axe and by get_by_label in the tests)."""
    return page.locator(f'[name="{step}-{name}"]')


def next_step(page: Page) -> None:
    page.locator('button[name="next"]').click()


def mailed_code(email: str) -> str:
    """The confirmation code in the latest code mail sent to ``email``, as the applicant reads it."""
    for message in reversed(mail.outbox):
        found = re.search(r"(?<!\d)(\d{6})(?!\d)", message.subject)
        if message.to == [email] and found:
            return found.group(1)
    raise AssertionError(f"no code mailed to {email}: {[m.subject for m in mail.outbox]}")


def answer_sidework(page: Page, employer_permission: str) -> None:
    """The side work step as someone who holds no public office answers it, then sent."""
    page.locator(f'[name="sidework-employer_permission"][value="{employer_permission}"]').check()
    page.locator('[name="sidework-public_servant"][value="no"]').check()
    field(page, "sidework", "no_antisocial_ties").check()
    next_step(page)
