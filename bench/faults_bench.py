"""Benchmark of outages: faults injected from outside into the production stack, one line of figures per fault.

Run with ``python bench/faults_bench.py`` (``make faults``; part of ``make bench``). Needs PostgreSQL
(``DATABASE_URL``: a scratch database ``<name>_bench_faults`` is made on that server and dropped at the
end) and Redis (``KOBO_BENCH_REDIS_URL`` or ``CELERY_BROKER_URL``). ``--smoke`` is a shorter run of the
same faults (about three minutes: too long for ``make bench-smoke``, which leaves it out).

What runs, all real and on this machine, with ``portal.settings.production``:

* gunicorn (2 sync workers), a mail worker (queue ``celery``), an exports worker (queue ``exports``,
  concurrency 1) and beat, each a process (group) of its own;
* between them and their dependencies, loopback TCP proxies this process switches between passing,
  refusing and accepting-and-hanging (``tests/fault_servers.py``): one in front of PostgreSQL, one for
  the broker and one for the cache, both to the same Redis (the README's layout);
* a slow SMTP sink (``tests/fault_servers.SmtpSink``) that counts every message by recipient and
  Message-ID; the visitors of ``bench/surge_bench.py`` walking the whole wizard, reading their emailed
  confirmation codes from the sink; a probe reading a public page every 0.2 s during each fault.

The faults, in order: the broker refused, the broker hanging, the shared Redis refused (cache and
broker), the database cut, the mail worker killed (SIGKILL, three times, mid-send), the exports worker
killed (SIGKILL, twice, mid-render of the dossiers, restarted at once as a supervisor would).

The visitors of a broker or cache fault first walk to the "verify" step and read their codes (a code
is mail, which a broker outage holds back); the fault is injected once all hold one, so that every
final submission meets it.

Per fault: the slowest code mail, applications received and saved, lost (a receipt with no
application), doubled (two applications for one visitor), 5xx answered (wizard and probe), mails
delivered against rows (extra mails must stay at or under the kills), seconds from the end of the fault
to the last mail, part files left in the export temp folder, and for exports the seconds from each
kill to the job running again and to its completion. The outbox lease is 30 s here
(``KOBO_OUTBOX_LEASE_SECONDS``; 120 by default); the export lease is the default 60 s.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(1, str(Path(__file__).resolve().parents[1]))

import benchlib
import exports_bench
import surge_parts
from faults_parts import (
    CLIENTS,
    CODE_WAIT,
    DB_CUT_SECONDS,
    FAULT_SECONDS,
    HEADERS,
    OUTBOX_LEASE,
    SINK_DELAY,
    SMOKE,
    VISITORS,
    Stack,
    applicants_fault,
    exports_killed,
    mail_killed,
    sink_mailbox,
)

from tests.fault_servers import Proxy, SmtpSink


def line(figures: dict[str, Any]) -> str:
    keys = [
        "fault_seconds",
        "receipts",
        "code_mail_max_s",
        "applications_saved",
        "lost",
        "doubled_receipts",
        "wizard_5xx",
        "final_p95_ms",
        "probe_5xx",
        "probe_failed",
        "probe_slowest_s",
        "mails_delivered",
        "extra_mails",
        "kills",
        "senders_killed",
        "rows_marked_interrupted",
        "last_mail_after_recovery_s",
        "seconds_to_send_all",
        "part_files_left",
        "recovery_s",
        "done_after_last_kill_s",
    ]
    if "final_step" in figures:
        figures = {**figures, "final_p95_ms": figures["final_step"]["p95_ms"]}
    shown = ", ".join(f"{k} {figures[k]}" for k in keys if k in figures)
    return f"{figures['fault']:<24} {shown}"


def with_port(url: str, port: int) -> str:
    parts = urlsplit(url)
    netloc = parts.netloc.rsplit("@", 1)
    host = f"127.0.0.1:{port}"
    return urlunsplit(parts._replace(netloc=f"{netloc[0]}@{host}" if len(netloc) == 2 else host))


def main() -> None:
    signal.signal(signal.SIGTERM, lambda *_: sys.exit("stopped"))
    database_url, drop = benchlib.scratch_database("faults")
    redis = os.environ.get("KOBO_BENCH_REDIS_URL") or os.environ.get("CELERY_BROKER_URL", "")
    if not database_url or not redis.startswith("redis://"):
        sys.exit("bench/faults_bench.py needs PostgreSQL (DATABASE_URL) and Redis (CELERY_BROKER_URL), as production.")
    workdir = Path(tempfile.mkdtemp(prefix="kobo-bench-faults-"))
    sink = SmtpSink(delay=SINK_DELAY)
    # The visitors read their confirmation codes where the mail worker sends them: the sink.
    surge_parts.Visitor.mailbox = staticmethod(sink_mailbox(sink))
    surge_parts.Visitor.code_wait = CODE_WAIT
    proxies: list[Proxy] = []
    stack = None
    try:
        db, cache_proxy, broker_proxy = (
            Proxy((urlsplit(database_url).hostname or "127.0.0.1", urlsplit(database_url).port or 5432)),
            Proxy((urlsplit(redis).hostname or "127.0.0.1", urlsplit(redis).port or 6379)),
            Proxy((urlsplit(redis).hostname or "127.0.0.1", urlsplit(redis).port or 6379)),
        )
        proxies += [db, cache_proxy, broker_proxy]
        port = surge_parts.free_port()
        temp_dir = workdir / "export-tmp"
        for folder in ("static", "private", "media"):
            (workdir / folder).mkdir()
        env = {
            **os.environ,
            **benchlib.production_env(
                workdir,
                database_url=with_port(database_url, db.port),
                redis=with_port(redis, cache_proxy.port),
                host="127.0.0.1",
            ),
            "CELERY_BROKER_URL": with_port(redis, broker_proxy.port),
            "CELERY_RESULT_BACKEND": with_port(redis, broker_proxy.port),
            "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "EMAIL_HOST": "127.0.0.1",
            "EMAIL_PORT": str(sink.port),
            "EMAIL_USE_TLS": "0",
            "KOBO_EXPORT_TEMP_DIR": str(temp_dir),
            "KOBO_OUTBOX_LEASE_SECONDS": str(OUTBOX_LEASE),
            "LOG_LEVEL": "WARNING",
        }
        stack = Stack(workdir, env, port)
        report = run(stack, sink, database_url, redis, db, cache_proxy, broker_proxy, temp_dir)
    finally:
        if stack is not None:
            stack.stop_all()
        for proxy in proxies:
            proxy.close()
        sink.close()
        drop()
        logs = benchlib.ROOT / "var" / ("bench-smoke" if SMOKE else "bench-faults-logs")
        logs.mkdir(parents=True, exist_ok=True)
        for log in workdir.glob("*.log"):
            shutil.copyfile(log, logs / f"faults-{log.name}")
        shutil.rmtree(workdir, ignore_errors=True)
    print()
    for figures in report["faults"]:
        print(line(figures))


def run(
    stack: Stack,
    sink: SmtpSink,
    database_url: str,
    redis: str,
    db: Proxy,
    cache_proxy: Proxy,
    broker_proxy: Proxy,
    temp_dir: Path,
) -> dict[str, Any]:
    # This process reads and writes directly (no proxy), on the local settings (demo users allowed).
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "portal.settings.local",
            "DATABASE_URL": database_url,
            "CACHE_URL": redis,
            "CELERY_BROKER_URL": redis,
            "CELERY_RESULT_BACKEND": redis,
            "KOBO_VAR_DIR": str(stack.workdir),
            "PRIVATE_STORAGE_ROOT": stack.env["PRIVATE_STORAGE_ROOT"],
            "KOBO_EXPORT_TEMP_DIR": str(temp_dir),
            "DEBUG": "0",
        }
    )
    os.chdir(benchlib.ROOT)
    import logging

    import django

    django.setup()
    logging.getLogger("wagtail").setLevel(logging.WARNING)
    from django.core.management import call_command
    from django.db import connections
    from django.utils import timezone

    from recruitment.models import CallPage, RolePage

    started = time.perf_counter()
    print("Migrating, collecting static files, building the Kobe call with a shortlist …", flush=True)
    exports_bench.APPLICATIONS = 60 if SMOKE else 150
    exports_bench.SHORTLIST_PER_POST = 1
    call_command("migrate", verbosity=0)
    call_command("load_site_content", stdout=open(os.devnull, "w"))  # noqa: SIM115
    built = exports_bench.build_call()
    # The production settings' static storage (hashed names, a manifest), as a deploy runs it.
    subprocess.run([sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"], env=stack.env, check=True)
    call = CallPage.objects.get(pk=built["call_id"])
    role = call.roles().order_by("path").first()
    RolePage.objects.filter(pk=role.pk).update(
        opens_at=timezone.now() - timedelta(days=1), closes_at=timezone.now() + timedelta(days=1)
    )
    role.refresh_from_db()
    connections.close_all()
    setup_seconds = round(time.perf_counter() - started, 1)

    for name in ("web", "mail", "exports", "beat"):
        stack.start(name)
    import requests

    for _ in range(240):
        try:
            if requests.get(stack.base + "/healthz", timeout=5, headers=HEADERS).status_code == 200:
                break
        except requests.RequestException:
            pass
        time.sleep(0.5)
    else:
        sys.exit(f"gunicorn did not answer /healthz: see {stack.workdir / 'web.log'}")

    faults: list[dict[str, Any]] = []

    def record(figures: dict[str, Any]) -> None:
        faults.append(figures)
        print(line(figures), flush=True)

    record(applicants_fault("none (reference)", stack, sink, call, role, 1000, [], 0))
    record(applicants_fault("broker refused", stack, sink, call, role, 2000, [(broker_proxy, "refuse")], FAULT_SECONDS))
    record(applicants_fault("broker hanging", stack, sink, call, role, 3000, [(broker_proxy, "hang")], FAULT_SECONDS))
    record(
        applicants_fault(
            "shared Redis refused",
            stack,
            sink,
            call,
            role,
            4000,
            [(broker_proxy, "refuse"), (cache_proxy, "refuse")],
            FAULT_SECONDS,
        )
    )
    record(applicants_fault("cache hanging", stack, sink, call, role, 5000, [(cache_proxy, "hang")], FAULT_SECONDS))
    record(
        applicants_fault("database cut", stack, sink, call, role, 6000, [(db, "refuse")], DB_CUT_SECONDS, trickle=True)
    )
    healthz = {}
    for mode in ("hang", "refuse"):
        broker_proxy.set(mode)
        began = time.perf_counter()
        try:
            answer = requests.get(stack.base + "/healthz", timeout=30, headers=HEADERS)
            healthz[f"broker {mode}"] = {"status": answer.status_code, "body": answer.json(), "seconds": None}
        except requests.RequestException as exc:
            healthz[f"broker {mode}"] = {"status": type(exc).__name__}
        healthz[f"broker {mode}"]["seconds"] = round(time.perf_counter() - began, 2)
        broker_proxy.set("pass")
    record(mail_killed(stack, sink))
    record(exports_killed(stack, built["call_id"], built["requester_id"], temp_dir))

    report = {
        "setup": {
            "settings": "portal.settings.production over plain HTTP; the bench sends X-Forwarded-Proto: https",
            "gunicorn_workers": 2,
            "visitors_per_fault": VISITORS,
            "clients": CLIENTS,
            "fault_seconds": FAULT_SECONDS,
            "database_cut_seconds": DB_CUT_SECONDS,
            "smtp_sink_seconds_per_message": SINK_DELAY,
            "outbox_lease_seconds": OUTBOX_LEASE,
            "export_lease_seconds": 60,
            "dataset": built["dataset"],
            "setup_seconds": setup_seconds,
        },
        "faults": faults,
        "healthz_during_broker_faults": healthz,
    }
    report["goals"] = {
        "lost_0": all(f.get("lost", 0) == 0 for f in faults),
        "doubled_receipts_0": all(f.get("doubled_receipts", 0) == 0 for f in faults),
        # At most one repeat per sender killed mid-send, and every repeat recorded on its row.
        "extra_mails_at_most_one_per_killed_sender": all(
            f.get("extra_mails", 0) <= f.get("senders_killed", 0) for f in faults
        ),
        "every_repeat_recorded": all(
            f.get("extra_mails", 0) <= f.get("rows_marked_interrupted", 0) for f in faults if "rows" in f
        ),
        "part_files_left_0": all(f.get("part_files_left", 0) == 0 for f in faults),
        "healthz_under_1_s": all((h.get("seconds") or 99) < 1.0 for h in healthz.values()),
    }
    benchlib.write_results("faults", report)
    return report


if __name__ == "__main__":
    main()
