"""Charts as inline SVG, drawn on the server: a line chart, horizontal bars, stacked bars
and a sparkline.

Every chart is one ``<svg>`` element that scales to its container (``viewBox``), with a
title for screen readers, labelled axes, a legend where there is more than one series,
and a ``<title>`` tooltip on every point and bar, so that a chart reads without
explanation and the exact figure is one hover away. Text is escaped; the result is
:class:`markupsafe.Markup`, ready for a template.

Colours are SVG presentation attributes (``fill``, ``stroke``), never ``style``
attributes, so the pages keep a Content-Security-Policy without ``'unsafe-inline'``. A
legend of colours that carry meaning is HTML text beside the drawing (:func:`legend`),
so that screen readers and people who do not tell the colours apart read it.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape

__all__ = [
    "PALETTE",
    "Bar",
    "Series",
    "bar_chart",
    "legend",
    "line_chart",
    "nice_ceiling",
    "sparkline",
    "stacked_bars",
]

PALETTE: tuple[str, ...] = (
    "#2563eb",
    "#dc2626",
    "#16a34a",
    "#9333ea",
    "#ea580c",
    "#0891b2",
    "#ca8a04",
    "#db2777",
    "#4b5563",
    "#65a30d",
    "#7c3aed",
    "#0d9488",
)
"""Series colours, in order (distinct on white, and in print)."""

_FONT = 'font-family="system-ui, sans-serif"'


@dataclass(frozen=True, slots=True)
class Series:
    """One line of a line chart: a name and one value per label (``None``: no data)."""

    name: str
    values: Sequence[float | None]


@dataclass(frozen=True, slots=True)
class Bar:
    """One bar: its label, value, the text shown beside it and an optional colour."""

    label: str
    value: float
    text: str
    color: str = PALETTE[0]


def _num(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def _fit(text: str, chars: int) -> str:
    """``text`` cut to ``chars`` characters with an ellipsis (the full text is in a tooltip)."""
    return text if len(text) <= chars else text[: chars - 1].rstrip() + "…"


def legend(entries: Sequence[tuple[str, str]]) -> Markup:
    """A legend in HTML text: one colour swatch (hidden from screen readers) and its
    meaning per ``(colour, meaning)``, for a chart whose colours say something.

    The meaning is plain text, so it is read aloud and survives printing in grey.
    """
    items = "&ensp; ".join(
        f'<span class="legend-item"><svg width="12" height="12" viewBox="0 0 12 12" '
        f'aria-hidden="true" focusable="false"><rect width="12" height="12" rx="2" '
        f'fill="{escape(color)}"/></svg> {escape(meaning)}</span>'
        for color, meaning in entries
    )
    return Markup(f'<p class="legend muted">{items}</p>') if items else Markup("")


def nice_ceiling(value: float) -> float:
    """The smallest of 1, 2, 2.5, 4, 5 or 10 times a power of ten that is at least ``value``
    (so that the four steps of an axis are round numbers)."""
    if value <= 0:
        return 1.0
    power = 10.0 ** math.floor(math.log10(value))
    for step in (1.0, 2.0, 2.5, 4.0, 5.0, 10.0):
        if step * power >= value - 1e-9:
            return step * power
    return 10.0 * power  # pragma: no cover - the loop always returns


def _open(width: int, height: int, title: str, css: str) -> str:
    return (
        f'<svg class="chart {css}" viewBox="0 0 {width} {height}" role="img" '
        f'aria-label="{escape(title)}" xmlns="http://www.w3.org/2000/svg" {_FONT}>'
        f"<title>{escape(title)}</title>"
    )


def line_chart(
    labels: Sequence[str],
    series: Sequence[Series],
    *,
    title: str,
    y_max: float = 100.0,
    unit: str = "",
    target: float | None = None,
    target_label: str = "target",
    width: int = 640,
    height: int = 260,
) -> Markup:
    """A line chart of ``series`` over ``labels`` (one x position per label).

    A period without a value has no point; the points on either side are joined by a
    dotted segment, so that a sparse series still reads as a line, not scattered dots.

    Args:
        labels: the x-axis labels (periods), oldest first.
        series: the lines; a ``None`` value leaves a gap.
        title: what the chart shows (its accessible name).
        y_max: the top of the y axis (the bottom is 0); raised to fit the data.
        unit: appended to values in tooltips and the axis (``"%"``, ``" s"``).
        target: a dashed horizontal line at this value, if given.
        target_label: the target line's label.
        width: the drawing's width in SVG units (it scales to its container).
        height: its height.
    """
    values = [v for s in series for v in s.values if v is not None]
    top = max([y_max, *values, target or 0.0]) or 1.0
    if top > y_max:
        top = nice_ceiling(top)
    legend_rows = (len(series) + 3) // 4 if len(series) > 1 else 0
    left, right, top_pad = 44, 12, 12
    bottom = 34 + 18 * legend_rows
    plot_w, plot_h = width - left - right, height - top_pad - bottom
    count = max(len(labels), 1)

    def x(i: int) -> float:
        return left + (plot_w * (i + 0.5) / count)

    def y(v: float) -> float:
        return top_pad + plot_h * (1 - v / top)

    parts = [_open(width, height, title, "line-chart")]
    for step in range(5):
        tick = top * step / 4
        parts.append(
            f'<line x1="{left}" x2="{width - right}" y1="{y(tick):.1f}" y2="{y(tick):.1f}" '
            f'stroke="#e5e7eb"/><text x="{left - 6}" y="{y(tick) + 4:.1f}" font-size="11" '
            f'text-anchor="end" fill="#4b5563">{escape(_num(tick) + unit)}</text>'
        )
    fits = max(2, int(plot_w // 64))  # about 64 units per label
    every = max(1, -(-len(labels) // fits))
    for i, label in enumerate(labels):
        if i % every == 0:
            anchor = "end" if x(i) > width - right - 24 else "middle"  # keep it inside
            parts.append(
                f'<text x="{x(i):.1f}" y="{top_pad + plot_h + 16}" font-size="11" '
                f'text-anchor="{anchor}" fill="#4b5563">{escape(label)}</text>'
            )
    if target is not None:
        parts.append(
            f'<line class="target" x1="{left}" x2="{width - right}" y1="{y(target):.1f}" '
            f'y2="{y(target):.1f}" stroke="#111827" stroke-dasharray="5 4">'
            f"<title>{escape(f'{target_label}: {_num(target)}{unit}')}</title></line>"
        )
    for index, line in enumerate(series):
        color = PALETTE[index % len(PALETTE)]
        runs: list[list[str]] = [[]]
        for i, value in enumerate(line.values):
            if value is None:
                runs.append([])
                continue
            runs[-1].append(f"{x(i):.1f},{y(value):.1f}")
        for run in runs:
            if len(run) > 1:
                parts.append(
                    f'<polyline fill="none" stroke="{color}" stroke-width="2" '
                    f'points="{" ".join(run)}"/>'
                )
        filled = [r for r in runs if r]
        for before, after in itertools.pairwise(filled):  # across a gap: dotted
            (x1, y1), (x2, y2) = before[-1].split(","), after[0].split(",")
            parts.append(
                f'<line class="gap" x1="{x1}" y1="{y1}" x2="{x2}" y2="{y2}" stroke="{color}" '
                f'stroke-width="1.5" stroke-dasharray="2 4"/>'
            )
        for i, value in enumerate(line.values):
            if value is None:
                continue
            tip = f"{line.name}, {labels[i] if i < len(labels) else i}: {_num(value)}{unit}"
            parts.append(
                f'<circle cx="{x(i):.1f}" cy="{y(value):.1f}" r="3.5" fill="{color}">'
                f"<title>{escape(tip)}</title></circle>"
            )
    if legend_rows:
        slot = (width - left) / 4
        for index, line in enumerate(series):
            lx = left + slot * (index % 4)
            ly = top_pad + plot_h + 34 + 18 * (index // 4)
            parts.append(
                f'<rect x="{lx:.1f}" y="{ly - 9}" width="12" height="4" '
                f'fill="{PALETTE[index % len(PALETTE)]}"/>'
                f'<text x="{lx + 16:.1f}" y="{ly - 4}" font-size="11" fill="#111827">'
                f"{escape(line.name)}</text>"
            )
    parts.append("</svg>")
    return Markup("".join(parts))


def bar_chart(
    bars: Sequence[Bar],
    *,
    title: str,
    max_value: float | None = None,
    marker: float | None = None,
    marker_label: str = "target",
    width: int = 640,
    colors: Sequence[tuple[str, str]] = (),
) -> Markup:
    """Horizontal bars, one row per bar: label on the left, the bar, its text on the right.

    A label too long for its column is cut with an ellipsis; the bar's tooltip has it
    whole.

    Args:
        bars: the rows, top to bottom.
        title: what the chart shows.
        max_value: the value of a full-width bar (default: the largest value).
        marker: a vertical dashed line at this value (a target), if given.
        marker_label: the marker's tooltip.
        width: the drawing's width (it scales to its container).
        colors: what the bars' colours mean, ``(colour, meaning)``: written as a text
            legend under the drawing (:func:`legend`).
    """
    row, label_w, text_w = 26, 150, 170
    height = max(row * len(bars), row) + 8
    top = max_value or max([b.value for b in bars] + [marker or 0.0]) or 1.0
    plot_w = width - label_w - text_w
    parts = [_open(width, height, title, "bar-chart")]
    for i, bar in enumerate(bars):
        y0 = 4 + i * row
        length = max(0.0, min(bar.value, top)) / top * plot_w
        parts.append(
            f'<text x="{label_w - 8}" y="{y0 + 16}" font-size="12" text-anchor="end" '
            f'fill="#111827">{escape(_fit(bar.label, 22))}</text>'
            f'<rect x="{label_w}" y="{y0 + 4}" width="{plot_w}" height="16" fill="#f3f4f6"/>'
            f'<rect x="{label_w}" y="{y0 + 4}" width="{length:.1f}" height="16" '
            f'fill="{bar.color}"><title>{escape(f"{bar.label}: {bar.text}")}</title></rect>'
            f'<text x="{label_w + plot_w + 8}" y="{y0 + 16}" font-size="12" '
            f'fill="#111827">{escape(bar.text)}</text>'
        )
    if marker is not None:
        mx = label_w + min(marker, top) / top * plot_w
        parts.append(
            f'<line class="target" x1="{mx:.1f}" x2="{mx:.1f}" y1="2" y2="{height - 2}" '
            f'stroke="#111827" stroke-dasharray="4 3"><title>{escape(marker_label)}</title></line>'
        )
    parts.append("</svg>")
    return Markup("".join(parts)) + legend(colors)


def stacked_bars(
    rows: Sequence[tuple[str, Mapping[str, int]]],
    *,
    title: str,
    order: Sequence[str],
    colors: Mapping[str, str] | None = None,
    width: int = 640,
) -> Markup:
    """Horizontal 100 % stacked bars: one row per ``(label, {segment: count})``.

    Args:
        rows: the rows, top to bottom.
        title: what the chart shows.
        order: the segments, left to right (also the legend's order); segments missing
            from ``order`` are left out.
        colors: a colour per segment (default: the palette in order).
        width: the drawing's width (it scales to its container).
    """
    colors = colors or {name: PALETTE[i % len(PALETTE)] for i, name in enumerate(order)}
    row, label_w = 30, 70
    shown = [name for name in order if any(counts.get(name) for _, counts in rows)]
    legend_rows = (len(shown) + 4) // 5
    height = row * len(rows) + 8 + 18 * legend_rows
    plot_w = width - label_w - 10
    parts = [_open(width, height, title, "stacked-chart")]
    for i, (label, counts) in enumerate(rows):
        y0 = 4 + i * row
        total = sum(counts.get(name, 0) for name in order)
        parts.append(
            f'<text x="{label_w - 8}" y="{y0 + 17}" font-size="12" text-anchor="end" '
            f'fill="#111827">{escape(label)}</text>'
        )
        offset = 0.0
        for name in order:
            count = counts.get(name, 0)
            if not count or not total:
                continue
            share = count / total
            w = share * plot_w
            parts.append(
                f'<rect x="{label_w + offset:.1f}" y="{y0 + 4}" width="{w:.1f}" height="20" '
                f'fill="{colors.get(name, PALETTE[8])}"><title>'
                f"{escape(f'{label}: {name} {count} ({share:.0%})')}</title></rect>"
            )
            if w > 38:
                parts.append(
                    f'<text x="{label_w + offset + w / 2:.1f}" y="{y0 + 18}" font-size="11" '
                    f'text-anchor="middle" fill="#ffffff">{share:.0%}</text>'
                )
            offset += w
    for index, name in enumerate(shown):
        lx = label_w + (plot_w / 5) * (index % 5)
        ly = 4 + row * len(rows) + 14 + 18 * (index // 5)
        parts.append(
            f'<rect x="{lx:.1f}" y="{ly - 10}" width="10" height="10" '
            f'fill="{colors.get(name, PALETTE[8])}"/><text x="{lx + 14:.1f}" y="{ly - 1}" '
            f'font-size="11" fill="#111827">{escape(name)}</text>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))


def _trend_text(title: str, values: Sequence[float | None], labels: Sequence[str]) -> str:
    """The sparkline in words: first and last value, lowest and highest, how many periods."""
    known = [(i, v) for i, v in enumerate(values) if v is not None]
    if not known:
        return f"{title}: no data"

    def at(i: int, v: float) -> str:
        return f"{_num(v)} ({labels[i]})" if i < len(labels) else _num(v)

    (first_i, first), (last_i, last) = known[0], known[-1]
    if len(known) == 1:
        text = f"{title}: {at(first_i, first)}"
    else:
        low, high = min(v for _, v in known), max(v for _, v in known)
        text = (
            f"{title}: from {at(first_i, first)} to {at(last_i, last)}, "
            f"lowest {_num(low)}, highest {_num(high)}"
        )
    return f"{text}; {len(known)} of {len(values)} periods with data"


def sparkline(
    values: Sequence[float | None],
    *,
    title: str,
    labels: Sequence[str] = (),
    y_max: float = 100.0,
    width: int = 168,
    height: int = 44,
) -> Markup:
    """A small trend line beside a number, with its first and last value written at its ends.

    Periods without a value do not break the line: the known values are joined, across
    a gap by a dotted segment, so a sparse trend still reads as a line. The vertical
    scale fits the values (at least a fifth of ``y_max`` high, within 0 and ``y_max``), so
    a change from 62 to 71 shows. The drawing's accessible name says the trend in words (first
    and last value with their periods, lowest, highest, periods with data), and every
    point has a tooltip.

    Args:
        values: the values, oldest first (``None``: no data in that period).
        title: what it shows (the start of its accessible name).
        labels: a label per value (periods), for the tooltips and the name.
        y_max: the largest possible value.
        width: the drawing's width, in pixels.
        height: its height.
    """
    text = _trend_text(title, values, labels)
    known = [(i, min(max(v, 0.0), y_max)) for i, v in enumerate(values) if v is not None]
    parts = [
        f'<svg class="trend" width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
        f'role="img" aria-label="{escape(text)}" xmlns="http://www.w3.org/2000/svg" {_FONT}>'
        f"<title>{escape(text)}</title>"
    ]
    if not known:
        parts.append(
            f'<text x="{width / 2:.0f}" y="{height / 2 + 4:.0f}" font-size="11" '
            f'text-anchor="middle" fill="#6b7280">no data</text></svg>'
        )
        return Markup("".join(parts))
    low, high = min(v for _, v in known), max(v for _, v in known)
    span = max(high - low, y_max / 5)
    bottom = min(max(0.0, (low + high - span) / 2), max(y_max - span, 0.0))
    top = bottom + span
    left, right, pad = 30, 30, 6
    count = max(len(values), 1)

    def x(i: int) -> float:
        return left + (width - left - right) * (i + 0.5) / count

    def y(v: float) -> float:
        return pad + (height - 2 * pad) * (1 - (v - bottom) / (top - bottom))

    parts.append(
        f'<line x1="{left}" x2="{width - right}" y1="{height - pad}" y2="{height - pad}" '
        f'stroke="#e5e7eb"/>'
    )
    for (i, v), (j, w) in itertools.pairwise(known):
        dash = ' stroke-dasharray="2 3"' if j > i + 1 else ""
        parts.append(
            f'<line x1="{x(i):.1f}" y1="{y(v):.1f}" x2="{x(j):.1f}" y2="{y(w):.1f}" '
            f'stroke="{PALETTE[0]}" stroke-width="2" stroke-linecap="round"{dash}/>'
        )
    for i, v in known:
        tip = f"{labels[i]}: {_num(v)}" if i < len(labels) else _num(v)
        parts.append(
            f'<circle cx="{x(i):.1f}" cy="{y(v):.1f}" r="2.5" fill="{PALETTE[0]}">'
            f"<title>{escape(tip)}</title></circle>"
        )
    (first_i, first), (last_i, last) = known[0], known[-1]
    parts.append(
        f'<text x="{x(last_i) + 6:.1f}" y="{y(last) + 4:.1f}" font-size="12" '
        f'font-weight="600" fill="#111827">{_num(last)}</text>'
    )
    if len(known) > 1:
        parts.append(
            f'<text x="{x(first_i) - 6:.1f}" y="{y(first) + 4:.1f}" font-size="11" '
            f'text-anchor="end" fill="#4b5563">{_num(first)}</text>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))
