"""候補者資料 (dossiers): one dossier per shortlisted candidate, by role and rank.

Names, contact details and the attachments' names only when ``visibility.identity_visible``
allows them to the requester (the rule of the screening screens); otherwise the code.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from django.template.loader import render_to_string

from applications.intake.selectors import answer_sections
from applications.models import Candidacy
from applications.screening import visibility
from recruitment.models import CallPage, RolePage

from .. import rendering
from ..models import ExportJob
from .common import Candidate, Header, candidate, header, jst, ranked, roles_of, scores_visible, shortlisted
from .rubric import Criterion, criteria_of, criteria_with_reviews

TITLE = "候補者資料"
#: Candidates laid out together in one part of the dossiers (see :func:`render_dossiers`): about 30 pages.
DOSSIERS_PER_PART = 15


@dataclass
class AnswerSection:
    title: str
    rows: list[tuple[str, str]]


@dataclass
class Dossier:
    candidate: Candidate
    role_title: str
    identity: list[tuple[str, str]]
    submitted_at: str
    preference: int
    answers: list[AnswerSection]
    links: list[str]
    attachments: list[dict[str, str]]
    criteria: list[Criterion]


@dataclass
class Dossiers:
    header: Header
    dossiers: list[Dossier] = field(default_factory=list)


def _answers(answers: dict[str, Any], identity_visible: bool) -> list[AnswerSection]:
    return [
        AnswerSection(title=title, rows=rows)
        for title, rows in answer_sections(answers, identity_visible=identity_visible)
    ]


def _identity(candidacy: Candidacy, visible: bool) -> list[tuple[str, str]]:
    applicant = candidacy.application.applicant
    if not visible:
        return [("候補コード Code", candidacy.applicant_code), ("都道府県 Prefecture", applicant.prefecture)]
    return [
        ("氏名 Name", f"{applicant.family_name} {applicant.given_name}"),
        ("フリガナ Reading", applicant.reading_marked),
        ("メール Email", applicant.email),
        ("電話 Phone", applicant.phone),
        ("住所 Address", f"〒{applicant.postal_code} {applicant.prefecture}{applicant.city}"),
    ]


def _attachments(candidacy: Candidacy, visible: bool) -> list[dict[str, str]]:
    items = []
    for n, attachment in enumerate(candidacy.application.attachments.all(), start=1):
        items.append(
            {
                "name": attachment.original_name if visible else f"添付ファイル {n}",
                "kind": attachment.content_type,
                "size": f"{attachment.size / 1024:,.0f} KB",
                "sha256": attachment.sha256[:16],
            }
        )
    return items


def dossiers_context(
    *,
    call: CallPage,
    requested_by: Any,
    role: RolePage | None = None,
    job_number: int | None = None,
    now: datetime | None = None,
) -> Dossiers:
    """候補者資料: one dossier per shortlisted candidate, by role and rank."""
    roles = roles_of(call, role)
    by_role: dict[int, list[Candidacy]] = defaultdict(list)
    for candidacy in shortlisted(call, role, requested_by).prefetch_related("application__attachments"):
        by_role[candidacy.role_id].append(candidacy)
    result = Dossiers(
        header=header(call=call, title=TITLE, job_number=job_number, requested_by=requested_by, role=role, now=now)
    )
    for r in roles:
        candidacies = ranked(by_role.get(r.pk, []))
        reviews = [review for c in candidacies for review in c.reviews.all()]
        criteria = criteria_with_reviews(criteria_of(r), reviews)
        for rank, candidacy in enumerate(candidacies, start=1):
            visible = visibility.identity_visible(requested_by, call, candidacy)
            application = candidacy.application
            result.dossiers.append(
                Dossier(
                    candidate=candidate(
                        rank, candidacy, criteria, visible, scores_visible(requested_by, call, candidacy)
                    ),
                    role_title=r.title,
                    identity=_identity(candidacy, visible),
                    submitted_at=jst(application.submitted_at),
                    preference=candidacy.rank,
                    answers=_answers(application.answers, visible),
                    links=[str(link) for link in application.answers.get("portfolio_links") or []],
                    attachments=_attachments(candidacy, visible),
                    criteria=criteria,
                )
            )
    return result


@dataclass(frozen=True)
class _Part:
    """One part of the dossiers as laid out by WeasyPrint (see :func:`render_dossiers`)."""

    dossiers: list[Any]
    first: bool
    numbered: bool


def render_dossiers(
    job: ExportJob, target: Path, progress: rendering.Progress, now: datetime
) -> tuple[int | None, int]:
    """候補者資料, laid out ``DOSSIERS_PER_PART`` candidates at a time and joined with pypdf.

    WeasyPrint keeps every laid-out page of a document in memory (about 1 MB a page) until
    the PDF is written: the 120 dossiers of the Kobe call in one document peaked at 520 MB
    in a worker (bench/exports_bench.py). Laid out in parts, the peak is that of one part.
    The parts cannot know the total, so the joined document gets its "page n / N" from a
    stamp of page numbers laid over it. A document of one part is rendered as before (PDF/UA).
    """
    progress(5, "データを集めています Collecting the data")
    doc = dossiers_context(call=job.call, requested_by=job.requested_by, role=job.role, job_number=job.pk, now=now)
    progress(20, "文書を組み立てています Building the document")
    stylesheet = rendering.stylesheet_uri()
    chunks = [doc.dossiers[i : i + DOSSIERS_PER_PART] for i in range(0, len(doc.dossiers), DOSSIERS_PER_PART)]
    if len(chunks) <= 1:
        html = render_to_string(
            "exports/dossiers.html",
            {"doc": doc, "part": _Part(doc.dossiers, first=True, numbered=True), "stylesheet": stylesheet},
        )
        pages = rendering.render_pdf(html, target, progress=progress, estimated_pages=2 + 2 * len(doc.dossiers))
        return pages, len(doc.dossiers)
    parts: list[Path] = []
    try:
        done = 0
        for index, dossiers in enumerate(chunks):
            progress(
                20 + int(70 * done / len(doc.dossiers)),
                f"レイアウト中(候補者 {done + 1}〜{done + len(dossiers)} / {len(doc.dossiers)})"
                f" Laying out candidates {done + 1}-{done + len(dossiers)} of {len(doc.dossiers)}",
            )
            part = target.with_name(f"{target.name}.part{index}.pdf")
            parts.append(part)
            html = render_to_string(
                "exports/dossiers.html",
                {"doc": doc, "part": _Part(dossiers, first=index == 0, numbered=False), "stylesheet": stylesheet},
            )
            # No structure tree (it would not survive the join); every layout step renews the lease.
            rendering.render_pdf(html, part, progress=progress, estimated_pages=None, options={})
            done += len(dossiers)
        progress(90, "ページ番号を付けています Numbering the pages")
        return join_parts(parts, target, progress), len(doc.dossiers)
    finally:
        for part in parts:
            part.unlink(missing_ok=True)


def join_parts(parts: list[Path], target: Path, progress: rendering.Progress | None = None) -> int:
    """Join the PDF ``parts`` into ``target``, stamp "page n / N" on every page; return N.

    pypdf copies the pages, not the parts' structure trees: the joined document keeps its
    text, fonts, title and language but is not a tagged PDF/UA document.
    """
    from pypdf import PdfReader, PdfWriter
    from pypdf.generic import NameObject, TextStringObject

    writer = PdfWriter()
    beat = progress.beat if progress is not None else (lambda: None)
    for part in parts:
        writer.append(str(part))
        beat()
    total = len(writer.pages)
    stamps = target.with_name(f"{target.name}.numbers.pdf")
    try:
        html = render_to_string(
            "exports/page_numbers.html", {"pages": range(total), "stylesheet": rendering.stylesheet_uri()}
        )
        rendering.render_pdf(html, stamps, progress=progress, estimated_pages=None, options={})
        for page, stamp in zip(writer.pages, PdfReader(str(stamps)).pages, strict=True):
            page.merge_page(stamp)
            beat()
        metadata = PdfReader(str(parts[0])).metadata or {}
        writer.add_metadata(
            {
                key: value
                for key, value in metadata.items()
                if key in {"/Title", "/Author", "/Subject", "/Creator", "/Producer"}
            }
        )
        writer.root_object[NameObject("/Lang")] = TextStringObject("ja")
        writer.create_viewer_preferences().display_doctitle = True
        with target.open("wb") as handle:
            writer.write(handle)
    finally:
        stamps.unlink(missing_ok=True)
    return total
