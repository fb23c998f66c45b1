"""Public page latency while four applicants upload 25-megapixel photos (issue 19, finding 6).

Run with ``python bench/uploads_bench.py`` (``make bench``; ``--smoke`` for the tiny version that
``make bench-smoke`` runs). Self-contained: a fresh SQLite database in a temporary folder
(``KOBO_BENCH_DATABASE_URL`` points it elsewhere), one open call with one role, and gunicorn on
the test settings with ``-w 2 --threads 4`` (as ``make scan``'s server), on a free local port.

1. Reference: one client reads the public call page, one request after the other, for
   ``SECONDS``; its p95.
2. Load: four applicants (threads, each with its own session and CSRF token) walk the real
   wizard to the portfolio step, then post three 25 MP JPEGs (5,000 × 5,000, under 10 MB each)
   again and again; meanwhile the same client reads the call page for ``SECONDS`` again.

Reported: both p95s and their ratio (the goal: at most 2 ×), the upload posts' p50/p95 and
their statuses (each must be the wizard's redirect, 302). Results go to
``bench/results/uploads.json``; ``--smoke`` (3 s each, one file a post) to ``var/bench-smoke/``.
"""

from __future__ import annotations

import io
import os
import re
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from datetime import timedelta
from pathlib import Path
from typing import Any

import benchlib

ROOT = Path(__file__).resolve().parents[1]
SMOKE = benchlib.smoke()
SECONDS = 3 if SMOKE else 30
FILES_PER_POST = 1 if SMOKE else 3
APPLICANTS = 4
GOAL_RATIO = 2.0
PHOTO = (5000, 5000)  # 25 megapixels
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def build_call() -> tuple[int, int, str]:
    """Migrate, load the site's standing content and one open call with one role: (call, role, call URL)."""
    from django.core.management import call_command
    from django.utils import timezone

    from cms.content import ensure_site_content
    from tests.recruitment import factories as f

    call_command("migrate", verbosity=0)
    ensure_site_content()
    call = f.call()
    role = f.role(call, closes_at=timezone.now() + timedelta(days=5))
    return call.pk, role.pk, call.url


