"""Point the Celery app at another broker inside a test (for outages and real workers)."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
from contextlib import contextmanager
from pathlib import Path

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
    """Messages waiting in queue ``name`` of the configured broker (Redis or the filesystem transport).

    Read as kombu's ``queue_declare`` counts them (``_size``), without its passive check: that
    one asks Redis with EXISTS, which kombu leaves out of the key prefix each test process uses
    (portal/settings/test.py), and an empty Redis queue does not exist anyway.
    """
    with app.connection_for_write() as connection:
        return connection.default_channel._size(name)


ROOT = Path(__file__).resolve().parents[1]


def process_env(**extra: str) -> dict[str, str]:
    """The environment of a worker process on the test settings and the test database of this run."""
    from django.db import connection

    database = connection.settings_dict
    if connection.vendor == "postgresql":
        auth = database["USER"] + (f":{database['PASSWORD']}" if database.get("PASSWORD") else "")
        url = f"postgres://{auth}@{database['HOST'] or '127.0.0.1'}:{database['PORT'] or 5432}/{database['NAME']}"
    else:
        url = f"sqlite:///{database['NAME']}"
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "portal.settings.test",
        "DATABASE_URL": url,
        "CELERY_BROKER_URL": str(app.conf.broker_url),
        "PYTHONUNBUFFERED": "1",
        **extra,
    }


def worker_process(*, queue: str, env: dict[str, str], setup: str = "", log: Path | None = None) -> subprocess.Popen:
    """A real Celery worker in a process of its own (solo pool, eager mode off) consuming only ``queue``.

    ``setup`` is Python run after ``django.setup()`` in that process (settings for the test).
    Stop it with ``SIGKILL`` to play a crash.
    """
    code = "\n".join(
        [
            "import django",
            "django.setup()",
            setup,
            "from portal.celery import app",
            "app.conf.task_always_eager = False",
            f"app.worker_main(['worker', '--pool=solo', '-Q', {queue!r}, '--loglevel=INFO',"
            " '--without-mingle', '--without-gossip', '--without-heartbeat'])",
        ]
    )
    output = log.open("ab") if log else subprocess.DEVNULL
    return subprocess.Popen([sys.executable, "-c", code], cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT)


def stop(process: subprocess.Popen) -> None:
    """Stop a worker process started by :func:`worker_process` (killed if it does not stop in 10 s)."""
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)
