"""Scheduled jobs go row by row: one bad row is logged and skipped, and the job carries on for the others.

A malformed draft, a page deleted half-way or a file that vanished must not stop a beat job
(reminders, digests, the purge) for everyone, run after run.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

logger = logging.getLogger("kobo.jobs")


@contextmanager
def each_row_alone(job: str, row: Any) -> Iterator[None]:
    """Do ``job``'s work for ``row`` inside this: an error is logged with the row and swallowed."""
    try:
        yield
    except Exception:
        logger.exception("%s: skipped %r, which failed; the other rows carry on", job, row)
