"""Benchmark of the public pages: call page, role page and listing, cached and uncached.

Run with ``python bench/pages_bench.py`` (``make bench``; ``--smoke`` for the tiny version that
``make bench-smoke`` runs). It needs PostgreSQL, Redis and ``wrk`` (Debian package) and, for the
CPU figures, ``perf`` (Debian ``linux-perf``); without ``perf`` it reads ``/proc/<pid>/stat``.

1. Creates a throwaway PostgreSQL database (``KOBO_BENCH_DATABASE_URL``; else ``<name>_bench_pages``
   on the server of ``DATABASE_URL``; else ``kobo_bench_pages`` on 127.0.0.1; dropped and created
   again, ``--smoke`` reuses it), migrates it and loads the Kobe demo (the call with 10 roles).
2. Starts gunicorn with 2 sync workers on the production settings plus a bench-only URLconf
   (``bench/pages_settings.py``, ``bench/pages_site.py``): Redis cache (``KOBO_BENCH_CACHE_URL``,
   else ``CACHE_URL`` or ``CELERY_BROKER_URL`` when Redis, else ``redis://127.0.0.1:6379/15``),
   whitenoise's manifest static files, no DEBUG.
3. For each target (a minimal Django view with a constant response; the call page, a role page
   and the listing, each from the cache and rendered from the database) checks the target
   answers 200 with the page itself (not a redirect) and its size, then runs
   ``wrk -t2 -c16`` against it while ``perf stat -e task-clock`` counts the CPU time of the two
   gunicorn workers (``instructions`` too where the machine has hardware counters).

Reported per target: requests, req/s, p50/p99 latency, server CPU milliseconds per request and
the ratio to the minimal view measured in the same run (the figure that carries across
machines), the statuses and body sizes wrk received. Results go to
``bench/results/pages.json``; a profile of the uncached call page (pyinstrument) goes to
``bench/results/pages-profile.txt``. ``--smoke`` (2 connections, 3 s a target, no profile) writes
``var/bench-smoke/pages.json`` instead and leaves the committed figures alone.
"""

from __future__ import annotations

import json
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from pages_parts import (
    ROOT,
    VENV_BIN,
    bench_database_url,
    bench_env,
    fetch,
    free_port,
    machine,
    perf_available,
    prepare,
    proc_cpu_seconds,
    profile_uncached,
    run,
    versions,
    worker_pids,
)

RESULTS = ROOT / "bench" / "results" / "pages.json"
PROFILE = ROOT / "bench" / "results" / "pages-profile.txt"
CONNECTIONS = 16
WRK_THREADS = 2
WORKERS = 2
ROUNDS = 3
ROUNDS_SMOKE = 1

# Counts what wrk received: statuses and body sizes, per thread, summed in done().
WRK_SCRIPT = r"""
local threads = {}
function setup(thread) table.insert(threads, thread) end
function init(args) ok = 0; other = 0; redirects = 0; min_size = -1; max_size = 0 end
function response(status, headers, body)
  if status == 200 then ok = ok + 1
  elseif status >= 300 and status < 400 then redirects = redirects + 1
  else other = other + 1 end
  local n = #body
  if min_size < 0 or n < min_size then min_size = n end
  if n > max_size then max_size = n end
end
function done(summary, latency, requests)
  local t_ok, t_other, t_redirects, t_min, t_max = 0, 0, 0, -1, 0
  for _, t in ipairs(threads) do
    t_ok = t_ok + t:get("ok"); t_other = t_other + t:get("other"); t_redirects = t_redirects + t:get("redirects")
    local mn = t:get("min_size"); local mx = t:get("max_size")
    if mn >= 0 and (t_min < 0 or mn < t_min) then t_min = mn end
    if mx > t_max then t_max = mx end
  end
  io.write(string.format(
    'WRKJSON {"requests": %d, "duration_us": %d, "errors": %d, "status_200": %d, "redirects": %d, ' ..
    '"other_status": %d, "min_body": %d, "max_body": %d, "p50_us": %d, "p90_us": %d, "p99_us": %d}\n',
    summary.requests, summary.duration,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    t_ok, t_redirects, t_other, t_min, t_max,
    latency:percentile(50), latency:percentile(90), latency:percentile(99)))
end
"""


