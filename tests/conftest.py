"""Shared fixtures: the site's standing content and staff users."""

from __future__ import annotations

import copy
import inspect
import io
import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.db.backends.signals import connection_created

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


#: Seconds the longest files took in whole two-process runs on PostgreSQL (``--junitxml``, summed per
#: file, the mean of two runs; the test database's set-up, in the first test of each process, left out).
#: Only their order matters: under ``pytest -n`` whole files go to one process each, in the order below,
#: the longest first, so that none is left to the end while the other process has nothing to do. xdist's
#: own order (most tests first) put these one- and two-test files last; ``--no-loadscope-reorder``
#: (pyproject) keeps ours.
LONG_FILES = {
    "tests/statistics/test_demo_shape.py": 102,
    "tests/test_odd_values_walk.py": 78,
    "tests/test_odd_values_walk_staff.py": 72,
    "tests/e2e/test_screening_browser.py": 70,
    "tests/test_access_matrix.py": 67,
    "tests/exports/test_decision_pack.py": 67,
    "tests/applications/test_concurrent_submit.py": 64,
    "tests/e2e/test_application_each_language_browser.py": 63,
    "tests/applications/test_demo_applications.py": 61,
    "tests/e2e/test_second_half_browser.py": 52,
    "tests/e2e/test_teams_browser.py": 50,
    "tests/portal/test_page_cache.py": 46,
    "tests/e2e/test_statistics_browser.py": 42,
    "tests/exports/test_outages.py": 38,
    "tests/recruitment/test_demo_loader.py": 37,
    "tests/applications/test_selection_lifecycle.py": 34,
    "tests/applications/test_outbox_outages.py": 28,
    "tests/applications/test_hostile_inputs.py": 25,
    "tests/e2e/test_recruitment_browser.py": 24,
    "tests/exports/test_render_guarantees.py": 23,
    "tests/e2e/test_application_browser.py": 22,
    "tests/exports/test_worker.py": 21,
    "tests/applications/test_teams.py": 19,
    "tests/applications/test_screening_access.py": 18,
    "tests/e2e/test_english_applicant_browser.py": 18,
    "tests/portal/test_default_settings.py": 17,
    "tests/e2e/test_interview_round_browser.py": 17,
    "tests/applications/test_visibility_per_person.py": 17,
    "tests/recruitment/test_listing.py": 17,
}
#: The estimate for the other files, in the same seconds: per test, a browser test's ten times most others'.
SECONDS_PER_TEST, SECONDS_PER_BROWSER_TEST = 0.5, 5.0


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items):
    """Files ordered by how long they take, longest first; the tests of a file keep their order."""
    estimate: dict[str, float] = {}
    for item in items:
        path = item.nodeid.split("::")[0]
        browser = item.get_closest_marker("browser") is not None
        estimate[path] = estimate.get(path, 0.0) + (SECONDS_PER_BROWSER_TEST if browser else SECONDS_PER_TEST)
    estimate.update({path: seconds for path, seconds in LONG_FILES.items() if path in estimate})
    items.sort(key=lambda item: -estimate[item.nodeid.split("::")[0]])


def _commit_without_waiting_for_the_disk(sender, connection, **kwargs) -> None:
    """PostgreSQL: a commit does not wait for its WAL record to reach the disk (``synchronous_commit``).

    A test database is thrown away after the run, so no crash could lose anything that matters;
    migrations and the autocommitted writes of transactional tests (a live server's requests,
    a world built outside a transaction) otherwise wait for an fsync each. Only the session's
    setting: the server's own and other databases are untouched.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET synchronous_commit TO off")


connection_created.connect(_commit_without_waiting_for_the_disk)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker, pytestconfig):
    """pytest-django's test database, and a fast end for the transactional tests (``tests/database_reset.py``).

    Django's flush after each transactional test (a live server, a real worker, a race) costs seconds
    on PostgreSQL; the snapshot of the migrations' rows puts the same database back in milliseconds.
    The snapshot's tables are dropped at the end only when the database is kept (``--reuse-db``):
    otherwise pytest-django destroys the whole test database right after.
    """
    from django.db import connection
    from django.test import TransactionTestCase

    from tests.database_reset import Recorded, Snapshot

    global _snapshot
    with django_db_blocker.unblock():
        snapshot = _snapshot = Snapshot(connection)
        snapshot.take()
        RECORDED["site_content"] = Recorded("site", snapshot)
        RECORDED["site_content"].record(ensure_site_content)
    flush = TransactionTestCase._fixture_teardown

    def _fixture_teardown(self):
        if (
            self._databases_names(include_mirrors=False) != [connection.alias]
            or self.available_apps is not None
            or self.serialized_rollback
        ):
            return flush(self)
        snapshot.restore()

    TransactionTestCase._fixture_teardown = _fixture_teardown
    yield
    TransactionTestCase._fixture_teardown = flush
    if SharedWorlds.live is not None:
        SharedWorlds.live.close()
    if pytestconfig.getoption("reuse_db", False):
        with django_db_blocker.unblock():
            for recorded in RECORDED.values():
                recorded.drop()
            snapshot.drop()
    RECORDED.clear()
    _snapshot = None


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts in Japanese: a request to /en/ leaves English active in the thread."""
    from django.utils import translation

    translation.activate("ja")
    yield
    translation.activate("ja")


