"""Shared fixtures: the site's standing content and staff users."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.management import call_command

from cms.content import ensure_site_content


@pytest.fixture(autouse=True, scope="session")
def _local_broker_folders():
    """The folders of kombu's filesystem broker and of the file result backend (``make`` makes them too).

    Without them every task queued with the embedded default broker fails, eager ones included
    (Celery acquires a producer first), so a fresh clone's tests must not depend on ``make``.
    """
    from django.conf import settings

    options = settings.CELERY_BROKER_TRANSPORT_OPTIONS
    folders = [options.get(key) for key in ("data_folder_in", "data_folder_out", "processed_folder", "control_folder")]
    if settings.CELERY_RESULT_BACKEND.startswith("file://"):
        folders.append(settings.CELERY_RESULT_BACKEND.removeprefix("file://"))
    for folder in filter(None, folders):
        Path(folder).mkdir(parents=True, exist_ok=True)


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts in Japanese: a request to /en/ leaves English active in the thread."""
    from django.utils import translation

    translation.activate("ja")
    yield
    translation.activate("ja")


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    """Each test starts with no requests counted: rate limits live in the (local-memory) cache."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def site_content(db):
    """The home page, settings and standard pages, as `make run` creates them."""
    return ensure_site_content()


@pytest.fixture
def demo_users(db):
    call_command("create_demo_users", stdout=open("/dev/null", "w"))  # noqa: SIM115


def restore_migration_data() -> None:
    """Put back what migrations create and a transactional test's flush removes.

    Live-server tests run in transactions that end with a flush of every table,
    taking Wagtail's locale, root page and collection and our groups with them.
    """
    from django.apps import apps
    from django.conf import settings
    from django.contrib.contenttypes.models import ContentType
    from wagtail.coreutils import get_supported_content_language_variant
    from wagtail.models import Collection, Locale, Page

    from applications.staff import replace_default_workflow, sync_groups

    ContentType.objects.clear_cache()  # the flush recreated content types under new ids
    locale, _ = Locale.objects.get_or_create(
        language_code=get_supported_content_language_variant(settings.LANGUAGE_CODE)
    )
    if not Page.objects.filter(depth=1).exists():
        Page.add_root(instance=Page(title="Root", slug="root", locale=locale))
    if not Collection.objects.filter(depth=1).exists():
        Collection.add_root(name="Root")
    sync_groups(apps)
    replace_default_workflow(apps)


@pytest.fixture(autouse=True)
def _migration_data(request):
    """Every database test starts with what migrations create, even right after a transactional test.

    A transactional test (a live server, a real worker, a race) ends with a flush of every
    table, and pytest-django may order a plain database test after it. The browser tests
    override this to restore before each of them (``tests/e2e/conftest.py``).
    """
    names = set(request.fixturenames)
    marker = request.node.get_closest_marker("django_db")
    if marker is None and not names & {"db", "transactional_db", "live_server"}:
        return
    transactional = bool(marker and marker.kwargs.get("transaction")) or bool(
        names & {"transactional_db", "live_server"}
    )
    request.getfixturevalue("transactional_db" if transactional else "db")
    from wagtail.models import Page

    if not Page.objects.filter(depth=1).exists():
        restore_migration_data()


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Call a service as a request would: what it queues on commit (mail, tasks) runs when it returns."""

    def run(service, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return service(**kwargs)

    return run
