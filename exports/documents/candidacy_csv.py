"""候補一覧 (CSV): every candidacy of the call (or role, or the chosen ones) with its scores.

Names and the application's reference only where ``visibility.identity_visible`` allows them
(the reference only beside a name: it is shared by the application's roles); scores only
where the screening list shows them. UTF-8 with a BOM, CRLF, formulas neutralised.
"""

from __future__ import annotations

import csv
import unicodedata
from collections.abc import Iterable
from datetime import datetime
from pathlib import Path
from typing import Any

from applications.screening import visibility
from applications.screening.selectors import candidacy_list
from recruitment.models import CallPage, RolePage

from .. import rendering
from ..models import ExportJob
from .common import DASH, S, counted_reviews, criterion_means, jst, roles_of, rounded
from .rubric import criteria_of, criteria_with_reviews

TITLE = "候補一覧"
#: Characters that make a spreadsheet read a cell as a formula (OWASP "CSV injection").
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")

CSV_HEADER = [
    "受付番号 Reference",
    "候補コード Code",
    "氏名 Name",
    "フリガナ Reading",
    "都道府県 Prefecture",
    "業務 Role",
    "希望順位 Preference",
    "状況 Status",
    "総合点 Score",
    "審査数 Reviews",
    "意見の相違 Disagreement",
    "評価内訳 Criteria (mean)",
    "応募日時 Submitted (JST)",
]


def csv_rows(
    *, call: CallPage, requested_by: Any, role: RolePage | None = None, candidacy_ids: list[int] | None = None
) -> list[list[str]]:
    """Every candidacy of the call (or role, or the chosen ones) with scores, as text (formulas not yet neutralised)."""
    roles = roles_of(call, role)
    order = {r.pk: i for i, r in enumerate(roles)}
    base = {r.pk: criteria_of(r) for r in roles}
    filters = {"role": role.pk if role else None, "ids": candidacy_ids, "with_withdrawn": True}
    qs = (
        candidacy_list(fetched_by=requested_by, call=call, filters=filters)
        .filter(role__in=roles)
        .select_related("application__applicant", "role")
        .prefetch_related(counted_reviews())
    )
    rows = []
    key = lambda c: (order[c.role_id], c.visible_score is None, -(c.visible_score or 0), c.pk)  # noqa: E731
    for candidacy in sorted(qs, key=key):
        visible = visibility.identity_visible(requested_by, call, candidacy)
        applicant = candidacy.application.applicant
        reviews = list(candidacy.reviews.all())
        shown = candidacy.visible_score is not None or visibility.others_reviews_visible(
            requested_by, call, reviewed_by_me=candidacy.reviewed_by_me
        )
        criteria = criteria_with_reviews(base[candidacy.role_id], reviews)
        means = criterion_means(reviews, criteria) if shown else []
        rows.append(
            [
                candidacy.application.reference if visible else "",
                candidacy.applicant_code,
                f"{applicant.family_name} {applicant.given_name}" if visible else "",
                applicant.reading_marked if visible else "",
                applicant.prefecture,
                candidacy.role.title,
                str(candidacy.rank),
                str(S(candidacy.status).label),
                rounded(candidacy.visible_score) if candidacy.visible_score is not None else "",
                str(len(reviews)),
                "あり" if candidacy.visible_disagreement else "",
                "; ".join(f"{c.name}={m}" for c, m in zip(criteria, means, strict=False) if m != DASH),
                jst(candidacy.application.submitted_at),
            ]
        )
    return rows


def neutralise(cell: str) -> str:
    """A cell a spreadsheet will show as text: one starting with = + - @ (or tab, CR) gets a leading '.

    The first character is compared after NFKC folding, so the full-width ＝＋－＠ (and the small
    ﹦﹢﹣﹫) that a Japanese spreadsheet also reads as a formula are caught too.
    """
    return f"'{cell}" if unicodedata.normalize("NFKC", cell[:1]).startswith(FORMULA_PREFIXES) else cell


def write_csv(rows: Iterable[list[str]], target: Path, header: list[str]) -> None:
    """UTF-8 with a BOM (Excel in Japan reads it as UTF-8), CRLF line ends, formulas neutralised."""
    with target.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        for row in rows:
            writer.writerow([neutralise(str(cell)) for cell in row])


def render_csv(job: ExportJob, target: Path, progress: rendering.Progress, now: datetime) -> tuple[int | None, int]:
    """Write the job's candidacy list to ``target``; return (None: no pages, rows written)."""
    progress(10, "データを集めています Collecting the data")
    rows = csv_rows(call=job.call, requested_by=job.requested_by, role=job.role, candidacy_ids=job.candidacy_ids)
    progress(80, f"CSVを書き出しています({len(rows)}件) Writing {len(rows)} rows")
    write_csv(rows, target, CSV_HEADER)
    return None, len(rows)
