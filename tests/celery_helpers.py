"""Point the Celery app at another broker inside a test (for outages and real workers)."""

from __future__ import annotations

import socket
from contextlib import contextmanager

from portal.celery import app


def closed_port() -> int:
    """A local TCP port nothing listens on (closed as soon as it is found)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def broker(url: str | None = None):
    """Point the Celery app at another broker (``None``: the configured one) with eager mode off."""
    keys = ("broker_url", "broker_write_url", "broker_read_url", "task_always_eager")
    saved = {key: app.conf[key] for key in keys}
    app.conf.task_always_eager = False
    if url:
        app.conf.broker_url = app.conf.broker_write_url = app.conf.broker_read_url = url
    app._pool = None
    app.amqp._producer_pool = None
    try:
        yield app
    finally:
        for key, value in saved.items():
            app.conf[key] = value
        app._pool = None
        app.amqp._producer_pool = None
