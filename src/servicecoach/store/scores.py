"""Skill scores as rows: what ``skill_scores`` holds per conversation,
``daily_skill_scores`` per day and agent and ``channel_skill_scores`` per day, agent,
team and channel, and the order skills are shown in.

A skill is a string: any skill a result carries is stored, a built-in or one a plugin
analyser brings, with no column and no migration. Pages list the registered skills
(:func:`servicecoach.analysis.skills.skill_names`, built-ins first) and then any other
skill found in the store, by name (:func:`skill_order`).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any

from sqlalchemy import (
    JSON,
    ColumnElement,
    Connection,
    FromClause,
    Join,
    Table,
    and_,
    delete,
    func,
    select,
)
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.functions import GenericFunction

from servicecoach.analysis.skills import skill_names
from servicecoach.store.schema import (
    channel_daily,
    channel_skill_scores,
    conversation_metrics,
    daily_skill_scores,
    metrics_daily,
    skill_scores,
)

__all__ = [
    "SkillSequence",
    "clear_daily_scores",
    "has_channel_scores",
    "rebuild_daily_scores",
    "score_map",
    "score_rows",
    "scored_join",
    "scores_first_join",
    "skill_order",
    "with_skills",
]

_S = skill_scores.c
_M = conversation_metrics.c
_BATCH = 5000


def skill_order(found: Iterable[str] = ()) -> list[str]:
    """The registered skills in their order, then the other skills of ``found`` by name."""
    names = list(skill_names())
    known = set(names)
    return names + sorted({s for s in found if s not in known})


def with_skills(scores: Mapping[str, int | None]) -> dict[str, int | None]:
    """``scores`` with every registered skill (``None`` where missing), in :func:`skill_order`."""
    return {skill: scores.get(skill) for skill in skill_order(scores)}


class SkillSequence(Sequence[str]):
    """A tuple-like sequence of fixed names followed by the registered skills, read on
    each use (so that a plugin's skill appears without a code change here)."""

    def __init__(self, *fixed: str) -> None:
        self._fixed = fixed

    def _items(self) -> tuple[str, ...]:
        return (*self._fixed, *skill_names())

    def __getitem__(self, index: Any) -> Any:
        return self._items()[index]

    def __len__(self) -> int:
        return len(self._items())

    def __iter__(self) -> Iterator[str]:
        return iter(self._items())

    def __contains__(self, value: object) -> bool:
        return value in self._items()

    def __eq__(self, other: object) -> bool:
        if isinstance(other, SkillSequence | tuple):
            return self._items() == tuple(other)
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return repr(self._items())


def score_rows(run: int, pk: int, result: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The ``skill_scores`` rows of one FORMAT.md result: one per skill it carries."""
    rows = []
    for skill, finding in (result.get("skills") or {}).items():
        score = (finding or {}).get("score")
        rows.append(
            {
                "run_id": run,
                "conversation_id": pk,
                "skill": skill,
                "score": score,
                "applicable": score is not None,
            }
        )
    return rows


class _ScoreMap(GenericFunction[Any]):
    """``{skill: score}`` of the rows aggregated, as a JSON object."""

    type = JSON()
    inherit_cache = True
    name = "score_map"


@compiles(_ScoreMap, "sqlite")
def _score_map_sqlite(element: _ScoreMap, compiler: SQLCompiler, **kw: Any) -> str:
    return f"json_group_object({compiler.process(element.clauses, **kw)})"


@compiles(_ScoreMap, "postgresql")
def _score_map_postgresql(element: _ScoreMap, compiler: SQLCompiler, **kw: Any) -> str:
    return f"json_object_agg({compiler.process(element.clauses, **kw)})"


def score_map(*, scored_only: bool = False) -> ColumnElement[Any]:
    """A column of each ``conversation_metrics`` row's scores, ``{skill: score}`` (JSON;
    ``NULL`` or ``{}`` when it has none; ``scored_only``: without the skills that did
    not apply): a correlated subquery on the primary key."""
    query = select(_ScoreMap(_S.skill, _S.score)).where(
        _S.run_id == _M.run_id, _S.conversation_id == _M.conversation_id
    )
    if scored_only:
        query = query.where(_S.score.is_not(None))
    return query.scalar_subquery()


class _LeftFirst(Join):
    """A join that SQLite runs with its left side as the outer loop (``CROSS JOIN``)."""

    inherit_cache = True


@compiles(_LeftFirst, "sqlite")
def _left_first_sqlite(element: _LeftFirst, compiler: SQLCompiler, **kw: Any) -> str:
    joined = compiler.visit_join(element, **kw)  # type: ignore[no-untyped-call]
    return str(joined).replace(" JOIN ", " CROSS JOIN ", 1)


def scored_join() -> FromClause:
    """``conversation_metrics`` joined to its ``skill_scores`` rows, read in that order.

    Without statistics SQLite would rather walk every score row of the run (an index
    on ``run_id`` covers them) and look each conversation up, a million rows for a
    filter that selects a few thousand conversations; ``CROSS JOIN`` keeps the
    filtered conversations outside and reads their scores by primary key.
    """
    return _LeftFirst(
        conversation_metrics,
        skill_scores,
        and_(_S.run_id == _M.run_id, _S.conversation_id == _M.conversation_id),
    )


def scores_first_join() -> FromClause:
    """:func:`scored_join` read the other way: one skill's score rows in the order of
    their index (``run_id, skill, score, conversation_id``), each conversation's metrics
    looked up by primary key, so that a sort by a skill stops after its page."""
    return _LeftFirst(
        skill_scores,
        conversation_metrics,
        and_(_M.run_id == _S.run_id, _M.conversation_id == _S.conversation_id),
    )


def clear_daily_scores(connection: Connection, run: int) -> None:
    """Delete the daily skill sums of ``run`` (before its ``metrics_daily`` and
    ``channel_daily`` rows)."""
    for table, daily in (
        (daily_skill_scores, metrics_daily),
        (channel_skill_scores, channel_daily),
    ):
        ours = select(daily.c.id).where(daily.c.run_id == run).scalar_subquery()
        connection.execute(delete(table).where(table.c.daily_id.in_(ours)))


def has_channel_scores(connection: Connection, run: int) -> bool:
    """Whether ``run``'s ``channel_skill_scores`` are built (or it has no scores at all)."""
    c, s = channel_daily.c, channel_skill_scores.c
    built = (
        select(s.skill)
        .select_from(channel_daily.join(channel_skill_scores, s.daily_id == c.id))
        .where(c.run_id == run)
        .limit(1)
    )
    if connection.execute(built).first() is not None:
        return True
    return connection.execute(select(_S.skill).where(_S.run_id == run).limit(1)).first() is None


def _insert(connection: Connection, table: Table, rows: list[dict[str, Any]]) -> None:
    for offset in range(0, len(rows), _BATCH):
        connection.execute(table.insert(), rows[offset : offset + _BATCH])


def rebuild_daily_scores(connection: Connection, run: int) -> None:
    """Compute the daily skill sums of ``run`` from ``skill_scores`` for its new
    ``metrics_daily`` and ``channel_daily`` rows (build those first, after
    :func:`clear_daily_scores`): one GROUP BY for the channel cells, summed here by day
    and agent."""
    d, c = metrics_daily.c, channel_daily.c
    daily_ids = {
        (day, agent): pk
        for pk, day, agent in connection.execute(
            select(d.id, d.started_day, d.agent).where(d.run_id == run)
        )
    }
    channel_ids = {
        tuple(key): pk
        for pk, *key in connection.execute(
            select(c.id, c.started_day, c.agent, c.team, c.channel).where(c.run_id == run)
        )
    }
    cell = (_M.started_day, _M.agent, _M.team, _M.channel, _S.skill)
    channel_rows: list[dict[str, Any]] = []
    per_day: dict[tuple[Any, ...], list[int]] = {}
    for day, agent, team, channel, skill, total, scored in connection.execute(
        select(*cell, func.coalesce(func.sum(_S.score), 0), func.count(_S.score))
        .select_from(scored_join())
        .where(_M.run_id == run)
        .group_by(*cell)
    ):
        if (pk := channel_ids.get((day, agent, team, channel))) is not None:
            channel_rows.append(
                {"daily_id": pk, "skill": skill, "score_sum": total, "scored": scored}
            )
        sums = per_day.setdefault((day, agent, skill), [0, 0])
        sums[0] += int(total)
        sums[1] += int(scored)
    daily_rows = [
        {"daily_id": daily_ids[(day, agent)], "skill": skill, "score_sum": total, "scored": n}
        for (day, agent, skill), (total, n) in per_day.items()
        if (day, agent) in daily_ids
    ]
    _insert(connection, daily_skill_scores, daily_rows)
    _insert(connection, channel_skill_scores, channel_rows)
