"""Admin views of exports: request a document, watch its progress, download it.

Thin: permission checks are ``access.call_or_404`` with the power to export (through
``files.job_or_404``), so a contractor gets 404 for anything of a call not assigned to them; anonymous users are sent
to the login by Wagtail's ``require_admin_access``. Included under
``admin/screening/exports/`` from :data:`urlpatterns_for_admin`.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import NoReverseMatch, path, reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST
from wagtail.admin.auth import require_admin_access

from applications.teams import access
from applications.teams.authority import Power
from cms.web.downloads import opened_or_404, private_file
from cms.web.numbers import parse_id, parse_ids
from recruitment.models import CallPage, RolePage

from .documents import download_filename
from .errors import ExportLimit
from .files import export_download_logged, job_or_404
from .jobs import export_request
from .models import ExportJob


def _status_payload(job: ExportJob) -> dict[str, Any]:
    done = job.status == ExportJob.Status.DONE
    return {
        "id": job.pk,
        "kind": job.kind,
        "kind_label": str(job.get_kind_display()),
        "status": job.status,
        "status_label": str(job.get_status_display()),
        "progress": job.progress,
        "stage": job.stage,
        "error": job.error,
        "finished": job.is_finished,
        "pages": job.pages,
        "size": job.size,
        "sha256": job.sha256 if done else "",
        "download_url": reverse("exports_download", args=[job.pk]) if done else None,
        "status_url": reverse("exports_status", args=[job.pk]),
        "created_at": job.created_at.isoformat(),
        "finished_at": job.finished_at.isoformat() if job.finished_at else None,
    }


@require_admin_access
@require_POST
def request_export(request: HttpRequest, call_id: int) -> HttpResponse:
    """POST from the screening dashboard: ``kind`` (decision_pack, dossiers, csv), optional ``role``."""
    call = access.call_or_404(request.user, call_id, Power.EXPORT)
    kind = request.POST.get("kind", "")
    if kind not in ExportJob.Kind.values:
        return HttpResponse("Unknown export kind.", status=400, content_type="text/plain; charset=utf-8")
    role = None
    if request.POST.get("role"):
        role_id = parse_id(request.POST["role"])
        if role_id is None:
            raise Http404
        role = get_object_or_404(RolePage.objects.child_of(call), pk=role_id)
    chosen = parse_ids(request.POST.getlist("candidacy"))
    try:
        job = export_request(call=call, kind=kind, by=request.user, role=role, candidacy_ids=chosen)
    except ExportLimit as exc:
        dashboard = _dashboard_url(call)
        if dashboard is None:
            return HttpResponse(str(exc), status=429, content_type="text/plain; charset=utf-8")
        messages.error(request, str(exc))
        return redirect(dashboard)
    return redirect("exports_status", job.pk)


@require_admin_access
@require_GET
@never_cache
def job_status(request: HttpRequest, job_id: int) -> HttpResponse:
    """The job's progress as a page that reloads itself every 2 seconds until the job is done or failed."""
    job = job_or_404(request.user, job_id)
    context = {
        "job": job,
        "call": job.call,
        "status": _status_payload(job),
        "dashboard_url": _dashboard_url(job.call),
    }
    return TemplateResponse(request, "exports/job_status.html", context)


@require_admin_access
@require_GET
@never_cache
def job_status_json(request: HttpRequest, job_id: int) -> JsonResponse:
    """The job's progress for scripts and the dashboard: status, percent, stage, error, download URL."""
    job = job_or_404(request.user, job_id)
    return JsonResponse(_status_payload(job))


@require_admin_access
@require_GET
def download(request: HttpRequest, job_id: int) -> HttpResponse:
    """The finished file, to users who may screen its call; every download is audited. Never cached."""
    job = job_or_404(request.user, job_id)
    if job.status != ExportJob.Status.DONE or not job.file:
        raise Http404
    handle = opened_or_404(job.file)
    export_download_logged(job=job, by=request.user)
    response = private_file(handle, filename=download_filename(job), content_type=job.content_type)
    if job.sha256:
        response["X-Content-SHA256"] = job.sha256
    return response


def _dashboard_url(call: CallPage) -> str | None:
    try:
        return reverse("screening_dashboard", args=[call.pk])
    except NoReverseMatch:  # the screening area is not wired (tests of this app alone)
        return None


#: Include under ``admin/screening/exports/`` (e.g. from a ``register_admin_urls`` hook).
urlpatterns_for_admin = [
    path("call/<id:call_id>/request/", request_export, name="exports_request"),
    path("<id:job_id>/", job_status, name="exports_status"),
    path("<id:job_id>/status.json", job_status_json, name="exports_status_json"),
    path("<id:job_id>/download/", download, name="exports_download"),
]
