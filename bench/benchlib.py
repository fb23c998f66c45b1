"""What every benchmark under ``bench/`` shares: where results go, what the machine was, percentiles.

Each benchmark writes ``bench/results/<name>.json`` (``--smoke``: ``var/bench-smoke/<name>.json``, so a
smoke run never overwrites measured results) with the machine, the versions, the date and the command.
"""

from __future__ import annotations

import contextlib
import json
import math
import os
import platform
import secrets
import shlex
import statistics
import subprocess
import sys
import time
from importlib import metadata
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]


def smoke() -> bool:
    """``--smoke``: a tiny run that proves the benchmark still works (``make bench-smoke``, in CI)."""
    return "--smoke" in sys.argv


def results_path(name: str) -> Path:
    folder = ROOT / "var" / "bench-smoke" if smoke() else ROOT / "bench" / "results"
    folder.mkdir(parents=True, exist_ok=True)
    return folder / f"{name}.json"


def _version(package: str) -> str | None:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return None


def _postgres_version() -> str | None:
    try:
        from django.db import connection

        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SHOW server_version")
                return cursor.fetchone()[0]
    except Exception:  # noqa: S110 - Django not set up: no database to name
        pass
    return None


def machine() -> dict[str, Any]:
    """The machine and the versions that produced a result, so results from elsewhere can be compared."""
    cpu_model = ""
    with contextlib.suppress(OSError, StopIteration):
        cpu_model = next(
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        )
    try:
        load = os.getloadavg()
    except OSError:
        load = None
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=False,
        ).stdout.strip()
    except OSError:
        commit = ""
    return {
        "platform": platform.platform(),
        "cpu": cpu_model,
        "cpus": os.cpu_count(),
        "load_average_at_start": load,
        "python": platform.python_version(),
        "versions": {
            name: _version(name)
            for name in ("django", "wagtail", "celery", "gunicorn", "weasyprint", "pypdf", "psycopg", "redis")
        },
        "postgresql": _postgres_version(),
        "git_commit": commit,
    }


