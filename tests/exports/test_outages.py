"""Exports through crashes: nothing left on disk, recovery within about a lease, no duplicate work.

The crash test kills a real worker process (SIGKILL) in the middle of a dossier render that
has written part files, then asks again as the user would: the job is queued again, another
worker finishes it, and no part file is left anywhere.
"""

from __future__ import annotations

import os
import signal
import stat
import time
import uuid
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from exports import files, jobs
from exports.errors import ExportLimit
from exports.jobs import export_render, export_request, export_requeue_stalled
from exports.models import ExportJob
from exports.rendering import export_temp_sweep
from tests.celery_helpers import broker, process_env, routes, stop, worker_process
from tests.conftest import restore_migration_data, site_content_now
from tests.exports.conftest import export_files, make_small_call

LEASE = 4


def _leftovers(*roots: Path) -> list[Path]:
    return sorted(p for root in roots if root.exists() for p in root.rglob("*") if ".part" in p.name)


@pytest.fixture
def temp_dir(tmp_path, settings) -> Path:
    folder = tmp_path / "export-tmp"
    settings.KOBO_EXPORT_TEMP_DIR = folder
    return folder


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_dossier_render_killed_mid_way_leaves_no_part_file_and_recovers_when_asked_again(
    tmp_path, private_root, temp_dir, monkeypatch
):
    restore_migration_data()
    site_content_now()
    small = make_small_call()
    small.approve()
    monkeypatch.setattr(jobs, "LEASE", timedelta(seconds=LEASE))
    queue = f"exports-test-{uuid.uuid4().hex[:12]}"
    env = process_env(
        KOBO_EXPORT_LEASE_SECONDS=str(LEASE),
        KOBO_EXPORT_TEMP_DIR=str(temp_dir),
        PRIVATE_STORAGE_ROOT=str(private_root),
    )
    setup = "import exports.documents.dossiers as d\nd.DOSSIERS_PER_PART = 1"  # several parts, as 120 dossiers make
    log = tmp_path / "worker.log"
    worker = None
    try:
        with broker(), routes({"exports.tasks.render_export": {"queue": queue}}):
            worker = worker_process(queue=queue, env=env, setup=setup, log=log)
            job = export_request(call=small.call, kind=ExportJob.Kind.DOSSIERS, by=small.official)
            deadline = time.monotonic() + 120
            while not _leftovers(temp_dir) and time.monotonic() < deadline:
                time.sleep(0.02)
            assert _leftovers(temp_dir), log.read_text()[-3000:]
            worker.send_signal(signal.SIGKILL)
            worker.wait(timeout=10)
            killed = time.monotonic()
            job.refresh_from_db()
            assert job.status == ExportJob.Status.RUNNING  # nobody recorded the death
            assert _leftovers(temp_dir)  # what the issue found on disk, with candidates' data in it

            worker = worker_process(queue=queue, env=env, setup=setup, log=log)
            # The user asks again once the render has stopped beating: the same job, queued again.
            while True:
                again = export_request(call=small.call, kind=ExportJob.Kind.DOSSIERS, by=small.official)
                assert again.pk == job.pk
                job.refresh_from_db()
                if job.status != ExportJob.Status.RUNNING or time.monotonic() - killed > 60:
                    break
                time.sleep(0.5)
            while not job.is_finished and time.monotonic() - killed < 120:
                time.sleep(0.2)
                job.refresh_from_db()
            stop(worker)
    finally:
        if worker is not None and worker.poll() is None:
            worker.kill()
    assert job.status == ExportJob.Status.DONE, (job.error, log.read_text()[-3000:])
    assert job.attempts == 2
    # How long recovery takes is measured by bench/faults_bench.py (make faults), not asserted here:
    # a loaded machine stretches it; the loops above give up after two minutes.
    assert export_files(private_root) == [private_root / job.storage_name]
    assert _leftovers(tmp_path) == []
    assert list(temp_dir.iterdir()) == []


