"""Production settings plus the bench-only URLconf and cache switch (``bench/pages_site.py``)."""

import os

from portal.settings.production import *  # noqa: F403
from portal.settings.production import MIDDLEWARE

ROOT_URLCONF = "bench.pages_site"
MIDDLEWARE = list(MIDDLEWARE)
MIDDLEWARE.insert(MIDDLEWARE.index("cms.page_cache.PageCacheMiddleware"), "bench.pages_site.BenchSwitchMiddleware")

if os.environ.get("KOBO_BENCH_PLAIN_STATIC"):  # --smoke: no collectstatic; {% static %} costs the same
    STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}  # noqa: F405
