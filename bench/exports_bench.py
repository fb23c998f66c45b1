"""Benchmark of the export documents: the decision pack and the dossiers of a Kobe-sized call.

Run with ``python bench/exports_bench.py`` (``make bench``; ``--smoke``: 60 applications, one
candidate a post). Self-contained: it migrates a
fresh SQLite database in a temporary folder (``DATABASE_URL`` is set before Django starts;
``KOBO_BENCH_DATABASE_URL`` points it at a scratch database instead), loads the Kobe demo
with its deadlines passed, generates 1,300 applications with reviews, shortlists 120
candidates (three per post, 40 posts) through the screening services and approves the
shortlist. Then each measurement runs in a fresh child process (warmed up by one small
render, like a worker that has rendered before), through the real ``export_render`` path
(data, template, WeasyPrint, hash, private storage):

* reference: a fixed one-page Japanese HTML document rendered ``REFERENCE_RUNS`` times by
  WeasyPrint alone (same URL fetcher and PDF options);
* the decision pack (PDF/UA-1, as shipped) and the same without PDF/UA, for its cost;
* the dossiers of the 120 shortlisted candidates; the CSV of every candidacy.

Reported: seconds, pages, pages per second, the child's peak resident memory (``VmHWM``,
which counts WeasyPrint's C allocations too; ``rss_growth_mb`` is the part above the
warmed-up process) and ratios against the reference
measured in the same run, so figures from different machines can be compared. Results go
to ``bench/results/exports.json`` (with the machine, versions, date and command) and are
printed. ``--keep`` keeps the temporary folder (database and documents) for a look.
"""

from __future__ import annotations

import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
import benchlib

ROOT = benchlib.ROOT
SMOKE = benchlib.smoke()
APPLICATIONS = 60 if SMOKE else 1300
SHORTLIST_PER_POST = 1 if SMOKE else 3  # 40 posts in the Kobe call: 120 shortlisted
REFERENCE_RUNS = 2 if SMOKE else 10
#: Goals (issue 13): the decision pack in < 15 s and < 400 MB, the dossiers in < 400 MB (peak resident memory).
GOALS = {"decision_pack": {"seconds": 15, "peak_rss_mb": 400}, "dossiers": {"peak_rss_mb": 400}}

REFERENCE_HTML = (
    """<!DOCTYPE html><html lang="ja"><head><meta charset="utf-8"><title>参照</title>
<style>@page { size: A4; margin: 20mm; @bottom-right { content: counter(page) " / " counter(pages);
font-family: "Noto Sans CJK JP"; } } html { font-family: "Noto Sans CJK JP"; font-size: 10pt; }
table { width: 100%; border-collapse: collapse; } td, th { border: 0.5pt solid #777; padding: 1mm; }</style>
</head><body><h1>参照文書 Reference document</h1>
<p>神戸市は、広報分野の副業人材を募集しました。応募は業務ごとに受け付け、審査の結果を報告書にまとめます。</p>
<table><thead><tr><th>業務</th><th>募集人数</th><th>応募</th></tr></thead><tbody>
"""
    + "".join(f"<tr><td>業務{n}の名称(例)</td><td>{n}</td><td>{n * 37}</td></tr>" for n in range(1, 21))
    + """
</tbody></table></body></html>"""
)


def setup_django(workdir: Path) -> None:
    import logging

    benchlib.setup_test_django(workdir)
    logging.getLogger("wagtail").setLevel(logging.WARNING)  # one line per page created is noise here


