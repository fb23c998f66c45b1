"""CPU time and queries of each wizard step, in-process, with the production settings (a profiling aid).

Not a benchmark of its own (``make bench`` does not run it): the surge benchmark measures the
same steps through gunicorn (``bench/gunicorn_request_cpu.py``) under load; this walks the
wizard sequentially through Django's test client, so that a change to a step's cost shows
without the noise of a loaded machine, and ``--profile`` says where the time goes::

    python bench/wizard_steps_cpu.py                 # CPU ms and queries per step, GET and POST
    python bench/wizard_steps_cpu.py --profile get   # plus cProfile of the step pages (process time)
    python bench/wizard_steps_cpu.py --roles 40      # the call with 40 more open roles

Needs PostgreSQL (``DATABASE_URL``; a scratch database ``<name>_bench_wizard_steps`` is made and
dropped, or ``KOBO_BENCH_DATABASE_URL`` names one to keep) and Redis (``CELERY_BROKER_URL``, the
cache of the rate limits), as the surge benchmark does. Each walk is a new visitor (its own
session and address) applying to one role with the test suite's good answers and a 1 MB PDF.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(1, str(Path(__file__).resolve().parents[1]))
import benchlib

#: ``--bare-layout``: the blocks of base.html and nothing else (no site settings, header, footer).
BARE_LAYOUT = (
    "<!DOCTYPE html><html><head><title>{% block title %}{% endblock %}</title>{% block extra_head %}{% endblock %}"
    "</head><body><main>{% block content %}{% endblock %}</main></body></html>"
)
STEPS = ["roles", "check", "about", "verify", "experience", "portfolio", "sidework", "consent", "review"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--walks", type=int, default=30, help="visitors measured (after 3 to warm up)")
    parser.add_argument("--roles", type=int, default=0, help="extra open roles added to the call")
    parser.add_argument("--profile", choices=["get", "post", "all"], help="cProfile these requests")
    parser.add_argument("--queries", action="store_true", help="print the SQL of one walk's requests")
    parser.add_argument(
        "--bare-layout", action="store_true", help="a minimal base.html (blocks only): what the shared layout costs"
    )
    parser.add_argument("--html", metavar="FOLDER", help="write one walk's pages there (to compare before and after)")
    parser.add_argument("--top", type=int, default=40, help="lines of the profile")
    args = parser.parse_args()
    url, drop = benchlib.scratch_database("wizard_steps")
    redis = os.environ.get("KOBO_BENCH_REDIS_URL") or os.environ.get("CELERY_BROKER_URL", "")
    if not url or not redis.startswith("redis://"):
        sys.exit("bench/wizard_steps_cpu.py needs PostgreSQL (DATABASE_URL) and Redis (CELERY_BROKER_URL).")
    workdir = Path(tempfile.mkdtemp(prefix="kobo-wizard-steps-"))
    os.environ.update(
        {
            **benchlib.production_env(workdir, database_url=url, redis=redis, host="testserver"),
            "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
            "LOG_LEVEL": "ERROR",
        }
    )
    os.chdir(benchlib.ROOT)
    try:
        run(args)
    finally:
        drop()


def run(args: argparse.Namespace) -> None:
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.utils import timezone
    from surge_bench import ANSWERS, CSRF, portfolio_pdf

    from recruitment.demo import ensure_kobe_demo
    from recruitment.models import RolePage
    from tests.applications.wizard_helpers import emailed_code

    settings.CELERY_TASK_ALWAYS_EAGER = False  # the outbox task is queued, not run here
    if args.bare_layout:
        bare = Path(tempfile.mkdtemp(prefix="kobo-bare-layout-"))
        (bare / "base.html").write_text(BARE_LAYOUT, encoding="utf-8")
        from django.template import engines

        engines["django"].engine.dirs = [str(bare), *engines["django"].engine.dirs]
        engines["django"].engine.template_loaders[0].reset()
    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    call_command("load_site_content", stdout=open(os.devnull, "w"))  # noqa: SIM115
    call = ensure_kobe_demo(now=timezone.now())
    roles = list(call.roles().order_by("path"))
    role = next(r for r in roles if r.state().accepts_applications)
    RolePage.objects.filter(pk=role.pk).update(closes_at=timezone.now() + timedelta(days=1))
    if args.roles:
        add_roles(call, role, args.roles)
    pdf = portfolio_pdf(1024 * 1024)

    queries = [0]
    shown: list[str] = []

    def count(execute, sql, params, many, context):
        queries[0] += 1
        if args.queries:
            shown.append(sql[:300])
        return execute(sql, params, many, context)

    cpu: dict[str, list[float]] = defaultdict(list)
    counts: dict[str, list[int]] = defaultdict(list)
    profiler = cProfile.Profile(time.process_time)

    def timed(name: str, method: str, send):
        measuring = number >= 3
        profiling = measuring and args.profile in (method.lower(), "all")
        queries[0] = 0
        started = time.process_time()
        if profiling:
            profiler.enable()
        response = send()
        if profiling:
            profiler.disable()
        if measuring:
            cpu[f"{method} {name}"].append(time.process_time() - started)
            counts[f"{method} {name}"].append(queries[0])
        if args.queries and number == 3:
            print(f"--- {method} {name}: {queries[0]} queries", *shown, sep="\n  ")
        shown.clear()
        return response

    base = f"/apply/{call.pk}"
    client = Client(HTTP_X_FORWARDED_PROTO="https")
    with connection.execute_wrapper(count):
        for number in range(args.walks + 3):
            address = f"10.9.{number // 256}.{number % 256}"
            # One handler for every visitor (a new Client would load the middleware again, as a new
            # gunicorn worker would); each visitor has its own cookies and address.
            client.cookies.clear()
            client.defaults.update(HTTP_X_FORWARDED_FOR=address)
            email = f"steps-{number:05d}@bench.example.jp"
            page = timed("roles", "GET", lambda: client.get(f"{base}/roles/", {"role": role.pk}, secure=True))
            expect(page, 200, "GET roles")
            for step in STEPS:
                token = CSRF.search(page.content.decode()).group(1)
                if args.html and number == 0:
                    keep_page(args.html, f"{step}-get", page)
                    if step != "review":  # the step sent empty: its error messages
                        empty = {"csrfmiddlewaretoken": token, f"apply-{call.pk}-current_step": step}
                        # A refused step redirects to itself (Post/Redirect/Get): keep the page it shows.
                        refused = client.post(f"{base}/{step}/", empty, secure=True, follow=True)
                        keep_page(args.html, f"{step}-errors", refused)
                fields = {"roles": str(role.pk)} if step == "roles" else dict(ANSWERS[step])
                if step == "about":
                    fields.update(email=email, email_confirm=email)
                if step == "verify":
                    fields = {"code": emailed_code(email)}  # as the applicant reads it in the mail
                data = {
                    "csrfmiddlewaretoken": token,
                    f"apply-{call.pk}-current_step": step,
                    **{f"{step}-{k}": v for k, v in fields.items()},
                }
                if step == "portfolio":
                    upload = io.BytesIO(pdf)
                    upload.name = "portfolio.pdf"
                    data["portfolio-file_1"] = upload
                response = timed(step, "POST", lambda: client.post(f"{base}/{step}/", data, secure=True))  # noqa: B023
                expect(response, 302, f"POST {step}")
                location = response["Location"]
                name = "receipt" if step == "review" else location.rstrip("/").rsplit("/", 1)[-1]
                page = timed(name, "GET", lambda: client.get(location, secure=True))  # noqa: B023
                expect(page, 200, f"GET {name}")

    print(f"{args.walks} walks, {len(roles) + args.roles} roles in the call; median CPU ms (process time) and queries:")
    total_get = total_post = 0.0
    for name in [f"{m} {s}" for s in [*STEPS, "receipt"] for m in ("GET", "POST")]:
        if name not in cpu:
            continue
        ms = statistics.median(cpu[name]) * 1000
        total_get += ms if name.startswith("GET") else 0
        total_post += ms if name.startswith("POST") else 0
        print(f"  {name:<16} {ms:7.1f} ms  {statistics.median(counts[name]):4.0f} queries")
    print(f"  pages (GET) {total_get:.0f} ms + answers (POST) {total_post:.0f} ms = {total_get + total_post:.0f} ms")
    if args.profile:
        out = io.StringIO()
        stats = pstats.Stats(profiler, stream=out).strip_dirs().sort_stats("cumulative")
        stats.print_stats(args.top)
        if os.environ.get("KOBO_PROFILE_DUMP"):
            stats.dump_stats(os.environ["KOBO_PROFILE_DUMP"])
        print(out.getvalue())
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).strip_dirs().sort_stats("tottime").print_stats(args.top)
        print(out.getvalue())


def expect(response, status: int, what: str) -> None:
    if response.status_code != status:
        sys.exit(f"{what}: HTTP {response.status_code}, expected {status}")


def keep_page(folder: str, name: str, response) -> None:
    """The page's HTML without what differs between runs (the CSRF token, the visitor's address and email)."""
    import re

    html = response.content.decode()
    html = re.sub(r'(name="csrfmiddlewaretoken" value=")[^"]+', r"\1…", html)
    html = re.sub(r"steps-\d+@", "steps@", html)
    Path(folder).mkdir(parents=True, exist_ok=True)
    (Path(folder) / f"{name}.html").write_text(html, encoding="utf-8")


def add_roles(call, template, extra: int) -> None:
    """``extra`` more open roles under the call, copies of ``template`` (for query counts against roles)."""
    from django.utils import timezone

    for n in range(extra):
        copy = template.copy(
            to=call,
            update_attrs={"title": f"{template.title} {n + 2}", "slug": f"{template.slug}-{n + 2}"},
            keep_live=True,
        )
        type(copy).objects.filter(pk=copy.pk).update(closes_at=timezone.now() + timedelta(days=1))


if __name__ == "__main__":
    main()
