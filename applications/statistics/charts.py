"""Geometry of the statistics charts, drawn as SVG by the templates (readable without JavaScript).

Each chart is paired in the template with a table of the same figures for screen readers;
the SVG itself is ``aria-hidden``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from applications.statistics.aggregates import DayFigures, PrefectureFigures
from applications.statistics.suppression import Figure, shown

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


#: Where each prefecture's tile sits (column, row) on the tile-grid map, by JIS X 0401 code: Hokkaido at the
#: top right, Okinawa at the bottom left, each tile beside its neighbours as far as a grid allows.
TILES: dict[str, tuple[int, int]] = {
    "01": (12, 0),
    "02": (12, 1),
    "03": (12, 2),
    "04": (12, 3),
    "05": (11, 2),
    "06": (11, 3),
    "07": (11, 4),
    "08": (12, 5),
    "09": (11, 5),
    "10": (10, 5),
    "11": (10, 6),
    "12": (12, 6),
    "13": (11, 6),
    "14": (10, 7),
    "15": (10, 4),
    "16": (9, 4),
    "17": (8, 4),
    "18": (7, 5),
    "19": (9, 6),
    "20": (9, 5),
    "21": (8, 5),
    "22": (9, 7),
    "23": (8, 6),
    "24": (7, 7),
    "25": (7, 6),
    "26": (6, 6),
    "27": (5, 7),
    "28": (5, 6),
    "29": (6, 7),
    "30": (5, 8),
    "31": (4, 6),
    "32": (3, 6),
    "33": (4, 7),
    "34": (3, 7),
    "35": (2, 7),
    "36": (4, 9),
    "37": (4, 8),
    "38": (3, 8),
    "39": (3, 9),
    "40": (1, 7),
    "41": (0, 8),
    "42": (0, 9),
    "43": (1, 8),
    "44": (2, 8),
    "45": (2, 9),
    "46": (1, 9),
    "47": (0, 11),
}
TILE = 46
#: Fill and text colour per level (0: nobody; 1–4: up to a quarter, half, three quarters, all of the largest).
LEVELS = [("#f2f2f2", "#1a1a1a"), ("#e8f1fe", "#1a1a1a"), ("#9db7f9", "#1a1a1a"), ("#264af4", "#ffffff"),
          ("#00118f", "#ffffff")]  # fmt: skip


def short_name(name: str) -> str:
    """兵庫県 → 兵庫, 東京都 → 東京, 北海道 stays (what fits on a tile)."""
    return name if name == "北海道" else name.rstrip("都府県")


def prefecture_map(people: dict[str, Figure], names: dict[str, str], *, home: str = "") -> dict[str, Any]:
    """A tile-grid map of the 47 prefectures shaded by people per prefecture, the city's own outlined.

    ``people`` maps a JIS X 0401 code to its count, or None where the count is under 5 (drawn at the
    lightest shade that is not zero, labelled 「5未満」), or WITHHELD (the same shade, 「秘匿」: its size is
    not to be told). The table beside it carries the same figures.
    """
    top = max((n for n in people.values() if isinstance(n, int)), default=0)
    tiles = []
    for code, (column, row) in TILES.items():
        n = people.get(code, 0)
        if not isinstance(n, int):
            level, label = 1, shown(n)
        elif n == 0 or not top:
            level, label = 0, "0"
        else:
            level, label = min(4, max(1, -(-4 * n // top))), str(n)
        fill, ink = LEVELS[level]
        x, y = column * TILE, row * TILE
        tiles.append(
            {
                "code": code,
                "x": x + 1,
                "y": y + 1,
                "size": TILE - 2,
                "fill": fill,
                "ink": ink,
                "name": short_name(names.get(code, code)),
                "label": label,
                "name_x": x + TILE // 2,
                "name_y": y + 19,
                "label_y": y + 35,
                "home": code == home,
            }
        )
    return {"width": 13 * TILE, "height": 12 * TILE, "tiles": tiles, "top": top, "levels": LEVELS}
