"""gunicorn settings of the surge benchmark: each request's CPU time in the worker, one JSON line per request.

Used as ``gunicorn -c bench/gunicorn_request_cpu.py``; lines go to ``$KOBO_BENCH_REQUEST_LOG/<pid>.jsonl``.
A sync worker serves one request at a time, so the worker's CPU time across a request is that
request's (PostgreSQL's and Redis's own time are not in it). The benchmark sums them per wizard step:
the profile that says which steps an application's CPU time goes to.
"""

import json
import os
import time

_log = None


def pre_request(worker, req):
    req.kobo_started = (time.process_time(), time.perf_counter())


def post_request(worker, req, environ, resp):
    global _log
    if _log is None:
        folder = os.environ["KOBO_BENCH_REQUEST_LOG"]
        _log = open(os.path.join(folder, f"{os.getpid()}.jsonl"), "a", buffering=1)  # noqa: SIM115
    cpu, wall = req.kobo_started
    line = {
        "method": req.method,
        "path": req.path,
        "status": getattr(resp, "status_code", None),
        "cpu_ms": round((time.process_time() - cpu) * 1000, 2),
        "wall_ms": round((time.perf_counter() - wall) * 1000, 2),
    }
    _log.write(json.dumps(line) + "\n")