@pytest.mark.django_db
def test_the_sweep_requeues_a_render_that_stopped_beating_and_removes_its_folder(
    small_call, temp_dir, private_root, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        job = export_request(call=small_call.call, kind=ExportJob.Kind.CSV, by=small_call.official)
    job.refresh_from_db()
    assert job.status == ExportJob.Status.DONE  # eager in the test settings
    ExportJob.objects.filter(pk=job.pk).update(
        status=ExportJob.Status.RUNNING, file="", heartbeat_at=timezone.now() - jobs.LEASE + timedelta(seconds=5)
    )
    dead = temp_dir / f"job-{job.pk}-{job.key.hex}-2"
    dead.mkdir(parents=True)
    (dead / "document.pdf.part0.pdf").write_bytes(b"%PDF- names and phone numbers")
    assert export_requeue_stalled() == 0  # still within its lease
    assert export_requeue_stalled(now=timezone.now() + timedelta(seconds=6)) == 1
    job.refresh_from_db()
    assert job.status == ExportJob.Status.DONE
    assert not dead.exists()
    assert list(temp_dir.iterdir()) == []


@pytest.mark.django_db
def test_the_temporary_folder_is_private_and_emptied_on_success_and_on_failure(
    small_call, temp_dir, private_root, monkeypatch
):
    job = ExportJob.objects.create(call=small_call.call, kind=ExportJob.Kind.DOSSIERS, requested_by=small_call.official)
    seen = []
    original = files.store

    def spy_then_fail(temporary, name):
        seen.append((temporary.parent, stat.S_IMODE(temporary.parent.stat().st_mode)))
        raise OSError("storage gone")

    monkeypatch.setattr(files, "store", spy_then_fail)
    with pytest.raises(OSError, match="storage gone"):
        export_render(job_id=job.pk)
    assert stat.S_IMODE(temp_dir.stat().st_mode) == 0o700
    folder, mode = seen[0]
    assert folder.parent == temp_dir
    assert mode == 0o700
    assert list(temp_dir.iterdir()) == []  # removed on failure

    monkeypatch.setattr(files, "store", original)
    job = export_render(job_id=job.pk)
    assert job.status == ExportJob.Status.DONE
    assert list(temp_dir.iterdir()) == []  # and on success


def test_worker_start_removes_what_dead_renders_left_but_not_a_live_one(temp_dir, settings):
    temp_dir.mkdir(mode=0o700)
    old_folder = temp_dir / "job-1-abc-1"
    old_folder.mkdir()
    (old_folder / "document.pdf.part3.pdf").write_bytes(b"x")
    legacy = temp_dir / "job-2-def.1.part.part0.pdf"  # the names the earlier code left behind
    legacy.write_bytes(b"x")
    live = temp_dir / "job-3-ghi-1"
    live.mkdir()
    past = time.time() - jobs.LEASE.total_seconds() - 10
    for path in (old_folder, legacy):
        os.utime(path, (past, past))
    assert export_temp_sweep(older_than=jobs.LEASE) == 2
    assert sorted(p.name for p in temp_dir.iterdir()) == [live.name]


@pytest.mark.django_db
def test_the_same_document_asked_again_is_the_finished_file_until_the_data_changes(
    small_call, private_root, django_capture_on_commit_callbacks
):
    from applications.screening.services import candidacy_transition

    def ask(**kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return export_request(call=small_call.call, kind=ExportJob.Kind.CSV, by=small_call.official, **kwargs)

    first = ask()
    assert ExportJob.objects.get(pk=first.pk).status == ExportJob.Status.DONE
    again = ask()
    assert again.pk == first.pk
    assert ExportJob.objects.count() == 1
    candidacy = small_call.candidacies[3]
    candidacy_transition(candidacy=candidacy, to=candidacy.Status.REJECTED, by=small_call.contractor)
    changed = ask()
    assert changed.pk != first.pk
    other_role = ask(role=small_call.roles[0])
    assert other_role.pk not in {first.pk, changed.pk}


@pytest.mark.django_db
def test_a_user_may_have_only_a_few_exports_in_the_works(small_call):
    with broker("memory://"):  # eager mode off and nobody consuming: every job stays queued
        for role in [None, *small_call.roles]:
            export_request(call=small_call.call, kind=ExportJob.Kind.DECISION_PACK, by=small_call.official, role=role)
        with pytest.raises(ExportLimit) as refused:
            export_request(call=small_call.call, kind=ExportJob.Kind.DOSSIERS, by=small_call.official)
        assert "3件" in str(refused.value)  # Japanese, the admin's language here
        # Asking again for one already queued is no new job, so never refused.
        export_request(call=small_call.call, kind=ExportJob.Kind.DECISION_PACK, by=small_call.official)
        # Another user is not held up by this one.
        export_request(call=small_call.call, kind=ExportJob.Kind.CSV, by=small_call.approver)
    assert ExportJob.objects.filter(requested_by=small_call.official).count() == 3
