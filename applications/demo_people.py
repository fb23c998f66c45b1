"""The made-up people of the generated demo applications: who they are, what they answer, how they are scored.

The names, places and phrases are data (``fixtures/demo-people.json``); this module draws from
them with the generator's ``random.Random`` (``applications.demo``), in a fixed order so that a
seed gives the same people.
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any, Protocol

from applications.models import Review
from applications.screening.scoring import review_score
from recruitment.models import RolePage

PEOPLE = json.loads((Path(__file__).resolve().parent / "fixtures" / "demo-people.json").read_text(encoding="utf-8"))
FAMILY_NAMES: list[list[str]] = PEOPLE["family_names"]
GIVEN_NAMES: list[list[str]] = PEOPLE["given_names"]
PLACES: list[list[Any]] = PEOPLE["places"]
EXPERIENCE: dict[str, list[str]] = PEOPLE["experience"]
CATEGORY_THEMES: dict[str, list[str]] = PEOPLE["category_themes"]
ROLE_WEIGHTS: dict[str, float] = PEOPLE["role_weights"]
STRENGTHS: list[str] = PEOPLE["strengths"]
HOBBIES: list[str] = PEOPLE["hobbies"]
OCCUPATIONS: list[list[Any]] = PEOPLE["occupations"]
CONFLICTS: list[str] = PEOPLE["conflicts"]
COMMENTS: dict[str, list[str]] = PEOPLE["comments"]

FIRST_REVIEWER_SHARE = 1 / 3
#: The other reviewers look again at part of what the first reviewed, and at a few others.
SECOND_REVIEWER_OVERLAP = 0.45
SECOND_REVIEWER_OTHERS = 0.05
#: Share of second reviews that are 2 points off the first on one criterion.
FORCED_DISAGREEMENT = 0.2


class ChosenRole(Protocol):
    """A role an application chooses, as the generator sees it."""

    page: RolePage
    slug: str
    hours_min: int | None
    rubric: list[dict[str, Any]]


@dataclass
class Person:
    """One made-up applicant: the wizard's "about you" answers, their language and demo number."""

    about: dict[str, str]
    language: str
    number: int
    roles: set[int] = field(default_factory=set)


def _phone(rng: random.Random, area: str) -> str:
    if rng.random() < 0.75:
        number = f"{rng.choice(['090', '080', '070'])}-{rng.randint(1000, 9999)}-{rng.randint(1000, 9999)}"
    else:
        width = 6 - len(area)  # area code, exchange and four digits make ten: 078-123-4567, 03-1234-5678
        number = f"{area}-{rng.randint(10 ** (width - 1), 10**width - 1)}-{rng.randint(1000, 9999)}"
    return number.replace("-", "") if rng.random() < 0.1 else number


def new_person(rng: random.Random, number: int) -> Person:
    """A new made-up person with the next demo address, as the wizard's "about you" step would hold them."""
    family, family_kana = rng.choice(FAMILY_NAMES)
    given, given_kana = rng.choice(GIVEN_NAMES)
    prefecture, _share, area, cities = rng.choices(PLACES, [p[1] for p in PLACES])[0]
    city, postal = rng.choice(cities)
    about = {
        "email": f"demo-{number:04d}@example.jp",
        "family_name": family,
        "given_name": given,
        "family_name_kana": family_kana,
        "given_name_kana": given_kana,
        "phone": _phone(rng, area),
        "postal_code": f"{postal}-{rng.randint(0, 9999):04d}",
        "prefecture": prefecture,
        "city": city,
    }
    return Person(about=about, language="en" if rng.random() < 0.04 else "ja", number=number)