@pytest.fixture(autouse=True)
def _root_log_level():
    """Each test starts with the root logger's level as configured.

    A Celery worker started inside the test process (``start_worker``) sets the root logger's
    level to its own (ERROR by default): a later test of the same process would capture no warning.
    """
    root = logging.getLogger()
    level = root.level
    yield
    root.setLevel(level)


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    """Each test starts with no requests counted: rate limits live in the (local-memory) cache."""
    from django.core.cache import cache

    cache.clear()


#: Worlds recorded once per test process (``tests/database_reset.Recorded``), by name.
RECORDED: dict[str, Any] = {}
#: The migrations' rows (``tests/database_reset.Snapshot``), taken once per test process by ``django_db_setup``.
_snapshot: Any = None


@pytest.fixture
def site_content(db):
    """The home page, settings and standard pages, as `make run` creates them.

    ``ensure_site_content`` is hundreds of queries; its rows, recorded once per test process, are
    written back in a few statements when the database is as migrated (most tests), else it runs.
    """
    return site_content_now()


def site_content_now():
    """What ``site_content`` gives, for a fixture or test that asks for it after other data (a transactional one)."""
    return replayed("site_content", ensure_site_content)


def replayed(name: str, build: Callable[[], Any]) -> Any:
    """What ``build`` returns (a model instance), read again from its rows written back when they are recorded.

    The rows are recorded (``tests/database_reset.Recorded``) once per test process: the site content at
    its start, any other world the first time it is asked for on a database as migrated outside a
    transaction (a transactional test's, a browser test's), after which each such test gets the world
    in a few statements instead of the builder's hundreds of queries. Elsewhere ``build`` runs.
    """
    from django.db import connection

    recorded = RECORDED.get(name)
    if recorded is None and _snapshot is not None and not connection.in_atomic_block and _snapshot.as_migrated():
        from tests.database_reset import Recorded

        recorded = Recorded(name, _snapshot)
        recorded.record(build)
        RECORDED[name] = recorded
    if recorded is not None and recorded.replay():
        value = recorded.value
        return type(value).objects.get(pk=value.pk)
    return build()


@pytest.fixture
def demo_users(db):
    call_command("create_demo_users", stdout=open("/dev/null", "w"))  # noqa: SIM115


def restore_migration_data() -> None:
    """Put back what migrations create and a transactional test's flush removes.

    Live-server tests run in transactions that end with a flush of every table,
    taking Wagtail's locale, root page and collection and our groups with them. Here a transactional
    test ends with the migrations' rows put back (``django_db_setup`` below): with the root page
    there, they all are, and nothing is done.
    """
    from wagtail.models import Page

    if Page.objects.filter(depth=1).exists():
        return
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


