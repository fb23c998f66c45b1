"""選考結果報告書 (decision pack): cover counts, each approved role's ranked shortlist with its reviews and its
interview stage (``decision_pack_interviews``), the roles still pending, the shortlist history, the timeline
and the rubric.

Only roles whose shortlist the city approved list their candidates (with names when
``visibility.identity_visible`` allows them to the requester); every other role says it is pending.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from django.db.models import Count, Q
from django.template.loader import render_to_string

from applications.models import AuditEntry, Candidacy, Shortlist
from applications.screening import visibility
from applications.screening.rules import PASSED
from recruitment.formatting import format_japan_date
from recruitment.models import CallPage, RolePage

from .. import rendering
from ..models import ExportJob
from .common import (
    DASH,
    Candidate,
    Header,
    S,
    candidate,
    header,
    jst,
    person_name,
    ranked,
    roles_of,
    scores_visible,
    shortlisted,
)
from .decision_pack_interviews import InterviewStage, interview_stage
from .rubric import Criterion, criteria_of, criteria_with_reviews

TITLE = "選考結果報告書"


@dataclass
class RoleCount:
    title: str
    headcount: int
    applications: int
    withdrawn: int
    reviewed: int
    shortlisted: int


@dataclass
class ShortlistEvent:
    """One step of a role's shortlist: submitted, approved, returned or reopened, by whom, when and why."""

    event: str
    by: str
    at: str
    comment: str


#: The shortlist steps the decision pack lists, from the screening audit log, and how it names them.
SHORTLIST_EVENTS = {
    "kobo.shortlist.submit": "提出 Submitted",
    "kobo.shortlist.approve": "承認 Approved",
    "kobo.shortlist.return": "差し戻し Returned",
    "kobo.shortlist.reopen": "再開 Reopened",
}


@dataclass
class Approval:
    status: str
    approved: bool
    submitted_by: str
    submitted_at: str
    decided_by: str
    decided_at: str
    comment: str
    #: Every submission, approval, return and reopening, oldest first (the audit log keeps them all).
    history: list[ShortlistEvent] = field(default_factory=list)


@dataclass
class RoleSection:
    title: str
    category: str
    headcount: int
    closes_at: str
    criteria: list[Criterion]
    candidates: list[Candidate]
    approval: Approval | None = None
    #: The interview stage (panel, dates, scorecards, consensus, decision and reason): ``decision_pack_interviews``.
    interviews: InterviewStage | None = None

    @property
    def pending(self) -> bool:
        """The role's shortlist is not approved (yet): the pack lists none of its candidates."""
        return self.approval is not None and not self.approval.approved


@dataclass
class TimelineStep:
    label: str
    dates: str


@dataclass
class DecisionPack:
    header: Header
    period: str
    names_shown: bool
    counts: list[RoleCount]
    totals: RoleCount
    roles: list[RoleSection]
    timeline: list[TimelineStep]
    rubrics: list[RoleSection]

    @property
    def shortlisted_count(self) -> int:
        return sum(len(role.candidates) for role in self.roles)

    @property
    def pending_roles(self) -> list[RoleSection]:
        return [role for role in self.roles if role.pending]


def _period(call: CallPage, roles: list[RolePage]) -> str:
    starts = [r.opens_at for r in roles if r.opens_at]
    if not starts and call.first_published_at:
        starts = [call.first_published_at]
    ends = [r.closes_at for r in roles if r.closes_at]
    if not starts and not ends:
        return DASH
    start = jst(min(starts)) if starts else DASH
    end = jst(max(ends)) if ends else DASH
    return f"{start} 〜 {end}"


def _shortlist_history(call: CallPage, roles: list[RolePage]) -> dict[int, list[ShortlistEvent]]:
    """Each role's shortlist steps, oldest first, from the screening audit log (where the services record them)."""
    ids = {role.pk for role in roles}
    history: dict[int, list[ShortlistEvent]] = defaultdict(list)
    entries = (
        AuditEntry.objects.filter(action__in=SHORTLIST_EVENTS, call=call)
        .select_related("user")
        .order_by("timestamp", "pk")
    )
    for entry in entries:
        role_id = entry.data.get("role_id")
        if role_id in ids:
            history[role_id].append(
                ShortlistEvent(
                    event=SHORTLIST_EVENTS[entry.action],
                    by=person_name(entry.user) if entry.user_id else DASH,
                    at=jst(entry.timestamp),
                    comment=entry.data.get("reason") or entry.data.get("comment") or "",
                )
            )
    return history


def _approvals(call: CallPage, roles: list[RolePage]) -> dict[int, Approval]:
    """Each role's shortlist approval (a role nobody shortlisted yet is "being prepared") and its history."""
    shortlists = {
        s.role_id: s for s in Shortlist.objects.filter(role__in=roles).select_related("submitted_by", "decided_by")
    }
    history = _shortlist_history(call, roles)
    result = {}
    for role in roles:
        shortlist = shortlists.get(role.pk)
        if shortlist is None:
            result[role.pk] = Approval(str(Shortlist.Status.DRAFT.label), False, DASH, DASH, DASH, DASH, "")
            continue
        result[role.pk] = Approval(
            status=str(Shortlist.Status(shortlist.status).label),
            approved=shortlist.status == Shortlist.Status.APPROVED,
            submitted_by=person_name(shortlist.submitted_by) if shortlist.submitted_by_id else DASH,
            submitted_at=jst(shortlist.submitted_at),
            decided_by=person_name(shortlist.decided_by) if shortlist.decided_by_id else DASH,
            decided_at=jst(shortlist.decided_at),
            comment=shortlist.comment,
            history=history.get(role.pk, []),
        )
    return result


