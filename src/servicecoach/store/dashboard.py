"""The team overview: skills over time, volume, response times against targets (with the
distribution of first-reply waits), customer emotion at start and end, resolution rate.

Periods and emotions come from the daily sums (``metrics_daily``; emotions from
``channel_daily`` with a channel filter), the first-reply waits from ``channel_daily``
(the exact waits, so medians are exact too), response times per channel from an
index-only scan of ``conversation_metrics``; runs without daily sums (not finished yet)
read ``conversation_metrics``. Always within the viewer's
:class:`~servicecoach.store.filters.Scope`.
"""

from __future__ import annotations

import math
from bisect import bisect_left
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from itertools import chain
from typing import Any

from sqlalchemy import Connection, Integer, Table, cast, func, select

from servicecoach.analysis.analyzers.responsiveness_settings import reply_targets_seconds
from servicecoach.analysis.emotion import EMOTIONS, NEGATIVE
from servicecoach.model.conversation import Channel
from servicecoach.store.daily import has_daily, unpack_waits
from servicecoach.store.filters import Filters, Granularity, Scope, metrics_conditions, resolve_run
from servicecoach.store.periods import PeriodStats, period_table
from servicecoach.store.schema import (
    analysis_runs,
    channel_daily,
    conversation_metrics,
    metrics_daily,
)

__all__ = [
    "WAIT_BUCKETS",
    "ChannelResponse",
    "EmotionShift",
    "Overview",
    "WaitBucket",
    "WaitDistribution",
    "daily_first_reply_waits",
    "first_reply_waits",
    "response_targets",
    "team_overview",
    "wait_distribution",
]

WAIT_BUCKETS: tuple[tuple[str, float | None], ...] = (
    ("under 1 h", 3600.0),
    ("1-4 h", 4 * 3600.0),
    ("4-24 h", 24 * 3600.0),
    ("over 1 day", None),
)
"""The buckets of first-reply waits: a name and the wait (seconds) it stays under
(``None``: no limit)."""

_M = conversation_metrics.c


@dataclass(frozen=True, slots=True)
class WaitBucket:
    """Conversations whose first reply came within one range of waits.

    Attributes:
        name: the range (``"1-4 h"``).
        below_s: the range's upper end in seconds (``None`` for the last: no limit).
        count: conversations in it.
        share: their share of the measured conversations (0-1).
    """

    name: str
    below_s: float | None
    count: int
    share: float


@dataclass(frozen=True, slots=True)
class WaitDistribution:
    """How long customers waited for a first reply: a mean hides a few very long waits,
    so the median, the 90th percentile and buckets say what most customers lived.

    Attributes:
        measured: conversations whose first-reply wait is known.
        median_s: half the customers waited at most this long (seconds).
        p90_s: nine customers in ten waited at most this long.
        mean_s: the mean wait.
        buckets: the waits in :data:`WAIT_BUCKETS`, shortest first.
    """

    measured: int
    median_s: float | None
    p90_s: float | None
    mean_s: float | None
    buckets: tuple[WaitBucket, ...]


