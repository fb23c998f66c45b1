"""Shared fixtures: the site's standing content and staff users."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from cms.content import ensure_site_content


@pytest.fixture
def site_content(db):
    """The home page, settings and standard pages, as `make run` creates them."""
    return ensure_site_content()


@pytest.fixture
def demo_users(db):
    call_command("create_demo_users", stdout=open("/dev/null", "w"))  # noqa: SIM115
