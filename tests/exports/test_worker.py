"""The export task through the configured broker (Redis in CI) to a real worker, and its retry.

Transactional: the worker's thread must see committed data.
"""

from __future__ import annotations

import hashlib
import time
import uuid

import pytest
from celery.contrib.testing.worker import start_worker

from cms.content import ensure_site_content
from exports import services, tasks
from exports.models import ExportJob
from exports.services import export_request
from portal.celery import app
from tests.celery_helpers import broker
from tests.conftest import restore_migration_data
from tests.exports.conftest import export_files, make_small_call

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.worker]


@pytest.fixture
def world(transactional_db):
    restore_migration_data()
    ensure_site_content()
    small = make_small_call()
    small.approve()
    return small


@pytest.fixture
def queue(monkeypatch):
    """A queue of this test's own, so that another test process sharing the broker never takes its tasks."""
    name = f"exports-test-{uuid.uuid4().hex[:12]}"
    monkeypatch.setattr(tasks.render_export, "queue", name, raising=False)
    monkeypatch.setattr(tasks.render_export, "_exec_options", None)  # Celery caches the routing options
    yield name
    app.amqp.queues._consume_from = None  # the worker narrowed the app's queues to ours


def wait_until_finished(job: ExportJob, timeout: float = 60) -> ExportJob:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        job.refresh_from_db()
        if job.is_finished:
            return job
        time.sleep(0.2)
    pytest.fail(f"export job still {job.status} ({job.progress} %, {job.stage}) after {timeout} s")


def test_a_real_worker_renders_the_requested_pack(world, private_root, queue):
    worker = {"perform_ping_check": False, "pool": "solo", "shutdown_timeout": 10, "queues": [queue]}
    with broker() as real, start_worker(real, **worker):
        job = export_request(call=world.call, kind=ExportJob.Kind.DECISION_PACK, by=world.official)
        job = wait_until_finished(job)
    assert job.status == ExportJob.Status.DONE, job.error
    assert job.attempts == 1
    files = export_files(private_root)
    assert files == [private_root / job.storage_name]
    assert hashlib.sha256(files[0].read_bytes()).hexdigest() == job.sha256


def test_the_worker_retries_an_interrupted_render_into_one_file(world, private_root, monkeypatch, queue):
    original = services._store
    calls = {"n": 0}

    def store_then_die(*args, **kwargs):
        calls["n"] += 1
        name = original(*args, **kwargs)
        if calls["n"] == 1:
            raise OSError("connection to storage lost")
        return name

    monkeypatch.setattr(services, "_store", store_then_die)
    monkeypatch.setattr(tasks, "RETRY_BASE_SECONDS", 0)
    worker = {"perform_ping_check": False, "pool": "solo", "shutdown_timeout": 10, "queues": [queue]}
    with broker() as real, start_worker(real, **worker):
        job = export_request(call=world.call, kind=ExportJob.Kind.DOSSIERS, by=world.official)
        job = wait_until_finished(job)
    assert job.status == ExportJob.Status.DONE, job.error
    assert job.attempts == 2
    assert export_files(private_root) == [private_root / job.storage_name]
