"""Tasks go through a real broker to a real worker and back.

In CI the broker is Redis (CELERY_BROKER_URL); with no variable it is kombu's
filesystem transport, the one `make run` uses.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from celery.contrib.testing.worker import start_worker

from portal.celery import app
from portal.tasks import ping

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.worker


@pytest.fixture
def real_broker():
    """Turn off the test settings' eager mode so tasks really go through the broker."""
    app.conf.task_always_eager = False
    yield app
    app.conf.task_always_eager = True


def test_ci_uses_redis_as_broker(settings):
    if os.environ.get("CI"):
        assert settings.CELERY_BROKER_URL.startswith("redis://"), "CI must exercise the Redis broker"
    else:
        assert settings.CELERY_BROKER_URL.startswith(("redis://", "filesystem://"))


def test_round_trip_through_the_broker_with_a_real_worker(real_broker):
    with start_worker(real_broker, perform_ping_check=False, pool="solo", loglevel="WARNING", shutdown_timeout=10):
        result = ping.delay()
        assert result.get(timeout=20) == "pong"
        assert result.state == "SUCCESS"


def test_a_separate_worker_process_runs_tasks_without_redis(tmp_path):
    """What `make run` does: web and worker are separate processes joined by the filesystem broker."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "portal.settings.local",
        "KOBO_VAR_DIR": str(tmp_path),
        "CELERY_BROKER_URL": "filesystem://",
        "CELERY_RESULT_BACKEND": "",
    }
    for folder in ("broker/queue", "broker/processed", "broker/control", "results"):
        (tmp_path / folder).mkdir(parents=True)
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "portal", "worker", "--pool=solo", "--loglevel=INFO"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        sender = (
            "import django; django.setup(); from portal.tasks import ping; "
            "r = ping.delay(); print(r.get(timeout=30), r.id)"
        )
        started = time.monotonic()
        result = subprocess.run(
            [sys.executable, "-c", sender], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60, check=False
        )
        assert result.returncode == 0, result.stderr
        answer, task_id = result.stdout.split()
        assert answer == "pong"
        assert time.monotonic() - started < 60
    finally:
        worker.terminate()
        output, _ = worker.communicate(timeout=30)
    assert f"Task portal.tasks.ping[{task_id}] succeeded" in output
