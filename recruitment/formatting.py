"""Dates and times as people in Japan read them, for pages, mail, the admin and the PDFs alike.

Plain functions (the template filters in ``templatetags.recruitment_tags`` call these),
so models and exports do not import a templatetags module.
"""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from django.utils import timezone
from django.utils.translation import get_language

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
