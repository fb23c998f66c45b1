"""The outages benchmark's stack and faults: the production processes under test, the probe, and the
faults that need more than a proxy switch (applicants through a fault, workers killed) (``bench/faults_bench.py``).
"""

from __future__ import annotations

import hashlib
import os
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(1, str(Path(__file__).resolve().parents[1]))
import contextlib

import benchlib
import surge_parts

from tests.fault_servers import Proxy, SmtpSink

SMOKE = benchlib.smoke()
VISITORS = 6 if SMOKE else 30  # per fault with applicants
CLIENTS = 4 if SMOKE else 8
FAULT_SECONDS = 8 if SMOKE else 30
DB_CUT_SECONDS = 5 if SMOKE else 10
MAIL_ROWS = 60 if SMOKE else 300
MAIL_KILLS = 3
MAIL_CONCURRENCY = 2  # the mail worker's pool, as bench/surge_bench.py runs it
EXPORT_KILLS = 1 if SMOKE else 2
SINK_DELAY = 0.05 if SMOKE else 0.1  # seconds per message: a slow relay
OUTBOX_LEASE = 30
#: A visitor waits this long for its code: a fault may hold it back, and beat sends it within a minute after.
CODE_WAIT = 300
HEADERS = {"X-Forwarded-Proto": "https", "User-Agent": "kobo-bench"}


class Stack:
    """The production processes of one run and the proxies in front of their dependencies."""

    def __init__(self, workdir: Path, env: dict[str, str], port: int) -> None:
        self.workdir, self.env, self.port = workdir, env, port
        self.base = f"http://127.0.0.1:{port}"
        self.processes: dict[str, subprocess.Popen] = {}

    def start(self, name: str) -> None:
        celery = [sys.executable, "-m", "celery", "-A", "portal"]
        commands = {
            "web": [sys.executable, "-m", "gunicorn", "portal.wsgi", "-w", "2", "-b", f"127.0.0.1:{self.port}"],
            "mail": [*celery, "worker", "-Q", "celery", "-c", str(MAIL_CONCURRENCY), "-n", "mail@%h", "-l", "WARNING"],
            "exports": [*celery, "worker", "-Q", "exports", "-c", "1", "-n", "exports@%h", "--loglevel=WARNING"],
            "beat": [*celery, "beat", "--loglevel=WARNING"],
        }
        log = (self.workdir / f"{name}.log").open("ab")
        self.processes[name] = subprocess.Popen(
            commands[name], env=self.env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )

    def kill(self, name: str) -> None:
        """SIGKILL the process and its children (a prefork worker's pool dies with it)."""
        process = self.processes[name]
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=30)

    def stop_all(self) -> None:
        for process in self.processes.values():
            if process.poll() is None:
                try:
                    os.killpg(process.pid, signal.SIGTERM)
                except ProcessLookupError:
                    continue
        for name in list(self.processes):
            try:
                self.processes[name].wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.kill(name)


class Probe:
    """Reads a public page every 0.2 s while running: how many answered 5xx or not at all, and the slowest."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.statuses: Counter[str] = Counter()
        self.slowest = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        import requests

        while not self._stop.is_set():
            started = time.perf_counter()
            try:
                status = str(requests.get(self.url, timeout=30, headers=HEADERS).status_code)
            except requests.RequestException as exc:
                status = type(exc).__name__
            self.slowest = max(self.slowest, time.perf_counter() - started)
            self.statuses[status] += 1
            self._stop.wait(0.2)

    def __enter__(self) -> Probe:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(timeout=60)

    def figures(self) -> dict[str, Any]:
        return {
            "probe_requests": sum(self.statuses.values()),
            "probe_5xx": sum(n for s, n in self.statuses.items() if s.startswith("5")),
            "probe_failed": sum(n for s, n in self.statuses.items() if not s.isdigit()),
            "probe_slowest_s": round(self.slowest, 2),
        }


def sink_mailbox(sink: SmtpSink) -> Callable[[], list[dict[str, str]]]:
    """The visitors' inbox: every message the sink received, as ``surge_parts.mail_messages`` gives them."""

    def messages() -> list[dict[str, str]]:
        return [{"to": str(m["To"]).strip(), "code": surge_parts.code_in(str(m["Subject"]))} for m in sink.received()]

    return messages


def part_files(*roots: Path) -> list[Path]:
    return [p for root in roots if root.exists() for p in root.rglob("*") if ".part" in p.name]


def wait_outbox_empty(timeout: float) -> bool:
    from applications.models import OutboxEmail

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not OutboxEmail.objects.filter(sent_at__isnull=True, attempts__lt=10).exists():
            return True
        time.sleep(0.5)
    return False


