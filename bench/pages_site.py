"""Bench-only additions to the site (never in the production URLconf): a minimal view and a cache switch.

``/bench/minimal`` answers a constant response through the whole production middleware
stack: the reference that pages are measured against. ``BenchSwitchMiddleware`` lets the
load tool ask for a page rendered from the database (header ``X-Bench-Page-Cache: skip``),
so cached and uncached pages are measured in the same gunicorn. The minimal view skips
the page-cache lookup too, so the reference is Django's own floor.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.urls import path

from portal.urls import urlpatterns as site_urlpatterns

MINIMAL_PATH = "/bench/minimal"
MINIMAL_BODY = b"<!DOCTYPE html><title>ok</title><p>ok</p>\n"


def minimal(request: HttpRequest) -> HttpResponse:
    """A constant response: what any Django view costs at the least in this stack."""
    return HttpResponse(MINIMAL_BODY, content_type="text/html; charset=utf-8")


urlpatterns = [path(MINIMAL_PATH.lstrip("/"), minimal), *site_urlpatterns]


class BenchSwitchMiddleware:
    """Mark requests that must not use the page cache (placed just before ``PageCacheMiddleware``)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path == MINIMAL_PATH or request.headers.get("X-Bench-Page-Cache") == "skip":
            request.page_cache_skip = True
        return self.get_response(request)
