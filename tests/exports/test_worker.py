"""The export task through the configured broker (Redis in CI) to a real worker, its retry, and its own queue.

Transactional: the worker's thread must see committed data.
"""

from __future__ import annotations

import hashlib
import re
import time
import uuid
from pathlib import Path

import pytest
from celery.contrib.testing.worker import start_worker
from django.conf import settings
from django.core import mail
from django.db import transaction

from applications.mail.triggers.applicant import withdrawal_send
from applications.models import OutboxEmail
from exports import files, tasks
from exports.jobs import export_request
from exports.models import ExportJob
from portal.celery import app
from tests.celery_helpers import broker, queue_size, routes
from tests.conftest import restore_migration_data, site_content_now
from tests.exports.conftest import export_files, make_small_call

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.worker]


@pytest.fixture
def world(transactional_db):
    restore_migration_data()
    site_content_now()
    small = make_small_call()
    small.approve()
    return small


@pytest.fixture
def queue():
    """An exports queue of this test's own, so that another test process sharing the broker never takes its tasks."""
    name = f"exports-test-{uuid.uuid4().hex[:12]}"
    with routes({"exports.tasks.render_export": {"queue": name}}):
        yield name


def wait_until_finished(job: ExportJob, timeout: float = 60) -> ExportJob:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        job.refresh_from_db()
        if job.is_finished:
            return job
        time.sleep(0.2)
    pytest.fail(f"export job still {job.status} ({job.progress} %, {job.stage}) after {timeout} s")


def rendered_by_a_worker(world, queue: str, kind: str) -> ExportJob:
    """The official asks for an export of ``kind``; a real worker on ``queue`` renders it, finished or failed."""
    worker = {"perform_ping_check": False, "pool": "solo", "shutdown_timeout": 10, "queues": [queue]}
    with broker() as real, start_worker(real, **worker):
        return wait_until_finished(export_request(call=world.call, kind=kind, by=world.official))


def test_a_real_worker_renders_the_requested_pack(world, private_root, queue):
    job = rendered_by_a_worker(world, queue, ExportJob.Kind.DECISION_PACK)
    assert job.status == ExportJob.Status.DONE, job.error
    assert job.attempts == 1
    stored = export_files(private_root)
    assert stored == [private_root / job.storage_name]
    assert hashlib.sha256(stored[0].read_bytes()).hexdigest() == job.sha256


def test_the_worker_retries_an_interrupted_render_into_one_file(world, private_root, monkeypatch, queue):
    original = files.store
    calls = {"n": 0}

    def store_then_die(*args, **kwargs):
        calls["n"] += 1
        name = original(*args, **kwargs)
        if calls["n"] == 1:
            raise OSError("connection to storage lost")
        return name

    monkeypatch.setattr(files, "store", store_then_die)
    monkeypatch.setattr(tasks, "RETRY_BASE_SECONDS", 0)
    job = rendered_by_a_worker(world, queue, ExportJob.Kind.DOSSIERS)
    assert job.status == ExportJob.Status.DONE, job.error
    assert job.attempts == 2
    assert export_files(private_root) == [private_root / job.storage_name]


ROOT = Path(__file__).resolve().parents[2]


def test_exports_are_routed_to_their_own_queue_and_everything_else_to_the_default():
    router = app.amqp.router
    assert router.route({}, "exports.tasks.render_export")["queue"].name == "exports"
    for task in ("applications.tasks.send_outbox", "portal.tasks.ping", "exports.tasks.requeue_stalled_exports"):
        assert router.route({}, task)["queue"].name == settings.CELERY_TASK_DEFAULT_QUEUE == "celery"


def test_the_development_workers_consume_every_queue():
    """An export nobody consumes stays queued for ever: `make run` must start a worker for each queue."""
    consumed = set()
    for line in (ROOT / "Procfile.dev").read_text().splitlines():
        if " worker " in line:
            found = re.search(r"(?:--queues[= ]|-Q ?)(\S+)", line)
            assert found, f"a worker without --queues consumes only the default queue: {line}"
            consumed.update(found.group(1).split(","))
    routed = {route["queue"] for route in settings.CELERY_TASK_ROUTES.values()}
    assert routed | {settings.CELERY_TASK_DEFAULT_QUEUE} <= consumed


def test_an_email_goes_out_while_an_export_waits_in_its_own_queue(world, private_root):
    """The mail worker sends mail and never takes an export; the exports worker renders it afterwards.

    Were exports on the mail queue, the mail worker would render the (earlier) export first.
    """
    suffix = uuid.uuid4().hex[:12]
    mail_queue, exports_queue = f"mail-test-{suffix}", f"exports-test-{suffix}"
    # The configured shape (exports to theirs, every other task to the default), with this test's own names.
    mapping = {"exports.tasks.render_export": {"queue": exports_queue}, "*": {"queue": mail_queue}}
    mail_worker = {"perform_ping_check": False, "pool": "solo", "shutdown_timeout": 10, "queues": [mail_queue]}
    with broker() as real, routes(mapping):
        with start_worker(real, **mail_worker):
            job = export_request(call=world.call, kind=ExportJob.Kind.DECISION_PACK, by=world.official)
            application = world.candidacies[0].application
            with transaction.atomic():
                assert withdrawal_send(application=application, roles=[world.candidacies[0].role])
                email = OutboxEmail.objects.filter(kind="withdrawal").latest("pk")
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline and not OutboxEmail.objects.get(pk=email.pk).sent_at:
                time.sleep(0.1)
        assert OutboxEmail.objects.get(pk=email.pk).sent_at, "the mail worker did not send the email"
        email.refresh_from_db()
        sent = [m for m in mail.outbox if m.to == [email.to] and m.subject == email.subject]
        assert len(sent) == 1  # the staff notices the world's set-up queued went out beside it
        assert application.reference in sent[0].body
        job.refresh_from_db()
        assert job.status == ExportJob.Status.QUEUED  # not taken by the mail worker
        assert queue_size(exports_queue) == 1

        exports_worker = {**mail_worker, "queues": [exports_queue]}
        with start_worker(real, **exports_worker):
            job = wait_until_finished(job)
    assert job.status == ExportJob.Status.DONE, job.error
    assert queue_size(exports_queue) == 0