def applicants_fault(
    name: str,
    stack: Stack,
    sink: SmtpSink,
    call: Any,
    role: Any,
    first: int,
    faults: list[tuple[Proxy, str]],
    seconds: float,
    *,
    trickle: bool = False,
) -> dict[str, Any]:
    """``VISITORS`` applicants walk the wizard during ``faults``; then everything recovers.

    By default each visitor walks (``CLIENTS`` at a time) until it holds its emailed confirmation
    code, and waits there; once all wait, the fault is injected and they walk on: it holds for at
    least ``seconds`` and until every walk has ended, so every final submission meets it (the code
    itself is mail, which an outage of the broker holds back). With ``trickle`` the visitors start
    evenly over ``3 * seconds`` and the fault holds from ``seconds`` after the first start for
    ``seconds`` (the database cut); a visitor whose code the cut delays waits for it.
    """
    from applications.models import Application

    pdf = surge_parts.portfolio_pdf(20_000)
    visitors = [
        surge_parts.Visitor(n, stack.base, call.pk, role.pk, pdf, double_click=n % 5 == 0)
        for n in range(first, first + VISITORS)
    ]
    before = len(sink.received())
    walks_done, fault_on = threading.Event(), threading.Event()
    clients = threading.BoundedSemaphore(CLIENTS)
    settled: list[int] = []  # visitors at the gate, or ended before it
    lock = threading.Lock()
    began = time.time()
    injected_at: list[float] = []
    healed_at: list[float] = []

    def gate(visitor: Any) -> None:
        with lock:
            settled.append(visitor.number)
        clients.release()
        fault_on.wait()
        clients.acquire()

    def inject_and_heal() -> None:
        if trickle:
            time.sleep(seconds)
        else:
            deadline = time.monotonic() + 900
            while len(settled) < len(visitors) and time.monotonic() < deadline:
                time.sleep(0.1)
        for proxy, mode in faults:
            proxy.set(mode)
        injected_at.append(time.time())
        fault_on.set()
        time.sleep(seconds)
        if not trickle:
            walks_done.wait()
        for proxy, _mode in faults:
            proxy.set("pass")
        healed_at.append(time.time())

    def walk(pair: tuple[int, Any]) -> dict[str, Any]:
        index, visitor = pair
        if trickle:
            time.sleep(max(0.0, began + index * 3 * seconds / len(visitors) - time.time()))
            return visitor.walk()
        visitor.on_code = gate
        with clients:
            try:
                return visitor.walk()
            finally:
                with lock:
                    if visitor.number not in settled:
                        settled.append(visitor.number)

    with Probe(stack.base + call.url) as probe:
        injector = threading.Thread(target=inject_and_heal, daemon=True)
        injector.start()
        with ThreadPoolExecutor(max_workers=len(visitors)) as pool:
            results = list(pool.map(walk, enumerate(visitors)))
        walks_done.set()
        fault_on.set()
        injector.join()
        healed = healed_at[0] if healed_at else time.time()
        time.sleep(2)
    delivered_all = wait_outbox_empty(180)
    time.sleep(1)
    emails = {v.email for v in visitors}
    saved = Counter(Application.objects.filter(applicant__email__in=emails).values_list("applicant__email", flat=True))
    receipts = [r for r in results if r.get("outcome") == "receipt"]
    references = set(Application.objects.filter(applicant__email__in=emails).values_list("reference", flat=True))
    timed = [(t, m) for t, m in sink.timed()[before:] if str(m["To"]) in emails]
    messages = [m for _t, m in timed]
    per_recipient = Counter(str(m["To"]) for m in messages)
    errors = Counter(r.get("error") for r in results if r.get("outcome") == "error")
    finals = [r["timings"]["final"] for r in results if "final" in r.get("timings", {})]
    codes = [r["timings"]["code_mail"] for r in results if "code_mail" in r.get("timings", {})]
    return {
        "fault": name,
        "fault_seconds": round(healed - injected_at[0], 1) if faults and injected_at else 0,
        "final_step": benchlib.percentiles(finals),
        "visitors": len(visitors),
        "code_mail_max_s": round(max(codes), 1) if codes else None,
        "receipts": len(receipts),
        "applications_saved": sum(saved.values()),
        "lost": sum(1 for r in receipts if r["reference"] not in references),
        "saved_without_receipt": len(references - {r["reference"] for r in receipts}),
        "doubled_receipts": sum(n - 1 for n in saved.values() if n > 1),
        "wizard_5xx": sum(n for e, n in errors.items() if str(e).startswith("HTTP 5")),
        "wizard_errors": dict(errors),
        "mails_delivered": len(messages),
        "applicants_mailed": len(per_recipient),
        # A repeat is the same message (one Message-ID per outbox row) received twice; beat may
        # also write another kind of mail to these applicants meanwhile (a result notice).
        "extra_mails": len(messages) - len({m["Message-ID"] for m in messages}),
        "kinds": dict(Counter(str(m["Subject"])[:12] for m in messages)),
        "kills": 0,
        "outbox_emptied": delivered_all,
        "last_mail_after_recovery_s": round(max(t for t, _m in timed) - healed, 1) if timed else None,
        **probe.figures(),
    }


