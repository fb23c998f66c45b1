"""What anyone may see of a call's figures: the public results page, its CSV and its JSON.

The one rule for small numbers lives here (:func:`suppress`): a count from 1 to 4 is shown
as 「5未満」 ("under 5"), so that nobody can be singled out; 0 stays 0. Anything that
would let a suppressed count be worked back (its ratio per post, a share whose other
part is small) is suppressed with it. The press summary's CSV uses it too.
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
from recruitment.prefectures import NAME_BY_CODE

#: Counts below this (and above 0) are not published.
SUPPRESS_BELOW = 5
#: How a suppressed count reads on the page and in the CSV (JSON: null).
SUPPRESSED_LABEL = "5未満"
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


def suppress(count: int) -> int | None:
    """``count``, or None when it is from 1 to 4 (a cell small enough to point at someone)."""
    return None if 0 < count < SUPPRESS_BELOW else count


def shown(value: Any) -> str:
    """A published value as text: a suppressed one as 「5未満」."""
    return SUPPRESSED_LABEL if value is None else str(value)


@dataclass(frozen=True)
class PublicRole:
    title: str
    category: str
    headcount: int
    deadline: str
    applications: int | None
    applications_per_post: Decimal | None
    hired: int | None


@dataclass(frozen=True)
class PublicPrefecture:
    code: str
    name: str
    people: int | None


@dataclass(frozen=True)
class PublicShare:
    """One value of a dimension (a device class, a language): its applications and share, suppressed."""

    code: str
    label: str
    applications: int | None
    #: Per cent of the call's applications; None when the count is suppressed (it would give it back).
    share: Decimal | None


def public_shares(counts: dict[str, int], labels: dict[str, str], whole: int) -> list[PublicShare]:
    """Each value of ``counts`` that has applications, labelled, in ``labels``' order, small cells suppressed."""
    rows = []
    for code in [*labels, *(c for c in counts if c not in labels)]:
        count = counts.get(code, 0)
        if count:
            shown_count = suppress(count)
            share = percent(count, whole) if shown_count is not None and whole else None
            rows.append(PublicShare(code=code, label=labels.get(code, code), applications=shown_count, share=share))
    return rows


def device_shares(stats: CallStatistics) -> list[PublicShare]:
    """Applications per device class (``models.Device``), suppressed."""
    labels = {code: bilingual(label) for code, label in Device.choices}
    return public_shares(stats.devices, labels, stats.applications)


def language_shares(stats: CallStatistics) -> list[PublicShare]:
    """Applications per language of the form, suppressed."""
    return public_shares(stats.languages, LANGUAGE_LABELS, stats.applications)


@dataclass(frozen=True)
class SurveyRow:
    code: str
    label: Any
    answers: int | None


@dataclass(frozen=True)
class SurveyQuestion:
    """One question of the optional survey with its answers per choice, suppressed."""

    name: str
    title: Any
    rows: list[SurveyRow]


def survey_figures(stats: CallStatistics) -> list[SurveyQuestion]:
    """The optional survey's answers, every count under 5 suppressed (the only way they are ever shown)."""
    return [
        SurveyQuestion(
            name=name,
            title=SURVEY_TITLES[name],
            rows=[
                SurveyRow(code=code, label=label, answers=suppress(stats.survey.get(name, {}).get(code, 0)))
                for code, label in choices.choices
            ],
        )
        for name, choices in SURVEY_FIELDS
    ]


@dataclass(frozen=True)
class PublicResults:
    """The published figures of one call; every count is already suppressed."""

    stats: CallStatistics
    applications: int | None
    people: int | None
    headcount: int
    applications_per_post: Decimal | None
    home_prefecture: str
    people_outside: int | None
    share_outside: Decimal | None
    hired: int | None
    roles: list[PublicRole]
    prefectures: list[PublicPrefecture]
    survey_responses: int | None
    survey: list[SurveyQuestion]


def public_results(stats: CallStatistics) -> PublicResults:
    """The public subset of ``stats``: published roles only, small cells suppressed."""
    roles = [
        PublicRole(
            title=figures.role.title,
            category=figures.role.category.name,
            headcount=figures.role.headcount,
            deadline=figures.role.closes_at.isoformat() if figures.role.closes_at else "",
            applications=suppress(figures.candidacies),
            applications_per_post=figures.per_post if suppress(figures.candidacies) is not None else None,
            hired=suppress(figures.hired),
        )
        for figures in stats.roles
        if figures.role.live
    ]
    people_counts = {p.code: p.people for p in stats.prefectures}
    prefectures = [
        PublicPrefecture(code=code, name=name, people=suppress(people_counts.get(code, 0)))
        for code, name in NAME_BY_CODE.items()
    ]
    if people_counts.get("00"):
        prefectures.append(PublicPrefecture(code="00", name="不明", people=suppress(people_counts["00"])))
    headcount = sum(r.headcount for r in roles)
    candidacies = sum(f.candidacies for f in stats.roles if f.role.live)
    share = stats.share_outside
    if suppress(stats.people_outside) is None or suppress(stats.people_home) is None:
        share = None
    return PublicResults(
        stats=stats,
        applications=suppress(stats.applications),
        people=suppress(stats.people),
        headcount=headcount,
        applications_per_post=per_post(candidacies, headcount) if suppress(candidacies) is not None else None,
        home_prefecture=stats.home_prefecture,
        people_outside=suppress(stats.people_outside) if stats.home_prefecture else None,
        share_outside=share,
        hired=suppress(sum(f.hired for f in stats.roles if f.role.live)),
        roles=roles,
        prefectures=prefectures,
        survey_responses=suppress(stats.survey_responses),
        survey=survey_figures(stats),
    )


def _number(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


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
            "applications": results.applications,
            "people": results.people,
            "headcount": results.headcount,
            "applications_per_post": _number(results.applications_per_post),
            "people_outside_prefecture": results.people_outside,
            "share_outside_prefecture_percent": _number(results.share_outside),
            "hired": results.hired,
        },
        "roles": [
            {
                "title": role.title,
                "category": role.category,
                "headcount": role.headcount,
                "deadline": role.deadline or None,
                "applications": role.applications,
                "applications_per_post": _number(role.applications_per_post),
                "hired": role.hired,
            }
            for role in results.roles
        ],
        "prefectures": [{"code": p.code, "name": p.name, "people": p.people} for p in results.prefectures],
        "survey": {
            "responses": results.survey_responses,
            "questions": [
                {
                    "question": question.name,
                    "answers": [
                        {"code": row.code, "label": _japanese(row.label), "answers": row.answers}
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
            "" if results.share_outside is None and not results.home_prefecture else _cell(results.share_outside),
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