def build_call() -> dict[str, Any]:
    """The Kobe call after its deadlines, 1,300 applications, 120 shortlisted and approved."""
    from django.core.management import call_command
    from django.utils import timezone

    from applications.demo import ensure_demo_screening, generate_demo_applications
    from applications.models import Application, Candidacy, Review
    from applications.screening.reviewing import review_submit
    from applications.screening.services import candidacy_transition, shortlist_decide, shortlist_for, shortlist_submit
    from recruitment.demo import ensure_kobe_demo

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    migrated = time.perf_counter()
    call_command("create_demo_users", stdout=open(os.devnull, "w"))  # noqa: SIM115
    call = ensure_kobe_demo(now=timezone.now() - timedelta(days=40))
    users = ensure_demo_screening(call)
    screener, approver = users["screener"], users["approver"]
    generate_demo_applications(call=call, count=APPLICATIONS, reviewers=[screener, users["screener2"]])
    type(call).objects.filter(pk=call.pk).update(shortlist_factor=SHORTLIST_PER_POST)
    call.refresh_from_db()

    S = Candidacy.Status
    for role in call.roles():
        wanted = role.headcount * SHORTLIST_PER_POST
        reviewed = list(
            Candidacy.objects.filter(role=role, status=S.IN_REVIEW, score__isnull=False).order_by("-score", "pk")
        )
        for candidacy in Candidacy.objects.filter(role=role, status=S.SUBMITTED)[: max(0, wanted - len(reviewed))]:
            rubric_size = len(list(role.rubric))
            review_submit(
                candidacy=candidacy,
                reviewer=screener,
                scores=[3] * rubric_size,
                comment="追加審査",
                recommendation="maybe",
            )
            candidacy.refresh_from_db()
            reviewed.append(candidacy)
        for candidacy in reviewed[:wanted]:
            candidacy_transition(candidacy=candidacy, to=S.SHORTLISTED, by=screener)
        if reviewed[:wanted]:  # each role's shortlist is submitted and approved on its own
            shortlist_submit(role=role, by=screener)
            shortlist_decide(shortlist=shortlist_for(role), by=approver, approve=True, comment="承認します。")
    return {
        "call_id": call.pk,
        "requester_id": users["official"].pk,
        "dataset": {
            "applications": Application.objects.filter(call=call).count(),
            "candidacies": Candidacy.objects.filter(application__call=call).count(),
            "reviews": Review.objects.filter(candidacy__application__call=call).count(),
            "roles": call.roles().count(),
            "shortlisted": Candidacy.objects.filter(application__call=call, status=S.SHORTLISTED).count(),
        },
        "setup_seconds": {
            "migrate": round(migrated - started, 2),
            "data": round(time.perf_counter() - migrated, 2),
        },
    }


def in_child(name: str, workdir: Path, call_id: int, requester_id: int) -> dict[str, Any]:
    """Run one measurement in a fresh Python process; return its result and the process's peak memory.

    A fresh process (not a fork) so that its peak resident memory is its own: what one
    Celery worker process needs for that document, Django and WeasyPrint included.
    """
    command = [sys.executable, __file__, "--child", name, str(workdir), str(call_id), str(requester_id)]
    command += ["--smoke"] if SMOKE else []
    process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True, env=os.environ.copy())
    output = process.stdout.read() if process.stdout else ""
    process.wait()
    lines = [line for line in output.splitlines() if line.startswith("{")]
    payload = json.loads(lines[-1]) if lines else {"error": f"child exited with {process.returncode}"}
    if "baseline_rss_mb" in payload:
        payload["rss_growth_mb"] = round(payload["peak_rss_mb"] - payload["baseline_rss_mb"], 1)
    return payload


def peak_rss_mb() -> float:
    """This process's peak resident memory so far, in MB.

    Linux: ``VmHWM`` of /proc/self/status, the high-water mark of this program's own memory
    (``getrusage`` would also count the parent's memory that the child had before ``exec``).
    """
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kilobytes on Linux, bytes on macOS


def child_main(name: str, workdir: Path, call_id: int, requester_id: int) -> None:
    setup_django(workdir)
    warm_up()  # like a worker that has rendered before: WeasyPrint imported, fonts loaded
    baseline = peak_rss_mb()
    try:
        payload = MEASUREMENTS[name](call_id, requester_id)()
    except Exception as exc:
        payload = {"error": f"{type(exc).__name__}: {exc}"}
    payload["baseline_rss_mb"] = round(baseline, 1)
    payload["peak_rss_mb"] = round(peak_rss_mb(), 1)
    print(json.dumps(payload), flush=True)


def reference(call_id: int = 0, requester_id: int = 0) -> Callable[[], dict[str, Any]]:
    return _reference


def _reference() -> dict[str, Any]:
    """WeasyPrint alone (same fetcher and PDF options as the exports), timed without the garbage collection."""
    import gc

    from weasyprint import HTML

    from exports.fetcher import StaticOnlyFetcher
    from exports.rendering import PDF_OPTIONS

    target = Path(tempfile.mkdtemp()) / "reference.pdf"
    seconds, pages = 0.0, 0
    for _ in range(REFERENCE_RUNS):
        started = time.perf_counter()
        document = HTML(string=REFERENCE_HTML, url_fetcher=StaticOnlyFetcher()).render(**PDF_OPTIONS)
        document.write_pdf(target=str(target), **PDF_OPTIONS)
        seconds += time.perf_counter() - started
        pages += len(document.pages)
        del document
        gc.collect()  # as render_pdf does, outside the timing: the reference measures layout speed
    return {"runs": REFERENCE_RUNS, "pages": pages, "seconds": round(seconds, 3)}


