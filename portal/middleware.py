"""Response headers Django has no setting for."""

from __future__ import annotations

from collections.abc import Callable

from csp.middleware import CSPMiddleware, PolicyParts
from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseBase


class PermissionsPolicyMiddleware:
    """Adds ``Permissions-Policy`` (``KOBO_PERMISSIONS_POLICY``): browser features no page here uses are off."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.header = ", ".join(
            f"{feature}=({' '.join(allow)})" for feature, allow in settings.KOBO_PERMISSIONS_POLICY.items()
        )

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", self.header)
        return response


class PreviewFrameCSPMiddleware(CSPMiddleware):
    """django-csp's middleware, letting the admin's own page frame a preview (``frame-ancestors 'self'``).

    The editor's preview panel shows the page in an iframe of the admin. Wagtail renders a preview
    through the whole middleware chain with the page's public path (so the ``/admin/`` exclusion does
    not apply) and marks that request ``is_preview``: only such a response may be framed, and only by
    this site. Every other response keeps ``frame-ancestors 'none'``.
    """

    def get_policy_parts(
        self, request: HttpRequest, response: HttpResponseBase, report_only: bool = False
    ) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only)
        if getattr(request, "is_preview", False) and not report_only:
            parts.replace = {**(parts.replace or {}), "frame-ancestors": ["'self'"]}
        return parts
