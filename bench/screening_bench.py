"""Benchmark 3, screening: the candidacy list and the dashboard of a call with 1,300 and with 100,000 candidacies.

Run with ``python bench/screening_bench.py`` (``make bench``; ``--smoke`` for a tiny run). Needs
PostgreSQL for the full run: with ``DATABASE_URL`` pointing at PostgreSQL it creates a scratch
database ``<name>_bench_screening`` on the same server (``KOBO_BENCH_DATABASE_URL`` names one to
use instead) and drops it at the end; without PostgreSQL it uses SQLite in a temporary folder.

The Kobe demo call, its screening users, and generated applications (``generate_demo_applications``:
sent through the services, one to three roles each, about a third reviewed) until the call has at least each
target number of candidacies. At each size, in-process through Django's test client as the
contractor ``screener`` (the whole middleware stack, no network), each page is requested
``REPEATS`` times after two warm-up requests:

* the reference: a constant page behind the same admin login and middleware (a bench-only view
  answering "ok", added to the URLconf by this script), whose cost does not grow with anything;
* the screening home (the calls a user may screen, with their counts), the dashboard of the call;
  the candidacy list (first page, by reference), sorted by score, filtered by one role, a deep
  page (page 1,000 at 100,000 candidacies) and the same deep page sorted by score.

The database is vacuumed and analysed after each load, as autovacuum does after a bulk insert.
With ``KOBO_BENCH_DATABASE_URL`` the database is kept, and a later run reuses the applications it
holds (generating 100,000 candidacies takes minutes to half an hour): a size below what it holds
then measures what it holds.

Reported per page: p50/p95 in ms, the number of SQL queries of one request, the response size and
the ratio of its p50 to the reference's. For the largest size, the SQL of one request of each page
with each query's time, and a ``cProfile`` summary of one request: the profile that says where the
time goes. URLs come from ``reverse`` by name, so the benchmark survives the views moving.
"""

from __future__ import annotations

import cProfile
import io
import math
import os
import pstats
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
import benchlib

SIZES = [150, 400] if benchlib.smoke() else [1_300, 100_000]
if os.environ.get("KOBO_BENCH_SCREENING_SIZES"):  # e.g. "1300": another run, written to screening_custom.json
    SIZES = [int(size) for size in os.environ["KOBO_BENCH_SCREENING_SIZES"].split(",")]
REPEATS = 3 if benchlib.smoke() else 30
GOAL_LIST_P95_MS = 150
REFERENCE_PATH = "admin/bench-reference/"


def reference_urlconf() -> str:
    """A URLconf module: the site's, plus the reference view behind Wagtail's admin login (bench only)."""
    import types

    from django.http import HttpRequest, HttpResponse
    from django.urls import path
    from wagtail.admin.auth import require_admin_access

    from portal.urls import urlpatterns

    @require_admin_access
    def reference(request: HttpRequest) -> HttpResponse:
        return HttpResponse("ok", content_type="text/plain")

    module = types.ModuleType("screening_bench_urls")
    module.urlpatterns = [path(REFERENCE_PATH, reference, name="bench_reference"), *urlpatterns]  # type: ignore[attr-defined]
    sys.modules[module.__name__] = module
    return module.__name__


def grow(call: Any, target: int, reviewers: list[Any]) -> dict[str, int]:
    """Add generated applications until the call has at least ``target`` candidacies."""
    from applications.demo import generate_demo_applications
    from applications.models import Application, Candidacy

    while (have := Candidacy.objects.filter(application__call=call).count()) < target:
        applications = Application.objects.filter(call=call).count()
        per_application = have / applications if applications else 1.7
        missing = math.ceil((target - have) / per_application) + 1
        for start in range(0, missing, 10_000):  # in batches: one transaction each
            generate_demo_applications(
                call=call, count=applications + min(missing, start + 10_000), reviewers=reviewers
            )
    return {
        "applications": Application.objects.filter(call=call).count(),
        "candidacies": Candidacy.objects.filter(application__call=call).count(),
        "candidacies_listed": Candidacy.objects.filter(application__call=call)
        .exclude(status=Candidacy.Status.WITHDRAWN)
        .count(),
    }


def measure(client: Any, url: str, repeats: int) -> dict[str, Any]:
    from django.db import connection

    for _ in range(2):
        response = client.get(url)
        if response.status_code != 200:
            raise RuntimeError(f"{url} answered {response.status_code}")
    sql: list[dict[str, Any]] = []

    def record(execute: Any, statement: str, params: Any, many: bool, context: Any) -> Any:
        started = time.perf_counter()
        try:
            return execute(statement, params, many, context)
        finally:
            sql.append({"ms": round((time.perf_counter() - started) * 1000, 2), "sql": statement[:600]})

    with connection.execute_wrapper(record):  # survives the reconnection at the start of a request
        response = client.get(url)
    seconds = []
    for _ in range(repeats):
        started = time.perf_counter()
        response = client.get(url)
        seconds.append(time.perf_counter() - started)
        if response.status_code != 200:
            raise RuntimeError(f"{url} answered {response.status_code}")
    return {
        "url": url,
        **benchlib.percentiles(seconds),
        "queries": len(sql),
        "bytes": len(response.content),
        "_sql": sql,
    }


