"""Benchmark 2, the deadline surge: 1,300 applications through the real HTTP form, 300 in a role's last minute.

Run with ``python bench/surge_bench.py`` (``make bench``; ``--smoke`` for 13 applications, 3 of them
sent in a 15-second last window). Needs PostgreSQL (``DATABASE_URL``: a scratch database
``<name>_bench_surge`` is created on that server and dropped at the end) and Redis
(``CELERY_BROKER_URL``, or ``KOBO_BENCH_REDIS_URL``), as production does.

What runs, all real and on this machine:

* gunicorn (``GUNICORN_WORKERS`` sync workers, 2 by default) with ``portal.settings.production``:
  a random ``SECRET_KEY``, ``CACHE_URL`` on Redis (so the rate limits are shared), the mail
  written by Django's file backend into a folder of the run, private files in the run's folder;
* a Celery worker on the default queue (mail), as Procfile.dev and the README start it;
* this process as the visitors: a bounded pool of ``CLIENTS`` threads, each visitor a
  ``requests`` session that walks every step of the wizard as a browser does (GET the step,
  POST it with the CSRF token from the page, follow the redirect), uploads a 1 MB PDF at
  the portfolio step, and sends the final step; one visitor in twenty double-clicks it
  (the final POST twice at once).

The visitors play the part of the TLS proxy in front of production: every request carries
``X-Forwarded-Proto: https`` (so the secure cookies, HSTS and CSRF referer checks behave as
in production) and the visitor's own address in ``X-Forwarded-For``, read as production
reads it behind one proxy (``KOBO_TRUSTED_PROXY_COUNT=1``): the per-address rate limits
stay as shipped, each visitor has its own address.

The call is the Kobe demo; every visitor applies to one open role. First ``TOTAL - LAST_MINUTE``
visitors come as fast as the pool lets them (no new one starts after ``KOBO_BENCH_SURGE_TIME_LIMIT``
seconds, and the phase ends when the last one started has finished). Then the last minute, as
it happens before a real deadline: what lands in it is ``LAST_MINUTE`` *final submissions*, from
people who started filling the form minutes earlier. The role's deadline is set
``WALK + WINDOW`` seconds ahead; each last-minute visitor gets a submit instant drawn uniformly
in the last ``WINDOW`` seconds (less a margin at each end), starts its walk ``WALK`` seconds
before it and spaces its steps evenly (the think time of someone reading and typing), each
POST sent at its planned instant or at once when the server is late. Every final POST records
when it was sent against the deadline; the report says how many were sent inside the last
minute and flags the run (exit status 2 for a full run) when fewer than ``LAST_MINUTE`` were.

Reported: receipts received, applications saved, lost (a receipt whose application is not in
the database), duplicated (more than one application for one visitor, or one reference
received twice by different visitors), refused after the deadline, confirmation emails
queued and sent (outbox rows) and written (counted in the mail files, by recipient: exactly
once each), p50/p95/p99 of the final step (the POST that submits, to its redirect) overall
for the first phase and for the last minute separately, every step's times, and errors by kind and step. The reference
measured in the same run: ``/healthz`` (one query and a broker round trip) through the same
gunicorn, sequentially, before the surge.
"""

from __future__ import annotations

import os
import random
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter, defaultdict
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from io import BytesIO
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(1, str(Path(__file__).resolve().parents[1]))
import benchlib

from tests.applications.wizard_helpers import GOOD_ANSWERS

