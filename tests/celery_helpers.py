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


@contextmanager
def routes(mapping: dict[str, dict[str, str]]):
    """Route tasks by ``mapping`` (Celery's ``task_routes``) inside the block, then restore the configured routes.

    Tests give each queue a name of their own so that another test process sharing the
    broker never takes their tasks; the router is rebuilt because Celery caches it.
    """
    saved = app.conf.task_routes
    app.conf.task_routes = mapping
    app.amqp.flush_routes()
    app.amqp.__dict__.pop("router", None)
    try:
        yield
    finally:
        app.conf.task_routes = saved
        app.amqp.flush_routes()
        app.amqp.__dict__.pop("router", None)
        app.amqp.queues._consume_from = None  # a test worker narrowed the app's queues to its own


def queue_size(name: str) -> int:
    """Messages waiting in queue ``name`` of the configured broker (Redis or the filesystem transport)."""
    with app.connection_for_write() as connection:
        try:
            return connection.default_channel.queue_declare(queue=name, passive=True).message_count
        except connection.channel_errors:  # Redis deletes an empty queue: nothing waits
            return 0
