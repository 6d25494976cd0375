"""Where a selection's skill score sums are read from: the cheapest table that answers.

Per day and agent (``daily_skill_scores``) without a channel filter, per day, agent,
team and channel (``channel_skill_scores``) with one, and the conversations' own rows
(``skill_scores``) for a run whose daily sums are not built yet (not finished). The
answers are the same; a year of 100k conversations is about 90,000 daily rows against
1.2 million score rows.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Connection, FromClause, Select, func, select

from servicecoach.store.daily import has_daily
from servicecoach.store.filters import Filters, Scope, metrics_conditions
from servicecoach.store.schema import (
    channel_daily,
    channel_skill_scores,
    conversation_metrics,
    daily_skill_scores,
    metrics_daily,
    skill_scores,
)
from servicecoach.store.scores import scored_join

__all__ = ["SkillSums", "skill_sums"]


@dataclass(frozen=True, slots=True)
class SkillSums:
    """A FROM clause with its columns: group by ``key`` (``day`` or ``agent``) and
    ``skill``, select ``total`` and ``scored`` (aggregates), filter by ``conditions``."""

    source: FromClause
    day: ColumnElement[Any]
    agent: ColumnElement[Any]
    skill: ColumnElement[Any]
    total: ColumnElement[Any]
    scored: ColumnElement[Any]
    conditions: list[ColumnElement[bool]]

    def by(self, key: ColumnElement[Any], *more: ColumnElement[bool]) -> Select[Any]:
        """``(key, skill, sum of scores, scored)`` grouped by ``key`` and skill."""
        return (
            select(key, self.skill, self.total, self.scored)
            .select_from(self.source)
            .where(*self.conditions, *more)
            .group_by(key, self.skill)
        )


def skill_sums(
    connection: Connection, run: int, filters: Filters, scope: Scope, *, daily: bool | None = None
) -> SkillSums:
    """The skill sums of the conversations of ``filters`` in ``run`` within ``scope``.

    Args:
        connection: the database.
        run: the resolved run.
        filters: channel, team, agent and period.
        scope: what the viewer may see.
        daily: whether the run has its daily sums (``has_daily``), when the caller knows.
    """
    if daily is None:
        daily = has_daily(connection, run)
    if daily:  # a channel filter reads the per-channel day sums
        days, sums = (
            (metrics_daily, daily_skill_scores)
            if filters.channel is None
            else (channel_daily, channel_skill_scores)
        )
        return SkillSums(
            days.join(sums, sums.c.daily_id == days.c.id),
            days.c.started_day,
            days.c.agent,
            sums.c.skill,
            func.sum(sums.c.score_sum),
            func.sum(sums.c.scored),
            metrics_conditions(run, filters, scope, table=days),
        )
    m, s = conversation_metrics.c, skill_scores.c
    return SkillSums(
        scored_join(),
        m.started_day,
        m.agent,
        s.skill,
        func.sum(s.score),
        func.count(s.score),
        metrics_conditions(run, filters, scope),
    )
