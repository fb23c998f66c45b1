"""Every private Wagtail (and treebeard) attribute Kōbo relies on, in one place.

Wagtail reads the site of a request, the sites' root paths and a page's parent again and again
(a query each); the page cache and the one-query routing hand it what they already read, through
attributes Wagtail uses internally but does not document. Each is named here once, and
``tests/cms/test_wagtail_compat.py`` fails loudly when a Wagtail upgrade removes or changes one
(checked against Wagtail 8.0), so the breakage shows up as a failing test, not as extra queries
or a wrong site in production.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.http.request import split_domain_port
from wagtail.models import Site


def site_key(request: HttpRequest) -> tuple[str, int | str]:
    """``(hostname, port)`` as Wagtail matches a request to a site (the raw host: no ALLOWED_HOSTS check)."""
    return split_domain_port(request._get_raw_host())[0], request.get_port()


def find_site(request: HttpRequest) -> Site | None:
    """The request's site, looked up without Wagtail's per-request memo (``Site._find_for_request``)."""
    return Site._find_for_request(request)


def remember_site(request: HttpRequest, site: Site | None) -> None:
    """Make ``Site.find_for_request(request)`` answer ``site`` without a query (its memo, ``_wagtail_site``)."""
    request._wagtail_site = site  # type: ignore[attr-defined]


def remember_site_root_paths(request: HttpRequest, root_paths: Any) -> None:
    """Make page URLs built for ``request`` use ``root_paths`` (``Site.get_site_root_paths()``) without a query."""
    request._wagtail_cached_site_root_paths = root_paths  # type: ignore[attr-defined]


def bind_setting(setting: Any, request: HttpRequest) -> None:
    """Tie a site setting read elsewhere to ``request``, as ``for_request`` does, so its page links are relative."""
    setting._request = request


def remember_parent(page: Any, parent: Any) -> None:
    """Make ``page.get_parent()`` answer ``parent`` without a query (treebeard's ``_cached_parent_obj``)."""
    page._cached_parent_obj = parent
