"""What makes the public page cache forget its pages: publishing, moving and deleting pages, and
saving what public pages show (sites, site settings, view restrictions, the models the apps
above registered through ``cms.page_cache.register_invalidation``).

Forgetting is a bump of the cache's generation (``page_cache_invalidate``); where a proxy is
configured (``WAGTAILFRONTENDCACHE``), the addresses a change touches are purged from it too.
"""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.db.models.signals import post_delete, post_save
from django.urls import reverse, translate_url
from wagtail.contrib.settings.models import BaseSiteSetting
from wagtail.models import Page, PageViewRestriction, Site
from wagtail.signals import page_published, page_unpublished, post_page_move

from .page_cache import invalidating_models, listing_sources, listing_url_names, page_cache_invalidate

logger = logging.getLogger("cms.page_cache")

#: What public pages show besides pages, whatever the apps above register.
_NOT_PAGES = (Site, BaseSiteSetting, PageViewRestriction)


def public_urls_touched_by(page: Any, *, old_url_path: str | None = None) -> list[str]:
    """Addresses, in every language, whose content may change when ``page`` does.

    The page itself (and its old address after a move), its parent (a call lists its
    roles), the site's root page, the registered listing pages (the call index) and views
    (the feed), and the sitemap.
    """
    site_root = Page.objects.filter(path=page.path[: Page.steplen * 2]).first()
    root_url = (site_root.get_full_url() or "") if site_root else ""
    if not root_url:
        return []
    pages = [page, *(each for listings in listing_sources for each in listings())]
    if page.depth > 2:
        pages.append(page.get_parent())
    urls = {root_url} | {url for url in (each.get_full_url() for each in pages) if url}
    if old_url_path and old_url_path.startswith(site_root.url_path):
        urls.add(root_url + old_url_path[len(site_root.url_path) :])
    base = root_url.rstrip("/")
    urls |= {base + reverse(name) for name in listing_url_names}
    return sorted({translate_url(url, code) for url in urls for code, _name in settings.LANGUAGES})


def connect_signals() -> None:
    """Invalidate the page cache on what changes public pages (called from ``CmsConfig.ready``).

    Pages, sites, site settings and view restrictions, and the models the apps above registered
    (``register_invalidation``), read when a signal arrives, so an app may register after this runs.
    """

    def on_page_change(sender: Any, instance: Any, **kwargs: Any) -> None:
        page_cache_invalidate(urls=_urls_or_none(instance))

    def on_page_move(sender: Any, instance: Any, url_path_before: str = "", **kwargs: Any) -> None:
        page_cache_invalidate(urls=_urls_or_none(instance, old_url_path=url_path_before))

    def on_delete(sender: Any, instance: Any, **kwargs: Any) -> None:
        if isinstance(instance, Page) and type(instance) is not Page:  # once per page, not per table
            return
        if isinstance(instance, (Page, *_NOT_PAGES, *invalidating_models)):
            page_cache_invalidate(urls=_urls_or_none(instance) if isinstance(instance, Page) else None)

    def on_save(sender: Any, instance: Any, **kwargs: Any) -> None:
        if isinstance(instance, (*_NOT_PAGES, *invalidating_models)):
            page_cache_invalidate()

    page_published.connect(on_page_change, weak=False, dispatch_uid="kobo_page_cache_published")
    page_unpublished.connect(on_page_change, weak=False, dispatch_uid="kobo_page_cache_unpublished")
    post_page_move.connect(on_page_move, weak=False, dispatch_uid="kobo_page_cache_moved")
    post_delete.connect(on_delete, weak=False, dispatch_uid="kobo_page_cache_deleted")
    post_save.connect(on_save, weak=False, dispatch_uid="kobo_page_cache_saved")


def _urls_or_none(page: Any, *, old_url_path: str | None = None) -> list[str] | None:
    if not getattr(settings, "WAGTAILFRONTENDCACHE", None):
        return None
    try:
        return public_urls_touched_by(page, old_url_path=old_url_path)
    except Exception:  # a purge list must never stop a publish; the proxy's s-maxage still bounds it
        logger.exception("page cache: could not list the addresses to purge for page %s", page.pk)
        return None
