"""Every statistic of one call, read from its running tallies (``tallies``) in four queries whatever its size.

Applications and people are kept apart: an *application* is one submission of the form; a *person* is
a distinct normalised email, counted when it is new to the call (``tallies.submission_tally``). The
tallies are written in the transaction of each submission and status change, so the figures are
exact at any moment and the page reads about a hundred small rows instead of 100,000 candidacies
(``bench/statistics_bench.py``, docs/performance.md). The drafts started, submitted and stopped per
step are tallies too (``tallies.draft_tally``), so they outlive the purge of expired drafts.

"Interviewed" (:func:`interviewed_per_role`) is the one figure read from rows: the interview invitations
of the call's roles on which the panel recorded a scorecard or its consensus, a few per post.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Exists, OuterRef, Q
from django.utils import timezone

from applications.intake.steps import STEPS
from applications.models import Candidacy, Consensus, InterviewInvitation, Scorecard
from applications.screening.rules import HIRED, PASSED
from applications.statistics import tallies as t
from applications.statistics.models import SURVEY_FIELDS
from recruitment.formatting import JAPAN
from recruitment.models import CallPage, RolePage, TaskCategory
from recruitment.prefectures import NAME_BY_CODE

S = Candidacy.Status
UNKNOWN_PREFECTURE = t.UNKNOWN_PREFECTURE


def per_post(count: int, headcount: int) -> Decimal:
    """Applications per post (応募倍率), to one decimal place, rounded half up."""
    return (Decimal(count) / Decimal(max(headcount, 1))).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


@dataclass
class RoleFigures:
    role: RolePage
    candidacies: int = 0
    withdrawn: int = 0
    shortlisted: int = 0
    interviewed: int = 0
    hired: int = 0

    @property
    def per_post(self) -> Decimal:
        return per_post(self.candidacies, self.role.headcount)


@dataclass
class CategoryFigures:
    category: TaskCategory
    headcount: int = 0
    candidacies: int = 0
    shortlisted: int = 0
    interviewed: int = 0
    hired: int = 0

    @property
    def per_post(self) -> Decimal:
        return per_post(self.candidacies, self.headcount)


@dataclass(frozen=True)
class DayFigures:
    day: date
    applications: int
    cumulative: int
    #: Roles whose deadline falls on this day (Japan time).
    deadlines: tuple[RolePage, ...] = ()


@dataclass(frozen=True)
class PrefectureFigures:
    code: str
    name: str
    applications: int
    people: int


@dataclass(frozen=True)
class StepFigures:
    step: str
    #: Unsubmitted drafts whose furthest step was this one (where applicants stopped).
    stopped: int
    #: Drafts that reached this step or a later one, submitted ones included.
    reached: int


@dataclass
class CallStatistics:
    """The figures of one call at ``at``; nothing in it names or identifies a person."""

    call: CallPage
    at: datetime
    applications: int = 0
    people: int = 0
    candidacies: int = 0
    roles: list[RoleFigures] = field(default_factory=list)
    categories: list[CategoryFigures] = field(default_factory=list)
    days: list[DayFigures] = field(default_factory=list)
    prefectures: list[PrefectureFigures] = field(default_factory=list)
    #: The organisation's prefecture (JIS X 0401), "" when the organisation has none recorded.
    home_prefecture: str = ""
    people_home: int = 0
    applications_home: int = 0
    languages: dict[str, int] = field(default_factory=dict)
    #: Applications per device class (``models.Device``), "unknown" for those sent before it was recorded.
    devices: dict[str, int] = field(default_factory=dict)
    #: Answers of the optional survey: per question, per choice; and how many applications answered it.
    survey: dict[str, dict[str, int]] = field(default_factory=dict)
    survey_responses: int = 0
    drafts_started: int = 0
    drafts_submitted: int = 0
    steps: list[StepFigures] = field(default_factory=list)

    @property
    def headcount(self) -> int:
        return sum(r.role.headcount for r in self.roles)

    @property
    def per_post(self) -> Decimal:
        return per_post(self.candidacies, self.headcount)

    @property
    def hired(self) -> int:
        return sum(r.hired for r in self.roles)

    @property
    def shortlisted(self) -> int:
        return sum(r.shortlisted for r in self.roles)

    @property
    def interviewed(self) -> int:
        return sum(r.interviewed for r in self.roles)

    @property
    def people_outside(self) -> int:
        """People who gave a prefecture other than the organisation's (unknown prefecture counts as outside)."""
        return self.people - self.people_home

    @property
    def applications_outside(self) -> int:
        return self.applications - self.applications_home

    @property
    def share_outside(self) -> Decimal | None:
        """Share of people from outside the organisation's prefecture, in per cent to one decimal."""
        if not self.home_prefecture or not self.people:
            return None
        return percent(self.people_outside, self.people)