def export(kind: str, call_id: int, requester_id: int, *, pdf_options: dict | None = None) -> Callable[[], dict]:
    def run() -> dict[str, Any]:
        from django.contrib.auth import get_user_model

        from exports import jobs, rendering
        from exports.documents import candidacy_csv, decision_pack, dossiers
        from exports.models import ExportJob

        if pdf_options is not None:
            rendering.PDF_OPTIONS = pdf_options
        timings = {"data": 0.0, "weasyprint": 0.0}

        def timed(name: str, fn: Callable) -> Callable:
            def wrapper(*args: Any, **kwargs: Any) -> Any:
                started = time.perf_counter()
                try:
                    return fn(*args, **kwargs)
                finally:
                    timings[name] += time.perf_counter() - started

            return wrapper

        for module, name in (
            (decision_pack, "decision_pack_context"),
            (dossiers, "dossiers_context"),
            (candidacy_csv, "csv_rows"),
        ):
            setattr(module, name, timed("data", getattr(module, name)))
        rendering.render_pdf = timed("weasyprint", rendering.render_pdf)

        job = ExportJob.objects.create(
            call_id=call_id, kind=kind, requested_by=get_user_model().objects.get(pk=requester_id)
        )
        started = time.perf_counter()
        job = jobs.export_render(job_id=job.pk)
        seconds = time.perf_counter() - started
        return {
            "status": job.status,
            "seconds": round(seconds, 3),
            "data_seconds": round(timings["data"], 3),
            "weasyprint_seconds": round(timings["weasyprint"], 3),
            "pages": job.pages,
            "bytes": job.size,
            "sha256": job.sha256,
        }

    return run


MEASUREMENTS: dict[str, Callable[[int, int], Callable[[], dict[str, Any]]]] = {
    "reference": reference,
    "decision_pack": lambda call, user: export("decision_pack", call, user),
    "decision_pack_without_pdfua": lambda call, user: export("decision_pack", call, user, pdf_options={}),
    "dossiers": lambda call, user: export("dossiers", call, user),
    "csv": lambda call, user: export("csv", call, user),
}


def warm_up() -> None:
    """Import WeasyPrint and load the fonts once in the parent, so every child starts warm alike."""
    from exports.rendering import render_pdf

    render_pdf(REFERENCE_HTML, Path(tempfile.mkdtemp()) / "warm.pdf")


def main() -> None:
    workdir = Path(tempfile.mkdtemp(prefix="kobo-bench-"))
    setup_django(workdir)
    print(f"Building the call in {workdir} …", flush=True)
    built = build_call()
    call_id, requester_id = built["call_id"], built["requester_id"]
    from django.db import connections

    connections.close_all()

    from exports.documents.dossiers import DOSSIERS_PER_PART

    print("Measuring …", flush=True)
    ref = in_child("reference", workdir, call_id, requester_id)
    skipped = {"reference"} | ({"decision_pack_without_pdfua"} if SMOKE else set())  # the smoke run keeps it short
    runs = {name: in_child(name, workdir, call_id, requester_id) for name in MEASUREMENTS if name not in skipped}
    if ref.get("error"):
        sys.exit(f"The reference failed: {ref['error']}")
    ref_page_seconds = ref["seconds"] / ref["pages"]
    ref["seconds_per_page"] = round(ref_page_seconds, 4)
    ref["pages_per_second"] = round(1 / ref_page_seconds, 2)
    for run in runs.values():
        if run.get("error"):
            continue
        if run.get("pages"):
            run["pages_per_second"] = round(run["pages"] / run["seconds"], 2)
            run["seconds_per_page"] = round(run["seconds"] / run["pages"], 4)
            # > 1: one page of this document costs more than one reference page.
            run["page_cost_vs_reference"] = round(run["seconds_per_page"] / ref_page_seconds, 2)
        # The whole document measured in reference pages: comparable across machines.
        run["seconds_in_reference_pages"] = round(run["seconds"] / ref_page_seconds, 1)
        run["peak_rss_vs_reference"] = round(run["peak_rss_mb"] / ref["peak_rss_mb"], 2)
    pack, plain = runs["decision_pack"], runs.get("decision_pack_without_pdfua", {"error": "skipped"})
    if not pack.get("error") and not plain.get("error"):
        runs["pdfua_time_factor"] = round(pack["seconds"] / plain["seconds"], 2)

    goals = {
        f"{name}_{measure}_under_{limit}": bool(runs[name].get(measure) is not None and runs[name][measure] < limit)
        for name, limits in GOALS.items()
        for measure, limit in limits.items()
    }
    benchlib.write_results(
        "exports",
        {
            "database": os.environ["DATABASE_URL"].split(":", 1)[0],
            "dataset": built["dataset"],
            "setup_seconds": built["setup_seconds"],
            "reference": ref,
            "runs": runs,
            "goals": goals,
            "dossiers_per_part": DOSSIERS_PER_PART,
        },
    )
    if "--keep" in sys.argv:
        print(f"Kept {workdir}")
    else:
        shutil.rmtree(workdir, ignore_errors=True)
    failed = [name for name, run in runs.items() if isinstance(run, dict) and run.get("error")]
    if failed:
        sys.exit(f"Failed: {', '.join(failed)}")


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        child_main(sys.argv[2], Path(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5]))
    else:
        main()
