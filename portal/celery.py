"""The Celery app. Configuration comes from Django settings (``CELERY_*``).

Without ``DJANGO_SETTINGS_MODULE`` a worker or beat loads the production settings, which
refuse to start without their secrets: a worker never runs silently with the local
settings (debug, console mail). ``make run`` sets the local settings explicitly
(docs/adr/0005-production-is-the-default-settings.md).
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.production")

app = Celery("portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


def request_connection(url: str | None = None):
    """A connection to the broker (``url``, else the app's) for use inside a web request: every
    socket call gives up within ``KOBO_BROKER_REQUEST_TIMEOUT`` seconds (workers keep the longer ones)."""
    from django.conf import settings

    seconds = settings.KOBO_BROKER_REQUEST_TIMEOUT
    # One connection attempt: kombu otherwise retries a refused connection with a 2 s pause.
    options: dict[str, float] = {"max_retries": 0, "interval_start": 0, "interval_step": 0, "interval_max": 0}
    if str(url or app.conf.broker_url).startswith(("redis://", "rediss://")):
        options |= {"socket_connect_timeout": seconds, "socket_timeout": seconds}
    return app.connection_for_write(url, transport_options=options, connect_timeout=seconds)


def publish_from_request(task, *args) -> bool:
    """Queue ``task`` without ever holding the response: one try, short timeouts; False if it failed.

    For nudges whose work is also done by beat (the outbox) or by the stall sweep (exports):
    a broker that refuses, hangs or is gone costs the request at most about a second.
    """
    import logging

    try:
        with request_connection() as connection:
            task.apply_async(args=args, connection=connection, retry=False)
    except Exception as exc:  # refused, timed out, unknown host: beat or the sweep queues it later
        logging.getLogger(__name__).warning("could not queue %s (%s); it will be queued later", task.name, exc)
        return False
    return True
