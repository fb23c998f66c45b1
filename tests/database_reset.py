"""The end of a transactional test: the database put back as migrations left it, in a few statements.

Django's ``TransactionTestCase`` ends with ``flush``: a TRUNCATE of every table (on PostgreSQL each
truncated table gets new files: seconds for Wagtail's tables), then ``post_migrate`` makes the content
types and permissions again, and ``restore_migration_data`` (tests/conftest.py) the locale, root page,
collection, groups and workflow. Here, once per test process, the rows migrations wrote are copied
into snapshot tables beside their own; after each transactional test the tables that hold rows are
emptied with DELETE (the foreign keys are deferred to the commit) and the snapshot copied back.
The database is then exactly as migrated (the same rows, ids included), as after Django's flush.
"""

# Table names come from Django's introspection of the test database and are quoted: no outside input.
# ruff: noqa: S608

from __future__ import annotations

from typing import Any

from django.db import transaction

PREFIX = "zz_snapshot__"
#: Every copy table starts with this: none is a model's table.
COPIES = "zz_"


def _quote(connection: Any, name: str) -> str:
    return connection.ops.quote_name(name)


def model_tables(connection: Any) -> list[str]:
    """Every table of an installed model (what ``flush`` empties), copies and SQLite's virtual tables excluded.

    The one virtual table, Wagtail's FTS5 search table on SQLite, follows ``wagtailsearch_indexentry``
    through triggers: written or emptied itself as well, it would hold every entry twice.
    """
    tables = connection.introspection.django_table_names(only_existing=True, include_views=False)
    virtual: set[str] = set()
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND sql LIKE 'CREATE VIRTUAL TABLE%'")
            virtual = {row[0] for row in cursor.fetchall()}
    return sorted(t for t in tables if not t.startswith(COPIES) and t not in virtual)


def tables_with_rows(connection: Any, tables: list[str]) -> list[str]:
    """The tables of ``tables`` holding at least one row, in one query."""
    if not tables:
        return []
    sql = " UNION ALL ".join(
        f"SELECT {index} FROM (SELECT 1 FROM {_quote(connection, table)} LIMIT 1) AS t{index}"
        for index, table in enumerate(tables)
    )
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return [tables[row[0]] for row in cursor.fetchall()]


def copy_table(connection: Any, table: str, copy: str) -> None:
    """Make the table ``copy`` (a quoted name) hold the rows of ``table``."""
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {copy}")
        cursor.execute(f"CREATE TABLE {copy} AS SELECT * FROM {_quote(connection, table)}")


def copy_back(connection: Any, copy: str, table: str) -> None:
    """Insert the rows of ``copy`` (made by :func:`copy_table`) into ``table``."""
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {_quote(connection, table)} SELECT * FROM {copy}")


def row_counts(connection: Any, tables: list[str]) -> dict[str, int]:
    """How many rows each table of ``tables`` holds, in one query."""
    if not tables:
        return {}
    sql = " UNION ALL ".join(
        f"SELECT {index}, COUNT(*) FROM {_quote(connection, table)}" for index, table in enumerate(tables)
    )
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return {tables[index]: count for index, count in cursor.fetchall()}


def _rows(connection: Any, quoted: str) -> list[str]:
    """Every row of the table ``quoted`` (a quoted name), as comparable text."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {quoted}")
        return sorted(map(repr, cursor.fetchall()))


class Snapshot:
    """The rows migrations wrote, kept in tables of the test database until the end of the run."""

    def __init__(self, connection: Any) -> None:
        self.connection = connection
        self.tables: list[str] = []
        self.counts: dict[str, int] = {}

    def as_migrated(self) -> bool:
        """Whether the database holds what migrations left, as far as which tables hold how many rows tells."""
        return (
            tables_with_rows(self.connection, model_tables(self.connection)) == self.tables
            and row_counts(self.connection, self.tables) == self.counts
        )

    def take(self) -> None:
        connection = self.connection
        with transaction.atomic(using=connection.alias):
            self.tables = tables_with_rows(connection, model_tables(connection))
            self.counts = row_counts(connection, self.tables)
            for table in self.tables:
                copy_table(connection, table, _quote(connection, PREFIX + table))

    def restore(self) -> None:
        """Empty every table that holds rows and copy the migrations' rows back, in one transaction."""
        connection = self.connection
        with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute("SET CONSTRAINTS ALL DEFERRED")
            for table in tables_with_rows(connection, model_tables(connection)):
                cursor.execute(f"DELETE FROM {_quote(connection, table)}")
            for table in self.tables:
                copy_back(connection, _quote(connection, PREFIX + table), table)
        from django.contrib.contenttypes.models import ContentType

        ContentType.objects.clear_cache()

    def drop(self) -> None:
        with self.connection.cursor() as cursor:
            for table in self.tables:
                cursor.execute(f"DROP TABLE IF EXISTS {_quote(self.connection, PREFIX + table)}")


class Recorded:
    """A world built once on the migrations' data, recorded, and written back for each test that asks for it.

    ``record`` builds it (committed), keeps a copy of each table it changed, and puts the migrations'
    data back; ``replay``, inside a test's transaction on a database as migrated, writes those tables'
    rows back: the same rows the builder would write, in a few statements instead of hundreds of queries.
    On a database holding anything else ``replay`` declines, and the caller builds as before.
    """

    def __init__(self, name: str, snapshot: Snapshot) -> None:
        self.name, self.snapshot, self.connection = name, snapshot, snapshot.connection
        self.changed: list[str] = []  # tables whose rows the world changed
        self.copied: list[str] = []  # of those, the ones holding rows in the world (each with a copy)
        self.value: Any = None

    def _copy(self, table: str) -> str:
        return _quote(self.connection, f"{COPIES}{self.name}__{table}")

    def record(self, build: Any) -> None:
        connection = self.connection
        with transaction.atomic(using=connection.alias):
            self.value = build()
        with transaction.atomic(using=connection.alias):
            now = tables_with_rows(connection, model_tables(connection))
            for table in sorted(set(now) | set(self.snapshot.tables)):
                before = _rows(connection, _quote(connection, PREFIX + table)) if table in self.snapshot.tables else []
                if (_rows(connection, _quote(connection, table)) if table in now else []) == before:
                    continue
                self.changed.append(table)
                if table in now:
                    self.copied.append(table)
                    copy_table(connection, table, self._copy(table))
        self.snapshot.restore()

    def replay(self) -> bool:
        """Write the world's rows back (in the current transaction); False if the database is not as migrated."""
        if not self.changed or not self.snapshot.as_migrated():
            return False
        connection = self.connection
        with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
            for table in self.changed:
                cursor.execute(f"DELETE FROM {_quote(connection, table)}")
            for table in self.copied:
                copy_back(connection, self._copy(table), table)
        return True

    def drop(self) -> None:
        with self.connection.cursor() as cursor:
            for table in self.copied:
                cursor.execute(f"DROP TABLE IF EXISTS {self._copy(table)}")