def answers_for(rng: random.Random, roles: list[ChosenRole], number: int) -> dict[str, Any]:
    occupation = rng.choices([o for o, _ in OCCUPATIONS], [w for _, w in OCCUPATIONS])[0]
    themes = [theme for role in roles for theme in CATEGORY_THEMES.get(role.slug, tuple(EXPERIENCE))]
    lines = rng.sample(EXPERIENCE[themes[0]], k=min(len(EXPERIENCE[themes[0]]), rng.randint(1, 2)))
    for theme in rng.sample(themes, k=min(len(themes), rng.randint(0, 2))):
        line = rng.choice(EXPERIENCE[theme])
        if line not in lines:
            lines.append(line)
    if rng.random() < 0.3:
        lines.append(rng.choice(EXPERIENCE["general"]))
    hours = rng.choices([1, 2, 3, 5, 8, 10, 15, 20, 30], [3, 8, 10, 20, 15, 20, 10, 10, 4])[0]
    public_servant = occupation == "public_servant"
    if occupation == "employee":
        permission = rng.choices(["obtained", "will_apply", "not_needed"], [55, 35, 10])[0]
    elif public_servant:
        permission = rng.choice(["obtained", "will_apply"])
    else:
        permission = "not_needed"
    invoice = ""
    if occupation == "freelance" and rng.random() < 0.4:
        invoice = "T" + "".join(str(rng.randrange(10)) for _ in range(13))
    links = [
        template.format(n=number)
        for template in rng.sample(
            [
                "https://portfolio.example.jp/demo{n:04d}",
                "https://note.example.com/demo{n:04d}",
                "https://video.example.net/@demo{n:04d}",
                "https://demo{n:04d}.example.org/works",
            ],
            k=rng.choices([0, 1, 2, 3], [25, 45, 20, 10])[0],
        )
    ]
    return {
        "roles": [role.page.pk for role in roles],
        "check": {
            "hours_per_week": hours,
            "online_ok": True,
            "pay_understood": True,
            "accept_warnings": any(role.hours_min and hours < role.hours_min for role in roles),
        },
        "experience": {
            "occupation": occupation,
            "experience": "\n".join(f"・{line}" for line in lines),
            "strengths": "".join(rng.sample(STRENGTHS, k=rng.randint(1, 2))),
            "hobbies": "、".join(rng.sample(HOBBIES, k=rng.randint(1, 3))) if rng.random() < 0.85 else "",
        },
        "portfolio_links": links,
        "sidework": {
            "employer_permission": permission,
            "public_servant": public_servant,
            "public_servant_permission": permission if public_servant else "",
            "conflicts": rng.choice(CONFLICTS) if rng.random() < 0.03 else "",
            "no_antisocial_ties": True,
            "invoice_number": invoice,
        },
        "consent": True,
        "demo": True,
    }


def review_scores(
    rng: random.Random, rubric: list[dict[str, Any]], base: float, biases: list[float]
) -> list[int | None]:
    scores: list[int | None] = []
    for criterion, bias in zip(rubric, biases, strict=True):
        top = int(criterion["max_score"])
        value = round(1 + (top - 1) * (base + bias + rng.gauss(0, 0.12)))
        scores.append(min(top, max(1, value)))
    return scores


def recommendation_for(scores: list[int | None], rubric: list[dict[str, Any]]) -> str:
    value = review_score(scores, rubric) or Decimal(0)
    if value >= Decimal("3.6"):
        return Review.Recommendation.YES
    if value >= Decimal("2.6"):
        return Review.Recommendation.MAYBE
    return Review.Recommendation.NO


def later(rng: random.Random, moment: datetime, now: datetime, *, at_least: timedelta, at_most: timedelta) -> datetime:
    """A time after ``moment``: ``at_least`` to ``at_most`` later when that is past already, else before now."""
    high = max(moment, min(now, moment + at_most))
    low = moment + at_least if moment + at_least < high else moment
    return low + (high - low) * rng.random()


#: One planned review: when, by whom, scores, comment, recommendation.
PlannedReview = tuple[datetime, Any, list[int | None], str, str]


def review_plan(
    rng: random.Random, role: ChosenRole, reviewers: list[Any], submitted_at: datetime, now: datetime
) -> list[PlannedReview]:
    """The reviews some of ``reviewers`` write of one candidacy (some 2 points apart on a criterion)."""
    if not reviewers or not role.rubric:
        return []
    first = rng.random() < FIRST_REVIEWER_SHARE
    chosen = [reviewers[0]] if first else []
    for reviewer in reviewers[1:]:
        if rng.random() < (SECOND_REVIEWER_OVERLAP if first else SECOND_REVIEWER_OTHERS):
            chosen.append(reviewer)
    if not chosen:
        return []
    base = min(1.0, max(0.0, rng.gauss(0.55, 0.2)))
    biases = [rng.gauss(0, 0.12) for _ in role.rubric]
    plan: list[PlannedReview] = []
    for reviewer in chosen:
        scores = review_scores(rng, role.rubric, base, biases)
        if plan and rng.random() < FORCED_DISAGREEMENT:
            j = rng.randrange(len(scores))
            earlier, top = plan[0][2][j], int(role.rubric[j]["max_score"])
            if earlier is not None and earlier - 2 >= 1:
                scores[j] = earlier - 2
            elif earlier is not None and earlier + 2 <= top:
                scores[j] = earlier + 2
        recommendation = recommendation_for(scores, role.rubric)
        when = later(rng, submitted_at, now, at_least=timedelta(hours=2), at_most=timedelta(days=60))
        comment = rng.choice(COMMENTS[recommendation]) if rng.random() < 0.8 else ""
        plan.append((when, reviewer, scores, comment, recommendation))
    return plan