def measure(
    name: str,
    url: str,
    headers: dict[str, str],
    pids: list[int],
    seconds: int,
    *,
    connections: int,
    use_perf: bool,
    instructions: bool,
    warm_up: bool,
) -> dict[str, Any]:
    status, size, response_headers = fetch(url, headers)
    if status != 200:
        sys.exit(f"{name}: {url} answered {status}, not the page")
    status, size, response_headers = fetch(url, headers)  # the second one is the cached copy, where cached
    header_args = [arg for key, value in headers.items() for arg in ("-H", f"{key}: {value}")]
    script = Path(tempfile.mkstemp(suffix=".lua")[1])
    script.write_text(WRK_SCRIPT)
    wrk = [
        "wrk",
        f"-t{WRK_THREADS}",
        f"-c{connections}",
        f"-d{max(1, seconds // 2)}s",
        "--timeout",
        "10s",
        "-s",
        str(script),
        *header_args,
        url,
    ]
    if warm_up:
        run(wrk)  # every worker has rendered it and holds its connections
    wrk[3] = f"-d{seconds}s"
    perf = None
    perf_out = Path(tempfile.mkstemp(suffix=".perf")[1])
    if use_perf:
        events = "task-clock,instructions" if instructions else "task-clock"
        pid_list = ",".join(map(str, pids))
        perf = subprocess.Popen(
            ["perf", "stat", "-x", ",", "-e", events, "-p", pid_list, "-o", str(perf_out)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        time.sleep(0.3)
    proc_before = proc_cpu_seconds(pids)
    output = run(wrk).stdout
    proc_cpu = proc_cpu_seconds(pids) - proc_before
    task_clock_ms = instructions_count = None
    if perf is not None:
        perf.send_signal(signal.SIGINT)
        perf.wait(timeout=30)
        for line in perf_out.read_text().splitlines():
            fields = line.split(",")
            if len(fields) > 2 and fields[2].startswith("task-clock") and fields[0] not in ("", "<not counted>"):
                task_clock_ms = float(fields[0])
            if len(fields) > 2 and fields[2].startswith("instructions") and fields[0].isdigit():
                instructions_count = int(fields[0])
    script.unlink()
    perf_out.unlink()
    stats = json.loads(next(line for line in output.splitlines() if line.startswith("WRKJSON "))[8:])
    requests = stats["requests"]
    if not requests:
        sys.exit(f"{name}: no request completed in {seconds} s")
    result = {
        "url": urlsplit(url).path,
        "uncached": headers.get("X-Bench-Page-Cache") == "skip",
        "page_bytes": size,
        "x_page_cache": response_headers.get("X-Page-Cache", ""),
        "requests": requests,
        "req_per_s": round(requests / (stats["duration_us"] / 1e6), 1),
        "p50_ms": round(stats["p50_us"] / 1000, 2),
        "p90_ms": round(stats["p90_us"] / 1000, 2),
        "p99_ms": round(stats["p99_us"] / 1000, 2),
        "wrk_received": {
            "status_200": stats["status_200"],
            "redirects": stats["redirects"],
            "other_status": stats["other_status"],
            "socket_errors": stats["errors"],
            "body_bytes_min": stats["min_body"],
            "body_bytes_max": stats["max_body"],
        },
        "cpu_ms_per_request_proc": round(proc_cpu * 1000 / requests, 3) if requests else None,
    }
    if task_clock_ms is not None:
        result["cpu_ms_per_request"] = round(task_clock_ms / requests, 3)
    else:
        result["cpu_ms_per_request"] = result["cpu_ms_per_request_proc"]
    if instructions_count is not None:
        result["instructions_per_request"] = instructions_count // requests
    problems = []
    if stats["status_200"] != requests or stats["redirects"] or stats["other_status"]:
        problems.append("not every response was a 200")
    if stats["min_body"] != size or stats["max_body"] != size:
        problems.append(f"bodies of {stats['min_body']}-{stats['max_body']} bytes, the page has {size}")
    if problems:
        result["problems"] = problems
    print(
        f"  {name:<18} {result['req_per_s']:>8} req/s  p50 {result['p50_ms']:>7} ms  p99 {result['p99_ms']:>7} ms"
        f"  CPU {result['cpu_ms_per_request']:>7} ms/req  {size} bytes {result['x_page_cache']}",
        flush=True,
    )
    return result


def summarise(measured: list[dict[str, Any]]) -> dict[str, Any]:
    """Medians over the rounds of one target, with every round kept."""

    def median(key: str) -> float:
        return round(statistics.median(r[key] for r in measured), 3)

    first = measured[0]
    summary = {
        "url": first["url"],
        "uncached": first["uncached"],
        "page_bytes": first["page_bytes"],
        "x_page_cache": first["x_page_cache"],
        "requests": sum(r["requests"] for r in measured),
        "cpu_vs_minimal_view": median("cpu_vs_minimal_view"),
        "cpu_ms_per_request": median("cpu_ms_per_request"),
        "req_per_s": median("req_per_s"),
        "p50_ms": median("p50_ms"),
        "p99_ms": median("p99_ms"),
        "rounds": measured,
    }
    problems = sorted({problem for r in measured for problem in r.get("problems", [])})
    if problems:
        summary["problems"] = problems
    return summary


def main() -> None:
    smoke = "--smoke" in sys.argv
    seconds = 3 if smoke else 8
    connections = 2 if smoke else CONNECTIONS  # --smoke checks that it all works, not how fast
    database_url = bench_database_url()
    static_root = ROOT / "var" / "bench-static"
    env = bench_env(database_url, static_root, smoke=smoke)
    for tool in ("wrk",):
        if not shutil.which(tool):
            sys.exit(f"{tool} is missing: apt-get install {tool}")
    print(f"Preparing {urlsplit(database_url).path.lstrip('/')} with the Kobe demo …", flush=True)
    pages = prepare(env, smoke=smoke)
    port = free_port()
    gunicorn = subprocess.Popen(
        [
            str(VENV_BIN / "gunicorn"),
            "portal.wsgi",
            "-w",
            str(WORKERS),
            "-k",
            "sync",
            "-b",
            f"127.0.0.1:{port}",
            "--chdir",
            str(ROOT),
            "--log-level",
            "warning",
        ],
        env=env,
        cwd=ROOT,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        for _ in range(100):
            try:
                fetch(base + "/bench/minimal", {"X-Forwarded-Proto": "https"})
                break
            except OSError:
                time.sleep(0.2)
        pids = worker_pids(gunicorn.pid)
        if len(pids) != WORKERS:
            sys.exit(f"gunicorn has {len(pids)} workers, expected {WORKERS}")
        use_perf, instructions = perf_available(pids[0])
        method = "perf stat -e task-clock" if use_perf else "/proc/<pid>/stat utime+stime"
        print(f"CPU time by {method}; instructions {'counted' if instructions else 'not available here'}", flush=True)
        proxy = {"X-Forwarded-Proto": "https"}  # as the TLS proxy in front of gunicorn sends it
        uncached = {**proxy, "X-Bench-Page-Cache": "skip"}
        targets = [
            ("minimal view", "/bench/minimal", proxy),
            ("call page cached", pages["call"], proxy),
            ("call page uncached", pages["call"], uncached),
            ("role page cached", pages["role"], proxy),
            ("role page uncached", pages["role"], uncached),
            ("listing cached", "/calls/", proxy),
            ("listing uncached", "/calls/", uncached),
        ]
        # Rounds of every target in turn, each compared with the minimal view of its own round:
        # the machine's load drifts (other work shares the two cores), the ratios much less.
        rounds: dict[str, list[dict[str, Any]]] = {name: [] for name, _path, _headers in targets}
        for number in range(ROUNDS_SMOKE if smoke else ROUNDS):
            print(f"Round {number + 1}", flush=True)
            for name, path, headers in targets:
                rounds[name].append(
                    measure(
                        name,
                        base + path,
                        headers,
                        pids,
                        seconds,
                        connections=connections,
                        use_perf=use_perf,
                        instructions=instructions,
                        warm_up=number == 0,
                    )
                )
            reference = rounds["minimal view"][-1]["cpu_ms_per_request"]
            for name in rounds:
                rounds[name][-1]["cpu_vs_minimal_view"] = round(rounds[name][-1]["cpu_ms_per_request"] / reference, 2)
        results = {name: summarise(measured) for name, measured in rounds.items()}
    finally:
        gunicorn.send_signal(signal.SIGTERM)
        gunicorn.wait(timeout=30)
    goals = {
        "cached_cpu_at_most_x_minimal": 2,
        "uncached_cpu_at_most_x_minimal": 10,
    }
    verdicts = {}
    for name, result in results.items():
        if name == "minimal view":
            continue
        limit = goals["uncached_cpu_at_most_x_minimal" if result["uncached"] else "cached_cpu_at_most_x_minimal"]
        verdicts[name] = "met" if result["cpu_vs_minimal_view"] <= limit else "missed"
    profile = "" if smoke else profile_uncached(env, pages["call"], 200)
    summary = {
        "benchmark": "pages",
        "when": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "command": "python bench/pages_bench.py" + (" --smoke" if smoke else ""),
        "smoke": smoke,
        "machine": machine(),
        "versions": versions(env),
        "setup": {
            "server": f"gunicorn, {WORKERS} sync workers, bench/pages_settings.py (production settings)",
            "database": "PostgreSQL, a throwaway database with the Kobe demo",
            "cache": "Redis (CACHE_URL)",
            "load": (
                f"wrk -t{WRK_THREADS} -c{connections} -d{seconds}s per target and round, "
                f"{ROUNDS_SMOKE if smoke else ROUNDS} rounds, after a warm-up run; X-Forwarded-Proto: https"
            ),
            "cpu_method": method,
            "instructions": "counted" if instructions else "not available (no hardware counters exposed)",
            "call_page": {"url": pages["call"], "roles": pages["roles"]},
            "role_page": pages["role"],
            "setup_seconds": pages["setup_seconds"],
        },
        "goals": goals,
        "verdicts": verdicts,
        "results": results,
    }
    if smoke:  # never overwrites the committed figures
        written = ROOT / "var" / "bench-smoke" / RESULTS.name
        written.parent.mkdir(parents=True, exist_ok=True)
        written.write_text(json.dumps(summary, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        print(f"Written to {written.relative_to(ROOT)}")
    else:
        RESULTS.parent.mkdir(parents=True, exist_ok=True)
        RESULTS.write_text(json.dumps(summary, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        PROFILE.write_text(profile, encoding="utf-8")
        print(f"Written to {RESULTS.relative_to(ROOT)} and {PROFILE.relative_to(ROOT)}")
    problems = {name: r["problems"] for name, r in results.items() if r.get("problems")}
    if problems:
        sys.exit(f"The load tool did not receive the pages: {problems}")


if __name__ == "__main__":
    main()
