"""Settings for the test suite: fast hashing, local-memory cache and mail, eager tasks.

DATABASE_URL and CELERY_BROKER_URL still come from the environment, so CI runs
the same tests on PostgreSQL and Redis. Tests that exercise the broker turn
eager mode off and start a real worker.
"""

import os

from .base import *  # noqa: F403
from .base import CELERY_BROKER_URL, VAR_DIR

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

# `pytest -n` (xdist) runs the suite in several processes at once: each has its own database
# (pytest-django adds the worker's name to the test database's), files, broker and temporary
# folders, named after PYTEST_XDIST_WORKER ("gw0", "gw1"...). Worker processes that a test
# starts inherit the variable, so they read the same ones.
TEST_WORKER = os.environ.get("PYTEST_XDIST_WORKER", "")
_own = f"-{TEST_WORKER}" if TEST_WORKER else ""
MEDIA_ROOT = VAR_DIR / f"test-media{_own}"
# Folders named in the environment (the benchmarks, a test's worker process) are kept as given.
if "PRIVATE_STORAGE_ROOT" not in os.environ and STORAGES["private"]["BACKEND"].startswith("portal."):  # noqa: F405
    PRIVATE_STORAGE_ROOT = VAR_DIR / f"test-private{_own}"
    STORAGES["private"] = {**STORAGES["private"], "OPTIONS": {"location": str(PRIVATE_STORAGE_ROOT)}}  # noqa: F405
if not os.environ.get("KOBO_EXPORT_TEMP_DIR"):
    KOBO_EXPORT_TEMP_DIR = KOBO_EXPORT_TEMP_DIR.with_name(f"kobo-exports-test{_own}")  # noqa: F405
if "EMAIL_FILE_PATH" not in os.environ:
    EMAIL_FILE_PATH = str(VAR_DIR / f"test-mail{_own}")
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / f"test-celerybeat-schedule{_own}")
if CELERY_BROKER_URL.startswith("filesystem://"):
    _broker_dir = VAR_DIR / f"test-broker{_own}"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        **CELERY_BROKER_TRANSPORT_OPTIONS,  # noqa: F405
        "data_folder_in": str(_broker_dir / "queue"),
        "data_folder_out": str(_broker_dir / "queue"),
        "processed_folder": str(_broker_dir / "processed"),
        "control_folder": str(_broker_dir / "control"),
    }
    if CELERY_RESULT_BACKEND.startswith("file://"):  # noqa: F405
        CELERY_RESULT_BACKEND = f"file://{VAR_DIR / f'test-results{_own}'}"
elif TEST_WORKER and CELERY_BROKER_URL.startswith(("redis://", "rediss://")):
    # One Redis database (CI: CELERY_BROKER_URL=redis://127.0.0.1:6379/15) for every test process:
    # each prefixes its keys (queues, unacknowledged messages, control), so no process's worker
    # takes another's tasks, even on the default queue.
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        **CELERY_BROKER_TRANSPORT_OPTIONS,
        "global_keyprefix": f"kobo-test-{TEST_WORKER}:",
    }
AXES_ENABLED = False
ALLOWED_HOSTS = ["*"]

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    # A file, as `make run` uses: an in-memory test database shares one cache between
    # threads and locks differently, so concurrency tests would not test what runs.
    # Under xdist pytest-django appends the worker's name ("test-kobo.sqlite3_gw0").
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test-kobo.sqlite3")}  # noqa: F405
