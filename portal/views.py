"""Site-wide views: the health check."""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

logger = logging.getLogger(__name__)


def _database_ok() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:
        logger.exception("healthz: database check failed")
        return False
    return True


def _broker_ok() -> bool:
    from cms.web.broker import request_connection

    from .celery import app

    try:
        # Socket timeouts of a web request (KOBO_BROKER_REQUEST_TIMEOUT): a broker that accepts
        # and does not answer fails the check in well under a second instead of holding the worker.
        with request_connection(app, settings.CELERY_BROKER_URL) as conn:
            conn.ensure_connection(max_retries=0, timeout=settings.KOBO_BROKER_REQUEST_TIMEOUT)
            # Opening a channel proves the broker takes work, not only TCP.
            channel = conn.default_channel
            client = getattr(channel, "client", None)
            if client is not None:  # Redis: one command through the socket
                client.ping()
    except Exception as exc:
        logger.warning("healthz: broker check failed: %s", exc)
        return False
    return True


def _cache_state() -> str | None:
    """``ok``/``unavailable`` for a shared (Redis) cache; None when the cache is this process's memory."""
    ping = getattr(cache, "ping", None)
    if ping is None:
        return None
    return "ok" if ping() else "unavailable"


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """200 with ``{"status": "ok"}`` when the database, broker and cache answer, else 503 naming what failed.

    Each check gives up within about a second (the database within its connect timeout), so
    a load balancer learns which dependency is down instead of waiting on a held worker. The
    site still serves pages and takes applications with the broker or cache down
    (docs/adr/0012-outages.md); 503 here says it is degraded.
    """
    checks = {
        "database": "ok" if _database_ok() else "unavailable",
        "broker": "ok" if _broker_ok() else "unavailable",
    }
    cache_state = _cache_state()
    if cache_state is not None:
        checks["cache"] = cache_state
    healthy = all(state == "ok" for state in checks.values())
    return JsonResponse(
        {"status": "ok" if healthy else "unavailable", "checks": checks}, status=200 if healthy else 503
    )
