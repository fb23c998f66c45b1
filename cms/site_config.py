"""The site's configuration, read once per page-cache generation instead of once per request.

Every public page needs the Wagtail ``Site`` (routing starts at its root page), its
``SiteSettings`` (header and footer), its view restrictions and the sites' root paths. They
change only when the page cache's generation moves (``cms.page_invalidation``), so each
process keeps what it read under the current generation.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.core.cache import cache
from django.db.models import F
from django.http import HttpRequest, HttpResponse
from wagtail.models import PageViewRestriction, Site

from . import wagtail_compat
from .page_cache import GENERATION_KEY, cache_seconds, generation_or_new

#: ``(hostname, port)`` → ``(generation, site, settings, view restrictions, root paths, when read)``, in this process.
_site_memo: dict[tuple[str, int | str], tuple[int, Any, Any, list, Any, float]] = {}
_SITE_MEMO_SIZE = 16


def with_site_config(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Decorator for views that show the site's layout or route to its pages (see ``attach_site_config``).

    With the page cache off (``KOBO_PAGE_CACHE_SECONDS = 0``) there is no generation to trust,
    and the view reads the site as Wagtail does.
    """

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if cache_seconds() > 0:
            generation = getattr(request, "page_cache_generation", None)
            if generation is None:
                try:
                    generation = generation_or_new(cache.get(GENERATION_KEY))
                except Exception:
                    generation = None
            if generation is not None:  # else the store is down: read the site as Wagtail does
                attach_site_config(request, generation)
        return view(request, *args, **kwargs)

    return wrapped


def attach_site_config(request: HttpRequest, generation: int) -> None:
    """Give ``request`` its Wagtail ``Site`` and ``SiteSettings`` (and more) without a query.

    Every public page needs the site (routing starts at its root page), its settings (the
    header and footer), its view restrictions (private pages) and the sites' root paths
    (every page URL): five queries and a cache look-up a page, which Wagtail reads again
    for each request. They change only when a site, a setting, a restriction or a page
    changes, which is exactly when the generation moves (``cms.page_invalidation``), so each
    process keeps what it read under the current generation. The generation is read before
    the database, so a change in the meantime makes the next request read them again.
    """
    from .models import SiteSettings

    key = wagtail_compat.site_key(request)
    entry = _site_memo.get(key)
    # Kept no longer than a page: without a shared cache (``make run``) another process's change
    # (the beat's scheduled publishing) does not reach this process's generation.
    if entry is None or entry[0] != generation or time.monotonic() - entry[5] > cache_seconds():
        site = wagtail_compat.find_site(request)
        site_settings = None
        if site is not None:
            site.root_page.specific  # noqa: B018 - loaded once here, then shared by every request
            site_settings = SiteSettings.for_site(site)
            for block in site_settings.footer_links:
                block.value.get("page")  # the footer's page links, loaded once too
        restrictions = list(PageViewRestriction.objects.annotate(page_path=F("page__path")))
        if len(_site_memo) >= _SITE_MEMO_SIZE:
            _site_memo.clear()
        root_paths = Site.get_site_root_paths()
        entry = _site_memo[key] = (generation, site, site_settings, restrictions, root_paths, time.monotonic())
    wagtail_compat.remember_site(request, entry[1])
    if entry[2] is not None:
        wagtail_compat.bind_setting(entry[2], request)  # for the footer's page URLs
        setattr(request, SiteSettings.get_cache_attr_name(), entry[2])
    request.kobo_view_restrictions = entry[3]  # read by ``cms.models.BasePage.get_view_restrictions``
    wagtail_compat.remember_site_root_paths(request, entry[4])  # where Wagtail's page URLs look first
