"""Template helpers for calls and roles: deadlines in Japan time, pay, the home page's call list."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from django import template
from django.utils import timezone
from django.utils.translation import get_language

register = template.Library()

JAPAN = ZoneInfo("Asia/Tokyo")
WEEKDAYS_JA = "月火水木金土日"
WEEKDAYS_EN = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
MONTHS_EN = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]


def format_japan_datetime(value: datetime, language: str | None = None) -> str:
    """``2026年12月10日(木) 23:59`` in Japanese, ``Thu 10 Dec 2026, 23:59 JST`` in English; always Japan time."""
    local = timezone.localtime(value, JAPAN)
    if (language or get_language()) == "en":
        return (
            f"{WEEKDAYS_EN[local.weekday()]} {local.day} {MONTHS_EN[local.month - 1]} {local.year}, {local:%H:%M} JST"
        )
    return f"{local.year}年{local.month}月{local.day}日({WEEKDAYS_JA[local.weekday()]}) {local:%H:%M}"


def format_japan_date(value: date, language: str | None = None) -> str:
    if (language or get_language()) == "en":
        return f"{WEEKDAYS_EN[value.weekday()]} {value.day} {MONTHS_EN[value.month - 1]} {value.year}"
    return f"{value.year}年{value.month}月{value.day}日({WEEKDAYS_JA[value.weekday()]})"


@register.filter
def japan_datetime(value: datetime | None) -> str:
    return format_japan_datetime(value) if value else ""


@register.filter
def japan_date(value: date | None) -> str:
    return format_japan_date(value) if value else ""


@register.filter
def yen(value: int | None) -> str:
    if value is None:
        return ""
    return f"¥{value:,}" if get_language() == "en" else f"{value:,}円"


@register.inclusion_tag("recruitment/includes/open_calls.html", takes_context=True)
def open_calls_panel(context: dict[str, Any]) -> dict[str, Any]:
    """The home page's list of open calls with their open-role counts and nearest deadline."""
    from recruitment.models import CallIndexPage
    from recruitment.selectors import open_call_summaries

    return {
        "request": context.get("request"),
        "summaries": open_call_summaries(),
        "index": CallIndexPage.objects.live().first(),
    }