def photo() -> bytes:
    """A 25 MP JPEG as a phone takes one: smooth colour with sensor noise, under the 10 MB upload limit."""
    from PIL import Image

    width, height = PHOTO
    gradient = Image.linear_gradient("L").resize((width, height))
    noise = Image.effect_noise((width, height), 24)
    picture = Image.merge("RGB", (gradient, noise, Image.blend(gradient, noise, 0.5)))
    buffer = io.BytesIO()
    picture.save(buffer, format="JPEG", quality=80)
    data = buffer.getvalue()
    if len(data) >= 10 * 1024 * 1024:
        raise RuntimeError(f"the photo is {len(data)} bytes, over the upload limit")
    return data


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_server(workdir: Path, port: int) -> subprocess.Popen:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "portal.settings.test",
        "KOBO_VAR_DIR": str(workdir),
        "PRIVATE_STORAGE_ROOT": str(workdir / "private"),
        "DATABASE_URL": os.environ["DATABASE_URL"],
    }
    log = (workdir / "gunicorn.log").open("w")
    server = subprocess.Popen(
        [str(Path(sys.executable).parent / "gunicorn"), "portal.wsgi", "-w", "2", "--threads", "4",
         "-b", f"127.0.0.1:{port}", "--timeout", "120"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    import requests

    for _ in range(120):
        try:
            if requests.get(f"http://127.0.0.1:{port}/healthz", timeout=2).status_code == 200:
                return server
        except requests.RequestException:
            pass
        time.sleep(0.5)
    server.terminate()
    raise RuntimeError(f"gunicorn did not start; see {workdir / 'gunicorn.log'}")


def read_page(url: str, until: float) -> list[float]:
    """GET ``url`` one request after the other until ``until``; the seconds of each (a non-200 is an error)."""
    import requests

    session = requests.Session()
    timings = []
    while time.monotonic() < until:
        started = time.perf_counter()
        response = session.get(url, timeout=60)
        timings.append(time.perf_counter() - started)
        if response.status_code != 200:
            raise RuntimeError(f"the public page answered {response.status_code}")
    return timings


class Applicant(threading.Thread):
    """One applicant: walks the wizard to the portfolio step, then posts the photos until told to stop."""

    def __init__(self, base: str, call_id: int, role_id: int, number: int, image: bytes) -> None:
        super().__init__(daemon=True)
        self.base, self.call_id, self.role_id, self.number, self.image = base, call_id, role_id, number, image
        self.ready = threading.Event()
        self.stop = threading.Event()
        self.posts: list[float] = []
        self.statuses: Counter = Counter()
        self.error: str | None = None

    def post(self, session: Any, step: str, fields: dict[str, Any], files: Any = None) -> Any:
        url = f"{self.base}/apply/{self.call_id}/{step}/"
        token = TOKEN.search(session.get(url, timeout=60).text).group(1)
        data = {"csrfmiddlewaretoken": token, f"apply-{self.call_id}-current_step": step}
        data.update({f"{step}-{k}": v for k, v in fields.items()})
        return session.post(url, data=data, files=files, allow_redirects=False, timeout=300)

    def run(self) -> None:
        import requests

        from tests.applications.wizard_helpers import GOOD_ANSWERS

        try:
            session = requests.Session()
            email = f"bench{self.number}@example.jp"
            answers = {**GOOD_ANSWERS, "about": {**GOOD_ANSWERS["about"], "email": email, "email_confirm": email}}
            self.post(session, "roles", {"roles": [str(self.role_id)]})
            for step in ("check", "about", "experience"):
                self.post(session, step, answers[step])
            self.ready.set()
            while not self.stop.is_set():
                files = [
                    (f"portfolio-file_{n}", (f"photo{n}.jpg", self.image, "image/jpeg"))
                    for n in range(1, FILES_PER_POST + 1)
                ]
                started = time.perf_counter()
                response = self.post(session, "portfolio", answers["portfolio"], files=files)
                self.posts.append(time.perf_counter() - started)
                self.statuses[response.status_code] += 1
        except Exception as error:  # reported in the results, never hidden
            self.error = repr(error)
            self.ready.set()


def main() -> None:
    workdir = Path(tempfile.mkdtemp(prefix="kobo-uploads-bench-"))
    os.environ["DATABASE_URL"] = os.environ.get("KOBO_BENCH_DATABASE_URL") or f"sqlite:///{workdir / 'bench.sqlite3'}"
    benchlib.setup_test_django(workdir)
    call_id, role_id, call_path = build_call()
    image = photo()
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = start_server(workdir, port)
    try:
        page = base + call_path
        read_page(page, time.monotonic() + 5)  # warm-up: every thread of both workers has served it
        alone = read_page(page, time.monotonic() + SECONDS)
        applicants = [Applicant(base, call_id, role_id, n, image) for n in range(APPLICANTS)]
        for applicant in applicants:
            applicant.start()
        for applicant in applicants:
            applicant.ready.wait(120)
        loaded = read_page(page, time.monotonic() + SECONDS)
        for applicant in applicants:
            applicant.stop.set()
        for applicant in applicants:
            applicant.join(300)
    finally:
        server.terminate()
        server.wait(30)
    errors = [a.error for a in applicants if a.error]
    posts = [seconds for a in applicants for seconds in a.posts]
    statuses = sum((a.statuses for a in applicants), Counter())
    reference, under_load = benchlib.percentiles(alone), benchlib.percentiles(loaded)
    ratio = round(under_load["p95_ms"] / reference["p95_ms"], 2)
    benchlib.write_results(
        "uploads",
        {
            "what": (
                f"public call page p95 while {APPLICANTS} applicants post {FILES_PER_POST} photo(s) of"
                f" {PHOTO[0]}x{PHOTO[1]} px ({len(image) / 1e6:.1f} MB each) to the portfolio step, again and again;"
                " as a ratio to its p95 without them (gunicorn -w 2 --threads 4, test settings)"
            ),
            "seconds_each": SECONDS,
            "page_alone": reference,
            "page_while_uploading": under_load,
            "p95_ratio": ratio,
            "goal_ratio": GOAL_RATIO,
            "meets_goal": ratio <= GOAL_RATIO,
            "upload_posts": benchlib.percentiles(posts),
            "upload_statuses": dict(statuses),
            "applicant_errors": errors,
        },
    )
    if errors or set(statuses) - {302}:
        sys.exit(f"uploads failed: {errors or dict(statuses)} (see {workdir / 'gunicorn.log'})")


if __name__ == "__main__":
    main()
