"""The data of each document, apart from its layout: plain dataclasses that templates only lay out.

Who sees names is decided here, once, and nowhere in the templates:

* decision pack: only roles whose shortlist the city approved list their candidates, with names
  when ``visibility.identity_visible`` allows them to the requester; every other role says it is pending;
* dossiers and CSV: ``visibility.identity_visible`` for the requester, the rule of the screening
  screens, so a contractor's export of a blind call shows codes where the screens do; the
  application's reference only beside a name (it is shared by the application's roles);
* every document leaves out the people the requester declared they know, and counts only the
  reviews that count (``visibility.counted_reviews``: not those voided by a conflict declaration).

Every string that came from an applicant stays a plain ``str`` here and is escaped by the
Django template that prints it.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone

from applications.intake.selectors import answer_sections
from applications.models import AuditEntry, Candidacy, Review, Shortlist
from applications.screening import visibility
from applications.screening.rubric import Criterion, parse, role_rubric
from applications.screening.rules import PASSED
from applications.screening.selectors import candidacy_list
from recruitment.formatting import format_japan_date, format_japan_datetime
from recruitment.models import CallPage, RolePage

S = Candidacy.Status
#: Candidacies that made the shortlist (and stay on it after the final decision).
RECOMMENDATION_LABELS = {"yes": "推薦", "maybe": "保留", "no": "非推薦"}
DASH = "—"
#: In place of a score the requester may not see (they have not reviewed that candidacy).
HIDDEN = "非表示"


# --- building blocks ------------------------------------------------------------------------


@dataclass
class ReviewRow:
    reviewer: str
    scores: list[str]
    recommendation: str
    comment: str
    submitted_at: str


@dataclass
class Candidate:
    rank: int
    code: str
    label: str
    name_shown: bool
    reference: str
    score: str
    criterion_means: list[str]
    review_count: int
    disagreement: bool
    status: str
    reviewers: list[str]
    reviews: list[ReviewRow]


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

    @property
    def pending(self) -> bool:
        """The role's shortlist is not approved (yet): the pack lists none of its candidates."""
        return self.approval is not None and not self.approval.approved


@dataclass
class TimelineStep:
    label: str
    dates: str


@dataclass
class Header:
    """What every document of a call carries: the call, its reference, when it was made and by whom."""

    document_title: str
    call_title: str
    organisation: str
    department: str
    reference: str
    job_number: str
    generated_at: str
    requested_by: str
    role_title: str


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


# --- shared helpers --------------------------------------------------------------------------


def call_reference(call: CallPage) -> str:
    """The call's reference on every page: the organisation's prefix and the call's number (``KOBE-0012``)."""
    return f"{call.organisation.reference_prefix}-{call.pk:04d}"


def person_name(user: Any) -> str:
    """A staff member's name, family name first as written in Japan; the username when there is none."""
    if user is None:
        return DASH
    name = f"{user.last_name} {user.first_name}".strip()
    return name or user.get_username()


def _jst(value: datetime | None) -> str:
    return format_japan_datetime(value, "ja") if value else DASH


def _decimal(value: Decimal | None, places: str = "0.01") -> str:
    if value is None:
        return DASH
    return str(Decimal(value).quantize(Decimal(places), rounding=ROUND_HALF_UP))


def header(
    *,
    call: CallPage,
    title: str,
    job_number: int | None,
    requested_by: Any,
    role: RolePage | None,
    now: datetime | None = None,
) -> Header:
    return Header(
        document_title=title,
        call_title=call.title,
        organisation=str(call.organisation),
        department=call.department,
        reference=call_reference(call),
        job_number=f"{job_number:06d}" if job_number else DASH,
        generated_at=_jst(now or timezone.now()),
        requested_by=person_name(requested_by),
        role_title=role.title if role else "",
    )


def _roles(call: CallPage, role: RolePage | None) -> list[RolePage]:
    if role is not None:
        return [role]
    return list(RolePage.objects.child_of(call).select_related("category").order_by("path"))


def criteria_of(role: RolePage) -> list[Criterion]:
    """The role's rubric as it is now (reviews carry their own pinned copies)."""
    return role_rubric(role)


def _criteria_with_reviews(base: list[Criterion], reviews: list[Review]) -> list[Criterion]:
    """The role's criteria (``base``), plus any criterion that only an older pinned rubric of a review has."""
    criteria = list(base)
    names = {c.name for c in criteria}
    for review in reviews:
        for c in parse(review.rubric):
            if c.name not in names:
                names.add(c.name)
                criteria.append(c)
    return criteria


