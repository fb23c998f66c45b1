"""Redis slow or gone degrades, never breaks: pages, submissions and /healthz with the cache and the broker
refusing or accepting-and-hanging (real loopback ports, the production cache backend).
"""

from __future__ import annotations

import os
import time
from datetime import timedelta

import pytest
from django.utils import timezone

from applications.models import Application, OutboxEmail
from portal import cache as resilient
from tests.applications.wizard_helpers import walk
from tests.celery_helpers import broker, closed_port
from tests.fault_servers import hanging_port
from tests.recruitment import factories as f

pytestmark = pytest.mark.django_db


def redis_cache(port: int) -> dict:
    """The production CACHES (portal/settings/base.py) with Redis at ``port``."""
    return {
        "default": {
            "BACKEND": "portal.cache.ResilientRedisCache",
            "LOCATION": f"redis://127.0.0.1:{port}/0",
            "KEY_PREFIX": "kobo",
            "OPTIONS": {"socket_connect_timeout": 0.3, "socket_timeout": 0.3},
        }
    }


@pytest.fixture(autouse=True)
def fresh_breaker():
    resilient._down_until.clear()
    yield
    resilient._down_until.clear()


@pytest.fixture(params=["refused", "hanging"])
def dead_redis(request):
    if request.param == "refused":
        yield closed_port()
    else:
        with hanging_port() as port:
            yield port


@pytest.fixture
def open_call(site_content):
    call = f.call(title="神戸市 広報の副業人材")
    role = f.role(call, title="Instagram記事の制作", closes_at=timezone.now() + timedelta(days=20))
    return call, role


def test_public_pages_are_rendered_when_the_cache_does_not_answer(client, settings, open_call, dead_redis):
    settings.CACHES = redis_cache(dead_redis)
    settings.KOBO_PAGE_CACHE_SECONDS = 600
    call, role = open_call
    for url in ("/", call.url, role.url, "/calls/", "/en" + call.url):
        started = time.monotonic()
        response = client.get(url)
        assert response.status_code == 200, url
        assert time.monotonic() - started < 5, url  # rendered, never waiting on the dead store
        assert "X-Page-Cache" not in response  # neither served from nor stored in a store that is gone
        assert "public" not in response.get("Cache-Control", "")  # and no proxy is told to keep it


@pytest.mark.django_db(transaction=True)
def test_an_application_goes_through_with_the_cache_and_the_broker_hanging(client, settings, open_call):
    call, role = open_call
    with hanging_port() as cache_port, hanging_port() as broker_port, broker(f"redis://127.0.0.1:{broker_port}/0"):
        settings.CACHES = redis_cache(cache_port)
        settings.KOBO_PAGE_CACHE_SECONDS = 600
        started = time.monotonic()
        response = walk(client, call, [role.pk])
        elapsed = time.monotonic() - started
    assert response.status_code == 302, response.content[:2000]
    assert "/apply/receipt/" in response["Location"]
    application = Application.objects.get(call=call)
    # The confirmation waits in the outbox for beat; the rate limits let the applicant through.
    assert OutboxEmail.objects.filter(kind="confirmation", sent_at__isnull=True).count() == 1
    # Nine steps: one cache timeout opens the breaker, one broker timeout for the nudge.
    assert elapsed < 5, elapsed
    assert application.reference in response["Location"]


def test_healthz_names_a_hanging_broker_within_a_second(client, settings):
    with hanging_port() as port:
        settings.CELERY_BROKER_URL = f"redis://127.0.0.1:{port}/0"
        started = time.monotonic()
        response = client.get("/healthz")
        elapsed = time.monotonic() - started
    assert response.status_code == 503
    assert response.json()["checks"] == {"database": "ok", "broker": "unavailable"}
    assert elapsed < 1.0, elapsed