def mail_killed(stack: Stack, sink: SmtpSink) -> dict[str, Any]:
    """``MAIL_ROWS`` pending mails; the mail worker killed ``MAIL_KILLS`` times mid-send and restarted."""
    from applications.models import OutboxEmail
    from applications.tasks import send_outbox

    OutboxEmail.objects.bulk_create(
        OutboxEmail(
            key=f"faults:mail:{n}",
            to=f"mail-{n:04d}@bench.example.jp",
            subject=f"件名 {n}",
            body="本文",
            kind="erasure_done",
        )
        for n in range(MAIL_ROWS)
    )
    emails = {f"mail-{n:04d}@bench.example.jp" for n in range(MAIL_ROWS)}
    before = len(sink.received())
    started = time.time()
    send_outbox.apply_async()  # the on-commit nudge or beat
    for kill in range(MAIL_KILLS):
        target = before + (kill + 1) * MAIL_ROWS // (MAIL_KILLS + 2)
        while len(sink.received()) < target and time.time() - started < 300:
            time.sleep(0.02)
        stack.kill("mail")
        stack.start("mail")
        send_outbox.apply_async()
    emptied = wait_outbox_empty(OUTBOX_LEASE * 3 + 180)
    time.sleep(1)
    messages = [m for m in sink.received()[before:] if str(m["To"]) in emails]
    per_recipient = Counter(str(m["To"]) for m in messages)
    repeated = [to for to, n in per_recipient.items() if n > 1]
    ids = {to: {m["Message-ID"] for m in messages if str(m["To"]) == to} for to in repeated}
    rows = OutboxEmail.objects.filter(key__startswith="faults:mail:")
    return {
        "fault": "mail worker killed",
        "rows": MAIL_ROWS,
        "kills": MAIL_KILLS,
        # Each kill takes the worker's whole pool: MAIL_CONCURRENCY senders, each with one message in flight.
        "senders_killed": MAIL_KILLS * MAIL_CONCURRENCY,
        "mails_delivered": len(messages),
        "applicants_mailed": len(per_recipient),
        "extra_mails": len(messages) - len({m["Message-ID"] for m in messages}),
        "repeats_with_one_message_id": sum(1 for v in ids.values() if len(v) == 1),
        "rows_marked_interrupted": rows.filter(interrupted__gt=0).count(),
        "outbox_emptied": emptied,
        "seconds_to_send_all": round(time.time() - started, 1),
        "lost": MAIL_ROWS - len(per_recipient),
    }


def exports_killed(stack: Stack, call_id: int, requester_id: int, temp_dir: Path) -> dict[str, Any]:
    """The call's dossiers requested; the exports worker killed ``EXPORT_KILLS`` times once part files exist."""
    from django.contrib.auth import get_user_model

    from exports.jobs import export_request
    from exports.models import ExportJob
    from recruitment.models import CallPage

    call = CallPage.objects.get(pk=call_id)
    official = get_user_model().objects.get(pk=requester_id)
    started = time.time()
    job = export_request(call=call, kind=ExportJob.Kind.DOSSIERS, by=official)
    parts_seen, recoveries = [], []
    for _ in range(EXPORT_KILLS):
        while not part_files(temp_dir) and time.time() - started < 900:
            time.sleep(0.05)
        parts_seen.append(len(part_files(temp_dir)))
        job.refresh_from_db()
        attempt = job.attempts
        stack.kill("exports")
        killed = time.time()
        stack.start("exports")  # a supervisor restarts it; the stall sweep (beat) queues the job again
        while time.time() - killed < 600:
            job.refresh_from_db()
            if job.attempts > attempt and job.status == ExportJob.Status.RUNNING:
                break
            time.sleep(0.2)
        recoveries.append(round(time.time() - killed, 1))
    last_kill = killed
    while time.time() - started < 1200:
        job.refresh_from_db()
        if job.is_finished:
            break
        time.sleep(0.5)
    done = time.time()
    file_ok = False
    if job.status == ExportJob.Status.DONE:
        with job.file.open("rb") as handle:
            file_ok = hashlib.sha256(handle.read()).hexdigest() == job.sha256
    private = Path(stack.env["PRIVATE_STORAGE_ROOT"]) / "exports"
    return {
        "fault": "exports worker killed",
        "kills": EXPORT_KILLS,
        "status": job.status,
        "attempts": job.attempts,
        "pages": job.pages,
        "part_files_when_killed": parts_seen,
        "part_files_left": len(part_files(temp_dir, private, stack.workdir)),
        "temp_entries_left": len(list(temp_dir.iterdir())) if temp_dir.exists() else 0,
        "files_for_the_job": len(list(private.glob(f"job-{job.pk}-*"))) if private.exists() else 0,
        "hash_matches": file_ok,
        "recovery_s": recoveries,
        "done_after_last_kill_s": round(done - last_kill, 1),
        "lost": 0 if job.status == ExportJob.Status.DONE else 1,
    }