SMOKE = benchlib.smoke()
TOTAL = 13 if SMOKE else 1_300
LAST_MINUTE = 3 if SMOKE else 300
WINDOW = 15 if SMOKE else 60  # the last minute: the final POSTs of the last visitors land in it
#: How long a last-minute visitor takes from the first page to the final POST (think time included).
WALK = int(os.environ.get("KOBO_BENCH_SURGE_WALK", "10" if SMOKE else "240"))
#: Submit instants are drawn in [deadline - WINDOW + MARGINS[0], deadline - MARGINS[1]].
MARGINS = (1.0, 3.0) if SMOKE else (1.0, 5.0)
CLIENTS = int(os.environ.get("KOBO_BENCH_CLIENTS", "4" if SMOKE else "24"))
GUNICORN_WORKERS = int(os.environ.get("GUNICORN_WORKERS", "2"))
PDF_BYTES = 1024 * 1024
TIMEOUT = 60  # seconds, per request
REFERENCE_RUNS = 20 if SMOKE else 100
GOAL_FINAL_STEP_P95_MS = 1000
#: The first phase starts no new visitor after this many seconds (they are reported as not started).
TIME_LIMIT = int(os.environ.get("KOBO_BENCH_SURGE_TIME_LIMIT", "2400"))

#: What each visitor answers: the test suite's good answers (their email is set per visitor).
ANSWERS = GOOD_ANSWERS
STEPS = ["roles", "check", "about", "verify", "experience", "portfolio", "sidework", "consent", "review"]
#: The confirmation code is read from the mail files the worker writes, as the applicant reads their inbox.
CODE_WAIT = 60  # seconds
CODE = re.compile(r"(?<!\d)(\d{6})(?!\d)")
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def portfolio_pdf(size: int) -> bytes:
    """A real one-page PDF of about ``size`` bytes (its page content padded with comment lines)."""
    from pypdf import PdfWriter
    from pypdf.generic import ContentStream, NameObject

    writer = PdfWriter()
    page = writer.add_blank_page(width=595, height=842)
    content = ContentStream(None, writer)
    line = b"% " + b"portfolio sample " * 4 + b"\n"
    content.set_data(b"0 0 1 rg 72 700 200 50 re f\n" + line * (size // len(line)))
    page[NameObject("/Contents")] = writer._add_object(content)
    out = BytesIO()
    writer.write(out)
    return out.getvalue()


class Visitor:
    """One applicant with their own browser session and address."""

    #: Where the file mail backend writes (set by ``run``): the visitor reads its confirmation code there.
    mail_dir = Path(".")

    def __init__(self, number: int, base: str, call_id: int, role_id: int, pdf: bytes, *, double_click: bool) -> None:
        import requests

        self.number, self.base, self.call_id, self.role_id, self.pdf = number, base, call_id, role_id, pdf
        self.double_click = double_click
        self.email = f"surge-{number:05d}@bench.example.jp"
        self.session = requests.Session()
        address = f"10.{(number >> 16) & 255}.{(number >> 8) & 255}.{number & 255}"
        self.session.headers.update(
            {"X-Forwarded-Proto": "https", "X-Forwarded-For": address, "User-Agent": "kobo-bench"}
        )
        self.timings: dict[str, float] = {}
        self.result: dict[str, Any] = {"number": number, "email": self.email, "double_click": double_click}
        #: When to send each step's POST (epoch seconds; the last is the final one); None: at once.
        self.schedule: list[float] | None = None

    def plan(self, submit_at: float, walk: float) -> None:
        """Start ``walk`` seconds before ``submit_at`` and send the final POST then, the steps evenly spaced."""
        gap = walk / len(STEPS)
        self.schedule = [submit_at - walk + gap * (i + 1) for i in range(len(STEPS))]
        self.result["planned_submit"] = submit_at

    def start_at(self) -> float:
        return self.schedule[0] - walk_gap(self.schedule) if self.schedule else 0.0

    def _pace(self, index: int) -> None:
        """Think until the step's planned instant (never when behind it: a slow server is not waited for twice)."""
        if self.schedule:
            wait = self.schedule[index] - time.time()
            if wait > 0:
                time.sleep(wait)

    def url(self, step: str) -> str:
        return f"{self.base}/apply/{self.call_id}/{step}/"

    def get(self, url: str) -> Any:
        return self.session.get(url, timeout=TIMEOUT, allow_redirects=False, headers=self._headers(url))

    def post(self, url: str, data: dict, files: dict | None = None) -> Any:
        return self.session.post(
            url, data=data, files=files, timeout=TIMEOUT, allow_redirects=False, headers=self._headers(url)
        )

    def _headers(self, url: str) -> dict[str, str]:
        """What the browser sends over HTTPS: the referer, and the site's cookies, which are all ``Secure``.

        ``requests`` keeps the cookies it receives but sends no ``Secure`` cookie over plain HTTP,
        so the bench (standing in for the TLS proxy) sends them itself.
        """
        cookies = "; ".join(f"{c.name}={c.value}" for c in self.session.cookies)
        return {"Referer": url.replace("http://", "https://", 1), **({"Cookie": cookies} if cookies else {})}

    def walk(self) -> dict[str, Any]:
        self.result["started"] = time.time()
        step = "roles"
        try:
            page = self.get(self.url("roles") + f"?role={self.role_id}")
            self._expect(page, 200, "roles", "get")
            for index, step in enumerate(STEPS):
                self._pace(index)
                token = CSRF.search(page.text)
                if not token:
                    return self._error(step, "no CSRF token on the page")
                fields = {"roles": str(self.role_id)} if step == "roles" else dict(ANSWERS[step])
                if step == "verify":
                    fields = {"code": self.code()}
                if step == "about":
                    fields.update(email=self.email, email_confirm=self.email)
                data = {
                    "csrfmiddlewaretoken": token.group(1),
                    f"apply-{self.call_id}-current_step": step,
                    **{f"{step}-{k}": v for k, v in fields.items()},
                }
                files = (
                    {f"{step}-file_1": ("portfolio.pdf", self.pdf, "application/pdf")} if step == "portfolio" else None
                )
                if step == "review":
                    return self._submit(data)
                started = time.perf_counter()
                response = self.post(self.url(step), data, files)
                self.timings[step] = time.perf_counter() - started
                self._expect(response, 302, step, "post")
                page = self.get(self.base + response.headers["Location"])
                self._expect(page, 200, step, "next page")
        except _Failed as failed:
            return self._error(step, failed.kind)
        except Exception as exc:  # a timeout, a refused connection: an error of its kind
            return self._error(step, type(exc).__name__)
        return self.result

    def code(self) -> str:
        """The confirmation code mailed to this visitor, from the worker's mail files (waits for the worker)."""
        started = time.perf_counter()
        while time.perf_counter() - started < CODE_WAIT:
            for message in mail_messages(self.mail_dir):
                if message["to"] == self.email and message["code"]:
                    self.timings["code_mail"] = time.perf_counter() - started
                    return message["code"]
            time.sleep(0.5)
        raise _Failed("no confirmation code mailed")

    def _submit(self, data: dict) -> dict[str, Any]:
        url = self.url("review")
        self.result["final_sent"] = time.time()
        if self.double_click:  # the same final POST twice at once, from the same browser
            responses: list[Any] = [None, None]

            def send(i: int) -> None:
                try:
                    responses[i] = self.post(url, data)
                except Exception as exc:
                    responses[i] = exc

            other = threading.Thread(target=send, args=(1,))
            started = time.perf_counter()
            other.start()
            send(0)
            other.join()
            self.timings["final"] = time.perf_counter() - started
            second = responses[1]
            self.result["second_click"] = _reference(second) if not isinstance(second, Exception) else repr(second)
            response = responses[0]
            if isinstance(response, Exception):
                raise response
        else:
            started = time.perf_counter()
            response = self.post(url, data)
            self.timings["final"] = time.perf_counter() - started
        self.result["finished"] = time.time()
        self.result["timings"] = self.timings
        reference = _reference(response)
        if reference:
            self.result.update(outcome="receipt", reference=reference)
            receipt = self.get(self.base + response.headers["Location"])
            self.result["receipt_page"] = receipt.status_code
        elif response.status_code == 200:
            self.result["outcome"] = "refused_on_final_step"  # the page says why (a closed role, here)
        else:
            self._error("review", f"HTTP {response.status_code}")
        return self.result

    def _expect(self, response: Any, status: int, step: str, what: str) -> None:
        if response.status_code != status:
            if response.status_code == 200 and what == "post":
                raise _Failed("refused_on_step")  # the step re-rendered: a closed role or an error message
            raise _Failed(f"HTTP {response.status_code} on {what}")

    def _error(self, step: str, kind: str) -> dict[str, Any]:
        self.result.update(outcome="error", step=step, error=kind, finished=time.time(), timings=self.timings)
        return self.result


def mail_messages(mail_dir: Path) -> list[dict[str, str]]:
    """Every message the file mail backend wrote: its recipient and, for a confirmation code mail, the code."""
    import email
    from email.header import decode_header, make_header

    found = []
    for path in sorted(mail_dir.glob("*.log")):
        for block in path.read_text(encoding="utf-8", errors="replace").split("\n" + "-" * 79 + "\n"):
            if "To: " not in block:
                continue
            message = email.message_from_string(block.lstrip("\n"))
            subject = str(make_header(decode_header(message.get("Subject", ""))))
            is_code = "確認コード" in subject or "confirmation code" in subject
            code = CODE.search(subject) if is_code else None
            found.append({"to": (message.get("To") or "").strip(), "code": code.group(1) if code else ""})
    return found


def walk_gap(schedule: list[float]) -> float:
    return (schedule[-1] - schedule[0]) / (len(schedule) - 1) if len(schedule) > 1 else 0.0


class _Failed(Exception):
    def __init__(self, kind: str) -> None:
        super().__init__(kind)
        self.kind = kind


def _reference(response: Any) -> str | None:
    location = response.headers.get("Location", "") if response.status_code == 302 else ""
    found = re.search(r"/apply/receipt/([^/]+)/", location)
    return found.group(1) if found else None


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


def main() -> None:
    signal.signal(signal.SIGTERM, lambda *_: sys.exit("stopped"))  # so that the servers and database go too
    url, drop = benchlib.scratch_database("surge")
    redis = os.environ.get("KOBO_BENCH_REDIS_URL") or os.environ.get("CELERY_BROKER_URL", "")
    if not url or not redis.startswith("redis://"):
        sys.exit("bench/surge_bench.py needs PostgreSQL (DATABASE_URL) and Redis (CELERY_BROKER_URL), as production.")
    workdir = Path(tempfile.mkdtemp(prefix="kobo-bench-surge-"))
    processes: list[subprocess.Popen] = []
    try:
        run(url, redis, workdir, processes)
    finally:
        for process in processes:
            process.send_signal(signal.SIGTERM)
        for process in processes:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
        drop()
        keep_logs(workdir)
        shutil.rmtree(workdir, ignore_errors=True)


#: gunicorn's and the worker's logs of the last run are kept here (a 500's traceback is in gunicorn.log).
LOGS = benchlib.ROOT / "var" / ("bench-smoke" if SMOKE else "bench-surge-logs")


def keep_logs(workdir: Path) -> None:
    LOGS.mkdir(parents=True, exist_ok=True)
    for name in ("gunicorn.log", "worker.log"):
        if (workdir / name).exists():
            shutil.copyfile(workdir / name, LOGS / f"surge-{name}")


def run(database_url: str, redis: str, workdir: Path, processes: list[subprocess.Popen]) -> None:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    for folder in ("mail", "static", "private", "media", "requests"):
        (workdir / folder).mkdir()
    Visitor.mail_dir = workdir / "mail"
    env = {
        **os.environ,
        **benchlib.production_env(workdir, database_url=database_url, redis=redis, host="127.0.0.1"),
        "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "EMAIL_FILE_PATH": str(workdir / "mail"),
        "LOG_LEVEL": "WARNING",
        "KOBO_BENCH_REQUEST_LOG": str(workdir / "requests"),
    }
    os.environ.update(env)
    sys.path.insert(0, str(benchlib.ROOT))
    os.chdir(benchlib.ROOT)
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connections
    from django.utils import timezone

    from recruitment.demo import ensure_kobe_demo
    from recruitment.models import RolePage

    started = time.perf_counter()
    print("Migrating, collecting static files, loading the Kobe call …", flush=True)
    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    call_command("load_site_content", stdout=open(os.devnull, "w"))  # noqa: SIM115
    call = ensure_kobe_demo(now=timezone.now())
    role = next(r for r in call.roles().order_by("path") if r.state().accepts_applications)
    RolePage.objects.filter(pk=role.pk).update(closes_at=timezone.now() + timedelta(days=1))
    connections.close_all()
    setup_seconds = round(time.perf_counter() - started, 1)

    logs = {name: (workdir / f"{name}.log").open("w") for name in ("gunicorn", "worker")}
    gunicorn = [sys.executable, "-m", "gunicorn", "portal.wsgi", "-w", str(GUNICORN_WORKERS), "-b", f"127.0.0.1:{port}"]
    gunicorn += ["--timeout", "120", "-c", str(Path(__file__).with_name("gunicorn_request_cpu.py"))]
    processes.append(subprocess.Popen(gunicorn, env=env, stdout=logs["gunicorn"], stderr=subprocess.STDOUT))
    worker = [sys.executable, "-m", "celery", "-A", "portal", "worker", "-Q", "celery", "-c", "2", "--loglevel=WARNING"]
    processes.append(subprocess.Popen(worker, env=env, stdout=logs["worker"], stderr=subprocess.STDOUT))
    import requests

    health = f"{base}/healthz"
    for _ in range(120):
        try:
            if requests.get(health, timeout=5, headers={"X-Forwarded-Proto": "https"}).status_code == 200:
                break
        except requests.RequestException:
            pass
        time.sleep(0.5)
    else:
        sys.exit(f"gunicorn did not answer /healthz: see {workdir / 'gunicorn.log'}")

    reference = []
    for _ in range(REFERENCE_RUNS):
        began = time.perf_counter()
        requests.get(health, timeout=TIMEOUT, headers={"X-Forwarded-Proto": "https"})
        reference.append(time.perf_counter() - began)

    pdf = portfolio_pdf(PDF_BYTES)
    visitors = [Visitor(n, base, call.pk, role.pk, pdf, double_click=n % 20 == 7) for n in range(1, TOTAL + 1)]
    early, late = visitors[: TOTAL - LAST_MINUTE], visitors[TOTAL - LAST_MINUTE :]
    print(f"{len(early)} visitors as fast as {CLIENTS} clients go …", flush=True)
    cpu_before = cpu_snapshot(processes)
    phase1 = time.time()

    def early_walk(visitor: Visitor) -> dict[str, Any]:
        if time.time() - phase1 > TIME_LIMIT:
            return {**visitor.result, "outcome": "not_started_time_limit"}
        return visitor.walk()

    with ThreadPoolExecutor(max_workers=CLIENTS) as pool:
        early_results = list(pool.map(early_walk, early))
    phase1_seconds = time.time() - phase1
    cpu_middle = cpu_snapshot(processes)

    deadline = timezone.now() + timedelta(seconds=WALK + WINDOW + 2)
    RolePage.objects.filter(pk=role.pk).update(closes_at=deadline)
    connections.close_all()
    surge_start = time.time()
    deadline_epoch = deadline.timestamp()
    draw = random.Random(13)  # noqa: S311 - the same submit instants in every run, not a secret
    instants = sorted(draw.uniform(deadline_epoch - WINDOW + MARGINS[0], deadline_epoch - MARGINS[1]) for _ in late)
    for visitor, submit_at in zip(late, instants, strict=True):
        visitor.plan(submit_at, WALK)
    print(
        f"Deadline in {WALK + WINDOW + 2} s: {len(late)} visitors start over the next {WALK + WINDOW} s, "
        f"{WALK} s a walk, to submit in the last {WINDOW} s …",
        flush=True,
    )

    def late_walk(visitor: Visitor) -> dict[str, Any]:
        wait = visitor.start_at() - time.time()
        if wait > 0:
            time.sleep(wait)
        return visitor.walk()

    # One thread a visitor: they spend most of their walk thinking, and all overlap.
    with ThreadPoolExecutor(max_workers=max(len(late), 1)) as pool:
        late_results = list(pool.map(late_walk, late))
    surge_seconds = time.time() - surge_start
    cpu_after = cpu_snapshot(processes)

    print("Waiting for the outbox to empty …", flush=True)
    from applications.models import Application, OutboxEmail

    waited = time.time()
    while time.time() - waited < 120:
        if not OutboxEmail.objects.filter(sent_at__isnull=True).exists():
            break
        time.sleep(1)
    time.sleep(2)  # the file backend closes its file after the batch
    results = early_results + late_results
    report = tally(results, call, deadline_epoch, workdir / "mail")
    report["last_minute"] = last_minute_report(late_results, deadline_epoch)
    report["final_step"]["first_phase"] = benchlib.percentiles(
        [r["timings"]["final"] for r in early_results if "final" in r.get("timings", {})]
    )
    report.update(
        {
            "setup": {
                "settings": "portal.settings.production over plain HTTP; the bench sends X-Forwarded-Proto: https",
                "rate_limits": "as shipped, per address (KOBO_TRUSTED_PROXY_COUNT=1, X-Forwarded-For)",
                "gunicorn_workers": GUNICORN_WORKERS,
                "gunicorn_worker_class": "sync",
                "celery_worker": "one worker, queue 'celery', concurrency 2",
                "clients": CLIENTS,
                "visitors": TOTAL,
                "last_minute_visitors": LAST_MINUTE,
                "deadline_window_seconds": WINDOW,
                "last_minute_walk_seconds": WALK,
                "last_minute_submit_margins_seconds": list(MARGINS),
                "first_phase_time_limit_seconds": TIME_LIMIT,
                "pdf_bytes": len(pdf),
                "double_clickers": sum(v.double_click for v in visitors),
                "setup_seconds": setup_seconds,
            },
            "phase_seconds": {"before": round(phase1_seconds, 1), "last_minute": round(surge_seconds, 1)},
            "reference_healthz": benchlib.percentiles(reference),
            "outbox_pending_after_wait": OutboxEmail.objects.filter(sent_at__isnull=True).count(),
            "server_logs": str((LOGS / "surge-gunicorn.log").relative_to(benchlib.ROOT)),
        }
    )
    final = report["final_step"]["all"]
    if final["p50_ms"] and report["reference_healthz"]["p50_ms"]:
        report["final_step_p50_vs_reference"] = round(final["p50_ms"] / report["reference_healthz"]["p50_ms"], 1)
    in_minute = report["final_step"]["last_minute"]
    report["goals"] = {
        "lost": report["counts"]["lost"] == 0,
        "duplicated": report["counts"]["duplicated"] == 0,
        "one_email_each": report["email"]["exactly_once"],
        f"final_step_p95_under_{GOAL_FINAL_STEP_P95_MS}_ms": bool(
            final["p95_ms"] and final["p95_ms"] < GOAL_FINAL_STEP_P95_MS
        ),
        f"last_minute_final_step_p95_under_{GOAL_FINAL_STEP_P95_MS}_ms": bool(
            in_minute["p95_ms"] and in_minute["p95_ms"] < GOAL_FINAL_STEP_P95_MS
        ),
        # The model of the last minute held: every last-minute visitor's final POST was sent in it.
        f"{LAST_MINUTE}_final_posts_sent_in_the_last_minute": report["last_minute"]["final_posts_sent_in_window"]
        >= LAST_MINUTE,
    }
    report["applications_in_database"] = Application.objects.filter(call=call).count()
    report["server_cpu_per_step"] = step_profile(workdir / "requests")
    report["cpu_seconds"] = cpu_report(cpu_before, cpu_middle, cpu_after, early_results, late_results)
    benchlib.write_results("surge", report)
    sent = report["last_minute"]["final_posts_sent_in_window"]
    if sent < LAST_MINUTE:
        print(
            f"\nFLAGGED: only {sent} of the {LAST_MINUTE} last-minute final POSTs were sent inside the last "
            f"{WINDOW} s (the walks fell behind their plan): this run does not measure the issue's last minute.",
            file=sys.stderr,
        )
        if not SMOKE:
            raise SystemExit(2)


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


if __name__ == "__main__":
    main()
