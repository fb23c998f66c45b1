"""報道発表用集計 (press summary): the figures a mayor reads out, on one A4 page, dated to the minute.

Rendered by the same pipeline as the decision pack (WeasyPrint set-up, print stylesheet,
Noto Sans CJK JP font, SHA-256). The figures are the public ones
(``applications.statistics.public.public_results``): a press release is public, so small
cells are suppressed exactly as on the results page, with the cells that would give them back: the
totals, each role, the prefectures with the most applicants, the device and language of submission
and the optional survey. Its CSV twin is the statistics page's ``press.csv``
(``applications.statistics.views``).
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

from django.template.loader import render_to_string

from applications.statistics.aggregates import call_statistics
from applications.statistics.public import bilingual, public_results
from recruitment.models import CallPage
from recruitment.prefectures import NAME_BY_CODE

from .. import rendering
from ..models import ExportJob
from .common import header

TITLE = "報道発表用集計 Press summary"
#: How many prefectures the summary names (the open data lists all 47).
TOP_PREFECTURES = 5


def press_summary_html(*, call: CallPage, requested_by: Any, job_number: int | None, now: datetime) -> str:
    """The press summary of ``call`` at ``now`` as HTML for the renderer."""
    stats = call_statistics(call=call, now=now)
    results = public_results(stats)
    shown = [(p.people, p) for p in results.prefectures if isinstance(p.people, int) and p.people]
    top = [p for _n, p in sorted(shown, key=lambda pair: (-pair[0], pair[1].code))][:TOP_PREFECTURES]
    doc = {
        "header": header(call=call, title=TITLE, job_number=job_number, requested_by=requested_by, role=None, now=now),
        "results": results,
        "home_name": NAME_BY_CODE.get(results.home_prefecture, ""),
        "top_prefectures": top,
        "devices": results.devices,
        "languages": results.languages,
        "survey": [
            {"name": q.name, "title": bilingual(q.title), "rows": [(bilingual(r.label), r.answers) for r in q.rows]}
            for q in results.survey
        ],
    }
    return render_to_string("exports/press_summary.html", {"doc": doc, "stylesheet": rendering.stylesheet_uri()})


def render_press_summary(
    job: ExportJob, target: Path, progress: rendering.Progress, now: datetime
) -> tuple[int | None, int]:
    """One page of counts: no applicant's data, so 0 rows."""
    progress(10, "集計しています Counting")
    html = press_summary_html(call=job.call, requested_by=job.requested_by, job_number=job.pk, now=now)
    return rendering.render_pdf(html, target, progress=progress, estimated_pages=1), 0
