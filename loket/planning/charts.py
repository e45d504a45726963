"""Server-rendered horizontal bar charts (inline SVG), with their data as a table.

Coordinates are formatted here as plain strings so that the locale never turns a
decimal point into a comma inside an SVG attribute.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.formats import number_format

# Scenario colours: both have at least 3:1 contrast on white (WCAG 1.4.11).
COLOURS = ("#0b4f8a", "#a34e00", "#1e6b34", "#6b2c91")
WIDTH = 400
LABEL_WIDTH = 118
BAR_LEFT = 122
BAR_RIGHT = 340
BAR_HEIGHT = 14
GAP = 4
GROUP_GAP = 12
TOP = 6


@dataclass(frozen=True)
class Series:
    name: str
    values: list[float | None]
    lows: list[float | None]
    highs: list[float | None]


def _f(x: float) -> str:
    return f"{x:.1f}"


def _short(text: str, limit: int = 18) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def bar_chart(
    *,
    chart_id: str,
    title: str,
    categories: list[str],
    series: list[Series],
    unit: str,
    digits: int = 1,
    maximum: float | None = None,
) -> dict[str, Any]:
    """Geometry of a grouped horizontal bar chart (one group per category, one bar per
    series, whiskers for the 95 % confidence interval) and its data table."""
    top_value = maximum or 0.0
    for s in series:
        for v in [*s.values, *s.highs]:
            if v is not None and v > top_value:
                top_value = v
    top_value = top_value or 1.0
    scale = (BAR_RIGHT - BAR_LEFT) / top_value
    group = len(series) * (BAR_HEIGHT + GAP) - GAP
    labels, bars = [], []
    y = TOP
    for i, category in enumerate(categories):
        labels.append({"x": _f(LABEL_WIDTH), "y": _f(y + group / 2 + 4), "text": _short(category)})
        for j, s in enumerate(series):
            value = s.values[i]
            by = y + j * (BAR_HEIGHT + GAP)
            bar: dict[str, Any] = {
                "y": _f(by),
                "height": _f(BAR_HEIGHT),
                "colour": COLOURS[j % len(COLOURS)],
                "width": _f(max(0.0, (value or 0.0) * scale)),
                "text_x": _f(BAR_LEFT + max(0.0, (value or 0.0) * scale) + 3),
                "text_y": _f(by + BAR_HEIGHT - 3),
                "text": "—" if value is None else number_format(value, digits),
                "whisker": None,
            }
            low, high = s.lows[i], s.highs[i]
            if low is not None and high is not None and value is not None:
                mid = by + BAR_HEIGHT / 2
                bar["whisker"] = {
                    "x1": _f(BAR_LEFT + max(0.0, low) * scale),
                    "x2": _f(BAR_LEFT + high * scale),
                    "y": _f(mid),
                    "y1": _f(mid - 4),
                    "y2": _f(mid + 4),
                }
                bar["text_x"] = _f(BAR_LEFT + max(value, high) * scale + 3)
            bars.append(bar)
        y += group + GROUP_GAP
    rows = []
    for i, category in enumerate(categories):
        cells = []
        for s in series:
            value, low, high = s.values[i], s.lows[i], s.highs[i]
            text = "—" if value is None else number_format(value, digits)
            if value is not None and low is not None and high is not None:
                text += f" ({number_format(low, digits)}–{number_format(high, digits)})"
            cells.append(text)
        rows.append({"category": category, "cells": cells})
    return {
        "id": chart_id,
        "title": title,
        "unit": unit,
        "width": WIDTH,
        "height": _f(y - GROUP_GAP + TOP),
        "bar_left": _f(BAR_LEFT),
        "bars": bars,
        "labels": labels,
        "legend": [
            {"name": s.name, "colour": COLOURS[j % len(COLOURS)]} for j, s in enumerate(series)
        ],
        "series": [s.name for s in series],
        "rows": rows,
    }
