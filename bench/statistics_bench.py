"""Benchmark, statistics: a call's statistics page against the screening list, at 1,300 and 100,000 candidacies.

Run with ``python bench/statistics_bench.py`` (``make bench``; ``--smoke`` for a tiny run). Same set-up
as ``screening_bench`` (whose loader and measurement it reuses): the Kobe demo call grown with
``generate_demo_applications`` to each size, PostgreSQL in a scratch database
``<name>_bench_statistics`` (``KOBO_BENCH_DATABASE_URL`` names one to keep and reuse), SQLite otherwise;
vacuumed and analysed after each load. At each size, in-process through Django's test client as the
city approver ``approver`` (the whole middleware stack), after two warm-up requests, ``REPEATS`` times:

* the reference: a constant page behind the same admin login;
* the screening list (first page), the page the statistics are compared with;
* the statistics page of the call (``call_statistics``);
* the public results JSON (page cache off);
* the aggregates alone (``call_statistics``, no template): read from the call's running tallies, which
  every submission and status change keeps in its own transaction, so there is no cold path after a
  submission any more.

Reported: p50/p95 in ms and the number of SQL queries of one request; for the largest size the SQL of
one statistics request with each query's time; the ratios that survive a loaded machine (the
statistics page's p95 over the screening list's in the same run, and over its own at the small size);
and whether the tallies equal the figures computed again from the rows (``tallies.raw_tallies``).
Goal: the statistics page under 150 ms p95 at 100,000 candidacies with the same number of queries at
both sizes.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
import benchlib
import screening_bench

SIZES = [150, 400] if benchlib.smoke() else [1_300, 100_000]
REPEATS = 3 if benchlib.smoke() else 30
GOAL_P95_MS = 150


def time_aggregates(call: Any, repeats: int) -> dict[str, Any]:
    """``call_statistics`` alone: what the figures cost without the page around them."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from applications.statistics.aggregates import call_statistics

    call_statistics(call=call)
    with CaptureQueriesContext(connection) as ctx:
        call_statistics(call=call)
    seconds = []
    for _ in range(repeats):
        started = time.perf_counter()
        call_statistics(call=call)
        seconds.append(time.perf_counter() - started)
    return {**benchlib.percentiles(seconds), "queries": len(ctx.captured_queries)}


def tallies_match(call: Any) -> bool:
    """The running tallies equal the figures computed again from every row (the test's check, at scale)."""
    from applications.statistics.tallies import call_tallies, raw_tallies

    live = {(d, k): list(v) for d, keys in call_tallies(call.pk).items() for k, v in keys.items() if any(v)}
    return live == {key: value for key, value in raw_tallies(call.pk).items() if any(value)}


def main() -> None:
    workdir = Path(tempfile.mkdtemp(prefix="kobo-bench-statistics-"))
    drop = benchlib.setup_scratch_django("statistics", workdir)
    try:
        from django.test import override_settings

        with override_settings(ROOT_URLCONF=screening_bench.reference_urlconf(), KOBO_PAGE_CACHE_SECONDS=0):
            run()
    finally:
        drop()
        shutil.rmtree(workdir, ignore_errors=True)


def run() -> None:
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.urls import reverse
    from django.utils import timezone

    from applications.demo import ensure_demo_screening
    from recruitment.demo import ensure_kobe_demo

    started = time.perf_counter()
    print(f"Migrating {os.environ['DATABASE_URL'].split('@')[-1]} …", flush=True)
    call_command("migrate", verbosity=0)
    call_command("create_demo_users", stdout=open(os.devnull, "w"))  # noqa: SIM115
    call = ensure_kobe_demo(now=timezone.now() - timedelta(days=40))
    users = ensure_demo_screening(call)
    call.results_published = True
    call.save_revision().publish()
    client = Client()
    client.force_login(users["approver"])
    setup_seconds = round(time.perf_counter() - started, 1)

    sizes = []
    for target in SIZES:
        print(f"Growing the call to {target:,} candidacies …", flush=True)
        grown = time.perf_counter()
        dataset = screening_bench.grow(call, target, [users["screener"], users["screener2"]])
        grow_seconds = round(time.perf_counter() - grown, 1)
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("VACUUM ANALYZE")
        pages = {
            "reference": reverse("bench_reference"),
            "screening_list": reverse("screening_candidacies", args=[call.pk]),
            "statistics": reverse("call_statistics", args=[call.pk]),
            "public_results_json": reverse("call_results_json", args=[call.organisation.slug, call.slug]),
        }
        print(f"Measuring at {dataset['candidacies']:,} candidacies …", flush=True)
        measured = {name: screening_bench.measure(client, url, REPEATS) for name, url in pages.items()}
        measured["aggregates"] = time_aggregates(call, REPEATS)
        reference = measured["reference"]["p50_ms"]
        for name, result in measured.items():
            result["p50_vs_reference"] = round(result["p50_ms"] / reference, 1) if reference else None
            sql = result.pop("_sql", None)
            if name == "statistics" and target == SIZES[-1]:
                result["sql"] = sql
        sizes.append(
            {
                "dataset": dataset,
                "grow_seconds": grow_seconds,
                "tallies_match_rows": tallies_match(call),
                "statistics_p95_vs_screening_list_p95": round(
                    measured["statistics"]["p95_ms"] / measured["screening_list"]["p95_ms"], 2
                ),
                "pages": measured,
                "goal_statistics_p95_under_ms": GOAL_P95_MS,
                "goal_met": measured["statistics"]["p95_ms"] < GOAL_P95_MS,
            }
        )
    queries = {size["pages"]["statistics"]["queries"] for size in sizes}
    small, large = sizes[0]["pages"]["statistics"], sizes[-1]["pages"]["statistics"]
    benchlib.write_results(
        "statistics",
        {
            "how": "in-process, django.test.Client, logged in as the city approver 'approver', portal.settings.test",
            "database": os.environ["DATABASE_URL"].split(":", 1)[0],
            "repeats": REPEATS,
            "setup_seconds": setup_seconds,
            "statistics_queries_constant": len(queries) == 1,
            "statistics_p95_largest_vs_smallest": round(large["p95_ms"] / small["p95_ms"], 2),
            "sizes": sizes,
        },
    )


if __name__ == "__main__":
    main()