def profile(client: Any, url: str) -> dict[str, list[dict[str, Any]]]:
    """Where one request of ``url`` spends its time: the functions with the most time of their own, and ours."""
    profiler = cProfile.Profile()
    profiler.enable()
    client.get(url)
    profiler.disable()
    stream = io.StringIO()
    stats = pstats.Stats(profiler, stream=stream)
    rows = []
    for (filename, line, function), (_cc, calls, tottime, cumtime, _callers) in stats.stats.items():  # type: ignore[attr-defined]
        rows.append(
            {
                "function": f"{_short(filename)}:{line}({function})",
                "calls": calls,
                "own_ms": round(tottime * 1000, 1),
                "cumulative_ms": round(cumtime * 1000, 1),
            }
        )
    ours = [r for r in rows if "site-packages" not in r["function"] and not r["function"].startswith("<")]
    return {
        "by_own_time": sorted(rows, key=lambda r: -r["own_ms"])[:12],
        "project_code_by_cumulative_time": sorted(ours, key=lambda r: -r["cumulative_ms"])[:10],
    }


def _short(filename: str) -> str:
    """A file named by its place in the repository or the virtualenv, never by a machine path."""
    if "site-packages/" in filename:
        return "site-packages/" + filename.split("site-packages/", 1)[1]
    try:
        return str(Path(filename).resolve().relative_to(benchlib.ROOT))
    except ValueError:
        return Path(filename).name


def main() -> None:
    workdir = Path(tempfile.mkdtemp(prefix="kobo-bench-screening-"))
    drop = benchlib.setup_scratch_django("screening", workdir)
    try:
        from django.test import override_settings

        with override_settings(ROOT_URLCONF=reference_urlconf()):
            run(workdir)
    finally:
        drop()
        shutil.rmtree(workdir, ignore_errors=True)


def run(workdir: Path) -> None:
    from django.test import Client
    from django.urls import reverse

    started = time.perf_counter()
    call, users = benchlib.closed_kobe_demo(days_ago=40)
    reviewers = [users["screener"], users["screener2"]]
    client = Client()
    client.force_login(users["screener"])
    roles = list(call.roles().order_by("path"))
    setup_seconds = round(time.perf_counter() - started, 1)

    sizes = []
    for target in SIZES:
        print(f"Growing the call to {target:,} candidacies …", flush=True)
        grown = time.perf_counter()
        dataset = grow(call, target, reviewers)
        grow_seconds = round(time.perf_counter() - grown, 1)
        from django.db import connection

        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("VACUUM ANALYZE")  # as autovacuum does after a bulk insert
        list_url = reverse("screening_candidacies", args=[call.pk])
        deep = max(1, min(1000, dataset["candidacies_listed"] // 50))
        pages = {
            "reference": reverse("bench_reference"),
            "screening_home": reverse("screening_calls"),
            "dashboard": reverse("screening_dashboard", args=[call.pk]),
            "list": list_url,
            "list_by_score": f"{list_url}?sort=score",
            "list_one_role": f"{list_url}?role={roles[0].pk}",
            f"list_page_{deep}": f"{list_url}?page={deep}",
            f"list_by_score_page_{deep}": f"{list_url}?sort=score&page={deep}",
        }
        print(f"Measuring at {dataset['candidacies']:,} candidacies …", flush=True)
        measured = {name: measure(client, url, REPEATS) for name, url in pages.items()}
        reference = measured["reference"]["p50_ms"]
        for result in measured.values():
            result["p50_vs_reference"] = round(result["p50_ms"] / reference, 1) if reference else None
        size: dict[str, Any] = {"dataset": dataset, "grow_seconds": grow_seconds, "pages": measured}
        size["goal_list_p95_under_ms"] = GOAL_LIST_P95_MS
        size["goal_list_met"] = measured["list"]["p95_ms"] < GOAL_LIST_P95_MS
        lists = [name for name in measured if name.startswith("list")]
        size["list_pages_under_goal"] = [name for name in lists if measured[name]["p95_ms"] < GOAL_LIST_P95_MS]
        if target == SIZES[-1]:
            size["profile"] = {name: profile(client, url) for name, url in pages.items() if name != "reference"}
        else:
            for result in measured.values():
                result.pop("_sql")
        sizes.append(size)
    for size in sizes:  # the SQL of the largest size, renamed for the file
        for result in size["pages"].values():
            if "_sql" in result:
                result["sql"] = result.pop("_sql")

    benchlib.write_results(
        "screening_custom" if os.environ.get("KOBO_BENCH_SCREENING_SIZES") else "screening",
        {
            "how": "in-process, django.test.Client, logged in as the contractor 'screener', portal.settings.test",
            "database": os.environ["DATABASE_URL"].split(":", 1)[0],
            "repeats": REPEATS,
            "setup_seconds": setup_seconds,
            "sizes": sizes,
        },
    )


if __name__ == "__main__":
    main()
