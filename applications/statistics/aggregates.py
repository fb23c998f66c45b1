"""Every statistic of one call, read from the candidacy table in a constant number of grouped queries.

Applications and people are kept apart: an *application* is one submission of the form
(the candidacy of rank 1 stands for it, so no join to the application table is needed);
a *person* is a distinct normalised email (``Candidacy.email_key``), or the applicant row
when the address was erased. Each grouped query reads only the call's rows through the
indexes led by ``call`` (``candidacy_call_rank``, ``candidacy_call_status``); the cost at
100,000 candidacies is measured in ``bench/statistics_bench.py`` (docs/performance.md).

"Interviewed" is not counted: Kōbo has no interview stage yet, so the figure is shown as
not applicable rather than as a zero.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.core.cache import cache
from django.db.models import CharField, Count, F, Max, Q, Value
from django.db.models.functions import Cast, Coalesce, Concat, TruncDate
from django.utils import timezone

from applications.intake.steps import STEPS
from applications.models import Candidacy, Draft
from applications.screening.rules import HIRED, PASSED
from recruitment.formatting import JAPAN
from recruitment.models import CallPage, RolePage, TaskCategory
from recruitment.prefectures import CODE_BY_NAME, NAME_BY_CODE

S = Candidacy.Status
#: The code used for a prefecture the form did not know (old or hand-made rows).
UNKNOWN_PREFECTURE = "00"


def person_key() -> Coalesce:
    """One value per person: the normalised email, or the applicant row when the address was erased."""
    return Coalesce(F("email_key"), Concat(Value("#"), Cast("applicant_id", CharField())), output_field=CharField())


def per_post(count: int, headcount: int) -> Decimal:
    """Applications per post (応募倍率), to one decimal place, rounded half up."""
    return (Decimal(count) / Decimal(max(headcount, 1))).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


@dataclass
class RoleFigures:
    role: RolePage
    candidacies: int = 0
    withdrawn: int = 0
    shortlisted: int = 0
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


#: How long the submission figures (:func:`submission_figures`) may be reused while no candidacy was added
#: or removed: bounds how long an erasure (an address anonymised in place) shows in the people count.
SNAPSHOT_SECONDS = 300


def call_statistics(*, call: CallPage, now: datetime | None = None) -> CallStatistics:
    """Every figure of ``call`` (roles of any publication state), in seven queries whatever its size.

    What follows from the submissions alone (totals, days, prefectures, languages: four of the seven
    queries, the ones that read every application) is kept in the cache under the call's count and
    highest id of candidacies, read by the per-role query anyway: any new or removed candidacy names
    a new entry, so the figures are never older than the last submission; a status change (shortlist,
    hire, withdrawal) is read live every time.
    """
    now = now or timezone.now()
    stats = CallStatistics(call=call, at=now, home_prefecture=call.organisation.prefecture)
    candidacies = Candidacy.objects.filter(call=call).order_by()

    roles = list(RolePage.objects.child_of(call).select_related("category").order_by("path"))
    stats.roles = [RoleFigures(role=role) for role in roles]
    by_role = {figures.role.pk: figures for figures in stats.roles}
    count, last = 0, 0
    for row in candidacies.values("role_id", "status").annotate(n=Count("id"), last=Max("id")):
        count, last = count + row["n"], max(last, row["last"])
        figures = by_role.get(row["role_id"])
        if figures is None:  # a role moved elsewhere: its candidacies stay with this call
            continue
        figures.candidacies += row["n"]
        if row["status"] == S.WITHDRAWN:
            figures.withdrawn += row["n"]
        if row["status"] in PASSED:
            figures.shortlisted += row["n"]
        if row["status"] in HIRED:
            figures.hired += row["n"]
    stats.candidacies = sum(r.candidacies for r in stats.roles)
    stats.categories = _categories(stats.roles)

    key = f"kobo:statistics:{call.pk}:{count}:{last}"
    submitted = cache.get(key)
    if submitted is None:
        submitted = submission_figures(call=call)
        cache.set(key, submitted, SNAPSHOT_SECONDS)
    stats.applications, stats.people = submitted["applications"], submitted["people"]
    stats.days = _days(submitted["per_day"], roles, now)
    stats.prefectures = [PrefectureFigures(**row) for row in submitted["prefectures"]]
    home = next((p for p in stats.prefectures if p.code == stats.home_prefecture), None)
    if home is not None:
        stats.applications_home, stats.people_home = home.applications, home.people
    stats.languages = submitted["languages"]

    draft_rows = (
        Draft.objects.filter(call=call)
        .values("data__step")
        .annotate(
            started=Count("id"),
            submitted=Count("id", filter=Q(application__isnull=False)),
        )
        .order_by()
    )
    stopped: dict[str, int] = defaultdict(int)
    for row in draft_rows:
        stats.drafts_started += row["started"]
        stats.drafts_submitted += row["submitted"]
        stopped[row["data__step"] or STEPS[0].name] += row["started"] - row["submitted"]
    reached = stats.drafts_submitted
    steps = []
    for step in reversed(STEPS):
        reached += stopped.get(step.name, 0)
        steps.append(StepFigures(step=step.name, stopped=stopped.get(step.name, 0), reached=reached))
    stats.steps = steps[::-1]
    return stats


def submission_figures(*, call: CallPage) -> dict[str, Any]:
    """What the call's submissions say on their own, in four grouped queries over its applications."""
    applications = Candidacy.objects.filter(call=call, rank=1).order_by()  # one per application
    totals = applications.aggregate(applications=Count("id"), people=Count(person_key(), distinct=True))
    per_day = {
        row["day"]: row["n"]
        for row in applications.annotate(day=TruncDate("submitted_at", tzinfo=JAPAN))
        .values("day")
        .annotate(n=Count("id"))
    }
    prefectures = []
    rows = applications.values("applicant__prefecture").annotate(
        applications=Count("id"), people=Count(person_key(), distinct=True)
    )
    for row in rows:
        name = row["applicant__prefecture"]
        code = CODE_BY_NAME.get(name, UNKNOWN_PREFECTURE)
        name = NAME_BY_CODE.get(code, name or "不明")
        prefectures.append({"code": code, "name": name, "applications": row["applications"], "people": row["people"]})
    prefectures.sort(key=lambda p: p["code"])
    languages = {
        row["applicant__language"]: row["n"]
        for row in applications.values("applicant__language").annotate(n=Count("id")).order_by("applicant__language")
    }
    return {**totals, "per_day": per_day, "prefectures": prefectures, "languages": languages}


def _categories(roles: list[RoleFigures]) -> list[CategoryFigures]:
    categories: dict[int, CategoryFigures] = {}
    for figures in roles:
        category = figures.role.category
        entry = categories.setdefault(category.pk, CategoryFigures(category=category))
        entry.headcount += figures.role.headcount
        entry.candidacies += figures.candidacies
        entry.shortlisted += figures.shortlisted
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