def _scores_by_name(review: Review) -> dict[str, int | None]:
    return {c.name: s for c, s in zip(parse(review.rubric), review.scores, strict=False)}


def _review_rows(reviews: list[Review], criteria: list[Criterion]) -> list[ReviewRow]:
    rows = []
    for review in reviews:
        by_name = _scores_by_name(review)
        scores = []
        for c in criteria:
            if c.name not in by_name:
                scores.append(DASH)
            elif by_name[c.name] is None:
                scores.append("対象外")
            else:
                scores.append(str(by_name[c.name]))
        rows.append(
            ReviewRow(
                reviewer=person_name(review.reviewer),
                scores=scores,
                recommendation=RECOMMENDATION_LABELS.get(review.recommendation, review.recommendation),
                comment=review.comment,
                submitted_at=_jst(review.submitted_at),
            )
        )
    return rows


def _criterion_means(reviews: list[Review], criteria: list[Criterion]) -> list[str]:
    means = []
    for c in criteria:
        values = [v for v in (_scores_by_name(r).get(c.name) for r in reviews) if v is not None]
        means.append(_decimal(Decimal(sum(values)) / len(values), "0.1") if values else DASH)
    return means


def _ranked(candidacies: list[Candidacy]) -> list[Candidacy]:
    """Best score first; unscored last; ties by reference, so the order is the same every time."""
    return sorted(
        candidacies,
        key=lambda c: (c.score is None, -(c.score or 0), c.application.reference, c.pk),
    )


def scores_visible(user: Any, call: CallPage, candidacy: Candidacy) -> bool:
    """Blind means blind in documents too: a screener of ``call`` sees scores only of candidacies they reviewed."""
    reviewed = any(r.reviewer_id == getattr(user, "pk", None) for r in candidacy.reviews.all())
    return visibility.others_reviews_visible(user, call, reviewed_by_me=reviewed)


def _candidate(
    rank: int, candidacy: Candidacy, criteria: list[Criterion], name_shown: bool, scores_shown: bool = True
) -> Candidate:
    reviews = list(candidacy.reviews.all())
    applicant = candidacy.application.applicant
    return Candidate(
        rank=rank,
        code=candidacy.applicant_code,
        label=f"{applicant.family_name} {applicant.given_name}" if name_shown else candidacy.applicant_code,
        name_shown=name_shown,
        reference=candidacy.application.reference if name_shown else DASH,
        review_count=len(reviews),
        status=str(S(candidacy.status).label),
        # Blind to this reader: no score, no reviewer and no review shows.
        score=_decimal(candidacy.score) if scores_shown else HIDDEN,
        criterion_means=_criterion_means(reviews, criteria) if scores_shown else [HIDDEN for _criterion in criteria],
        disagreement=candidacy.disagreement if scores_shown else False,
        reviewers=[person_name(r.reviewer) for r in reviews] if scores_shown else [],
        reviews=_review_rows(reviews, criteria) if scores_shown else [],
    )


def _counted_reviews() -> Prefetch:
    """Each candidacy's reviews that count, oldest first (void ones stay out of every document)."""
    reviews = visibility.counted_reviews(Review.objects.select_related("reviewer")).order_by("submitted_at", "pk")
    return Prefetch("reviews", queryset=reviews)


def _shortlisted(call: CallPage, role: RolePage | None, requested_by: Any) -> QuerySet[Candidacy]:
    """The shortlisted candidacies the requester may see (not the people they declared they know)."""
    qs = (
        visibility.without_conflicts(Candidacy.objects.filter(application__call=call, status__in=PASSED), requested_by)
        .select_related("application__applicant", "role")
        .prefetch_related(_counted_reviews())
    )
    return qs.filter(role=role) if role is not None else qs


def _period(call: CallPage, roles: list[RolePage]) -> str:
    starts = [r.opens_at for r in roles if r.opens_at]
    if not starts and call.first_published_at:
        starts = [call.first_published_at]
    ends = [r.closes_at for r in roles if r.closes_at]
    if not starts and not ends:
        return DASH
    start = _jst(min(starts)) if starts else DASH
    end = _jst(max(ends)) if ends else DASH
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
                    at=_jst(entry.timestamp),
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
            submitted_at=_jst(shortlist.submitted_at),
            decided_by=person_name(shortlist.decided_by) if shortlist.decided_by_id else DASH,
            decided_at=_jst(shortlist.decided_at),
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
        closes_at=_jst(role.closes_at),
        criteria=criteria,
        candidates=candidates,
    )


