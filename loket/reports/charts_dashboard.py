"""Inline SVG charts of the dashboard: geometry only, drawn by the templates. No script,
no chart library; each chart carries a <title> and <desc> and sits beside its table.

Coordinates are formatted here so the locale never turns a decimal point into a comma
inside an SVG attribute.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

# At least 3:1 against white (WCAG 1.4.11).
COLOURS = ("#0b4f8a", "#a34e00", "#1e6b34", "#6b2c91")
Number = float | int | Decimal | None


def _f(x: float) -> str:
    return f"{x:.1f}"


def _short(text: str, limit: int = 20) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def hbar_chart(
    *, chart_id: str, title: str, desc: str, rows: Sequence[tuple[str, Number]]
) -> dict[str, Any]:
    """One horizontal bar per row; a row without data gets no bar and the text "—"."""
    width, label_w, left, right, bar_h, gap = 360, 126, 130, 320, 16, 6
    top = max((float(v) for _l, v in rows if v is not None), default=0.0) or 1.0
    scale = (right - left) / top
    bars = []
    for i, (label, value) in enumerate(rows):
        y = 4 + i * (bar_h + gap)
        w = 0.0 if value is None else float(value) * scale
        bars.append(
            {
                "label": _short(label),
                "label_x": _f(label_w),
                "y": _f(y),
                "text_y": _f(y + bar_h - 4),
                "width": _f(w),
                "text_x": _f(left + w + 3),
                "text": "—"
                if value is None
                else f"{value:g}"
                if isinstance(value, float)
                else str(value),
            }
        )
    return {
        "id": chart_id,
        "title": title,
        "desc": desc,
        "width": width,
        "height": _f(8 + len(rows) * (bar_h + gap)),
        "left": _f(left),
        "bar_height": bar_h,
        "colour": COLOURS[0],
        "bars": bars,
    }


def line_chart(
    *,
    chart_id: str,
    title: str,
    desc: str,
    labels: Sequence[str],
    series: Sequence[tuple[str, Sequence[Number]]],
    maximum: float | None = None,
    bands: Sequence[tuple[float, float, str]] = (),
) -> dict[str, Any]:
    """A time series: one polyline per series (a gap where a value is missing), points
    marked, optional horizontal bands (low, high, label) such as the IKM grades."""
    width, height, left, right, top, bottom = 360, 180, 34, 350, 8, 150
    values = [float(v) for _n, vs in series for v in vs if v is not None]
    y_max = maximum or (max(values, default=0.0) or 1.0)
    y_min = min((b[0] for b in bands), default=0.0)
    span = (y_max - y_min) or 1.0
    n = max(len(labels), 1)
    step = (right - left) / max(n - 1, 1)

    def x(i: int) -> float:
        return left + (i * step if n > 1 else (right - left) / 2)

    def y(v: float) -> float:
        return bottom - (v - y_min) / span * (bottom - top)

    lines = []
    for j, (name, vs) in enumerate(series):
        segments: list[list[str]] = [[]]
        points = []
        for i, v in enumerate(vs):
            if v is None:
                segments.append([])
                continue
            segments[-1].append(f"{_f(x(i))},{_f(y(float(v)))}")
            points.append({"x": _f(x(i)), "y": _f(y(float(v)))})
        lines.append(
            {
                "name": name,
                "colour": COLOURS[j % len(COLOURS)],
                "segments": [" ".join(s) for s in segments if len(s) > 1],
                "points": points,
            }
        )
    every = max(1, round(n / 6))
    ticks = [
        {"x": _f(x(i)), "text": label}
        for i, label in enumerate(labels)
        if i % every == 0 or i == n - 1
    ]
    return {
        "id": chart_id,
        "title": title,
        "desc": desc,
        "width": width,
        "height": height,
        "left": _f(left),
        "right": _f(right),
        "bottom": _f(bottom),
        "top": _f(top),
        "label_y": _f(bottom + 14),
        "y_max_text": f"{y_max:g}",
        "y_min_text": f"{y_min:g}",
        "y_max_y": _f(top + 4),
        "y_min_y": _f(bottom),
        "lines": lines,
        "ticks": ticks,
        "bands": [
            {
                "y": _f(y(min(high, y_max))),
                "height": _f(max(0.0, y(low) - y(min(high, y_max)))),
                "label": label,
                "text_y": _f(y(min(high, y_max)) + 10),
                "shade": "#eef3f8" if i % 2 == 0 else "#ffffff",
            }
            for i, (low, high, label) in enumerate(bands)
            if low < y_max
        ],
        "legend": [{"name": ln["name"], "colour": ln["colour"]} for ln in lines],
    }