def test_healthz_names_the_cache_when_it_does_not_answer(client, settings, dead_redis):
    settings.CACHES = redis_cache(dead_redis)
    started = time.monotonic()
    response = client.get("/healthz")
    elapsed = time.monotonic() - started
    assert response.status_code == 503
    assert response.json()["checks"] == {"database": "ok", "broker": "ok", "cache": "unavailable"}
    assert elapsed < 1.0, elapsed


@pytest.fixture
def live_redis_cache(settings):
    if not settings.CELERY_BROKER_URL.startswith("redis://"):
        if os.environ.get("CI"):
            pytest.fail("CI must run this test with Redis")
        pytest.skip("needs Redis (CELERY_BROKER_URL=redis://…; CI has it)")
    settings.CACHES = {
        "default": {**redis_cache(0)["default"], "LOCATION": settings.CELERY_BROKER_URL, "KEY_PREFIX": "kobo-test"}
    }


def test_healthz_reports_a_live_redis_cache(client, live_redis_cache):
    response = client.get("/healthz")
    assert response.json()["checks"]["cache"] == "ok"


def test_a_missing_key_is_an_answer_not_an_outage(live_redis_cache):
    from django.core.cache import cache

    key = f"missing-{time.time_ns()}"
    with pytest.raises(ValueError, match="not found"):
        cache.incr(key)
    assert not cache.down
    assert cache.add(key, 1, 5) is True
    assert cache.incr(key) == 2


def test_a_hanging_cache_costs_one_timeout_then_is_skipped(settings):
    from django.core.cache import cache

    with hanging_port() as port:
        settings.CACHES = redis_cache(port)
        started = time.monotonic()
        assert cache.get("anything") is None
        first = time.monotonic() - started
        started = time.monotonic()
        for _ in range(20):
            assert cache.add("k", 1) is False
            with pytest.raises(ValueError, match="not found"):
                cache.incr("k")  # what django-ratelimit takes for "no count": it then fails open
        rest = time.monotonic() - started
    assert 0.2 < first < 1.0, first
    assert rest < 0.1, rest


def test_production_gives_every_redis_call_a_timeout_well_under_a_second():
    """The production settings as a web process loads them: cache, broker, beat and the export lease."""
    import json
    import subprocess
    import sys
    from pathlib import Path

    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "portal.settings.production"}
    env.update(
        SECRET_KEY="k" * 64,
        ALLOWED_HOSTS="kobo.example.jp",
        CACHE_URL="redis://127.0.0.1:6379/1",
        CELERY_BROKER_URL="redis://127.0.0.1:6379/1",
        KOBO_TRUSTED_PROXY_COUNT="1",
        KOBO_PUBLIC_URL="https://kobo.example.jp",
    )
    script = (
        "import django, json; django.setup(); from django.conf import settings as s; print(json.dumps({"
        "'cache': s.CACHES['default'], 'broker': s.CELERY_BROKER_TRANSPORT_OPTIONS, 'limit': s.CELERY_TASK_TIME_LIMIT,"
        "'request': s.KOBO_BROKER_REQUEST_TIMEOUT, 'fail_open': s.RATELIMIT_FAIL_OPEN,"
        "'sweep': s.CELERY_BEAT_SCHEDULE['requeue-stalled-exports']['schedule'],"
        "'lease': s.KOBO_EXPORT_LEASE_SECONDS}))"
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=Path(__file__).resolve().parents[2],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    found = json.loads(result.stdout.strip().splitlines()[-1])
    assert found["cache"]["BACKEND"] == "portal.cache.ResilientRedisCache"
    assert found["cache"]["OPTIONS"]["socket_timeout"] < 1
    assert found["cache"]["OPTIONS"]["socket_connect_timeout"] < 1
    assert found["request"] < 1
    assert found["fail_open"] is True
    # A live render is never handed out twice; a dead one is found within a lease and a sweep.
    assert found["broker"]["visibility_timeout"] > found["limit"]
    assert found["lease"] + found["sweep"] <= 90
