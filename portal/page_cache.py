"""Public pages from a shared cache, correct to the second.

The call pages, role pages, listings, home page, feed and sitemap are the same for
every anonymous visitor, so :class:`PageCacheMiddleware` keeps each rendered page in
the default cache (Redis when ``CACHE_URL`` is set, local memory otherwise) and serves
it again without routing, queries or templates. It also tells a CDN or proxy how long
it may keep the page (``Cache-Control: public, s-maxage``).

What may be stored is decided in three places, all of which must agree:

- the view opts in: Kōbo pages through :class:`PublicCacheMixin`, plain views through
  :func:`public_cache`; anything else (the application form, the admin, previews) never is;
- the request is anonymous and carries no session or message cookie (so logged-in
  editors, applicants with a draft and visitors with a flash message always get a fresh page);
- the response is a plain 200 that sets no cookie, used no CSRF token and carries no CSP
  nonce (a page with a POST form sets the CSRF cookie, so it is never stored).

A stored page is dropped

- when any page is published, unpublished, moved or deleted, or a category, organisation,
  site or site setting is saved (the signal handlers below bump a generation number
  that every stored page is checked against; where a proxy is configured, ``wagtail.contrib.frontend_cache``
  purges the affected addresses too);
- at the next instant a role changes state by the clock (opens, 72 hours before its
  deadline, at its deadline: ``recruitment.deadlines.state_changes``), because no page is
  stored, and no proxy is told to keep one, past that instant. So nobody sees
  受付中 after a deadline.

The language is part of the address (``/`` Japanese, ``/en/`` English) and nothing else
changes a cached page, so responses carry no ``Vary`` on language or cookies: a proxy must
pass requests that carry the session cookie to the site (see docs/performance.md).
"""

from __future__ import annotations

import hashlib
import logging
import math
import time
from collections.abc import Callable
from datetime import datetime
from functools import wraps
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.cache import patch_cache_control

logger = logging.getLogger(__name__)

GENERATION_KEY = "pages:generation"
#: Browsers cannot be told to forget a page, so they keep it at most this long.
BROWSER_SECONDS = 60
#: The messages framework's cookie (``CookieStorage.cookie_name``).
MESSAGES_COOKIE = "messages"
#: Response headers set per request, never replayed from the cache.
_NOT_STORED_HEADERS = {"set-cookie", "cache-control", "x-page-cache", "date"}


def cache_seconds() -> int:
    """How long a page may be kept when no role changes state sooner; 0 turns the cache off."""
    return int(getattr(settings, "KOBO_PAGE_CACHE_SECONDS", 0))


def mark_public(response: HttpResponse) -> HttpResponse:
    """Say that ``response`` is the same for every anonymous visitor (the middleware checks the rest)."""
    response.kobo_public = True
    return response


