"""The deadline surge benchmark's figures: what was saved, lost, duplicated and mailed, the last
minute, the steps' times and the CPU used (``bench/surge_bench.py`` reports them).
"""

from __future__ import annotations

import os
import re
import statistics
import subprocess
import sys
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(1, str(Path(__file__).resolve().parents[1]))
import benchlib
from surge_parts import WINDOW, mail_messages


def tree_cpu_seconds(pid: int) -> float:
    """CPU time (user + system) used so far by process ``pid`` and its live descendants (Linux ``/proc``)."""
    ticks = os.sysconf("SC_CLK_TCK")
    children: dict[int, list[int]] = defaultdict(list)
    stats: dict[int, list[str]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            stats[int(entry.name)] = fields
            children[int(fields[1])].append(int(entry.name))
    total, todo = 0.0, [pid]
    while todo:
        current = todo.pop()
        if current in stats:
            total += (int(stats[current][11]) + int(stats[current][12])) / ticks  # utime, stime
        todo.extend(children.get(current, []))
    return total


def cpu_snapshot(processes: list[subprocess.Popen]) -> dict[str, float]:
    import resource

    usage = resource.getrusage(resource.RUSAGE_SELF)
    return {
        "gunicorn": tree_cpu_seconds(processes[0].pid),
        "celery_worker": tree_cpu_seconds(processes[1].pid),
        "visitors_process": usage.ru_utime + usage.ru_stime,
    }


def last_minute_report(late: list[dict[str, Any]], deadline: float) -> dict[str, Any]:
    """When the last-minute visitors' final POSTs were sent, against the deadline and against their plan."""
    sent = [r for r in late if "final_sent" in r]
    before = [r["final_sent"] - deadline for r in sent]  # negative: before the deadline
    behind = [r["final_sent"] - r["planned_submit"] for r in sent if "planned_submit" in r]
    in_window = [r for r in sent if deadline - WINDOW <= r["final_sent"] < deadline]
    return {
        "visitors": len(late),
        "final_posts_sent": len(sent),
        "final_posts_sent_in_window": len(in_window),
        "final_posts_sent_after_deadline": sum(1 for r in sent if r["final_sent"] >= deadline),
        "final_posts_sent_before_window": sum(1 for r in sent if r["final_sent"] < deadline - WINDOW),
        "visitors_who_never_sent_it": len(late) - len(sent),
        "receipts_for_final_posts_in_window": sum(1 for r in in_window if r.get("outcome") == "receipt"),
        "sent_seconds_before_deadline": {
            "first": round(-min(before), 1) if before else None,  # the most seconds before the deadline
            "last": round(-max(before), 1) if before else None,
            "by_ten_seconds": dict(
                sorted(Counter(f"{int(-b // 10) * 10}-{int(-b // 10) * 10 + 10} s" for b in before if b < 0).items())
            ),
        },
        "seconds_behind_plan": {
            "p50": round(statistics.median(behind), 2) if behind else None,
            "max": round(max(behind), 2) if behind else None,
        },
        "final_step": benchlib.percentiles(
            [r["timings"]["final"] for r in in_window if "final" in r.get("timings", {})]
        ),
        "sent_at": [round(b, 2) for b in sorted(before)],
    }


def step_profile(folder: Path) -> dict[str, Any]:
    """gunicorn's CPU milliseconds per request, by wizard step and method (from bench/gunicorn_request_cpu.py)."""
    import json
    import statistics

    by_step: dict[str, list[tuple[float, float]]] = defaultdict(list)
    for path in folder.glob("*.jsonl"):
        for line in path.read_text().splitlines():
            request = json.loads(line)
            found = re.match(r"^/apply/(?:\d+/)?([a-z_]+)/", request["path"])
            name = found.group(1) if found else request["path"].strip("/") or "/"
            by_step[f"{request['method']} {name}"].append((request["cpu_ms"], request["wall_ms"]))
    steps = {
        name: {
            "n": len(rows),
            "cpu_ms_p50": round(statistics.median(r[0] for r in rows), 1),
            "cpu_ms_mean": round(statistics.fmean(r[0] for r in rows), 1),
            "wall_ms_p50": round(statistics.median(r[1] for r in rows), 1),
        }
        for name, rows in sorted(by_step.items())
    }
    return {"requests": steps, "note": "CPU time of the gunicorn worker per request; PostgreSQL's is not in it"}


def cpu_report(
    before: dict[str, float], middle: dict[str, float], after: dict[str, float], early: list[dict], late: list[dict]
) -> dict[str, Any]:
    """CPU time of gunicorn, the worker and the visitors, per phase and per application received.

    The figure that does not depend on how busy the machine was: gunicorn's CPU seconds per
    application, hence how many applications a second two cores given to gunicorn alone
    could take (PostgreSQL's and Redis's own CPU time is not counted).
    """
    report: dict[str, Any] = {}
    for phase, start, end, results in (("before", before, middle, early), ("last_minute", middle, after, late)):
        spent = {name: round(end[name] - start[name], 1) for name in start}
        received = sum(1 for r in results if r.get("outcome") == "receipt")
        per_application = spent["gunicorn"] / received if received else None  # none received: no figure
        report[phase] = {
            **spent,
            "applications_received": received,
            "gunicorn_per_application": round(per_application, 3) if per_application else None,
            "applications_per_second_on_two_cores": round(2 / per_application, 1) if per_application else None,
        }
    return report


def tally(results: list[dict[str, Any]], call: Any, deadline: float, mail_dir: Path) -> dict[str, Any]:
    """Receipts against rows, emails against receipts, times and errors."""
    from applications.models import Application, OutboxEmail

    rows = list(Application.objects.filter(call=call).values_list("reference", "applicant__email"))
    by_reference = dict(rows)
    per_email = Counter(email for _, email in rows)
    receipts = [r for r in results if r.get("outcome") == "receipt"]
    received = Counter(r["reference"] for r in receipts)
    lost = [r["reference"] for r in receipts if r["reference"] not in by_reference]
    wrong_owner = [r["reference"] for r in receipts if by_reference.get(r["reference"], r["email"]) != r["email"]]
    duplicated = sum(n - 1 for n in per_email.values() if n > 1) + sum(n - 1 for n in received.values() if n > 1)
    double = [r for r in receipts if r["double_click"]]
    second_click_other = [r for r in double if r.get("second_click") and r["second_click"] != r["reference"]]
    saved_without_receipt = sorted(set(by_reference) - set(received))

    confirmations = OutboxEmail.objects.filter(kind="confirmation")
    mailed = Counter(m["to"] for m in mail_messages(mail_dir) if not m["code"])  # the codes are not confirmations
    saved_emails = set(per_email)
    exactly_once = all(mailed[email] == 1 for email in saved_emails) and set(mailed) <= saved_emails

    errors = Counter(f"{r.get('step')}: {r.get('error')}" for r in results if r.get("outcome") == "error")
    outcomes = Counter(r.get("outcome") for r in results)
    late_outcomes = Counter(
        "before the deadline" if r.get("finished", 0) <= deadline else "after the deadline"
        for r in results
        if r.get("outcome") == "refused_on_final_step"
    )
    final_all = [r["timings"]["final"] for r in results if "final" in r.get("timings", {})]
    surge_window = [  # final POSTs sent in the last minute, however long they took
        r["timings"]["final"]
        for r in results
        if "final" in r.get("timings", {}) and deadline - WINDOW <= r.get("final_sent", 0) < deadline
    ]
    steps: dict[str, list[float]] = defaultdict(list)
    for r in results:
        for step, seconds in r.get("timings", {}).items():
            steps[step].append(seconds)
    return {
        "counts": {
            "visitors": len(results),
            "receipts": len(receipts),
            "applications_saved": len(rows),
            "lost": len(lost),
            "duplicated": duplicated,
            "receipt_naming_another_visitor": len(wrong_owner),
            "saved_without_receipt": len(saved_without_receipt),
            "double_clicks_with_receipt": len(double),
            "double_clicks_answered_with_another_reference": len(second_click_other),
            "refused_on_final_step": dict(late_outcomes),
            "outcomes": dict(outcomes),
        },
        "email": {
            "confirmation_rows": confirmations.count(),
            "confirmation_rows_sent": confirmations.filter(sent_at__isnull=False).count(),
            "messages_in_mail_files": sum(mailed.values()),
            "applicants_mailed_once": sum(1 for email in saved_emails if mailed[email] == 1),
            "applicants_mailed_more_than_once": sum(1 for email in saved_emails if mailed[email] > 1),
            "applicants_not_mailed": sum(1 for email in saved_emails if mailed[email] == 0),
            "exactly_once": exactly_once,
        },
        "final_step": {"all": benchlib.percentiles(final_all), "last_minute": benchlib.percentiles(surge_window)},
        "steps": {step: benchlib.percentiles(seconds) for step, seconds in steps.items()},
        "errors": dict(errors.most_common()),
        "examples": {"lost": lost[:10], "saved_without_receipt": saved_without_receipt[:10]},
    }
