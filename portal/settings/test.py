"""Settings for the test suite: fast hashing, local-memory cache and mail, eager tasks.

DATABASE_URL and CELERY_BROKER_URL still come from the environment, so CI runs
the same tests on PostgreSQL and Redis. Tests that exercise the broker turn
eager mode off and start a real worker.
"""

from .base import *  # noqa: F403
from .base import VAR_DIR

DEBUG = False
SECRET_KEY = "test-only-not-secret-kobo-test-key-0123456789abcdefghijklmnop"  # noqa: S105 - tests only
KOBO_DEMO_ALLOWED = True
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Tests read pages straight from the database; tests/portal/test_page_cache.py turns the page cache on.
KOBO_PAGE_CACHE_SECONDS = 0
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
CELERY_TASK_ALWAYS_EAGER = True
CELERY_TASK_EAGER_PROPAGATES = True
STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}  # noqa: F405
MEDIA_ROOT = VAR_DIR / "test-media"
AXES_ENABLED = False
ALLOWED_HOSTS = ["*"]

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    # A file, as `make run` uses: an in-memory test database shares one cache between
    # threads and locks differently, so concurrency tests would not test what runs.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test-kobo.sqlite3")}  # noqa: F405
