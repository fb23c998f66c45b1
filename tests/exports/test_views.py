"""Requesting, watching and downloading an export in the admin: only for those who may screen the call."""

from __future__ import annotations

import hashlib
import shutil
import tempfile
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse

from applications.models import AuditEntry
from cms.web.storage import PrivateFileSystemStorage
from exports.jobs import export_render
from exports.models import ExportJob
from tests.conftest import shared_world, site_content_now
from tests.exports.conftest import SmallCall, make_small_call
from tests.recruitment import factories as rf

pytestmark = pytest.mark.django_db


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@shared_world
def export_views_world():
    """Two small calls, built once for this file's tests (each test's writes are undone).

    ``plain``: as made; ``approved``: its shortlist approved and an official's decision pack rendered, its file
    kept in a folder of the world's own (``done_job`` copies it into each test's private folder).
    """
    site_content_now()
    plain = make_small_call()
    approved = make_small_call()
    approved.approve()
    field = ExportJob._meta.get_field("file")
    folder = Path(tempfile.mkdtemp(prefix="kobo-export-views-"))
    kept = field.storage
    field.storage = PrivateFileSystemStorage(location=str(folder))
    try:
        job = ExportJob.objects.create(
            call=approved.call, kind=ExportJob.Kind.DECISION_PACK, requested_by=approved.official
        )
        job = export_render(job_id=job.pk)
    finally:
        field.storage = kept
    yield {"plain": plain, "approved": approved, "job": job, "folder": folder}
    shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def small_call(export_views_world) -> SmallCall:
    """A call with two closed roles and three shortlisted, nothing approved nor exported."""
    return export_views_world["plain"]


@pytest.fixture
def done_call(export_views_world) -> SmallCall:
    """The call whose shortlist is approved and whose decision pack ``done_job`` is."""
    return export_views_world["approved"]


@pytest.fixture
def done_job(export_views_world, private_root):
    """The official's rendered decision pack of ``done_call``, its file in this test's private folder."""
    shutil.copytree(export_views_world["folder"], private_root, dirs_exist_ok=True)
    return export_views_world["job"]


def urls(job: ExportJob) -> list[str]:
    return [
        reverse("exports_status", args=[job.pk]),
        reverse("exports_status_json", args=[job.pk]),
        reverse("exports_download", args=[job.pk]),
    ]


def test_the_official_downloads_the_pack_uncached_and_it_is_logged(done_job, done_call):
    response = client_for(done_call.official).get(reverse("exports_download", args=[done_job.pk]))
    assert response.status_code == 200
    body = b"".join(response.streaming_content)
    assert body.startswith(b"%PDF-")
    assert hashlib.sha256(body).hexdigest() == done_job.sha256 == response["X-Content-SHA256"]
    assert response["Content-Type"] == "application/pdf"
    assert "no-store" in response["Cache-Control"]  # Wagtail's admin adds its never-cache headers too
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"].startswith("attachment;")
    assert ".pdf" in response["Content-Disposition"]
    entry = AuditEntry.objects.get(action="kobo.export", data__event="downloaded")
    assert entry.user == done_call.official
    assert entry.data["sha256"] == done_job.sha256
    assert entry.data["job_id"] == done_job.pk
    assert entry.rows == done_job.rows is not None


def test_an_unassigned_contractor_gets_404_everywhere(done_job, done_call):
    client = client_for(done_call.stranger)
    for url in urls(done_job):
        assert client.get(url).status_code == 404, url
    response = client.post(reverse("exports_request", args=[done_call.call.pk]), {"kind": "csv"})
    assert response.status_code == 404
    assert not ExportJob.objects.filter(requested_by=done_call.stranger).exists()
    assert not AuditEntry.objects.filter(action="kobo.export", data__event="downloaded").exists()


def test_anonymous_users_are_sent_to_the_login(done_job):
    for url in urls(done_job):
        response = Client().get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("wagtailadmin_login"))


def test_a_contractor_of_a_blind_call_cannot_download_an_officials_export_with_names(done_job, done_call):
    client = client_for(done_call.contractor)
    assert client.get(reverse("exports_download", args=[done_job.pk])).status_code == 404
    own = export_render(
        job_id=ExportJob.objects.create(
            call=done_call.call, kind=ExportJob.Kind.CSV, requested_by=done_call.contractor
        ).pk
    )
    assert client.get(reverse("exports_download", args=[own.pk])).status_code == 200
    # An official may read the contractor's export: it shows less than they may see.
    assert client_for(done_call.official).get(reverse("exports_download", args=[own.pk])).status_code == 200


def test_requesting_from_the_dashboard_renders_and_the_status_page_shows_the_link(
    small_call, django_capture_on_commit_callbacks
):
    client = client_for(small_call.contractor)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("exports_request", args=[small_call.call.pk]), {"kind": "csv"})
    job = ExportJob.objects.get(requested_by=small_call.contractor)
    assert response.status_code == 302
    assert response["Location"] == reverse("exports_status", args=[job.pk])

    page = client.get(response["Location"])
    assert page.status_code == 200
    html = page.content.decode()
    assert 'http-equiv="refresh"' not in html  # done: no more reloading
    assert reverse("exports_download", args=[job.pk]) in html
    assert job.sha256 in html
    assert "no-cache" in page["Cache-Control"]

    data = client.get(reverse("exports_status_json", args=[job.pk])).json()
    assert data["status"] == "done"
    assert data["progress"] == 100
    assert data["download_url"] == reverse("exports_download", args=[job.pk])
    assert data["sha256"] == hashlib.sha256(Path(job.file.path).read_bytes()).hexdigest()


def test_a_queued_job_page_refreshes_itself_and_has_no_link(small_call):
    job = ExportJob.objects.create(call=small_call.call, kind=ExportJob.Kind.CSV, requested_by=small_call.official)
    html = client_for(small_call.official).get(reverse("exports_status", args=[job.pk])).content.decode()
    assert '<meta http-equiv="refresh" content="2">' in html
    assert reverse("exports_download", args=[job.pk]) not in html
    assert client_for(small_call.official).get(reverse("exports_download", args=[job.pk])).status_code == 404


def test_a_failed_job_shows_its_reason(small_call):
    job = ExportJob.objects.create(
        call=small_call.call,
        kind=ExportJob.Kind.CSV,
        requested_by=small_call.official,
        status=ExportJob.Status.FAILED,
        error="OSError: disk full",
    )
    html = client_for(small_call.official).get(reverse("exports_status", args=[job.pk])).content.decode()
    assert "OSError: disk full" in html
    assert 'http-equiv="refresh"' not in html


def test_unknown_kinds_and_foreign_roles_are_refused(small_call, export_views_world):
    client = client_for(small_call.official)
    url = reverse("exports_request", args=[small_call.call.pk])
    assert client.post(url, {"kind": "everything"}).status_code == 400
    other_role = rf.role(rf.call())
    assert client.post(url, {"kind": "csv", "role": other_role.pk}).status_code == 404
    assert client.post(url, {"kind": "csv", "role": "x"}).status_code == 404
    assert client.get(url).status_code == 405
    assert not ExportJob.objects.filter(call=small_call.call).exists()
    assert not ExportJob.objects.exclude(pk=export_views_world["job"].pk).exists()  # nor for any other call
