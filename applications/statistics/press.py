"""The press summary: the figures a mayor reads out, on one A4 page (PDF) and as CSV, dated to the minute.

The PDF is an export job of kind ``press_summary`` rendered by the exports pipeline
(``exports.services``: the same WeasyPrint set-up, print stylesheet, Noto Sans CJK JP font
and SHA-256 as the decision pack); this module only builds its HTML. The figures are the
public ones (``public.public_results``): a press release is public, so small cells are
suppressed exactly as on the results page.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.template.loader import render_to_string

from applications.statistics.aggregates import call_statistics
from applications.statistics.public import public_results
from recruitment.models import CallPage
from recruitment.prefectures import NAME_BY_CODE

TITLE = "報道発表用集計 Press summary"
#: How many prefectures the summary names (the open data lists all 47).
TOP_PREFECTURES = 5


def press_summary_html(*, call: CallPage, requested_by: Any, job_number: int | None, now: datetime) -> str:
    """The press summary of ``call`` at ``now`` as HTML for the exports renderer."""
    from exports import context as doc_context
    from exports.services import stylesheet_uri

    stats = call_statistics(call=call, now=now)
    results = public_results(stats)
    top = sorted((p for p in results.prefectures if p.people), key=lambda p: (-p.people, p.code))[:TOP_PREFECTURES]
    doc = {
        "header": doc_context.header(
            call=call, title=TITLE, job_number=job_number, requested_by=requested_by, role=None, now=now
        ),
        "results": results,
        "home_name": NAME_BY_CODE.get(results.home_prefecture, ""),
        "top_prefectures": top,
    }
    return render_to_string("applications/statistics/press_summary.html", {"doc": doc, "stylesheet": stylesheet_uri()})