class SharedWorlds:
    """Data built once and kept, in a transaction left open, for the tests that ask for it one after another.

    A world fixture made with :func:`shared_world` is built the first time a test asks for it
    (before pytest-django opens the test's transaction: ``_django_db_helper`` below);
    the tests that follow and ask for it too find it there. Each test still runs in a savepoint
    of its own (pytest-django's ``db``), so what it writes is undone after it, and the world's
    data are rolled back as soon as a test that does not ask for it needs the database.
    Tests that only read a big world (the Kobe demo with hundreds of applications) no longer
    build it each; tests that write keep their own data.
    """

    builders: dict[str, Callable[[], Any]] = {}
    #: The process's worlds, for the end of a file (``pytest_runtest_teardown``).
    live: SharedWorlds | None = None

    def __init__(self, blocker) -> None:
        SharedWorlds.live = self
        self.blocker = blocker
        self.name: str | None = None
        self.value: Any = None
        self.atomic: Any = None
        self.cleanup: Any = None

    def enter(self, name: str) -> None:
        if self.name == name:
            return
        self.close()
        from django.db import transaction
        from wagtail.models import Page

        with self.blocker.unblock():
            self.atomic = transaction.atomic()
            self.atomic._from_testcase = True  # as pytest-django's own: a durable block may start inside
            self.atomic.__enter__()
            if not Page.objects.filter(depth=1).exists():
                restore_migration_data()
            built = self.builders[name]()
            if inspect.isgenerator(built):  # a builder that yields cleans up (files) after the world
                self.cleanup = built
                built = next(built)
            self.value = built
        self.name = name

    def close(self) -> None:
        if self.atomic is None:
            return
        from django.db import connection, transaction

        with self.blocker.unblock():
            if self.cleanup is not None:
                next(self.cleanup, None)
            # After the process's last test, the session's end may already have closed the connection,
            # and the world's transaction with it: nothing is left to roll back then.
            if connection.in_atomic_block:
                transaction.set_rollback(True)
                self.atomic.__exit__(None, None, None)
        self.atomic, self.name, self.value, self.cleanup = None, None, None, None


def shared_world(build: Callable[[], Any]):
    """A fixture, named after ``build``, giving the tests that ask for it one world built once in a row.

    ``build`` takes no fixtures (it makes what it needs, e.g. ``ensure_site_content()``) and returns
    the world, or yields it and cleans up after (files it wrote); each
    test gets a deep copy of what it returned, so changing an instance in memory stays local.
    Its name is the world's: one no other fixture of the suite has.
    """
    assert build.__name__ not in SharedWorlds.builders, f"two shared worlds named {build.__name__}"
    SharedWorlds.builders[build.__name__] = build

    @pytest.fixture(name=build.__name__)
    def world(_shared_worlds, db):
        assert _shared_worlds.name == build.__name__, "a shared world is entered by _shared_world_gate"
        return copy.deepcopy(_shared_worlds.value)

    world.__doc__ = build.__doc__
    return world


@pytest.fixture(scope="session")
def _shared_worlds(django_db_setup, django_db_blocker):
    worlds = SharedWorlds(django_db_blocker)
    yield worlds
    worlds.close()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_teardown(item, nextitem):
    """A shared world ends with the last test of its file, in that test's own teardown.

    Left open until the next file's first test, it was closed in that test's set-up; when that test
    was a browser test (Playwright's fixtures set up first), Django's connection there was no longer
    in the world's transaction, closing it failed, and every later test of the process failed with it.
    """
    yield
    if SharedWorlds.live is not None and (nextitem is None or nextitem.path != item.path):
        SharedWorlds.live.close()


@pytest.fixture
def _shared_world_gate(request, _shared_worlds):
    """Enter the shared world the test asks for, or leave the one open, before its database is set up."""
    wanted = [name for name in request.fixturenames if name in SharedWorlds.builders]
    marker = request.node.get_closest_marker("django_db")
    transactional = bool(marker and marker.kwargs.get("transaction")) or bool(
        set(request.fixturenames) & {"transactional_db", "live_server"}
    )
    if len(wanted) > 1 or (wanted and transactional):
        pytest.fail(f"a test may ask for one shared world, and only in a database transaction: {wanted}")
    if wanted:
        _shared_worlds.enter(wanted[0])
    else:
        _shared_worlds.close()


@pytest.fixture
def _django_db_helper(_shared_world_gate, _django_db_helper):
    """pytest-django's database set-up of a test (``db``, ``transactional_db``), once the shared world is settled.

    Every way into the database goes through it (the ``django_db`` mark, ``db``, ``live_server``),
    so the world's transaction is opened outside the test's own, or closed before a flush.
    """
    return _django_db_helper


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


def demo_site() -> None:
    """The site content and the demo users (the ``site_content`` and ``demo_users`` fixtures, for a world)."""
    site_content_now()
    call_command("create_demo_users", stdout=io.StringIO())


@shared_world
def kobe_demo():
    """The Kobe and Miki demo calls, the site content and the demo users, as `make run` loads them.

    Built once for the tests that ask for it one after another; what a test adds is undone after it.
    """
    demo_site()
    from recruitment.demo import ensure_kobe_demo

    return ensure_kobe_demo()


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Call a service as a request would: what it queues on commit (mail, tasks) runs when it returns."""

    def run(service, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return service(**kwargs)

    return run
