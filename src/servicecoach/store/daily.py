"""The daily sums: a run's ``conversation_metrics`` per day and agent (``metrics_daily``,
its skill scores in ``daily_skill_scores``), and per day, agent and channel what sums cannot carry (``channel_daily``).

Both are built together when a run finishes (and by ``ensure_metrics`` for runs from
before them). Queries read them instead of every conversation: a year of 100k
conversations and 20 agents is about 7,000 ``metrics_daily`` rows, and 32,000
``channel_daily`` rows holding the first-reply waits themselves (a median does not add
up by day, so the overview used to read 100k waits one row each).
"""

from __future__ import annotations

import sys
from array import array
from collections.abc import Iterable
from typing import Any

from sqlalchemy import Connection, Integer, and_, case, cast, delete, exists, func, select

from servicecoach.analysis.emotion import EMOTIONS, NEGATIVE
from servicecoach.store.schema import channel_daily, conversation_metrics, metrics_daily
from servicecoach.store.scores import (
    clear_daily_scores,
    has_channel_scores,
    rebuild_daily_scores,
)

__all__ = ["has_daily", "pack_waits", "rebuild_daily", "unpack_waits"]

_M = conversation_metrics.c
_BATCH = 5000


def _zero(value: Any) -> Any:
    return func.coalesce(value, 0)


def pack_waits(waits: Iterable[float]) -> bytes | None:
    """Waits (seconds) as stored in ``channel_daily.waits``: ascending little-endian
    doubles, exact (``None`` when there are none)."""
    values = array("d", sorted(waits))
    if not values:
        return None
    if sys.byteorder == "big":
        values.byteswap()
    return values.tobytes()


def unpack_waits(packed: bytes | memoryview) -> list[float]:
    """The waits of :func:`pack_waits`' bytes (of one cell or of several joined)."""
    values = array("d")
    values.frombytes(packed)
    if sys.byteorder == "big":
        values.byteswap()
    return values.tolist()


def _emotion_columns() -> dict[str, Any]:
    """Conversations per emotion at start and end, improved and worsened (as sums)."""
    columns: dict[str, Any] = {}
    for moment, label in (("start", _M.emotion_start), ("end", _M.emotion_end)):
        for emotion in EMOTIONS:
            columns[f"{moment}_{emotion}"] = func.count(case((label == emotion, 1)))
    was = _M.emotion_start.in_(sorted(NEGATIVE))
    now = func.coalesce(_M.emotion_end, "").in_(sorted(NEGATIVE))
    columns["improved"] = func.count(case((and_(was, ~now), 1)))
    columns["worsened"] = func.count(case((and_(~was, now), 1)))
    return columns


def _rebuild_metrics_daily(connection: Connection, run: int) -> int:
    columns: dict[str, Any] = {
        "run_id": _M.run_id,
        "started_day": _M.started_day,
        "agent": _M.agent,
        "team": func.max(_M.team),
        "conversations": func.count(),
        "last_started_at": func.max(_M.started_at),
    }
    columns.update(
        quality_sum=_zero(func.sum(_M.quality)),
        quality_n=func.count(_M.quality),
        resolved_n=_zero(func.sum(cast(_M.resolved, Integer))),
        resolved_known=func.count(_M.resolved),
        within_n=_zero(func.sum(cast(_M.first_response_within_target, Integer))),
        judged_n=func.count(_M.first_response_within_target),
        response_sum=_zero(func.sum(_M.first_response_s)),
        response_n=func.count(_M.first_response_s),
    )
    columns.update(_emotion_columns())
    query = (
        select(*(value.label(name) for name, value in columns.items()))
        .where(_M.run_id == run)
        .group_by(_M.run_id, _M.started_day, _M.agent)
    )
    result = connection.execute(metrics_daily.insert().from_select(list(columns), query))
    return max(result.rowcount, 0)


def _rebuild_channel_daily(connection: Connection, run: int) -> None:
    # Grouped by team too (unlike metrics_daily's max), so that a team filter on it
    # selects exactly the conversations it selects on conversation_metrics.
    key = (_M.started_day, _M.agent, _M.team, _M.channel)
    waits: dict[tuple[Any, ...], list[float]] = {}
    for *cell, wait in connection.execute(
        select(*key, _M.first_response_s).where(_M.run_id == run, _M.first_response_s.is_not(None))
    ).all():
        waits.setdefault(tuple(cell), []).append(float(wait))
    emotions = _emotion_columns()
    rows = [
        {
            "run_id": run,
            "started_day": day,
            "agent": agent,
            "team": team,
            "channel": channel,
            "waits": pack_waits(waits.get((day, agent, team, channel), ())),
            **dict(zip(emotions, counts, strict=True)),
        }
        for day, agent, team, channel, *counts in connection.execute(
            select(*key, *emotions.values())
            .where(_M.run_id == run)
            .group_by(*key)
            # Stored in the order of its index, the overview reads it sequentially.
            .order_by(_M.channel, _M.started_day, _M.team, _M.agent)
        ).all()
    ]
    for offset in range(0, len(rows), _BATCH):
        connection.execute(channel_daily.insert(), rows[offset : offset + _BATCH])


def rebuild_daily(connection: Connection, run: int) -> int:
    """(Re)compute the daily sums of ``run`` from its ``conversation_metrics`` (and the
    skill scores' from its ``skill_scores``).

    Returns:
        The number of ``metrics_daily`` rows written.
    """
    clear_daily_scores(connection, run)
    for table in (metrics_daily, channel_daily):
        connection.execute(delete(table).where(table.c.run_id == run))
    written = _rebuild_metrics_daily(connection, run)
    _rebuild_channel_daily(connection, run)
    rebuild_daily_scores(connection, run)
    return written


def has_daily(connection: Connection, run: int) -> bool:
    """Whether ``run`` has its daily sums (every table: a run summed before migration
    0011 has no ``channel_daily``, one summed before 0013 no ``channel_skill_scores``,
    until ``ensure_metrics`` rebuilds them)."""
    both = connection.execute(
        select(
            and_(
                exists().where(metrics_daily.c.run_id == run),
                exists().where(channel_daily.c.run_id == run),
            )
        )
    ).scalar()
    return bool(both) and has_channel_scores(connection, run)
