"""What anyone may see of a call's figures: the public results page, its CSV and its JSON.

Small cells are suppressed by the one rule in :mod:`applications.statistics.suppression`: a count
from 1 to 4 is shown as 「5未満」, and within each dimension whose total is published (the roles'
applications and hires, the prefectures, the home prefecture against the rest, the devices, the
languages, each survey question) enough other cells are withheld (「秘匿」) that no hidden count can
be worked back from the total. A figure derived from a hidden count (its ratio per post, its share)
is hidden with it. The press summary's PDF and CSV use :func:`public_results` too.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils import translation

from applications.statistics.aggregates import CallStatistics, per_post, percent
from applications.statistics.models import SURVEY_FIELDS, SURVEY_TITLES, Device
from applications.statistics.suppression import (
    SUPPRESS_BELOW,
    WITHHELD,
    Figure,
    Suppressed,
    complementary,
    shown,
    suppress,
)
from recruitment.prefectures import NAME_BY_CODE

#: The JSON document's format name; raised when a field changes meaning (docs/opendata.md).
SCHEMA = "kobo-call-results/1"


#: The languages of the form, as the figures label them (Japanese first).
LANGUAGE_LABELS = {"ja": "日本語 Japanese", "en": "英語 English"}


def bilingual(label: object) -> str:
    """A translated label as the statistics print it: Japanese first, then English."""
    with translation.override("ja"):
        japanese = str(label)
    with translation.override("en"):
        english = str(label)
    return japanese if japanese == english else f"{japanese} {english}"


def hidden_with(figure: Figure, value: Any) -> Any:
    """``value`` (a ratio, a share) when ``figure`` is published, else hidden the way ``figure`` is."""
    return value if isinstance(figure, int) else figure


def withheld_if(exposed: bool, figure: Figure) -> Figure:
    """A published total, withheld when its dimension would otherwise give a hidden cell back."""
    return WITHHELD if exposed and isinstance(figure, int) else figure


@dataclass(frozen=True)
class PublicRole:
    title: str
    category: str
    headcount: int
    deadline: str
    applications: Figure
    applications_per_post: Decimal | Figure
    hired: Figure


@dataclass(frozen=True)
class PublicPrefecture:
    code: str
    name: str
    people: Figure


@dataclass(frozen=True)
class PublicShare:
    """One value of a dimension (a device class, a language): its applications and share, suppressed."""

    code: str
    label: str
    applications: Figure
    #: Per cent of the call's applications; None when the count is hidden (it would give it back).
    share: Decimal | None


def public_shares(counts: dict[str, int], labels: dict[str, str], whole: int) -> tuple[list[PublicShare], bool]:
    """Each value of ``counts`` that has applications, labelled, in ``labels``' order, suppressed as a
    dimension whose total (``whole``) is published; and whether that total must be withheld."""
    ordered = {code: counts.get(code, 0) for code in [*labels, *(c for c in counts if c not in labels)]}
    cells = complementary(ordered)
    rows = [
        PublicShare(
            code=code,
            label=labels.get(code, code),
            applications=cells.figure(code),
            share=percent(count, whole) if code not in cells.hidden and whole else None,
        )
        for code, count in ordered.items()
        if count
    ]
    return rows, cells.exposed


def device_shares(stats: CallStatistics) -> tuple[list[PublicShare], bool]:
    """Applications per device class (``models.Device``), suppressed."""
    labels = {code: bilingual(label) for code, label in Device.choices}
    return public_shares(stats.devices, labels, stats.applications)


def language_shares(stats: CallStatistics) -> tuple[list[PublicShare], bool]:
    """Applications per language of the form, suppressed."""
    return public_shares(stats.languages, LANGUAGE_LABELS, stats.applications)


@dataclass(frozen=True)
class SurveyRow:
    code: str
    label: Any
    answers: Figure


@dataclass(frozen=True)
class SurveyQuestion:
    """One question of the optional survey with its answers per choice, suppressed."""

    name: str
    title: Any
    rows: list[SurveyRow]
    #: A hidden answer could be worked back from the number of responses: that number is withheld.
    exposed: bool = False


def survey_figures(stats: CallStatistics) -> list[SurveyQuestion]:
    """The optional survey's answers, suppressed per question (the only way they are ever shown).

    A question's answers add up to the responses at most (an answer may be left blank).
    """
    questions = []
    for name, choices in SURVEY_FIELDS:
        counts = {code: stats.survey.get(name, {}).get(code, 0) for code in choices.values}
        cells = complementary(counts, total=max(stats.survey_responses, sum(counts.values())))
        rows = [SurveyRow(code=code, label=label, answers=cells.figure(code)) for code, label in choices.choices]
        questions.append(SurveyQuestion(name=name, title=SURVEY_TITLES[name], rows=rows, exposed=cells.exposed))
    return questions


@dataclass(frozen=True)
class PublicResults:
    """The published figures of one call; every count is already suppressed."""

    stats: CallStatistics
    applications: Figure
    people: Figure
    headcount: int
    applications_per_post: Decimal | Figure
    home_prefecture: str
    people_outside: Figure
    share_outside: Decimal | None
    hired: Figure
    roles: list[PublicRole]
    prefectures: list[PublicPrefecture]
    survey_responses: Figure
    survey: list[SurveyQuestion]
    devices: list[PublicShare]
    languages: list[PublicShare]


def _places(stats: CallStatistics, people: dict[str, int]) -> tuple[Suppressed[str], Suppressed[str] | None]:
    """The prefectures, and the city's own prefecture against the rest (people = home + outside).

    The home prefecture's cell is in both: hidden in one, it is hidden in the other, until neither changes.
    """
    home = stats.home_prefecture
    places = complementary(people)
    if not home:
        return places, None
    for _ in range(3):
        split = complementary({home: stats.people_home, "outside": stats.people_outside}, withheld=places.hidden)
        if home not in split.hidden or home in places.hidden:
            break
        places = complementary(people, withheld={home})
    return places, split


def public_results(stats: CallStatistics) -> PublicResults:
    """The public subset of ``stats``: published roles only, small cells suppressed (with complements)."""
    live = [figures for figures in stats.roles if figures.role.live]
    applied = complementary({n: figures.candidacies for n, figures in enumerate(live)})
    hires = complementary({n: figures.hired for n, figures in enumerate(live)})
    roles = [
        PublicRole(
            title=figures.role.title,
            category=figures.role.category.name,
            headcount=figures.role.headcount,
            deadline=figures.role.closes_at.isoformat() if figures.role.closes_at else "",
            applications=applied.figure(n),
            applications_per_post=hidden_with(applied.figure(n), figures.per_post),
            hired=hires.figure(n),
        )
        for n, figures in enumerate(live)
    ]
    counts = {p.code: p.people for p in stats.prefectures}
    people = {code: counts.get(code, 0) for code in NAME_BY_CODE}
    if counts.get("00"):
        people["00"] = counts["00"]
    places, split = _places(stats, people)
    prefectures = [
        PublicPrefecture(code=code, name=NAME_BY_CODE.get(code, "不明"), people=places.figure(code)) for code in people
    ]
    people_total = withheld_if(places.exposed or bool(split and split.exposed), suppress(stats.people))
    outside = split.figure("outside") if split else None
    shown_share = isinstance(outside, int) and isinstance(people_total, int)  # a share gives its count back
    headcount = sum(r.headcount for r in roles)
    candidacies = sum(f.candidacies for f in live)
    devices, devices_exposed = device_shares(stats)
    languages, languages_exposed = language_shares(stats)
    applications = withheld_if(devices_exposed or languages_exposed, suppress(stats.applications))
    if applications is WITHHELD:  # their shares and shown cells would give the total back
        devices, languages = [], []
    survey = survey_figures(stats)
    return PublicResults(
        stats=stats,
        applications=applications,
        people=people_total,
        headcount=headcount,
        applications_per_post=withheld_if(
            applied.exposed, hidden_with(suppress(candidacies), per_post(candidacies, headcount))
        ),
        home_prefecture=stats.home_prefecture,
        people_outside=outside,
        share_outside=stats.share_outside if shown_share else None,
        hired=withheld_if(hires.exposed, suppress(sum(f.hired for f in live))),
        roles=roles,
        prefectures=prefectures,
        survey_responses=withheld_if(any(q.exposed for q in survey), suppress(stats.survey_responses)),
        survey=survey,
        devices=devices,
        languages=languages,
    )


def _number(value: Any) -> float | None:
    return float(value) if isinstance(value, Decimal) else None


def _count(value: Figure) -> int | None:
    """A count in the JSON: hidden ones (under 5 or withheld) are null."""
    return value if isinstance(value, int) else None


def _japanese(label: Any) -> str:
    with translation.override("ja"):
        return str(label)


def results_json(results: PublicResults, *, url: str) -> str:
    """The open-data JSON document (schema ``SCHEMA``, described in docs/opendata.md)."""
    call = results.stats.call
    document = {
        "schema": SCHEMA,
        "generated_at": results.stats.at.isoformat(timespec="seconds"),
        "suppressed_below": SUPPRESS_BELOW,
        "call": {
            "title": call.title,
            "organisation": call.organisation.name,
            "organisation_prefecture_code": results.home_prefecture or None,
            "url": url,
        },
        "totals": {
            "applications": _count(results.applications),
            "people": _count(results.people),
            "headcount": results.headcount,
            "applications_per_post": _number(results.applications_per_post),
            "people_outside_prefecture": _count(results.people_outside),
            "share_outside_prefecture_percent": _number(results.share_outside),
            "hired": _count(results.hired),
        },
        "roles": [
            {
                "title": role.title,
                "category": role.category,
                "headcount": role.headcount,
                "deadline": role.deadline or None,
                "applications": _count(role.applications),
                "applications_per_post": _number(role.applications_per_post),
                "hired": _count(role.hired),
            }
            for role in results.roles
        ],
        "prefectures": [{"code": p.code, "name": p.name, "people": _count(p.people)} for p in results.prefectures],
        "survey": {
            "responses": _count(results.survey_responses),
            "questions": [
                {
                    "question": question.name,
                    "answers": [
                        {"code": row.code, "label": _japanese(row.label), "answers": _count(row.answers)}
                        for row in question.rows
                    ],
                }
                for question in results.survey
            ],
        },
    }
    return json.dumps(document, ensure_ascii=False, indent=2)


#: The CSV's columns, the same names as the JSON's fields.
CSV_COLUMNS = [
    "record",
    "code",
    "name",
    "headcount",
    "deadline",
    "applications",
    "people",
    "applications_per_post",
    "hired",
    "share_outside_prefecture_percent",
    "generated_at",
]


def _cell(value: Any) -> str:
    return "" if value == "" else shown(value)


def results_csv(results: PublicResults) -> str:
    """The open-data CSV (UTF-8 with BOM, one row per total, role and prefecture; docs/opendata.md)."""
    at = results.stats.at.isoformat(timespec="seconds")
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    writer.writerow(
        [
            "total",
            "",
            results.stats.call.title,
            results.headcount,
            "",
            _cell(results.applications),
            _cell(results.people),
            _cell(results.applications_per_post),
            _cell(results.hired),
            "" if not results.home_prefecture else _cell(hidden_with(results.people_outside, results.share_outside)),
            at,
        ]
    )
    for number, role in enumerate(results.roles, start=1):
        writer.writerow(
            [
                "role",
                number,
                role.title,
                role.headcount,
                role.deadline,
                _cell(role.applications),
                "",
                _cell(role.applications_per_post),
                _cell(role.hired),
                "",
                at,
            ]
        )
    for prefecture in results.prefectures:
        writer.writerow(
            ["prefecture", prefecture.code, prefecture.name, "", "", "", _cell(prefecture.people), "", "", "", at]
        )
    writer.writerow(["survey", "", "", "", "", _cell(results.survey_responses), "", "", "", "", at])
    for question in results.survey:
        for row in question.rows:
            record = f"survey_{question.name}"
            writer.writerow([record, row.code, _japanese(row.label), "", "", _cell(row.answers), "", "", "", "", at])
    return out.getvalue()
