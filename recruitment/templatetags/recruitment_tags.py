"""Template helpers for calls and roles: deadlines in Japan time, pay, the home page's call list."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django import template
from django.utils.translation import get_language

from recruitment.formatting import format_japan_date, format_japan_datetime

register = template.Library()


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
