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
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
import benchlib
import screening_bench

SIZES = [150, 400] if benchlib.smoke() else [1_300, 100_000]
REPEATS = 3 if benchlib.smoke() else 30
GOAL_P95_MS = 150
#: ``--multiply`` (PostgreSQL): the largest size is made by copying service-made applications (``multiply``).
MULTIPLY = "--multiply" in sys.argv


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


#: How many applications are made through the services before the set is multiplied (``--multiply``).
SEED_APPLICATIONS = 200 if benchlib.smoke() else 2_000


def multiply(call: Any, target: int) -> dict[str, int]:
    """Grow the call to ``target`` candidacies by copying its service-made applications in SQL (PostgreSQL).

    For a loaded machine where ``generate_demo_applications`` (every application through the services,
    about 16 minutes for 100,000 on a quiet one) cannot finish: the first ``SEED_APPLICATIONS`` are made
    through the services (their shape: days, prefectures, repeat applicants, roles, statuses), then copied
    whole, each copy with its own applicants (addresses prefixed ``c<n>-``), references, tokens and drafts (a
    submitted draft is kept until it expires, so a call of 60,000 applications has 60,000 drafts or more); the
    tallies are then rebuilt from the rows (``tallies_rebuild``), as for any bulk load.
    """
    from django.db import connection, transaction

    from applications.demo import generate_demo_applications
    from applications.models import Applicant, Application, Candidacy, Draft, SubmissionContext
    from applications.statistics.tallies import tallies_rebuild

    generate_demo_applications(call=call, count=SEED_APPLICATIONS)
    seed_candidacies = Candidacy.objects.filter(call=call).count()
    copies = max(0, -(-target // seed_candidacies) - 1)
    tables = {model: model._meta.db_table for model in (Applicant, Application, Candidacy, SubmissionContext, Draft)}
    with connection.cursor() as cursor:
        strides = {}
        for model, table in tables.items():
            cursor.execute(f"SELECT COALESCE(MAX(id), 0) + 1 FROM {table}")  # noqa: S608 - table names from the models  # nosec B608: identifiers from the models, numbers from the bench
            strides[model] = cursor.fetchone()[0]
    seed_apps = f"SELECT id FROM {tables[Application]} WHERE call_id = %s"  # noqa: S608  # nosec B608: identifiers from the models, numbers from the bench

    def copy(model: Any, k: int, where: str, overrides: dict[str, str]) -> None:
        columns = [f.column for f in model._meta.concrete_fields]
        values = [overrides.get(column, column) for column in columns]
        sql = (
            f"INSERT INTO {tables[model]} ({', '.join(columns)}) "  # noqa: S608 - columns from the models  # nosec B608: identifiers from the models, numbers from the bench
            f"SELECT {', '.join(values)} FROM {tables[model]} WHERE {where}"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, [call.pk])

    sa, sp, sc, sx, sd = (strides[m] for m in (Applicant, Application, Candidacy, SubmissionContext, Draft))
    for k in range(1, copies + 1):
        with transaction.atomic():
            copy(Applicant, k, f"id IN (SELECT applicant_id FROM {tables[Application]} WHERE call_id = %s "  # noqa: S608  # nosec B608: identifiers from the models, numbers from the bench
                 f"AND id < {sp})", {"id": f"id + {k * sa}", "email": f"'c{k}-' || email",
                                     "email_key": f"'c{k}-' || email_key"})  # fmt: skip
            copy(Application, k, f"call_id = %s AND id < {sp}", {
                "id": f"id + {k * sp}", "applicant_id": f"applicant_id + {k * sa}",
                "reference": f"reference || '-{k}'", "submission_token": "gen_random_uuid()",
                "manage_token_hash": f"md5(random()::text || id::text || '{k}')"})  # fmt: skip
            copy(Candidacy, k, f"call_id = %s AND id < {sc}", {
                "id": f"id + {k * sc}", "application_id": f"application_id + {k * sp}",
                "applicant_id": f"applicant_id + {k * sa}", "email_key": f"'c{k}-' || email_key",
                "reference": f"reference || '-{k}'", "assigned_reviewer_id": "NULL"})  # fmt: skip
            copy(SubmissionContext, k, f"application_id IN ({seed_apps}) AND id < {sx}", {
                "id": f"id + {k * sx}", "application_id": f"application_id + {k * sp}"})  # fmt: skip
            copy(Draft, k, f"call_id = %s AND id < {sd}", {  # each application's draft, kept until it expires
                "id": f"id + {k * sd}", "application_id": f"application_id + {k * sp}",
                "token_hash": f"md5(random()::text || id::text || 'd{k}')",
                "submission_token": "gen_random_uuid()"})  # fmt: skip
    with connection.cursor() as cursor:
        for table in tables.values():
            sql = f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT MAX(id) FROM {table}))"  # noqa: S608  # nosec B608: identifiers from the models, numbers from the bench
            cursor.execute(sql)
    tallies_rebuild(call_id=call.pk)
    return {
        "applications": Application.objects.filter(call=call).count(),
        "candidacies": Candidacy.objects.filter(call=call).count(),
        "candidacies_listed": Candidacy.objects.filter(call=call).exclude(status=Candidacy.Status.WITHDRAWN).count(),
        "drafts": Draft.objects.filter(call=call).count(),
        "made_through_the_services": SEED_APPLICATIONS,
        "copies": copies,
    }


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
    from django.db import connection
    from django.test import Client
    from django.urls import reverse

    started = time.perf_counter()
    call, users = benchlib.closed_kobe_demo(days_ago=40)
    call.results_published = True
    call.save_revision().publish()
    client = Client()
    client.force_login(users["approver"])
    setup_seconds = round(time.perf_counter() - started, 1)

    sizes = []
    for target in SIZES:
        print(f"Growing the call to {target:,} candidacies …", flush=True)
        grown = time.perf_counter()
        if MULTIPLY and target == SIZES[-1]:
            dataset = multiply(call, target)
        else:
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
            "largest_size_made_by": "copying service-made applications in SQL" if MULTIPLY else "the services",
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