def public_cache(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Decorator for a plain view whose response is the same for every anonymous visitor (feed, sitemap)."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = view(request, *args, **kwargs)
        return mark_public(response) if not request.GET else response

    return wrapped


class PublicCacheMixin:
    """For Wagtail page types that every anonymous visitor sees alike (Kōbo's public pages).

    ``public_cache_params`` names the query parameters the page understands; a request
    with any other, or with values its filter form refuses, is served but not stored, so
    nobody can fill the cache with addresses of their own making.
    """

    public_cache_params: frozenset[str] = frozenset()

    def serve(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = super().serve(request, *args, **kwargs)
        if getattr(request, "is_preview", False) or not set(request.GET) <= self.public_cache_params:
            return response
        form = (getattr(response, "context_data", None) or {}).get("form")
        if request.GET and form is not None and not form.is_valid():
            return response
        return mark_public(response)


def _key(request: HttpRequest) -> str:
    address = f"{request.scheme}://{request.get_host()}{request.get_full_path()}"
    return f"pages:{hashlib.sha256(address.encode()).hexdigest()}"


def _store_down() -> bool:
    """Whether the cache is not answering (``portal.cache.ResilientRedisCache`` says so after a timeout)."""
    return bool(getattr(cache, "down", False))


def _lookup(key: str) -> tuple[int | None, tuple | None]:
    """The current generation and the stored entry for ``key``, in one round trip to the cache.

    ``(None, None)`` when the store does not answer: the page is rendered and not stored.
    """
    try:
        found = cache.get_many([GENERATION_KEY, key])
    except Exception:  # a cache backend that raises when its server is gone
        logger.warning("page cache: the store did not answer; rendering", exc_info=True)
        return None, None
    if _store_down():
        return None, None
    return _generation_or_new(found.get(GENERATION_KEY)), found.get(key)


def _generation_or_new(generation: int | None) -> int | None:
    """The generation, started if missing; None when the store does not answer (nothing is trusted then)."""
    if generation is None:
        try:
            # A fresh (or evicted) counter starts from the clock, so it never repeats an old one.
            cache.add(GENERATION_KEY, time.time_ns() // 1_000_000, None)
            generation = cache.get(GENERATION_KEY)
        except Exception:
            logger.warning("page cache: the store did not answer; rendering", exc_info=True)
            return None
    return None if _store_down() else generation


# The site's configuration, once per generation ---------------------------------------------

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
                    generation = _generation_or_new(cache.get(GENERATION_KEY))
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
    changes, which is exactly when the generation moves (see ``connect_signals``), so each
    process keeps what it read under the current generation. The generation is read before
    the database, so a change in the meantime makes the next request read them again.
    """
    from django.db.models import F
    from django.http.request import split_domain_port
    from wagtail.models import PageViewRestriction, Site

    from cms.models import SiteSettings

    key = (split_domain_port(request._get_raw_host())[0], request.get_port())
    entry = _site_memo.get(key)
    # Kept no longer than a page: without a shared cache (``make run``) another process's change
    # (the beat's scheduled publishing) does not reach this process's generation.
    if entry is None or entry[0] != generation or time.monotonic() - entry[5] > cache_seconds():
        site = Site._find_for_request(request)
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
    request._wagtail_site = entry[1]
    if entry[2] is not None:
        entry[2]._request = request  # as ``for_request`` does, for the footer's page URLs
        setattr(request, SiteSettings.get_cache_attr_name(), entry[2])
    request.kobo_view_restrictions = entry[3]  # read by ``cms.models.BasePage.get_view_restrictions``
    request._wagtail_cached_site_root_paths = entry[4]  # where Wagtail's page URLs look first


def _never_cached_prefixes() -> tuple[str, ...]:
    """Addresses that are never public pages (admin, application form, files): no cache lookup at all."""
    own = ("/apply/",)
    languages = [f"/{code}" for code, _name in settings.LANGUAGES]
    return (
        "/admin/",
        "/documents/",
        "/healthz",
        settings.STATIC_URL,
        settings.MEDIA_URL,
        *own,
        *(lang + path for lang in languages for path in own),
    )


def _may_serve_from_cache(request: HttpRequest) -> bool:
    if request.method not in ("GET", "HEAD") or getattr(request, "page_cache_skip", False):
        return False
    if request.path.startswith(_never_cached_prefixes()):
        return False
    cookies = request.COOKIES
    return (
        settings.SESSION_COOKIE_NAME not in cookies
        and MESSAGES_COOKIE not in cookies
        and "HTTP_AUTHORIZATION" not in request.META
    )


def _may_store(request: HttpRequest, response: HttpResponse) -> bool:
    if not getattr(response, "kobo_public", False) or response.status_code != 200 or response.streaming:
        return False
    if response.cookies or request.META.get("CSRF_COOKIE_NEEDS_UPDATE"):
        return False  # a per-visitor cookie or CSRF token is in this page
    if "'nonce-" in response.get("Content-Security-Policy", ""):
        return False  # a per-request nonce would be replayed to everyone
    user = getattr(request, "user", None)
    return not (user is not None and user.is_authenticated)


def _without_vary_on_language_or_cookies(response: HttpResponse) -> None:
    # The language is in the address and cookies only decide whether the cache is used at
    # all, so the Vary that the locale and session middleware add would only split a CDN's copies.
    vary = [v.strip() for v in response.get("Vary", "").split(",") if v.strip()]
    vary = [v for v in vary if v.lower() not in {"cookie", "accept-language"}]
    if vary:
        response.headers["Vary"] = ", ".join(vary)
    elif "Vary" in response.headers:
        del response.headers["Vary"]


def _cache_control(expires_at: float) -> str:
    """Browsers keep a page a minute at most, proxies until it expires here; neither past a state change."""
    remaining = max(0, math.floor(expires_at - time.time()))
    return f"public, max-age={min(BROWSER_SECONDS, remaining)}, s-maxage={remaining}, must-revalidate"


def _next_change(now: datetime) -> datetime | None:
    from recruitment.selectors import next_role_state_change

    return next_role_state_change(now=now)


class PageCacheMiddleware:
    """Serve opted-in public pages from the shared cache; store them until the next change.

    Sits after the security and static-file middleware and before the session: a hit
    costs one round trip to the cache (the generation and the page together) and no query.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        _bump_if_pending()
        if cache_seconds() <= 0 or not _may_serve_from_cache(request):
            response = self.get_response(request)
            if getattr(response, "kobo_public", False) and not _may_store(request, response):
                patch_cache_control(response, private=True, no_cache=True)  # e.g. a logged-in editor's copy
            return response
        key = _key(request)
        generation, entry = _lookup(key)
        if generation is None:  # the store does not answer: render, store nothing, tell nobody to keep it
            response = self.get_response(request)
            if getattr(response, "kobo_public", False):
                patch_cache_control(response, private=True, no_cache=True)
            return response
        if entry is not None and entry[0] == generation and entry[1] > time.time():
            return self._replay(entry)
        request.page_cache_generation = generation
        started = timezone.now()
        response = self.get_response(request)
        if _may_store(request, response):
            self._store(key, generation, started, response)
        elif getattr(response, "kobo_public", False):
            patch_cache_control(response, private=True, no_cache=True)
        return response

    @staticmethod
    def _replay(entry: tuple) -> HttpResponse:
        _generation, expires_at, status, headers, content = entry
        response = HttpResponse(content, status=status)
        for name, value in headers:
            response.headers[name] = value
        response.headers["Cache-Control"] = _cache_control(expires_at)
        response.headers["X-Page-Cache"] = "hit"
        return response

    @staticmethod
    def _store(key: str, generation: int, started: datetime, response: HttpResponse) -> None:
        """Keep the page under the generation read before it was rendered, until the next state change.

        A publish during rendering bumps the generation, so this copy is never served; a state
        change during rendering leaves no time to keep it at all.
        """
        if hasattr(response, "render") and not response.is_rendered:
            response.render()
        seconds = cache_seconds()
        change = _next_change(started)
        if change is not None:
            seconds = min(seconds, math.floor((change - timezone.now()).total_seconds()))
        if seconds < 1:
            patch_cache_control(response, private=True, no_cache=True)
            return
        expires_at = time.time() + seconds
        _without_vary_on_language_or_cookies(response)
        headers = [(n, v) for n, v in response.headers.items() if n.lower() not in _NOT_STORED_HEADERS]
        try:
            cache.set(key, (generation, expires_at, response.status_code, headers, response.content), seconds)
        except Exception:
            logger.warning("page cache: the store did not answer; page not stored", exc_info=True)
            patch_cache_control(response, private=True, no_cache=True)
            return
        if _store_down():  # dropped: nobody may keep a page the site itself could not store
            patch_cache_control(response, private=True, no_cache=True)
            return
        response.headers["Cache-Control"] = _cache_control(expires_at)
        response.headers["X-Page-Cache"] = "miss"


# Invalidation ---------------------------------------------------------------------------


def page_cache_invalidate(*, urls: list[str] | None = None) -> None:
    """Forget every cached public page now and again when the transaction commits.

    Bumping at once keeps this process consistent; bumping after commit discards a page
    that another request rendered from the old data while the transaction was open. With a
    proxy configured (``WAGTAILFRONTENDCACHE``), ``urls`` are purged from it after commit.
    """
    _bump()
    transaction.on_commit(_bump)
    if urls and getattr(settings, "WAGTAILFRONTENDCACHE", None):
        transaction.on_commit(lambda: _purge(urls))


#: A change this process could not announce because the store did not answer; bumped when it answers again,
#: so pages stored before the outage are not served after it.
_bump_pending = False


def _bump() -> None:
    global _bump_pending
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:
        cache.add(GENERATION_KEY, time.time_ns() // 1_000_000, None)
    except Exception:  # a backend that raises when its server is gone
        logger.warning("page cache: could not bump the generation; the store did not answer", exc_info=True)
        _bump_pending = True
        return
    _bump_pending = _store_down()


def _bump_if_pending() -> None:
    if _bump_pending and not _store_down():
        _bump()


def _purge(urls: list[str]) -> None:
    from wagtail.contrib.frontend_cache.utils import PurgeBatch

    batch = PurgeBatch()
    batch.add_urls(urls)
    batch.purge()


def public_urls_touched_by(page: Any, *, old_url_path: str | None = None) -> list[str]:
    """Addresses, in every language, whose content may change when ``page`` does.

    The page itself (and its old address after a move), its parent (a call lists its
    roles), the site's root page and call index (they list calls), the feed and the sitemap.
    """
    from django.urls import reverse, translate_url
    from wagtail.models import Page

    from recruitment.models import CallIndexPage

    site_root = Page.objects.filter(path=page.path[: Page.steplen * 2]).first()
    root_url = (site_root.get_full_url() or "") if site_root else ""
    if not root_url:
        return []
    pages = [page, *CallIndexPage.objects.live()]
    if page.depth > 2:
        pages.append(page.get_parent())
    urls = {root_url} | {url for url in (each.get_full_url() for each in pages) if url}
    if old_url_path and old_url_path.startswith(site_root.url_path):
        urls.add(root_url + old_url_path[len(site_root.url_path) :])
    base = root_url.rstrip("/")
    urls |= {base + reverse("recruitment:roles_feed"), base + reverse("sitemap")}
    return sorted({translate_url(url, code) for url in urls for code, _name in settings.LANGUAGES})


def connect_signals() -> None:
    """Invalidate the page cache on what changes public pages (called from ``PortalConfig.ready``)."""
    from django.db.models.signals import post_delete, post_save
    from wagtail.contrib.settings.models import BaseSiteSetting
    from wagtail.models import Page, PageViewRestriction, Site
    from wagtail.signals import page_published, page_unpublished, post_page_move

    from recruitment.models import Organisation, TaskCategory

    def on_page_change(sender: Any, instance: Any, **kwargs: Any) -> None:
        page_cache_invalidate(urls=_urls_or_none(instance))

    def on_page_move(sender: Any, instance: Any, url_path_before: str = "", **kwargs: Any) -> None:
        page_cache_invalidate(urls=_urls_or_none(instance, old_url_path=url_path_before))

    def on_delete(sender: Any, instance: Any, **kwargs: Any) -> None:
        if isinstance(instance, Page) and type(instance) is not Page:  # once per page, not per table
            return
        if isinstance(instance, Page | Site | TaskCategory | Organisation | BaseSiteSetting | PageViewRestriction):
            page_cache_invalidate(urls=_urls_or_none(instance) if isinstance(instance, Page) else None)

    def on_save(sender: Any, instance: Any, **kwargs: Any) -> None:
        if isinstance(instance, Site | TaskCategory | Organisation | BaseSiteSetting | PageViewRestriction):
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
