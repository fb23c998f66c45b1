"""The shared cache (Redis) that degrades instead of failing when Redis is slow or gone.

Everything the cache holds can be done without: public pages are rendered again
(``cms.page_cache``), Wagtail reads the site from the database, and the rate limits
let requests through (``RATELIMIT_FAIL_OPEN``; docs/adr/0012-outages.md says why). So
an answer Redis does not give within the socket timeouts of ``CACHES`` (well under a
second) is a miss, never an error page: ``get`` answers the default, ``add`` False,
``incr`` ``ValueError`` (as for a missing key), writes are dropped.

After a failure the process stops asking for :data:`RETRY_AFTER` seconds, so a hanging
Redis costs one timeout per process every few seconds instead of one per cache call.
:attr:`ResilientRedisCache.down` says whether the store is being skipped; the page
cache and ``/healthz`` read it.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any

import redis
from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache

logger = logging.getLogger(__name__)

#: What "Redis did not answer" looks like (a missing key's ``ValueError`` from ``incr`` is an answer).
NO_ANSWER = (redis.exceptions.ConnectionError, redis.exceptions.TimeoutError, OSError)
#: Seconds a process skips Redis after a failed call.
RETRY_AFTER = 5.0
#: ``LOCATION`` → monotonic time until which it is skipped. Module-level: Django makes a cache
#: object per thread, and every thread of the process should learn of an outage at once.
_down_until: dict[str, float] = {}


class ResilientRedisCache(RedisCache):
    """Django's Redis cache whose failures are misses (see the module docstring)."""

    def __init__(self, server: str, params: dict[str, Any]) -> None:
        super().__init__(server, params)
        self._location = server if isinstance(server, str) else ",".join(server)

    @property
    def down(self) -> bool:
        """True while this process skips Redis after a failure."""
        return _down_until.get(self._location, 0.0) > time.monotonic()

    def _call(self, name: str, default: Any, method: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        if self.down:
            return default
        try:
            return method(*args, **kwargs)
        except NO_ANSWER as exc:
            _down_until[self._location] = time.monotonic() + RETRY_AFTER
            logger.warning("cache: Redis did not answer %s (%s); skipping it for %s s", name, exc, RETRY_AFTER)
            return default

    def ping(self) -> bool:
        """Ask Redis directly (for ``/healthz``), whatever :attr:`down` says; True if it answered."""
        try:
            return bool(self._cache.get_client(write=False).ping())
        except Exception:
            _down_until[self._location] = time.monotonic() + RETRY_AFTER
            return False

    def add(self, key: Any, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: Any = None) -> bool:
        return self._call("add", False, super().add, key, value, timeout, version)

    def get(self, key: Any, default: Any = None, version: Any = None) -> Any:
        return self._call("get", default, super().get, key, default, version)

    def set(self, key: Any, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: Any = None) -> None:
        self._call("set", None, super().set, key, value, timeout, version)

    def touch(self, key: Any, timeout: Any = DEFAULT_TIMEOUT, version: Any = None) -> bool:
        return self._call("touch", False, super().touch, key, timeout, version)

    def delete(self, key: Any, version: Any = None) -> bool:
        return self._call("delete", False, super().delete, key, version)

    def get_many(self, keys: Any, version: Any = None) -> dict[Any, Any]:
        return self._call("get_many", {}, super().get_many, keys, version)

    def has_key(self, key: Any, version: Any = None) -> bool:
        return self._call("has_key", False, super().has_key, key, version)

    def incr(self, key: Any, delta: int = 1, version: Any = None) -> int:
        missing = object()
        value = self._call("incr", missing, super().incr, key, delta, version)
        if value is missing:
            raise ValueError(f"Key '{key}' not found (the cache did not answer)")
        return value

    def set_many(self, data: dict[Any, Any], timeout: Any = DEFAULT_TIMEOUT, version: Any = None) -> list[Any]:
        return self._call("set_many", list(data), super().set_many, data, timeout, version)

    def delete_many(self, keys: Any, version: Any = None) -> None:
        self._call("delete_many", None, super().delete_many, keys, version)

    def clear(self) -> None:
        self._call("clear", None, super().clear)
