"""What an anonymous visitor can cost the server through the wizard's portfolio step.

Run with ``python bench/wizard_abuse_bench.py`` (``make bench``). Self-contained: it migrates
a fresh SQLite database in a temporary folder (``KOBO_BENCH_DATABASE_URL`` points it at a
scratch database instead), makes one open call with one role, and walks the real wizard
through Django's test client up to the portfolio step. Then:

* disk: five POSTs of three files of almost 10 MB each (new files every time, as an
  attacker would send); reported: bytes left under the drafts folder of private storage,
  bytes the draft still refers to, and their ratio (1.0 = nothing orphaned);
* memory: each in a fresh child process (warmed up by one small PNG post), one POST of a
  large flat PNG: one of 39.7 megapixels (what the hardening report sent) and one just under
  ``MAX_IMAGE_PIXELS``. Reported: the child's peak resident memory growth (``VmHWM`` after
  minus before), the same as a ratio to the decoded RGBA pixel buffer (width × height × 4,
  the reference), the seconds as a ratio to the small-PNG post measured in the same child,
  and whether the file was accepted.

Results go to ``bench/results/wizard_abuse.json`` and are printed. ``--smoke`` (``make
bench-smoke``) makes one POST and only the refused 39.7-megapixel one, into ``var/bench-smoke/``.
"""

from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

import benchlib

ROOT = Path(__file__).resolve().parents[1]
SMOKE = benchlib.smoke()
NEAR_TEN_MB = 10 * 1024 * 1024 - 4096
BIG_PNG = (7720, 5142)  # 39.7 megapixels


def build_call() -> int:
    from django.core.management import call_command
    from django.utils import timezone

    from cms.content import ensure_site_content
    from tests.recruitment import factories as f

    call_command("migrate", verbosity=0)
    ensure_site_content()
    call = f.call()
    f.role(call, closes_at=timezone.now() + timedelta(days=5))
    return call.pk


def client_at_portfolio(call_id: int) -> Any:
    from django.test import Client

    from recruitment.models import CallPage
    from tests.applications.wizard_helpers import walk

    call = CallPage.objects.get(pk=call_id)
    client = Client()
    walk(client, call, [call.roles().first().pk], until="portfolio")
    return client, call


def big_pdf(seed: int) -> bytes:
    """A valid PDF of almost 10 MB: one page whose content stream is mostly a comment."""
    from tests.applications.raw_pdfs import pdf_drawing

    line = b"%%%% filler %d\n" % seed
    return pdf_drawing((line * (NEAR_TEN_MB // len(line) + 1))[: NEAR_TEN_MB - 600])


def flat_png(size: tuple[int, int]) -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGBA", size, (40, 120, 200, 255)).save(buffer, format="PNG")
    return buffer.getvalue()


def post_files(client: Any, call: Any, files: dict[str, tuple[str, bytes]]) -> Any:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.applications.wizard_helpers import post_step

    uploads = {key: SimpleUploadedFile(name, content) for key, (name, content) in files.items()}
    return post_step(client, call, "portfolio", {}, files=uploads)


def folder_bytes(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file()) if folder.exists() else 0


def measure_disk(workdir: Path, call_id: int) -> dict[str, Any]:
    from applications.models import Draft

    client, call = client_at_portfolio(call_id)
    statuses = []
    posts = 1 if SMOKE else 5
    for round_ in range(posts):
        files = {f"file_{i}": (f"works{i}.pdf", big_pdf(round_ * 10 + i)) for i in range(1, 4)}
        statuses.append(post_files(client, call, files).status_code)
    draft = Draft.objects.order_by("-pk").first()
    referenced = sum(e["size"] for e in (draft.data.get("step_files") or {}).get("portfolio", {}).values())
    kept = folder_bytes(workdir / "private" / "drafts")
    return {
        "posts": posts,
        "files_per_post": 3,
        "file_bytes": NEAR_TEN_MB,
        "statuses": statuses,
        "kept_mb": round(kept / 1e6, 1),
        "referenced_mb": round(referenced / 1e6, 1),
        "kept_over_referenced": round(kept / referenced, 2) if referenced else None,
    }


def vm_hwm_kb() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return 0


def child_memory(call_id: int, width: int, height: int) -> dict[str, Any]:
    # Made by the parent: making it here would raise this process's peak before the measurement.
    content = (Path(os.environ["KOBO_BENCH_WORKDIR"]) / f"{width}x{height}.png").read_bytes()
    client, call = client_at_portfolio(call_id)
    start = time.perf_counter()
    post_files(client, call, {"file_1": ("warm.png", flat_png((400, 300)))})
    small_seconds = time.perf_counter() - start
    before = vm_hwm_kb()
    start = time.perf_counter()
    response = post_files(client, call, {"file_1": ("big.png", content)})
    seconds = time.perf_counter() - start
    growth_mb = (vm_hwm_kb() - before) / 1024
    html = response.content.decode() if response.status_code == 200 else ""
    pixels = width * height
    return {
        "megapixels": round(pixels / 1e6, 1),
        "png_bytes": len(content),
        "status": response.status_code,
        "accepted": response.status_code == 302,
        "refused_for_pixels": "画素数が多すぎます" in html,
        "peak_rss_growth_mb": round(growth_mb, 1),
        "growth_over_rgba_buffer": round(growth_mb * 1024 * 1024 / (pixels * 4), 2),
        "seconds_over_small_post": round(seconds / small_seconds, 1),
    }


def main() -> None:
    if len(sys.argv) == 5 and sys.argv[1] == "--child":
        benchlib.setup_test_django(Path(os.environ["KOBO_BENCH_WORKDIR"]))
        print(json.dumps(child_memory(int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]))))
        return
    workdir = Path(tempfile.mkdtemp(prefix="kobo-wizard-bench-"))
    try:
        benchlib.setup_test_django(workdir)
        from applications.intake.uploads import MAX_IMAGE_PIXELS

        call_id = build_call()
        disk = measure_disk(workdir, call_id)
        near_cap = (5000, (MAX_IMAGE_PIXELS - 1000) // 5000)
        memory = []
        for width, height in (BIG_PNG,) if SMOKE else (BIG_PNG, near_cap):
            (workdir / f"{width}x{height}.png").write_bytes(flat_png((width, height)))
            out = subprocess.run(
                [sys.executable, __file__, "--child", str(call_id), str(width), str(height)],
                env={**os.environ, "KOBO_BENCH_WORKDIR": str(workdir)},
                capture_output=True,
                text=True,
            )
            if out.returncode:
                raise RuntimeError(out.stderr[-3000:])
            memory.append(json.loads(out.stdout.strip().splitlines()[-1]))
        benchlib.write_results(
            "wizard_abuse", {"max_image_pixels": MAX_IMAGE_PIXELS, "disk": disk, "big_png_post": memory}
        )
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
