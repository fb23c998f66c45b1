"""The page cache knows no app above cms: the apps register their clocks and models from ``AppConfig.ready``."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from cms import page_cache
from recruitment.models import Organisation, TaskCategory

NOW = datetime(2026, 11, 1, 9, 0, tzinfo=UTC)


@pytest.fixture
def clocks(monkeypatch):
    """The registered clocks, restored after the test."""
    registered: list = []
    monkeypatch.setattr(page_cache, "_clocks", registered)
    return registered


def test_the_next_change_is_the_earliest_any_clock_names(clocks):
    page_cache.register_clock(lambda now: now + timedelta(hours=3))
    page_cache.register_clock(lambda now: None)  # nothing changes by this clock
    page_cache.register_clock(lambda now: now + timedelta(minutes=5))
    assert page_cache._next_change(NOW) == NOW + timedelta(minutes=5)


def test_no_clock_means_no_change_by_the_clock(clocks):
    assert page_cache._next_change(NOW) is None


def test_a_clock_registered_twice_counts_once(clocks):
    def clock(now):
        return now

    page_cache.register_clock(clock)
    page_cache.register_clock(clock)
    assert clocks == [clock]


def test_recruitment_registers_its_clock_models_and_listings():
    assert any(clock.__qualname__.endswith("roles_clock") for clock in page_cache._clocks)
    assert {Organisation, TaskCategory} <= set(page_cache.invalidating_models)
    assert "recruitment:roles_feed" in page_cache.listing_url_names
    assert "sitemap" in page_cache.listing_url_names
