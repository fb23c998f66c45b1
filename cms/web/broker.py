"""Queueing from inside a web request: one try with short socket timeouts, never holding the response.

The Celery app itself is the project's (``portal.celery``); a task carries its app, so an
application queues its own tasks here without importing the project.
"""

from __future__ import annotations

import logging
from typing import Any

logger = logging.getLogger(__name__)


def request_connection(app: Any, url: str | None = None) -> Any:
    """A connection to ``app``'s broker (or to ``url``) for use inside a web request: every
    socket call gives up within ``KOBO_BROKER_REQUEST_TIMEOUT`` seconds (workers keep the longer ones)."""
    from django.conf import settings

    seconds = settings.KOBO_BROKER_REQUEST_TIMEOUT
    # One connection attempt: kombu otherwise retries a refused connection with a 2 s pause.
    options: dict[str, float] = {"max_retries": 0, "interval_start": 0, "interval_step": 0, "interval_max": 0}
    if str(url or app.conf.broker_url).startswith(("redis://", "rediss://")):
        options |= {"socket_connect_timeout": seconds, "socket_timeout": seconds}
    return app.connection_for_write(url, transport_options=options, connect_timeout=seconds)


def publish_from_request(task: Any, *args: Any) -> bool:
    """Queue ``task`` without ever holding the response: one try, short timeouts; False if it failed.

    For nudges whose work is also done by beat (the outbox) or by the stall sweep (exports):
    a broker that refuses, hangs or is gone costs the request at most about a second.
    """
    try:
        with request_connection(task.app) as connection:
            task.apply_async(args=args, connection=connection, retry=False)
    except Exception as exc:  # refused, timed out, unknown host: beat or the sweep queues it later
        logger.warning("could not queue %s (%s); it will be queued later", task.name, exc)
        return False
    return True
