"""The public pages benchmark's set-up and probes: the scratch database and cache, the environment of
the gunicorn under test, its workers' CPU time, one request, versions and machine (``bench/pages_bench.py``).
"""

from __future__ import annotations

import contextlib
import json
import os
import platform
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[1]
VENV_BIN = Path(sys.executable).parent
DEFAULT_DATABASE = "postgres://postgres@127.0.0.1:5432/kobo_bench_pages"
DEFAULT_CACHE = "redis://127.0.0.1:6379/15"


def run(cmd: list[str], **kwargs: Any) -> subprocess.CompletedProcess:
    return subprocess.run(cmd, check=True, text=True, capture_output=True, **kwargs)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def bench_database_url() -> str:
    """``KOBO_BENCH_DATABASE_URL``, else a ``…_bench_pages`` database beside ``DATABASE_URL``'s PostgreSQL."""
    if os.environ.get("KOBO_BENCH_DATABASE_URL"):
        return os.environ["KOBO_BENCH_DATABASE_URL"]
    configured = os.environ.get("DATABASE_URL", "")
    if configured.startswith(("postgres://", "postgresql://")):
        parts = urlsplit(configured)
        return urlunsplit(parts._replace(path=f"/{parts.path.lstrip('/') or 'kobo'}_bench_pages"))
    return DEFAULT_DATABASE


def bench_cache_url() -> str:
    """``KOBO_BENCH_CACHE_URL``, else the Redis of ``CACHE_URL`` or ``CELERY_BROKER_URL``, else Redis db 15."""
    for name in ("KOBO_BENCH_CACHE_URL", "CACHE_URL", "CELERY_BROKER_URL"):
        if os.environ.get(name, "").startswith(("redis://", "rediss://")):
            return os.environ[name]
    return DEFAULT_CACHE


def bench_env(database_url: str, static_root: Path, *, smoke: bool) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="bench.pages_settings",
        DATABASE_URL=database_url,
        DATABASE_CONN_MAX_AGE="600",
        CACHE_URL=bench_cache_url(),
        CELERY_BROKER_URL=bench_cache_url(),
        SECRET_KEY=secrets.token_urlsafe(60),
        ALLOWED_HOSTS="127.0.0.1,localhost",
        KOBO_TRUSTED_PROXY_COUNT="0",
        KOBO_PUBLIC_URL="https://127.0.0.1",
        STATIC_ROOT=str(static_root),
        LOG_LEVEL="WARNING",
        PYTHONPATH=str(ROOT),
    )
    if smoke:
        env["KOBO_BENCH_PLAIN_STATIC"] = "1"  # skips a minute of collectstatic; {% static %} costs the same
    return env


def fresh_database(database_url: str, *, reuse: bool) -> None:
    """Drop and create the bench's own database (never any other); ``reuse`` keeps an existing one."""
    import psycopg

    parts = urlsplit(database_url)
    name = parts.path.lstrip("/")
    if "bench" not in name:
        sys.exit(f"Refusing to drop {name!r}: the bench database's name must contain 'bench'.")
    admin_url = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin_url, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if exists and reuse:
            return
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


PREPARE = """
import json
from django.core.management import call_command
call_command("migrate", interactive=False, verbosity=0)
call_command("load_site_content", stdout=open("/dev/null", "w"))
call_command("load_kobe_demo", stdout=open("/dev/null", "w"))
if COLLECTSTATIC:
    call_command("collectstatic", interactive=False, verbosity=0)
from recruitment.models import CallPage, RolePage
call = max(CallPage.objects.live(), key=lambda c: RolePage.objects.child_of(c).live().count())
role = RolePage.objects.child_of(call).live().order_by("path").first()
count = RolePage.objects.child_of(call).live().count()
print("PAGES " + json.dumps({"call": call.url, "role": role.url, "roles": count}))
"""


def prepare(env: dict[str, str], *, smoke: bool) -> dict[str, Any]:
    """A database with the Kobe demo (fresh, or reused by --smoke) and collected static files, in one process."""
    started = time.monotonic()
    fresh_database(env["DATABASE_URL"], reuse=smoke)
    script = PREPARE.replace("COLLECTSTATIC", "False" if smoke else "True")
    output = run([str(VENV_BIN / "python"), "manage.py", "shell", "-v", "0", "-c", script], cwd=ROOT, env=env).stdout
    pages = json.loads(next(line for line in output.splitlines() if line.startswith("PAGES "))[6:])
    pages["setup_seconds"] = round(time.monotonic() - started, 1)
    return pages


def worker_pids(master: int) -> list[int]:
    children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    return [int(pid) for pid in children]


def proc_cpu_seconds(pids: list[int]) -> float:
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for pid in pids:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        total += int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15 of stat)
    return total / ticks


def perf_available(pid: int) -> tuple[bool, bool]:
    """(task-clock works, instructions counted) for a process of ours."""
    if not shutil.which("perf"):
        return False, False
    probe = subprocess.run(
        ["perf", "stat", "-x", ",", "-e", "task-clock,instructions", "-p", str(pid), "--", "sleep", "0.3"],
        capture_output=True,
        text=True,
    )
    text = probe.stderr
    return "task-clock" in text and probe.returncode == 0, "instructions" in text and "<not" not in text.split(
        "instructions"
    )[0].rsplit("\n", 1)[-1]


def fetch(url: str, headers: dict[str, str]) -> tuple[int, int, dict[str, str]]:
    request = urllib.request.Request(url, headers=headers)  # noqa: S310 - our own local server
    opener = urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(request, timeout=30) as response:
            return response.status, len(response.read()), dict(response.headers)
    except urllib.error.HTTPError as error:
        return error.code, len(error.read()), dict(error.headers)


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


def profile_uncached(env: dict[str, str], call_url: str, renders: int) -> str:
    """pyinstrument's view of rendering the call page from the database, ``renders`` times in one process."""
    script = f"""
import django
django.setup()
from django.test import Client
from pyinstrument import Profiler
client = Client(HTTP_X_FORWARDED_PROTO="https", HTTP_X_BENCH_PAGE_CACHE="skip", HTTP_HOST="127.0.0.1")
assert client.get({call_url!r}).status_code == 200
profiler = Profiler(interval=0.0005)
profiler.start()
for _ in range({renders}):
    client.get({call_url!r})
profiler.stop()
print(profiler.output_text(unicode=True, color=False, show_all=False))
"""
    result = subprocess.run(
        [str(VENV_BIN / "python"), "-c", script], cwd=ROOT, env=env, capture_output=True, text=True, check=False
    )
    return result.stdout or result.stderr


def versions(env: dict[str, str]) -> dict[str, str]:
    import django
    import gunicorn
    import wagtail

    found = {
        "python": platform.python_version(),
        "django": django.get_version(),
        "wagtail": wagtail.__version__,
        "gunicorn": gunicorn.__version__,
    }
    with contextlib.suppress(OSError):
        found["wrk"] = subprocess.run(["wrk", "-v"], capture_output=True, text=True).stdout.split("\n")[0].strip()
    # Versions of the servers are context only: a failure to read one leaves it out.
    with contextlib.suppress(Exception):
        import psycopg

        with psycopg.connect(env["DATABASE_URL"]) as conn:
            found["postgresql"] = conn.execute("SHOW server_version").fetchone()[0]
    with contextlib.suppress(Exception):
        import redis

        found["redis"] = redis.Redis.from_url(env["CACHE_URL"]).info()["redis_version"]
    return found


def machine() -> dict[str, Any]:
    cpu = ""
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    return {"cpu": cpu, "cpus": os.cpu_count(), "platform": platform.platform()}
