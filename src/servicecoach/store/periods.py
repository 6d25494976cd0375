"""Metrics per period: one GROUP BY day in SQL, rolled up into days, weeks or months here.

The daily sums (``metrics_daily``) are read when they can answer the question; the skill
scores are a second GROUP BY day and skill (``store.skill_sums`` picks their table).

Grouping by the stored UTC day is the same on SQLite and PostgreSQL and cheap; the
roll-up of at most a few hundred days into periods costs nothing in Python.

:func:`data_span` is where a selection's conversations are, the pages' default period
(:func:`dense_span` is its rule): it ends on the last day with a conversation and leaves
out a thin early tail (at most :data:`TAIL_SHARE` of the conversations) and a few early
outliers (at most :data:`OUTLIER_SHARE`, separated from the rest by a gap longer than
the rest's own span and than :data:`MIN_GAP_DAYS`), so that one stray old conversation
does not stretch every chart over years.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Connection, Integer, cast, func, select

from servicecoach.store.daily import has_daily
from servicecoach.store.filters import (
    Filters,
    Granularity,
    Scope,
    bucket,
    choose_granularity,
    metrics_conditions,
)
from servicecoach.store.schema import conversation_metrics, metrics_daily
from servicecoach.store.scores import skill_order
from servicecoach.store.skill_sums import skill_sums

__all__ = [
    "MIN_GAP_DAYS",
    "OUTLIER_SHARE",
    "TAIL_SHARE",
    "DataSpan",
    "PeriodStats",
    "StatsTable",
    "data_span",
    "dense_span",
    "period_table",
]

TAIL_SHARE = 0.02
"""The default period may leave out the earliest conversations up to this share (2%)."""
OUTLIER_SHARE = 0.10
"""...and early outliers up to this share (10%) when a long gap separates them."""
MIN_GAP_DAYS = 28
"""A gap that makes early conversations outliers is longer than this (four weeks)."""


@dataclass(frozen=True, slots=True)
class PeriodStats:
    """Totals of one period (or of the whole selection).

    Attributes:
        start: the first day of the period (``None`` for the whole selection).
        conversations: conversations in it.
        skills: mean score per skill (``None`` where no conversation was scored): the
            registered skills in order, then any other skill the selection has scores of.
        scored: conversations scored, per skill (the same keys).
        quality: mean overall quality.
        resolved: conversations known to be resolved.
        unresolved: conversations known to be unresolved.
        within_target: conversations whose first reply was within the target.
        over_target: conversations whose first reply was over it.
        mean_first_response_s: mean wait for the first reply, in seconds.
    """

    start: date | None
    conversations: int
    skills: dict[str, float | None]
    scored: dict[str, int]
    quality: float | None
    resolved: int
    unresolved: int
    within_target: int
    over_target: int
    mean_first_response_s: float | None

    @property
    def resolution_rate(self) -> float | None:
        """Resolved share of the conversations whose outcome is known."""
        known = self.resolved + self.unresolved
        return self.resolved / known if known else None

    @property
    def within_target_rate(self) -> float | None:
        """Share of first replies within the target, of those measured."""
        known = self.within_target + self.over_target
        return self.within_target / known if known else None


@dataclass(slots=True)
class _Sums:
    conversations: int = 0
    score_sums: dict[str, float] = field(default_factory=dict)
    score_counts: dict[str, int] = field(default_factory=dict)
    quality_sum: float = 0.0
    quality_count: int = 0
    resolved: int = 0
    resolved_known: int = 0
    within: int = 0
    within_known: int = 0
    response_sum: float = 0.0
    response_count: int = 0

    def add_skill(self, skill: str, total: Any, count: Any) -> None:
        self.score_sums[skill] = self.score_sums.get(skill, 0.0) + float(total or 0)
        self.score_counts[skill] = self.score_counts.get(skill, 0) + int(count or 0)

    def add(self, row: Sequence[Any]) -> None:
        values = iter(row[1:])
        self.conversations += int(next(values))
        self.quality_sum += float(next(values) or 0)
        self.quality_count += int(next(values))
        self.resolved += int(next(values) or 0)
        self.resolved_known += int(next(values))
        self.within += int(next(values) or 0)
        self.within_known += int(next(values))
        self.response_sum += float(next(values) or 0)
        self.response_count += int(next(values))

    def stats(self, start: date | None, skills: Sequence[str]) -> PeriodStats:
        return PeriodStats(
            start=start,
            conversations=self.conversations,
            skills={
                s: (self.score_sums[s] / n if (n := self.score_counts.get(s, 0)) else None)
                for s in skills
            },
            scored={s: self.score_counts.get(s, 0) for s in skills},
            quality=self.quality_sum / self.quality_count if self.quality_count else None,
            resolved=self.resolved,
            unresolved=self.resolved_known - self.resolved,
            within_target=self.within,
            over_target=self.within_known - self.within,
            mean_first_response_s=(
                self.response_sum / self.response_count if self.response_count else None
            ),
        )


def _raw_columns() -> list[ColumnElement[Any]]:
    m = conversation_metrics.c
    columns: list[ColumnElement[Any]] = [func.count()]
    columns += [
        func.sum(m.quality),
        func.count(m.quality),
        func.sum(cast(m.resolved, Integer)),
        func.count(m.resolved),
        func.sum(cast(m.first_response_within_target, Integer)),
        func.count(m.first_response_within_target),
        func.sum(m.first_response_s),
        func.count(m.first_response_s),
    ]
    return columns


def _daily_columns() -> list[ColumnElement[Any]]:
    d = metrics_daily.c
    names = ["conversations"]
    names += [
        "quality_sum", "quality_n", "resolved_n", "resolved_known", "within_n", "judged_n",
        "response_sum", "response_n",
    ]  # fmt: skip
    return [func.sum(d[name]) for name in names]


@dataclass(frozen=True, slots=True)
class StatsTable:
    """Totals per period and for the whole selection.

    Attributes:
        granularity: the length of a period.
        start: the first day shown (the filter's, else the first conversation's).
        end: the last day shown.
        periods: every period from ``start`` to ``end``, empty ones included.
        total: the whole selection (conversations without a time included).
    """

    granularity: Granularity
    start: date | None
    end: date | None
    periods: tuple[PeriodStats, ...]
    total: PeriodStats


def _steps(first: date, last: date, granularity: Granularity) -> Iterable[date]:
    current = bucket(first, granularity)
    while current <= last:
        yield current
        if granularity is Granularity.DAY:
            current += timedelta(days=1)
        elif granularity is Granularity.WEEK:
            current += timedelta(days=7)
        else:
            current = (current.replace(day=28) + timedelta(days=4)).replace(day=1)


def period_table(
    connection: Connection,
    run: int,
    filters: Filters,
    scope: Scope,
    *,
    granularity: Granularity | None = None,
) -> StatsTable:
    """Totals per period of the conversations of ``filters`` in ``run`` within ``scope``.

    Reads the daily sums (``metrics_daily``) when the run has them and no channel is
    asked for, else every conversation's metrics: the answers are the same.

    Args:
        connection: the database.
        run: the resolved run.
        filters: channel, team, agent and period (default: the first to the last
            conversation's day).
        scope: what the viewer may see.
        granularity: the period length (default: by the length of the range).
    """
    built = has_daily(connection, run)
    if filters.channel is None and built:
        day = metrics_daily.c.started_day
        conditions = metrics_conditions(run, filters, scope, table=metrics_daily)
        columns = _daily_columns()
    else:
        day = conversation_metrics.c.started_day
        conditions = metrics_conditions(run, filters, scope)
        columns = _raw_columns()
    rows = connection.execute(select(day, *columns).where(*conditions).group_by(day)).all()
    sums_of = skill_sums(connection, run, filters, scope, daily=built)
    skill_rows = connection.execute(sums_of.by(sums_of.day)).all()
    skills = skill_order(row[1] for row in skill_rows)
    days = sorted(row[0] for row in rows if row[0] is not None)
    first = filters.start or (days[0] if days else None)
    last = filters.end or (days[-1] if days else None)
    total = _Sums()
    chosen = granularity or Granularity.DAY
    sums: dict[date, _Sums] = {}
    if first is not None and last is not None:
        chosen = granularity or choose_granularity(first, last)
        sums = {step: _Sums() for step in _steps(first, last, chosen)}

    def period(row_day: date | None) -> _Sums | None:
        if row_day is None or first is None or last is None or not first <= row_day <= last:
            return None
        return sums[bucket(row_day, chosen)]

    for row in rows:
        total.add(row)
        if (found := period(row[0])) is not None:
            found.add(row)
    for row_day, skill, score_sum, scored in skill_rows:
        total.add_skill(skill, score_sum, scored)
        if (found := period(row_day)) is not None:
            found.add_skill(skill, score_sum, scored)
    return StatsTable(
        chosen,
        first,
        last,
        tuple(s.stats(step, skills) for step, s in sums.items()),
        total.stats(None, skills),
    )


@dataclass(frozen=True, slots=True)
class DataSpan:
    """Where a selection's conversations are (the pages' default period).

    Attributes:
        start: the first day of the span.
        end: the last day with a conversation.
        first: the first day with a conversation (before ``start`` when some are left out).
        shown: conversations from ``start`` to ``end``.
        total: conversations with a day (conversations without a time are not counted).
    """

    start: date
    end: date
    first: date
    shown: int
    total: int

    @property
    def left_out(self) -> int:
        """Conversations before ``start``."""
        return self.total - self.shown

    @property
    def share(self) -> float:
        """The share of the conversations within the span (0-1)."""
        return self.shown / self.total if self.total else 1.0


def dense_span(days: Sequence[tuple[date, int]]) -> tuple[date, date] | None:
    """Where most conversations are, from ``(day, conversations)`` counts (any order).

    The span ends on the last day. Its start is the latest of two candidates:

    * the thin early tail left out: the first day once the earliest days holding at
      most :data:`TAIL_SHARE` of the conversations are left out, then moved back over
      every earlier day that is no further from the next than a bridge (a tenth of the
      span, at least a week), so that data that is merely spread out is kept whole and
      only a tail cut off by a gap is left out;
    * early outliers left out, however few conversations there are in all: the first
      day after a gap of more than :data:`MIN_GAP_DAYS` that is also longer than the
      span from that day to the last, when the days before the gap hold at most
      :data:`OUTLIER_SHARE` of the conversations.

    Returns:
        ``(start, end)``, or ``None`` when no day has a conversation.
    """
    counted = sorted((day, n) for day, n in days if n > 0)
    if not counted:
        return None
    total = sum(n for _, n in counted)
    last = counted[-1][0]
    tail, outliers, before = 0, 0, 0
    for index, (day, n) in enumerate(counted):
        if index and before <= OUTLIER_SHARE * total:
            if before <= TAIL_SHARE * total:
                tail = index
            gap = (day - counted[index - 1][0]).days
            if gap > MIN_GAP_DAYS and gap > (last - day).days:
                outliers = index
        before += n
        if before > OUTLIER_SHARE * total:
            break
    bridge = max(7, (last - counted[tail][0]).days // 10)
    while tail and (counted[tail][0] - counted[tail - 1][0]).days <= bridge:
        tail -= 1
    return counted[max(tail, outliers)][0], last


def data_span(connection: Connection, run: int, filters: Filters, scope: Scope) -> DataSpan | None:
    """Where the conversations of ``filters`` in ``run`` within ``scope`` are (:func:`dense_span`).

    The period of ``filters`` is ignored: this is what a page shows when none is asked
    for. One GROUP BY day, on the daily sums when they answer it.

    Returns:
        The span, or ``None`` when no conversation of the selection has a time.
    """
    count: ColumnElement[Any]
    if filters.channel is None and has_daily(connection, run):
        table, count = metrics_daily, func.sum(metrics_daily.c.conversations)
    else:
        table, count = conversation_metrics, func.count()
    day = table.c.started_day
    conditions = metrics_conditions(run, filters, scope, period=False, table=table)
    rows = connection.execute(
        select(day, count).where(*conditions, day.is_not(None)).group_by(day)
    ).all()
    days = [(row[0], int(row[1] or 0)) for row in rows]
    span = dense_span(days)
    if span is None:
        return None
    start, end = span
    return DataSpan(
        start=start,
        end=end,
        first=min(d for d, n in days if n > 0),
        shown=sum(n for d, n in days if d >= start),
        total=sum(n for _, n in days),
    )
