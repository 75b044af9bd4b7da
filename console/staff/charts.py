"""Charts as inline SVG rendered on the server: no JavaScript, nothing from a CDN."""

from __future__ import annotations

import datetime as dt
from typing import Mapping, Sequence

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

PALETTE = ["#2563eb", "#f97316", "#16a34a", "#9333ea", "#dc2626", "#0891b2", "#ca8a04"]
WIDTH, HEIGHT, LEFT, BOTTOM, TOP = 720, 220, 44, 28, 10


def _nice_max(value: float) -> float:
    for step in (
        1,
        2,
        5,
        10,
        20,
        50,
        100,
        200,
        500,
        1000,
        2000,
        5000,
        10_000,
        20_000,
        50_000,
        100_000,
    ):
        if value <= step * 4:
            return step * 4
    return value


def stacked_bars(
    series: Mapping[str, Mapping[dt.date, int]], days: Sequence[dt.date], title: str
) -> SafeString:
    """One bar per day, stacked by series (language, channel, ...), with a legend."""
    names = sorted(series)
    totals = [sum(series[name].get(day, 0) for name in names) for day in days]
    top = _nice_max(max(totals, default=0) or 1)
    plot_w, plot_h = WIDTH - LEFT - 10, HEIGHT - BOTTOM - TOP
    bar_w = plot_w / max(len(days), 1)
    parts = [
        f'<svg class="chart" viewBox="0 0 {WIDTH} {HEIGHT + 24}" role="img" aria-label="{escape(title)}">'
    ]
    for tick in range(5):
        value = top * tick / 4
        y = TOP + plot_h - plot_h * tick / 4
        parts.append(
            f'<line x1="{LEFT}" x2="{WIDTH - 10}" y1="{y:.1f}" y2="{y:.1f}" class="grid"/>'
        )
        parts.append(f'<text x="{LEFT - 4}" y="{y + 4:.1f}" text-anchor="end">{value:g}</text>')
    label_every = max(1, len(days) // 10)
    for index, day in enumerate(days):
        x = LEFT + index * bar_w
        y = TOP + plot_h
        for colour, name in zip(PALETTE * 3, names):
            count = series[name].get(day, 0)
            if count:
                h = plot_h * count / top
                y -= h
                parts.append(
                    f'<rect x="{x + 1:.1f}" y="{y:.1f}" width="{max(bar_w - 2, 1):.1f}" height="{h:.1f}" '
                    f'fill="{colour}"><title>{escape(name)} {day.isoformat()}: {count}</title></rect>'
                )
        if index % label_every == 0:
            parts.append(
                f'<text x="{x + bar_w / 2:.1f}" y="{HEIGHT - 10}" text-anchor="middle">{day:%d/%m}</text>'
            )
    for index, (colour, name) in enumerate(zip(PALETTE * 3, names)):
        x = LEFT + index * 110
        parts.append(f'<rect x="{x}" y="{HEIGHT + 8}" width="12" height="12" fill="{colour}"/>')
        parts.append(f'<text x="{x + 16}" y="{HEIGHT + 19}">{escape(name)}</text>')
    parts.append("</svg>")
    return mark_safe("".join(parts))


def horizontal_bars(items: Sequence[tuple[str, int]], title: str) -> SafeString:
    """Labelled bars, largest first (top topics)."""
    row, label_w = 24, 220
    height = max(len(items), 1) * row + 8
    top = max((count for _, count in items), default=1) or 1
    parts = [
        f'<svg class="chart" viewBox="0 0 {WIDTH} {height}" role="img" aria-label="{escape(title)}">'
    ]
    for index, (label, count) in enumerate(items):
        y = 4 + index * row
        w = (WIDTH - label_w - 60) * count / top
        parts.append(
            f'<text x="{label_w - 6}" y="{y + 15}" text-anchor="end">{escape(label)}</text>'
        )
        parts.append(
            f'<rect x="{label_w}" y="{y + 2}" width="{w:.1f}" height="{row - 6}" fill="{PALETTE[0]}"/>'
        )
        parts.append(f'<text x="{label_w + w + 6:.1f}" y="{y + 15}">{count}</text>')
    parts.append("</svg>")
    return mark_safe("".join(parts))