def _percentile(ordered: Sequence[float], share: float) -> float:
    """The ``share`` percentile of sorted values, interpolated (numpy's default)."""
    position = (len(ordered) - 1) * share
    low = math.floor(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def wait_distribution(waits: Iterable[float]) -> WaitDistribution:
    """The median, 90th percentile, mean and buckets of first-reply waits (seconds)."""
    return _sorted_distribution(sorted(waits))


def _sorted_distribution(ordered: Sequence[float]) -> WaitDistribution:
    n = len(ordered)
    # The buckets' limits ascend, so each bucket is a slice of the sorted waits.
    ends = [n if below is None else bisect_left(ordered, below) for _, below in WAIT_BUCKETS]
    counts = [end - start for start, end in zip([0, *ends[:-1]], ends, strict=True)]
    buckets = tuple(
        WaitBucket(name, below, count, count / n if n else 0.0)
        for (name, below), count in zip(WAIT_BUCKETS, counts, strict=True)
    )
    if not n:
        return WaitDistribution(0, None, None, None, buckets)
    return WaitDistribution(
        n, _percentile(ordered, 0.5), _percentile(ordered, 0.9), sum(ordered) / n, buckets
    )


def first_reply_waits(
    connection: Connection, conditions: Sequence[Any]
) -> tuple[WaitDistribution, dict[str, WaitDistribution]]:
    """The first-reply waits of the conversations matching ``conditions`` (on
    ``conversation_metrics``): all of them, and per channel.

    One index-only scan of ``ix_conversation_metrics_response``; the waits themselves
    are read (a float per conversation), since medians do not add up by day.
    """
    by_channel: dict[str, list[float]] = {}
    # Naming every channel (a stored channel is always one of them) lets the planner walk
    # the covering index that starts with (run, channel) even without a channel filter:
    # 12 months at 100k conversations, 200 ms -> 45 ms in SQLite.
    every_channel = _M.channel.in_([channel.value for channel in Channel])
    rows = connection.execute(
        select(_M.channel, _M.first_response_s).where(
            *conditions, every_channel, _M.first_response_s.is_not(None)
        )
    ).all()  # one fetch: row by row, the cursor's fetchone cost more than the query
    for channel, wait in rows:
        by_channel.setdefault(channel, []).append(float(wait))
    return _by_channel(by_channel)


def _by_channel(
    by_channel: Mapping[str, list[float]],
) -> tuple[WaitDistribution, dict[str, WaitDistribution]]:
    """The distribution of all waits and of each channel's."""
    ordered = {channel: sorted(waits) for channel, waits in sorted(by_channel.items())}
    # Sorting the channels' sorted runs together is a merge (timsort finds the runs).
    every = sorted(chain.from_iterable(ordered.values()))
    return _sorted_distribution(every), {
        channel: _sorted_distribution(waits) for channel, waits in ordered.items()
    }


def daily_first_reply_waits(
    connection: Connection, run: int, filters: Filters, scope: Scope
) -> tuple[WaitDistribution, dict[str, WaitDistribution]]:
    """:func:`first_reply_waits` of ``run``, ``filters`` and ``scope`` from the waits kept
    per day, agent and channel (``channel_daily``; the run must have its daily sums).

    The same waits, so the same figures, from a third as many rows, each a few packed
    waits. One query per channel, each streamed into one ``bytes``: holding 30k rows at
    once made the garbage collector sweep the whole heap every other page (+75 ms).
    """
    d = channel_daily.c
    conditions = metrics_conditions(run, filters, scope, table=channel_daily)
    channels = [c.value for c in Channel] if filters.channel is None else [filters.channel]
    by_channel: dict[str, list[float]] = {}
    for channel in channels:
        packed = b"".join(
            connection.execute(
                select(d.waits).where(*conditions, d.channel == channel, d.waits.is_not(None))
            ).scalars()
        )
        if packed:
            by_channel[channel] = unpack_waits(packed)
    return _by_channel(by_channel)


@dataclass(frozen=True, slots=True)
class ChannelResponse:
    """First-reply times of one channel against its target.

    Attributes:
        channel: the channel.
        target_s: the run's target for a first reply, in seconds (its rubric).
        conversations: conversations on the channel.
        measured: conversations with a first reply whose wait is known.
        within_target: first replies within target (the responsiveness analyser's
            verdict, which counts business hours when the rubric has them).
        over_target: first replies over target.
        mean_first_response_s: mean wait for the first reply (wall clock).
        waits: the distribution of those waits (median, 90th percentile, buckets).
    """

    channel: str
    target_s: float
    conversations: int
    measured: int
    within_target: int
    over_target: int
    mean_first_response_s: float | None
    waits: WaitDistribution | None = None

    @property
    def within_target_rate(self) -> float | None:
        """Share of judged first replies that were within target."""
        judged = self.within_target + self.over_target
        return self.within_target / judged if judged else None


@dataclass(frozen=True, slots=True)
class EmotionShift:
    """Customer emotion at the start and at the end of conversations.

    Attributes:
        start: conversations per emotion of the customer's first message.
        end: conversations per emotion of the customer's last message.
        improved: started negative, ended not negative.
        worsened: started not negative, ended negative.
        unchanged: neither (both negative, or both not).
    """

    start: dict[str, int]
    end: dict[str, int]
    improved: int
    worsened: int
    unchanged: int


@dataclass(frozen=True, slots=True)
class Overview:
    """Everything on the team overview page.

    Attributes:
        run: the analysis run shown.
        granularity: the length of one period in ``periods``.
        start: the first day shown.
        end: the last day shown.
        total: totals of the whole selection (skills, quality, resolution, targets).
        periods: the same per period, oldest first, empty periods included (charts).
        response: first-reply times per channel against the channel's target.
        emotions: customer emotion at start and end.
        waits: the distribution of first-reply waits of the whole selection.
    """

    run: int
    granularity: Granularity
    start: date | None
    end: date | None
    total: PeriodStats
    periods: tuple[PeriodStats, ...]
    response: tuple[ChannelResponse, ...]
    emotions: EmotionShift
    waits: WaitDistribution


def response_targets(connection: Connection, run: int) -> dict[str, float]:
    """The first-reply target of every channel in ``run``, in seconds (its rubric's)."""
    config: dict[str, Any] = (
        connection.execute(
            select(analysis_runs.c.config).where(analysis_runs.c.id == run)
        ).scalar_one_or_none()
        or {}
    )
    try:
        return reply_targets_seconds(config.get("responsiveness") or {})
    except ValueError:  # a run recorded by a newer servicecoach: show the defaults
        return reply_targets_seconds({})


def _response(
    connection: Connection,
    conditions: list[Any],
    targets: dict[str, float],
    waits: dict[str, WaitDistribution],
) -> tuple[ChannelResponse, ...]:
    """First replies per channel (an index-only scan of ``ix_conversation_metrics_response``)."""
    rows = connection.execute(
        select(
            _M.channel,
            func.count(),
            func.count(_M.first_response_s),
            func.sum(_M.first_response_s),
            func.sum(cast(_M.first_response_within_target, Integer)),
            func.count(_M.first_response_within_target),
        )
        .where(*conditions)
        .group_by(_M.channel)
        .order_by(_M.channel)
    )
    return tuple(
        ChannelResponse(
            channel=channel,
            target_s=targets.get(channel, targets["other"]),
            conversations=int(count),
            measured=int(measured),
            within_target=int(within or 0),
            over_target=int(judged) - int(within or 0),
            mean_first_response_s=float(total) / measured if measured else None,
            waits=waits.get(channel) or wait_distribution(()),
        )
        for channel, count, measured, total, within, judged in rows
    )


def _emotions_daily(
    connection: Connection, run: int, filters: Filters, scope: Scope, table: Table
) -> EmotionShift:
    """Emotions from ``metrics_daily``, or ``channel_daily`` (a channel filter)."""
    d = table.c
    names = [f"{moment}_{e}" for moment in ("start", "end") for e in EMOTIONS]
    row = connection.execute(
        select(*(func.sum(d[n]) for n in [*names, "improved", "worsened"])).where(
            *metrics_conditions(run, filters, scope, table=table)
        )
    ).one()
    counts = dict(zip([*names, "improved", "worsened"], (int(v or 0) for v in row), strict=True))
    start = {e: counts[f"start_{e}"] for e in EMOTIONS if counts[f"start_{e}"]}
    end = {e: counts[f"end_{e}"] for e in EMOTIONS if counts[f"end_{e}"]}
    improved, worsened = counts["improved"], counts["worsened"]
    return EmotionShift(
        dict(sorted(start.items())),
        dict(sorted(end.items())),
        improved,
        worsened,
        sum(start.values()) - improved - worsened,
    )


def _emotions_raw(connection: Connection, conditions: list[Any]) -> EmotionShift:
    start: dict[str, int] = {}
    end: dict[str, int] = {}
    improved = worsened = unchanged = 0
    for first, last, count in connection.execute(
        select(_M.emotion_start, _M.emotion_end, func.count())
        .where(*conditions, _M.emotion_start.is_not(None))
        .group_by(_M.emotion_start, _M.emotion_end)
    ):
        start[first] = start.get(first, 0) + count
        if last is not None:
            end[last] = end.get(last, 0) + count
        was, now = first in NEGATIVE, last in NEGATIVE
        if was and not now:
            improved += count
        elif now and not was:
            worsened += count
        else:
            unchanged += count
    return EmotionShift(
        dict(sorted(start.items())), dict(sorted(end.items())), improved, worsened, unchanged
    )


def team_overview(
    connection: Connection,
    filters: Filters,
    scope: Scope,
    *,
    granularity: Granularity | None = None,
) -> Overview:
    """The team overview of ``filters`` within ``scope``.

    Args:
        connection: the database.
        filters: run (latest by default), channel, team, agent and period.
        scope: what the viewer may see.
        granularity: period length of the charts (default: days up to a month, weeks
            up to half a year, months beyond).

    Raises:
        NotFoundError: nothing has been analysed yet, or no such run.
    """
    run = resolve_run(connection, filters)
    table = period_table(connection, run, filters, scope, granularity=granularity)
    conditions = metrics_conditions(run, filters, scope)
    if has_daily(connection, run):
        waits, channel_waits = daily_first_reply_waits(connection, run, filters, scope)
        daily = metrics_daily if filters.channel is None else channel_daily
        emotions = _emotions_daily(connection, run, filters, scope, daily)
    else:
        waits, channel_waits = first_reply_waits(connection, conditions)
        emotions = _emotions_raw(connection, conditions)
    response = _response(connection, conditions, response_targets(connection, run), channel_waits)
    return Overview(
        run=run,
        granularity=table.granularity,
        start=table.start,
        end=table.end,
        total=table.total,
        periods=table.periods,
        response=response,
        emotions=emotions,
        waits=waits,
    )