def _timeline(call: CallPage) -> list[TimelineStep]:
    steps = []
    for block in call.timeline:
        value = block.value
        starts, ends = value.get("starts_on"), value.get("ends_on")
        dates = format_japan_date(starts, "ja") if starts else DASH
        if ends and ends != starts:
            dates = f"{dates} 〜 {format_japan_date(ends, 'ja')}"
        steps.append(TimelineStep(label=value.get("label") or "", dates=dates))
    return steps


def _counts(call: CallPage, roles: list[RolePage]) -> tuple[list[RoleCount], RoleCount]:
    live = ~Q(status=S.WITHDRAWN)
    rows = {
        row["role"]: row
        for row in Candidacy.objects.filter(application__call=call, role__in=roles)
        .order_by()
        .values("role")
        .annotate(
            applications=Count("pk", filter=live),
            withdrawn=Count("pk", filter=Q(status=S.WITHDRAWN)),
            reviewed=Count("pk", filter=live & Q(review_count__gt=0)),
            shortlisted=Count("pk", filter=Q(status__in=PASSED)),
        )
    }
    counts = []
    for role in roles:
        row = rows.get(role.pk, {})
        counts.append(
            RoleCount(
                title=role.title,
                headcount=role.headcount,
                applications=row.get("applications", 0),
                withdrawn=row.get("withdrawn", 0),
                reviewed=row.get("reviewed", 0),
                shortlisted=row.get("shortlisted", 0),
            )
        )
    totals = RoleCount(
        title="合計 Total",
        headcount=sum(c.headcount for c in counts),
        applications=sum(c.applications for c in counts),
        withdrawn=sum(c.withdrawn for c in counts),
        reviewed=sum(c.reviewed for c in counts),
        shortlisted=sum(c.shortlisted for c in counts),
    )
    return counts, totals


def _role_section(
    role: RolePage, criteria: list[Criterion], candidates: list[Candidate], approval: Approval | None = None
) -> RoleSection:
    return RoleSection(
        approval=approval,
        title=role.title,
        category=role.category.name if role.category_id else "",
        headcount=role.headcount,
        closes_at=jst(role.closes_at),
        criteria=criteria,
        candidates=candidates,
    )


def decision_pack_context(
    *,
    call: CallPage,
    requested_by: Any,
    role: RolePage | None = None,
    job_number: int | None = None,
    now: datetime | None = None,
) -> DecisionPack:
    """選考結果報告書: cover counts, each approved role's ranked shortlist with reviews, the pending roles, rubric."""
    roles = roles_of(call, role)
    approvals = _approvals(call, roles)
    by_role: dict[int, list[Candidacy]] = defaultdict(list)
    for candidacy in shortlisted(call, role, requested_by):
        by_role[candidacy.role_id].append(candidacy)

    sections = []
    for r in roles:
        approval = approvals[r.pk]
        candidacies = ranked(by_role.get(r.pk, [])) if approval.approved else []
        reviews = [review for c in candidacies for review in c.reviews.all()]
        criteria = criteria_with_reviews(criteria_of(r), reviews)
        candidates = [
            candidate(
                rank,
                c,
                criteria,
                visibility.identity_visible(requested_by, call, c),
                scores_visible(requested_by, call, c),
            )
            for rank, c in enumerate(candidacies, start=1)
        ]
        section = _role_section(r, criteria, candidates, approval)
        if approval.approved:
            section.interviews = interview_stage(call=call, role=r, requested_by=requested_by)
        sections.append(section)
    counts, totals = _counts(call, roles)
    return DecisionPack(
        header=header(call=call, title=TITLE, job_number=job_number, requested_by=requested_by, role=role, now=now),
        period=_period(call, roles),
        names_shown=any(c.name_shown for section in sections for c in section.candidates),
        counts=counts,
        totals=totals,
        roles=sections,
        timeline=_timeline(call),
        rubrics=[_role_section(r, criteria_of(r), []) for r in roles],
    )


def render_decision_pack(
    job: ExportJob, target: Path, progress: rendering.Progress, now: datetime
) -> tuple[int | None, int]:
    """Write the job's decision pack (PDF/UA) to ``target``; return (pages, candidates listed)."""
    progress(5, "データを集めています Collecting the data")
    doc = decision_pack_context(call=job.call, requested_by=job.requested_by, role=job.role, job_number=job.pk, now=now)
    progress(20, "文書を組み立てています Building the document")
    html = render_to_string("exports/decision_pack.html", {"doc": doc, "stylesheet": rendering.stylesheet_uri()})
    estimated = 3 + len(doc.roles) + doc.shortlisted_count // 3
    return rendering.render_pdf(html, target, progress=progress, estimated_pages=estimated), doc.shortlisted_count
