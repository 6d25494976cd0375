"""What the pages show, computed from the query layer's answers: period labels, the
chart drawings of the overview and scorecard, the emotion colours.

Kept apart from the routes so that each chart can be tested without a request.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from markupsafe import Markup

from servicecoach.analysis.emotion import EMOTIONS
from servicecoach.analysis.skills import skill_names
from servicecoach.store.dashboard import Overview
from servicecoach.store.filters import Granularity
from servicecoach.store.periods import PeriodStats
from servicecoach.web.charts import Bar, Series, bar_chart, line_chart, stacked_bars

__all__ = [
    "EMOTION_COLORS",
    "OverviewCharts",
    "overview_charts",
    "period_label",
    "resolution_rate",
]

EMOTION_COLORS: dict[str, str] = {
    "anger": "#b91c1c",
    "frustration": "#dc2626",
    "anxiety": "#f97316",
    "sadness": "#a16207",
    "confusion": "#d97706",
    "disappointment": "#f59e0b",
    "neutral": "#9ca3af",
    "satisfaction": "#22c55e",
    "gratitude": "#16a34a",
    "relief": "#0d9488",
}
"""A colour per customer emotion: warm for upset, grey for neutral, green for content."""


def period_label(start: date | None, granularity: Granularity) -> str:
    """A short label for the period starting on ``start`` (``May 6``, ``May 2024``)."""
    if start is None:
        return "?"
    if granularity is Granularity.MONTH:
        return start.strftime("%b %Y")
    return f"{start.strftime('%b')} {start.day}"


def resolution_rate(stats: PeriodStats) -> float | None:
    """Resolved conversations out of those whose outcome is known."""
    known = stats.resolved + stats.unresolved
    return stats.resolved / known if known else None


def _within_rate(stats: PeriodStats) -> float | None:
    judged = stats.within_target + stats.over_target
    return stats.within_target / judged if judged else None


def _percent(value: float | None) -> float | None:
    return None if value is None else round(value * 100, 1)


class OverviewCharts:
    """The overview's drawings (attributes are SVG markup)."""

    def __init__(self, overview: Overview) -> None:
        periods: Sequence[PeriodStats] = overview.periods
        labels = [period_label(p.start, overview.granularity) for p in periods]
        unit = overview.granularity.value
        self.skills: list[tuple[str, float | None, Markup]] = [
            (
                skill,
                overview.total.skills.get(skill),
                line_chart(
                    labels,
                    [Series(skill.replace("_", " "), [p.skills.get(skill) for p in periods])],
                    title=f"{skill.replace('_', ' ')}: mean score per {unit}",
                    width=320,
                    height=150,
                ),
            )
            for skill in skill_names()
        ]
        self.volume = line_chart(
            labels,
            [Series("conversations", [float(p.conversations) for p in periods])],
            title=f"Conversations per {unit}",
            y_max=1.0,
        )
        self.rates = line_chart(
            labels,
            [
                Series("resolved", [_percent(resolution_rate(p)) for p in periods]),
                Series("first reply within target", [_percent(_within_rate(p)) for p in periods]),
                Series("overall quality", [p.quality for p in periods]),
            ],
            title=f"Resolution rate, replies within target (%) and quality per {unit}",
            unit="",
        )
        self.response = bar_chart(
            [
                Bar(
                    r.channel,
                    (r.within_target_rate or 0.0) * 100,
                    (
                        f"{_fmt_rate(r.within_target_rate)} within {_fmt_target(r.target_s)}"
                        if r.within_target + r.over_target
                        else "no verdict"
                    ),
                    "#16a34a" if (r.within_target_rate or 0) >= 0.8 else "#ea580c",
                )
                for r in overview.response
            ],
            title="First replies within the channel's target",
            max_value=100.0,
            marker=80.0,
            marker_label="80 % of first replies within target",
        )
        shift = overview.emotions
        self.emotions = stacked_bars(
            [("start", shift.start), ("end", shift.end)],
            title="Customer emotion in their first and last message",
            order=EMOTIONS,
            colors=EMOTION_COLORS,
        )


def _fmt_rate(value: float | None) -> str:
    return "—" if value is None else f"{value:.0%}"


def _fmt_target(seconds: float) -> str:
    minutes = seconds / 60
    if minutes < 120:
        return f"{minutes:.0f} min"
    return f"{minutes / 60:.0f} h"


def overview_charts(overview: Overview) -> OverviewCharts:
    """The drawings of ``overview``."""
    return OverviewCharts(overview)