# --- the documents ---------------------------------------------------------------------------


def decision_pack_context(
    *,
    call: CallPage,
    requested_by: Any,
    role: RolePage | None = None,
    job_number: int | None = None,
    now: datetime | None = None,
) -> DecisionPack:
    """選考結果報告書: cover counts, each approved role's ranked shortlist with reviews, the pending roles, rubric."""
    roles = _roles(call, role)
    approvals = _approvals(call, roles)
    by_role: dict[int, list[Candidacy]] = defaultdict(list)
    for candidacy in _shortlisted(call, role, requested_by):
        by_role[candidacy.role_id].append(candidacy)

    sections = []
    for r in roles:
        approval = approvals[r.pk]
        candidacies = _ranked(by_role.get(r.pk, [])) if approval.approved else []
        reviews = [review for c in candidacies for review in c.reviews.all()]
        criteria = _criteria_with_reviews(criteria_of(r), reviews)
        candidates = [
            _candidate(
                rank,
                c,
                criteria,
                visibility.identity_visible(requested_by, call, c),
                scores_visible(requested_by, call, c),
            )
            for rank, c in enumerate(candidacies, start=1)
        ]
        sections.append(_role_section(r, criteria, candidates, approval))
    counts, totals = _counts(call, roles)
    return DecisionPack(
        header=header(
            call=call, title="選考結果報告書", job_number=job_number, requested_by=requested_by, role=role, now=now
        ),
        period=_period(call, roles),
        names_shown=any(c.name_shown for section in sections for c in section.candidates),
        counts=counts,
        totals=totals,
        roles=sections,
        timeline=_timeline(call),
        rubrics=[_role_section(r, criteria_of(r), []) for r in roles],
    )


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
        ("フリガナ Reading", f"{applicant.family_name_kana} {applicant.given_name_kana}"),
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
    roles = _roles(call, role)
    by_role: dict[int, list[Candidacy]] = defaultdict(list)
    for candidacy in _shortlisted(call, role, requested_by).prefetch_related("application__attachments"):
        by_role[candidacy.role_id].append(candidacy)
    result = Dossiers(
        header=header(
            call=call, title="候補者資料", job_number=job_number, requested_by=requested_by, role=role, now=now
        )
    )
    for r in roles:
        candidacies = _ranked(by_role.get(r.pk, []))
        reviews = [review for c in candidacies for review in c.reviews.all()]
        criteria = _criteria_with_reviews(criteria_of(r), reviews)
        for rank, candidacy in enumerate(candidacies, start=1):
            visible = visibility.identity_visible(requested_by, call, candidacy)
            application = candidacy.application
            result.dossiers.append(
                Dossier(
                    candidate=_candidate(
                        rank, candidacy, criteria, visible, scores_visible(requested_by, call, candidacy)
                    ),
                    role_title=r.title,
                    identity=_identity(candidacy, visible),
                    submitted_at=_jst(application.submitted_at),
                    preference=candidacy.rank,
                    answers=_answers(application.answers, visible),
                    links=[str(link) for link in application.answers.get("portfolio_links") or []],
                    attachments=_attachments(candidacy, visible),
                    criteria=criteria,
                )
            )
    return result


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
    roles = _roles(call, role)
    order = {r.pk: i for i, r in enumerate(roles)}
    base = {r.pk: criteria_of(r) for r in roles}
    filters = {"role": role.pk if role else None, "ids": candidacy_ids, "with_withdrawn": True}
    qs = (
        candidacy_list(fetched_by=requested_by, call=call, filters=filters)
        .filter(role__in=roles)
        .select_related("application__applicant", "role")
        .prefetch_related(_counted_reviews())
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
        criteria = _criteria_with_reviews(base[candidacy.role_id], reviews)
        means = _criterion_means(reviews, criteria) if shown else []
        rows.append(
            [
                candidacy.application.reference if visible else "",
                candidacy.applicant_code,
                f"{applicant.family_name} {applicant.given_name}" if visible else "",
                f"{applicant.family_name_kana} {applicant.given_name_kana}" if visible else "",
                applicant.prefecture,
                candidacy.role.title,
                str(candidacy.rank),
                str(S(candidacy.status).label),
                _decimal(candidacy.visible_score) if candidacy.visible_score is not None else "",
                str(len(reviews)),
                "あり" if candidacy.visible_disagreement else "",
                "; ".join(f"{c.name}={m}" for c, m in zip(criteria, means, strict=False) if m != DASH),
                _jst(candidacy.application.submitted_at),
            ]
        )
    return rows