def percent(part: int, whole: int) -> Decimal:
    return (Decimal(100) * part / whole).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def call_statistics(*, call: CallPage, now: datetime | None = None) -> CallStatistics:
    """Every figure of ``call`` (roles of any publication state), in four queries whatever its size.

    The call's organisation, its roles, its tallies (one row per figure: about a hundred) and its
    interviewed candidacies (the invitations of its roles with a scorecard or consensus).
    """
    now = now or timezone.now()
    stats = CallStatistics(call=call, at=now, home_prefecture=call.organisation.prefecture)
    roles = list(RolePage.objects.child_of(call).select_related("category").order_by("path"))
    stats.roles = [RoleFigures(role=role) for role in roles]
    by_role = {figures.role.pk: figures for figures in stats.roles}
    tallies = t.call_tallies(call.pk)

    for key, (n, _people) in tallies.get(t.ROLE, {}).items():
        role_id, status = key.split(":", 1)
        figures = by_role.get(int(role_id))
        if figures is None:  # a role moved elsewhere: its candidacies stay with this call
            continue
        figures.candidacies += n
        if status == S.WITHDRAWN:
            figures.withdrawn += n
        if status in PASSED:
            figures.shortlisted += n
        if status in HIRED:
            figures.hired += n
    for role_pk, interviewed in interviewed_per_role(by_role).items():
        by_role[role_pk].interviewed = interviewed
    stats.candidacies = sum(r.candidacies for r in stats.roles)
    stats.categories = _categories(stats.roles)

    stats.applications, stats.people = tallies.get(t.TOTAL, {}).get("", (0, 0))
    per_day = {date.fromisoformat(day): n for day, (n, _p) in tallies.get(t.DAY, {}).items() if n}
    stats.days = _days(per_day, roles, now)
    stats.prefectures = [
        PrefectureFigures(code=code, name=NAME_BY_CODE.get(code, "不明"), applications=n, people=people)
        for code, (n, people) in sorted(tallies.get(t.PREFECTURE, {}).items())
        if n
    ]
    home = next((p for p in stats.prefectures if p.code == stats.home_prefecture), None)
    if home is not None:
        stats.applications_home, stats.people_home = home.applications, home.people
    stats.languages = {code: n for code, (n, _p) in sorted(tallies.get(t.LANGUAGE, {}).items()) if n}
    stats.devices = {code: n for code, (n, _p) in tallies.get(t.DEVICE, {}).items() if n}
    stats.survey_responses = tallies.get(t.SURVEY, {}).get("", (0, 0))[0]
    stats.survey = {
        name: {choice: tallies.get(name, {}).get(choice, (0, 0))[0] for choice in choices.values}
        for name, choices in SURVEY_FIELDS
    }

    drafts = tallies.get(t.DRAFTS, {})
    stats.drafts_started = drafts.get("started", (0, 0))[0]
    stats.drafts_submitted = drafts.get("submitted", (0, 0))[0]
    stopped: dict[str, int] = defaultdict(int)
    for step_name, (n, _people) in tallies.get(t.DRAFT_STEP, {}).items():
        stopped[step_name or STEPS[0].name] += n
    reached = stats.drafts_submitted
    steps = []
    for step in reversed(STEPS):
        reached += stopped.get(step.name, 0)
        steps.append(StepFigures(step=step.name, stopped=stopped.get(step.name, 0), reached=reached))
    stats.steps = steps[::-1]
    return stats


def interviewed_per_role(roles: dict[int, RoleFigures]) -> dict[int, int]:
    """Candidacies interviewed per role: the panel recorded a scorecard or its consensus on the invitation.

    A booked slot that has passed is not enough (the person may not have come); the panel's record is
    the proof that the interview took place. One query over the roles' interview invitations, which only
    shortlisted candidacies get: tens of rows, whatever the number of applications.
    """
    if not roles:
        return {}
    held = Q(Exists(Scorecard.objects.filter(invitation=OuterRef("pk")))) | Q(
        Exists(Consensus.objects.filter(invitation=OuterRef("pk")))
    )
    rows = (
        InterviewInvitation.objects.filter(held, round__role_id__in=list(roles))
        .values("round__role_id")
        .annotate(n=Count("candidacy_id", distinct=True))
        .order_by()
    )
    return {row["round__role_id"]: row["n"] for row in rows}


def _categories(roles: list[RoleFigures]) -> list[CategoryFigures]:
    categories: dict[int, CategoryFigures] = {}
    for figures in roles:
        category = figures.role.category
        entry = categories.setdefault(category.pk, CategoryFigures(category=category))
        entry.headcount += figures.role.headcount
        entry.candidacies += figures.candidacies
        entry.shortlisted += figures.shortlisted
        entry.interviewed += figures.interviewed
        entry.hired += figures.hired
    return sorted(categories.values(), key=lambda c: (c.category.sort_order, c.category.name))


def _days(per_day: dict[date, int], roles: list[RolePage], now: datetime) -> list[DayFigures]:
    """Every day from the first submission (or opening) to the last deadline or today, whichever is sooner."""
    deadlines: dict[date, list[RolePage]] = defaultdict(list)
    for role in roles:
        if role.closes_at:
            deadlines[timezone.localtime(role.closes_at, JAPAN).date()].append(role)
    today = timezone.localtime(now, JAPAN).date()
    starts = list(per_day) + [timezone.localtime(r.opens_at, JAPAN).date() for r in roles if r.opens_at]
    if not starts:
        return []
    first = min(starts)
    last = max([*per_day, min(max(deadlines, default=today), today)])
    days, cumulative, day = [], 0, first
    while day <= last:
        count = per_day.get(day, 0)
        cumulative += count
        days.append(DayFigures(day=day, applications=count, cumulative=cumulative, deadlines=tuple(deadlines[day])))
        day += timedelta(days=1)
    return days
