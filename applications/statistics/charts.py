"""Geometry of the statistics charts, drawn as SVG by the templates (readable without JavaScript).

Each chart is paired in the template with a table of the same figures for screen readers;
the SVG itself is ``aria-hidden``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from applications.statistics.aggregates import DayFigures, PrefectureFigures

WIDTH = 720
HEIGHT = 240
LEFT, RIGHT, TOP, BOTTOM = 48, 48, 16, 40


@dataclass(frozen=True)
class DayChart:
    width: int
    height: int
    bars: list[dict[str, Any]]
    line: str
    deadlines: list[dict[str, Any]]
    ticks: list[dict[str, Any]]
    max_day: int
    max_total: int
    base: int


def day_chart(days: list[DayFigures]) -> DayChart | None:
    """Bars of applications per day (left scale), the cumulative total as a line (right scale), deadlines marked."""
    if not days:
        return None
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    base = TOP + plot_h
    step = plot_w / len(days)
    max_day = max(d.applications for d in days) or 1
    max_total = days[-1].cumulative or 1
    bars, points, deadlines, ticks = [], [], [], []
    for i, day in enumerate(days):
        x = LEFT + i * step
        height = round(plot_h * day.applications / max_day, 1)
        bars.append(
            {"x": round(x + step * 0.1, 1), "y": round(base - height, 1), "w": round(step * 0.8, 1), "h": height}
        )
        points.append(f"{round(x + step / 2, 1)},{round(base - plot_h * day.cumulative / max_total, 1)}")
        if day.deadlines:
            deadlines.append({"x": round(x + step / 2, 1), "label": "締切", "roles": day.deadlines})
        if i % max(1, len(days) // 8) == 0:
            ticks.append({"x": round(x + step / 2, 1), "label": f"{day.day.month}/{day.day.day}"})
    return DayChart(
        width=WIDTH,
        height=HEIGHT,
        bars=bars,
        line=" ".join(points),
        deadlines=deadlines,
        ticks=ticks,
        max_day=max_day,
        max_total=max_total,
        base=base,
    )


def prefecture_chart(prefectures: list[PrefectureFigures], *, limit: int = 12) -> dict[str, Any] | None:
    """Horizontal bars of people per prefecture, the ``limit`` largest (the table beside lists all)."""
    rows = sorted((p for p in prefectures if p.people), key=lambda p: (-p.people, p.code))[:limit]
    if not rows:
        return None
    top = rows[0].people
    label_w, bar_w, row_h = 96, 520, 22
    bars = [
        {
            "y": 8 + i * row_h,
            "w": max(1, round(bar_w * p.people / top)),
            "label": p.name,
            "people": p.people,
            "text_y": 8 + i * row_h + 14,
        }
        for i, p in enumerate(rows)
    ]
    return {"width": label_w + bar_w + 56, "height": 16 + len(rows) * row_h, "label_w": label_w, "bars": bars}
