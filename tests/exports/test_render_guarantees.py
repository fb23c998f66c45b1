"""Rendering is idempotent: an interrupted render retried leaves exactly one file; nothing is lost or doubled."""

from __future__ import annotations

import hashlib
import logging
from datetime import timedelta
from pathlib import Path

import pytest
from django.http import Http404
from django.utils import timezone

from applications.models import AuditEntry
from exports import files, jobs, rendering
from exports.errors import ExportBusy
from exports.jobs import export_render, export_request, export_requeue_stalled
from exports.models import ExportJob
from tests.celery_helpers import broker, closed_port
from tests.conftest import shared_world, site_content_now
from tests.exports.conftest import SmallCall, export_files, make_small_call

pytestmark = pytest.mark.django_db


class WorkerKilled(BaseException):
    """Stands for SIGKILL: not an Exception, so nothing in the render catches it."""


def fail_once(monkeypatch, module, name: str, exc: BaseException):
    original = getattr(module, name)
    calls = {"n": 0}

    def flaky(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 1:
            original(*args, **kwargs)  # the step's work is done (file written) ...
            raise exc  # ... and then the worker dies
        return original(*args, **kwargs)

    monkeypatch.setattr(module, name, flaky)


def generated_entries(job: ExportJob) -> list:
    return list(AuditEntry.objects.filter(action="kobo.export", data__event="generated", data__job_id=job.pk))


@shared_world
def render_guarantees_world():
    """The site content and two small calls, one with its shortlists approved, built once for this file's tests."""
    site_content_now()
    plain, approved = make_small_call(), make_small_call()
    approved.approve()
    return {"plain": plain, "approved": approved}


@pytest.fixture
def small_call(render_guarantees_world) -> SmallCall:
    """A call with two closed roles and three shortlisted, nothing approved."""
    return render_guarantees_world["plain"]


@pytest.fixture
def job(render_guarantees_world) -> ExportJob:
    """An official's decision pack, queued, of a call whose shortlists are approved."""
    approved = render_guarantees_world["approved"]
    return ExportJob.objects.create(
        call=approved.call, kind=ExportJob.Kind.DECISION_PACK, requested_by=approved.official
    )


@pytest.mark.parametrize(("module", "step"), [(rendering, "sha256"), (files, "store")])
def test_a_render_interrupted_and_retried_leaves_exactly_one_file(job, private_root, monkeypatch, module, step):
    """``sha256`` fails after the temporary file is written; ``store`` after the final file is saved."""
    fail_once(monkeypatch, module, step, RuntimeError("worker lost"))
    with pytest.raises(RuntimeError):
        export_render(job_id=job.pk)
    job.refresh_from_db()
    assert job.status == ExportJob.Status.QUEUED  # waiting for the retry, with the reason
    assert "worker lost" in job.error
    assert len(export_files(private_root)) == (1 if step == "store" else 0)

    job = export_render(job_id=job.pk)
    assert job.status == ExportJob.Status.DONE
    assert job.error == ""
    assert job.attempts == 2
    stored = export_files(private_root)
    assert stored == [private_root / job.storage_name]
    assert job.sha256 == hashlib.sha256(stored[0].read_bytes()).hexdigest()
    assert len(generated_entries(job)) == 1


def test_a_killed_worker_is_taken_over_once_its_lease_expires(job, private_root, monkeypatch):
    fail_once(monkeypatch, files, "store", WorkerKilled())
    with pytest.raises(WorkerKilled):
        export_render(job_id=job.pk)
    job.refresh_from_db()
    assert job.status == ExportJob.Status.RUNNING  # nobody recorded the death

    with pytest.raises(ExportBusy):  # the task delivered again too soon: it will retry later
        export_render(job_id=job.pk)

    ExportJob.objects.filter(pk=job.pk).update(heartbeat_at=timezone.now() - jobs.LEASE - timedelta(seconds=1))
    job = export_render(job_id=job.pk)
    assert job.status == ExportJob.Status.DONE
    assert export_files(private_root) == [private_root / job.storage_name]
    assert len(generated_entries(job)) == 1


def test_a_done_job_is_returned_as_it_is(job, private_root):
    first = export_render(job_id=job.pk)
    mtime = Path(first.file.path).stat().st_mtime_ns
    again = export_render(job_id=job.pk)
    assert (again.sha256, again.attempts, again.finished_at) == (first.sha256, 1, first.finished_at)
    assert Path(again.file.path).stat().st_mtime_ns == mtime
    assert len(generated_entries(job)) == 1


def test_a_done_job_whose_file_vanished_is_rendered_again_under_the_same_name(job, private_root):
    first = export_render(job_id=job.pk)
    Path(first.file.path).unlink()
    again = export_render(job_id=job.pk)
    assert again.file.name == first.file.name
    assert again.attempts == 2
    assert export_files(private_root) == [private_root / again.storage_name]


def test_progress_is_written_in_stages(job, monkeypatch):
    seen = []
    original = jobs.JobProgress.__call__

    def spy(self, percent, stage, *, throttle=False):
        original(self, percent, stage, throttle=throttle)
        seen.append((percent, ExportJob.objects.values_list("progress", "stage").get(pk=job.pk)))

    monkeypatch.setattr(jobs.JobProgress, "__call__", spy)
    monkeypatch.setattr(jobs, "PROGRESS_INTERVAL", 0)  # a small document lays out faster than the throttle
    export_render(job_id=job.pk)
    percents = [p for p, _ in seen]
    assert percents == sorted(percents)
    assert len(percents) >= 4
    stages = [stage for _, (_, stage) in seen]
    assert any("Laying out page" in s for s in stages)
    assert any("Writing the PDF" in s for s in stages)
    job.refresh_from_db()
    assert (job.progress, job.stage) == (100, "完了 Done")


def test_an_unassigned_contractor_cannot_request(small_call):
    with pytest.raises(Http404):
        export_request(call=small_call.call, kind=ExportJob.Kind.CSV, by=small_call.stranger)
    assert not ExportJob.objects.exists()


def test_asking_twice_gives_the_same_queued_job(small_call, django_capture_on_commit_callbacks):
    first = export_request(call=small_call.call, kind=ExportJob.Kind.CSV, by=small_call.official)
    second = export_request(call=small_call.call, kind=ExportJob.Kind.CSV, by=small_call.official)
    assert first.pk == second.pk
    assert ExportJob.objects.count() == 1


def test_a_broker_outage_leaves_the_job_queued_then_beat_queues_it_again(
    small_call, private_root, caplog, django_capture_on_commit_callbacks
):
    caplog.set_level(logging.WARNING, logger="cms.web.broker")
    with broker(f"redis://127.0.0.1:{closed_port()}/0"), django_capture_on_commit_callbacks(execute=True):
        job = export_request(call=small_call.call, kind=ExportJob.Kind.CSV, by=small_call.official)
    job.refresh_from_db()
    assert job.status == ExportJob.Status.QUEUED
    assert job.queued_at is not None
    assert "could not queue exports.tasks.render_export" in caplog.text

    assert export_requeue_stalled() == 0  # queued only just now: not stalled yet
    # The broker is back (eager in these settings) and beat runs a few minutes later.
    assert export_requeue_stalled(now=timezone.now() + jobs.REQUEUE_AFTER + timedelta(seconds=1)) == 1
    job.refresh_from_db()
    assert job.status == ExportJob.Status.DONE
    assert len(export_files(private_root)) == 1
