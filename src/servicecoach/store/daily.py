"""``metrics_daily``: a run's ``conversation_metrics`` summed per day and agent.

Built in one INSERT ... SELECT when a run finishes (and by ``ensure_metrics`` for runs
from before it existed). Queries that need no channel read it instead of every
conversation: a year of 100k conversations and 20 agents is about 7,000 rows.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, Integer, and_, case, cast, delete, func, select

from servicecoach.analysis.emotion import EMOTIONS, NEGATIVE
from servicecoach.store.schema import SCORE_COLUMNS, conversation_metrics, metrics_daily

__all__ = ["has_daily", "rebuild_daily"]

_M = conversation_metrics.c


def _zero(value: Any) -> Any:
    return func.coalesce(value, 0)


def rebuild_daily(connection: Connection, run: int) -> int:
    """(Re)compute the daily sums of ``run`` from its ``conversation_metrics``.

    Returns:
        The number of rows written.
    """
    connection.execute(delete(metrics_daily).where(metrics_daily.c.run_id == run))
    columns: dict[str, Any] = {
        "run_id": _M.run_id,
        "started_day": _M.started_day,
        "agent": _M.agent,
        "team": func.max(_M.team),
        "conversations": func.count(),
        "last_started_at": func.max(_M.started_at),
    }
    for skill, column in SCORE_COLUMNS.items():
        columns[f"sum_{skill}"] = _zero(func.sum(_M[column]))
        columns[f"n_{skill}"] = func.count(_M[column])
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
    for moment, label in (("start", _M.emotion_start), ("end", _M.emotion_end)):
        for emotion in EMOTIONS:
            columns[f"{moment}_{emotion}"] = func.count(case((label == emotion, 1)))
    was = _M.emotion_start.in_(sorted(NEGATIVE))
    now = func.coalesce(_M.emotion_end, "").in_(sorted(NEGATIVE))
    columns["improved"] = func.count(case((and_(was, ~now), 1)))
    columns["worsened"] = func.count(case((and_(~was, now), 1)))
    query = (
        select(*(value.label(name) for name, value in columns.items()))
        .where(_M.run_id == run)
        .group_by(_M.run_id, _M.started_day, _M.agent)
    )
    result = connection.execute(metrics_daily.insert().from_select(list(columns), query))
    return max(result.rowcount, 0)


def has_daily(connection: Connection, run: int) -> bool:
    """Whether ``run`` has its daily sums."""
    return (
        connection.execute(
            select(metrics_daily.c.id).where(metrics_daily.c.run_id == run).limit(1)
        ).first()
        is not None
    )