def write_results(name: str, payload: dict[str, Any]) -> Path:
    """Write ``payload`` with the machine, date and command to the benchmark's results file; return its path."""
    results = {
        "benchmark": name,
        "when": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "command": " ".join(shlex.quote(arg) for arg in [Path(sys.executable).name, *sys.argv]),
        "smoke": smoke(),
        "machine": machine(),
        **payload,
    }
    path = results_path(name)
    path.write_text(json.dumps(results, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(results, ensure_ascii=False, indent=2))
    print(f"\nWritten to {path.relative_to(ROOT)}")
    return path


def percentiles(seconds: list[float]) -> dict[str, float | int | None]:
    """p50/p95/p99 and the maximum, in milliseconds (nearest-rank on the sorted sample)."""
    if not seconds:
        return {"n": 0, "p50_ms": None, "p95_ms": None, "p99_ms": None, "max_ms": None}
    ordered = sorted(seconds)

    def rank(q: float) -> float:
        return round(ordered[min(len(ordered) - 1, max(0, math.ceil(q * len(ordered)) - 1))] * 1000, 1)

    return {
        "n": len(ordered),
        "p50_ms": rank(0.50),
        "p95_ms": rank(0.95),
        "p99_ms": rank(0.99),
        "max_ms": round(ordered[-1] * 1000, 1),
        "mean_ms": round(statistics.fmean(ordered) * 1000, 1),
    }


def scratch_database(name: str) -> tuple[str | None, Any]:
    """A fresh PostgreSQL database for one benchmark run: ``(url, drop)``; ``(None, noop)`` without PostgreSQL.

    ``KOBO_BENCH_DATABASE_URL`` names one to use as it is (never dropped); otherwise, when
    ``DATABASE_URL`` is PostgreSQL, ``<its name>_bench_<name>`` is created on the same server
    (dropped and made again if a killed run left it) and ``drop()`` removes it.
    """
    from urllib.parse import urlsplit, urlunsplit

    explicit = os.environ.get("KOBO_BENCH_DATABASE_URL")
    if explicit:
        return explicit, lambda: None
    base = os.environ.get("DATABASE_URL", "")
    if not base.startswith(("postgres://", "postgresql://")):
        return None, lambda: None
    import psycopg

    parts = urlsplit(base)
    database = f"{parts.path.lstrip('/') or 'kobo'}_bench_{name}"
    admin = urlunsplit(parts._replace(path="/postgres"))

    def run(sql: str) -> None:
        with psycopg.connect(admin, autocommit=True) as connection:
            connection.execute(sql)

    run(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
    run(f'CREATE DATABASE "{database}"')

    def drop() -> None:
        from django.db import connections

        connections.close_all()
        run(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')

    return urlunsplit(parts._replace(path=f"/{database}")), drop


def production_env(workdir: Path, *, database_url: str, redis: str, host: str) -> dict[str, str]:
    """What the production settings need to run a benchmark's server on ``host``, its files in ``workdir``.

    PostgreSQL and Redis (cache, broker, results) as given, one trusted proxy (the benchmark
    plays it: ``X-Forwarded-For`` names the visitor); the caller adds mail and logging.
    """
    return {
        "DJANGO_SETTINGS_MODULE": "portal.settings.production",
        "SECRET_KEY": secrets.token_urlsafe(64),
        "ALLOWED_HOSTS": host,
        "DATABASE_URL": database_url,
        "CACHE_URL": redis,
        "CELERY_BROKER_URL": redis,
        "CELERY_RESULT_BACKEND": redis,
        "KOBO_TRUSTED_PROXY_COUNT": "1",
        "STATIC_ROOT": str(workdir / "static"),
        "PRIVATE_STORAGE_ROOT": str(workdir / "private"),
        "MEDIA_ROOT": str(workdir / "media"),
        "KOBO_VAR_DIR": str(workdir),
        "KOBO_PUBLIC_URL": f"https://{host}",
    }


def setup_test_django(workdir: Path, *, database_url: str | None = None) -> None:
    """Django in this process on the test settings, its files in ``workdir``.

    The database is ``database_url``, else ``KOBO_BENCH_DATABASE_URL``, else SQLite in ``workdir``.
    """
    os.environ["DJANGO_SETTINGS_MODULE"] = "portal.settings.test"
    os.environ["KOBO_VAR_DIR"] = str(workdir)
    os.environ["PRIVATE_STORAGE_ROOT"] = str(workdir / "private")
    os.environ["DATABASE_URL"] = (
        database_url or os.environ.get("KOBO_BENCH_DATABASE_URL") or f"sqlite:///{workdir / 'bench.sqlite3'}"
    )
    sys.path.insert(0, str(ROOT))
    os.chdir(ROOT)
    import django

    django.setup()


def setup_scratch_django(name: str, workdir: Path) -> Any:
    """Django on the test settings over a scratch database of its own (:func:`scratch_database`,
    SQLite in ``workdir`` without PostgreSQL); returns the function that drops it."""
    import logging

    url, drop = scratch_database(name)
    setup_test_django(workdir, database_url=url)
    logging.getLogger("wagtail").setLevel(logging.WARNING)
    return drop


def closed_kobe_demo(*, days_ago: int = 40) -> tuple[Any, dict[str, Any]]:
    """The migrated scratch database with the demo users and the Kobe call as it was ``days_ago``
    (every role closed), its screeners assigned: the start of the screening and statistics benches.
    Returns the call and the demo screening users (``applications.demo.ensure_demo_screening``)."""
    from datetime import timedelta

    from django.core.management import call_command
    from django.utils import timezone

    from applications.demo import ensure_demo_screening
    from recruitment.demo import ensure_kobe_demo

    print(f"Migrating {os.environ['DATABASE_URL'].split('@')[-1]} …", flush=True)
    call_command("migrate", verbosity=0)
    call_command("create_demo_users", stdout=open(os.devnull, "w"))  # noqa: SIM115
    call = ensure_kobe_demo(now=timezone.now() - timedelta(days=days_ago))
    return call, ensure_demo_screening(call)
