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

- when any page is published, unpublished, moved or deleted, or a site, a site setting or a
  registered model (a category, an organisation) is saved (``cms.page_invalidation`` bumps a generation number
  that every stored page is checked against; where a proxy is configured, ``wagtail.contrib.frontend_cache``
  purges the affected addresses too);
- at the next instant a page changes by the clock alone, as the registered clocks say
  (:func:`register_clock`; recruitment registers when a role opens, 72 hours before its
  deadline and at its deadline: ``recruitment.deadlines.state_changes``), because no page is
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
from collections.abc import Callable, Iterable
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


# What the apps above tell the cache, from their ``AppConfig.ready`` ------------------------
# cms knows no app above it: each app that shows time-dependent pages registers its clock,
# and each that owns models or listings shown on public pages registers them for invalidation
# (``cms.page_invalidation``).

#: ``now → the next instant some public page changes by the clock alone (or None)``.
_clocks: list[Callable[[datetime], datetime | None]] = []
#: Models (not pages) whose save or delete changes public pages.
invalidating_models: list[type] = []
#: ``() → pages that list other pages`` (their addresses are purged with any page's).
listing_sources: list[Callable[[], Iterable[Any]]] = []
#: Names of URLs (``reverse``) of public views that list pages, purged with any page.
listing_url_names: list[str] = ["sitemap"]


def register_clock(clock: Callable[[datetime], datetime | None]) -> None:
    """No page is stored (nor a proxy told to keep one) past the next instant ``clock(now)`` names."""
    if clock not in _clocks:
        _clocks.append(clock)


def register_invalidation(
    *, models: Iterable[type] = (), listings: Callable[[], Iterable[Any]] | None = None, url_names: Iterable[str] = ()
) -> None:
    """Saving or deleting one of ``models`` forgets every page; ``listings`` and ``url_names`` are purged too."""
    invalidating_models.extend(model for model in models if model not in invalidating_models)
    if listings is not None and listings not in listing_sources:
        listing_sources.append(listings)
    listing_url_names.extend(name for name in url_names if name not in listing_url_names)


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
    return generation_or_new(found.get(GENERATION_KEY)), found.get(key)


def generation_or_new(generation: int | None) -> int | None:
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
    """The first instant after ``now`` at which a registered clock says a public page changes."""
    instants = [instant for clock in _clocks if (instant := clock(now)) is not None]
    return min(instants, default=None)


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
