"""Races in tests: threads with their own database connections, released at the same instant.

Only PostgreSQL locks rows; SQLite takes one lock for the whole database, so a race there queues
instead of racing. A race test asks for PostgreSQL first (``require_postgresql``).
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterable
from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.utils import timezone

from tests.conftest import restore_migration_data, site_content_now
from tests.recruitment import factories as f


def committed_open_role() -> tuple[Any, Any]:
    """For a test that commits: the migrations' data back, the site content, a call with one role open five days."""
    restore_migration_data()
    site_content_now()
    call = f.call()
    return call, f.role(call, closes_at=timezone.now() + timedelta(days=5))


def require_postgresql(why: str) -> None:
    """Skip a test that only PostgreSQL can run, saying ``why``; on CI, which has PostgreSQL, fail instead."""
    if connection.vendor != "postgresql":
        if os.environ.get("CI"):
            pytest.fail("CI must run this test on PostgreSQL")
        pytest.skip(why)


def at_once(work: Callable[[Any], Any], arguments: Iterable[Any], *, timeout: float | None = None) -> list[Any]:
    """``work(argument)`` for each argument, each in its own thread, all released together by a barrier.

    Each thread closes its database connection when it is done. The results come in the order the
    threads finished; a thread that raised leaves no result (the test's count of results shows it).
    """
    arguments = list(arguments)
    barrier = threading.Barrier(len(arguments))
    results: list[Any] = []

    def run(argument: Any) -> None:
        barrier.wait()
        try:
            results.append(work(argument))
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(argument,)) for argument in arguments]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=timeout)
    return results
