"""The statistics page in the admin, and the public results page with its open data.

Thin views: the admin page starts from ``access.call_or_404`` (approvers and officials of
the call's city, contractors assigned to it; anyone else gets 404) and the public ones
from :func:`published_call_or_404` (only a published call whose city published its
results). The public responses go through the page cache (``cms.page_cache``): they
are the same for every visitor and are dropped whenever a page is published.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from wagtail.admin.auth import require_admin_access

from applications.intake.steps import STEPS
from applications.statistics import charts
from applications.statistics.aggregates import call_statistics, percent
from applications.statistics.models import Device
from applications.statistics.public import (
    LANGUAGE_LABELS,
    bilingual,
    public_results,
    results_csv,
    results_json,
    survey_figures,
    withheld_if,
)
from applications.teams import access
from cms.page_cache import public_cache
from cms.site_config import with_site_config
from recruitment.formatting import JAPAN
from recruitment.models import CallPage
from recruitment.prefectures import NAME_BY_CODE

STEP_LABELS = {
    "roles": "業務の選択 Roles",
    "rank": "希望順位 Preference",
    "check": "応募資格の確認 Self-check",
    "about": "あなたについて About you",
    "verify": "メールアドレスの確認 Email check",
    "experience": "経験 Experience",
    "portfolio": "作品 Portfolio",
    "sidework": "副業の確認 Side work",
    "consent": "同意 Consent",
    "review": "確認 Review",
}


@require_admin_access
def call_statistics_view(request: HttpRequest, call_id: int) -> HttpResponse:
    """One call's figures for the city: applications and people, roles, categories, days, prefectures, drafts.

    Contractors assigned to the call see the same page: it holds counts only, never a person.
    """
    call = access.call_or_404(request.user, call_id)
    stats = call_statistics(call=call)
    max_reached = max((s.reached for s in stats.steps), default=0) or 1
    survey = survey_figures(stats)  # the survey is suppressed here too: contractors see this page
    context = {
        "call": call,
        "stats": stats,
        "day_chart": charts.day_chart(stats.days),
        "prefecture_chart": charts.prefecture_chart(stats.prefectures),
        "home_name": NAME_BY_CODE.get(stats.home_prefecture, ""),
        "prefecture_map": charts.prefecture_map(
            {p.code: p.people for p in stats.prefectures}, NAME_BY_CODE, home=stats.home_prefecture
        ),
        "languages": [
            {"label": LANGUAGE_LABELS.get(code, code), "count": n, "share": percent(n, stats.applications)}
            for code, n in stats.languages.items()
        ],
        "devices": [
            {"label": bilingual(label), "count": n, "share": percent(n, stats.applications)}
            for code, label in Device.choices
            if (n := stats.devices.get(code, 0))
        ],
        "survey": [
            {"title": bilingual(q.title), "name": q.name, "rows": [(bilingual(r.label), r.answers) for r in q.rows]}
            for q in survey
        ],
        "survey_responses": withheld_if(any(q.exposed for q in survey), stats.survey_responses),
        "steps": [
            {"label": STEP_LABELS.get(s.step, s.step), "figures": s, "width": round(200 * s.reached / max_reached)}
            for s in stats.steps
        ],
        "public_url": reverse("call_results", args=[call.organisation.slug, call.slug]),
        "step_count": len(STEPS),
    }
    return TemplateResponse(request, "applications/statistics/call.html", context)


@require_admin_access
def press_csv_view(request: HttpRequest, call_id: int) -> HttpResponse:
    """The press summary's figures as CSV (the open-data columns, small cells suppressed), named to the minute."""
    call = access.call_or_404(request.user, call_id)
    stats = call_statistics(call=call)
    stamp = timezone.localtime(stats.at, JAPAN).strftime("%Y%m%d-%H%M")
    response = HttpResponse(results_csv(public_results(stats)).encode("utf-8"), content_type="text/csv; charset=utf-8")
    name = f"press-summary-{call.organisation.reference_prefix}-{call.pk:04d}-{stamp}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def published_call_or_404(city: str, call: str) -> CallPage:
    """The live call ``city``/``call`` whose results its city published; 404 for anything else."""
    return get_object_or_404(
        CallPage.objects.live().select_related("organisation"),
        organisation__slug=city,
        slug=call,
        results_published=True,
    )


@with_site_config
@public_cache
def results_page(request: HttpRequest, city: str, call: str) -> HttpResponse:
    """応募状況・選考結果: the published figures of one call, small cells suppressed."""
    page = published_call_or_404(city, call)
    results = public_results(call_statistics(call=page))
    return TemplateResponse(
        request,
        "applications/statistics/results.html",
        {
            "call": page,
            "results": results,
            "home_name": NAME_BY_CODE.get(results.home_prefecture, ""),
            "prefecture_map": charts.prefecture_map(
                {p.code: p.people for p in results.prefectures}, NAME_BY_CODE, home=results.home_prefecture
            ),
            "json_url": reverse("call_results_json", args=[city, call]),
            "csv_url": reverse("call_results_csv", args=[city, call]),
        },
    )


@public_cache
def results_json_view(request: HttpRequest, city: str, call: str) -> HttpResponse:
    """The published figures as JSON (docs/opendata.md)."""
    page = published_call_or_404(city, call)
    results = public_results(call_statistics(call=page))
    url = request.build_absolute_uri(reverse("call_results", args=[city, call]))
    response = HttpResponse(results_json(results, url=url), content_type="application/json; charset=utf-8")
    response["Access-Control-Allow-Origin"] = "*"
    return response


@public_cache
def results_csv_view(request: HttpRequest, city: str, call: str) -> HttpResponse:
    """The published figures as CSV in UTF-8 with BOM (docs/opendata.md)."""
    page = published_call_or_404(city, call)
    results = public_results(call_statistics(call=page))
    response = HttpResponse(results_csv(results).encode("utf-8"), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{city}-{call}-results.csv"'
    response["Access-Control-Allow-Origin"] = "*"
    return response
