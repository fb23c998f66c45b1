"""The documents exports make, one module each, and what they share.

* ``decision_pack``: 選考結果報告書 (PDF); ``dossiers``: 候補者資料 (PDF, laid out in parts);
  ``candidacy_csv``: 候補一覧 (CSV); ``press_summary``: 報道発表用集計 (PDF, counts only);
* ``common``: the header, names, dates, ranked candidates; ``rubric``: the one rubric parse.

Each module builds its data as plain dataclasses that templates only lay out, and a
``render_*`` function that writes the file and answers (pages or None, how many applicants'
data it holds). Who sees names is decided in the data, once, and nowhere in the templates:

* decision pack: only roles whose shortlist the city approved list their candidates, with names
  when ``visibility.identity_visible`` allows them to the requester; every other role says it is pending;
* dossiers and CSV: ``visibility.identity_visible`` for the requester, the rule of the screening
  screens, so a contractor's export of a blind call shows codes where the screens do; the
  application's reference only beside a name (it is shared by the application's roles);
* every document leaves out the people the requester declared they know, and counts only the
  reviews that count (``visibility.counted_reviews``: not those voided by a conflict declaration).

Every string that came from an applicant stays a plain ``str`` and is escaped by the Django
template that prints it.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from ..models import ExportJob
from ..rendering import Progress
from . import candidacy_csv, decision_pack, dossiers, press_summary
from .common import call_reference

Kind = ExportJob.Kind

#: Each writes its document and answers (pages or None, how many applicants' data it holds).
Renderer = Callable[[ExportJob, Path, Progress, datetime], tuple[int | None, int]]


def renderer(kind: str) -> Renderer:
    """The function that writes a document of ``kind`` (looked up at each render, so a benchmark may wrap one)."""
    return {
        Kind.DECISION_PACK: decision_pack.render_decision_pack,
        Kind.DOSSIERS: dossiers.render_dossiers,
        Kind.CSV: candidacy_csv.render_csv,
        Kind.PRESS_SUMMARY: press_summary.render_press_summary,
    }[Kind(kind)]


#: The name of each document in the file the browser saves.
TITLES = {
    Kind.DECISION_PACK: decision_pack.TITLE,
    Kind.DOSSIERS: dossiers.TITLE,
    Kind.CSV: candidacy_csv.TITLE,
    Kind.PRESS_SUMMARY: "報道発表用集計",
}


def download_filename(job: ExportJob) -> str:
    """The name the browser saves: ``選考結果報告書_KOBE-0012_job17.pdf``."""
    return f"{TITLES[Kind(job.kind)]}_{call_reference(job.call)}_job{job.pk}.{job.extension}"
