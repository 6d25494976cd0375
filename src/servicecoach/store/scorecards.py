"""Agent scorecards: the agents a viewer may see, and one agent's skills with their trend,
strongest and weakest example conversations (with the words that show it), their
first-reply waits and coaching notes.

A strongest (weakest) example is a conversation among the agent's best (worst) scores in
the skill that holds evidence earning (costing) points in it, shown with that evidence's
quote. Many high scores have no evidence at all (a skill whose score starts high and
only loses points: nothing went wrong, nothing to quote), so the best scores without a
quote are passed over, down to :data:`SCAN` conversations per skill and side.
"""

from __future__ import annotations

import dataclasses
import heapq
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Connection, Integer, cast, func, select

from servicecoach.errors import NotFoundError
from servicecoach.store.agents import AgentRecord, get_agent
from servicecoach.store.daily import has_daily
from servicecoach.store.dashboard import WaitDistribution, first_reply_waits
from servicecoach.store.filters import (
    Filters,
    Granularity,
    Scope,
    agent_conditions,
    metrics_conditions,
    resolve_run,
)
from servicecoach.store.notes import CoachingNote, list_notes
from servicecoach.store.periods import PeriodStats, period_table
from servicecoach.store.schema import (
    agents,
    analysis_results,
    conversation_metrics,
    conversations,
    metrics_daily,
)
from servicecoach.store.scores import score_map, skill_order
from servicecoach.store.skill_sums import skill_sums

__all__ = [
    "SCAN",
    "AgentScorecard",
    "AgentSummary",
    "SkillCard",
    "SkillExample",
    "TrendPoint",
    "agent_scorecard",
    "agent_skill_means",
    "list_agents",
]

_M = conversation_metrics.c

SCAN = 200
"""At most this many of an agent's best (or worst) conversations in a skill are read to
find examples with a quote."""


@dataclass(frozen=True, slots=True)
class AgentSummary:
    """One agent in the list, with their conversations in the selection.

    Attributes:
        id: the agent id (as conversations name them).
        display_name: the name an admin gave them, if any.
        team: their team, if set.
        conversations: conversations they answered in the selection.
        quality: their mean overall quality there.
        resolved: conversations known to be resolved.
        unresolved: conversations known to be unresolved.
        last_started_at: when their latest conversation there started.
    """

    id: str
    display_name: str | None
    team: str | None
    conversations: int
    quality: float | None
    resolved: int
    unresolved: int
    last_started_at: datetime | None

    @property
    def name(self) -> str:
        """The display name, else the id."""
        return self.display_name or self.id


@dataclass(frozen=True, slots=True)
class TrendPoint:
    """A skill's mean in one period."""

    start: date
    mean: float | None
    scored: int


@dataclass(frozen=True, slots=True)
class SkillExample:
    """A conversation that shows an agent at their best or worst in one skill.

    Attributes:
        conversation_id: the conversation's primary key.
        source: its importer.
        external_id: its id in the source.
        started_at: when it started.
        score: the skill's score in it.
        message: the message the quote is from.
        signal: the evidence's signal id.
        quote: the exact words (a span of the message's text).
        start: the quote's first character in the message.
        end: one past its last character.
        suggestion: the suggested rewrite or next step, if any.
    """

    conversation_id: int
    source: str
    external_id: str
    started_at: datetime | None
    score: int
    message: str | None = None
    signal: str | None = None
    quote: str | None = None
    start: int | None = None
    end: int | None = None
    suggestion: str | None = None
    """Examples always hold a quote; the fields default to ``None`` for older callers."""


@dataclass(frozen=True, slots=True)
class SkillCard:
    """One skill of an agent: mean, trend and examples."""

    skill: str
    mean: float | None
    scored: int
    trend: tuple[TrendPoint, ...]
    strongest: tuple[SkillExample, ...]
    weakest: tuple[SkillExample, ...]


@dataclass(frozen=True, slots=True)
class AgentScorecard:
    """Everything on an agent's scorecard page.

    Attributes:
        run: the analysis run shown.
        agent: the agent.
        granularity: the period length of the trends.
        start: the first day shown.
        end: the last day shown.
        total: the agent's totals in the selection.
        skills: one card per skill: the registered skills in rubric order, then any
            other skill the agent was scored in, by name.
        notes: coaching notes about the agent, newest first.
        waits: the distribution of their conversations' first-reply waits.
    """

    run: int
    agent: AgentRecord
    granularity: Granularity
    start: date | None
    end: date | None
    total: PeriodStats
    skills: tuple[SkillCard, ...]
    notes: tuple[CoachingNote, ...]
    waits: WaitDistribution


def list_agents(connection: Connection, filters: Filters, scope: Scope) -> list[AgentSummary]:
    """The agents ``scope`` may see (and the filters select), by name, with their counts.

    Agents without a conversation in the selection are listed with zero.

    Raises:
        NotFoundError: nothing has been analysed yet, or no such run.
    """
    run = resolve_run(connection, filters)
    if filters.channel is None and has_daily(connection, run):
        d = metrics_daily.c
        query = select(
            d.agent,
            func.sum(d.conversations),
            func.sum(d.quality_sum),
            func.sum(d.quality_n),
            func.sum(d.resolved_n),
            func.sum(d.resolved_known),
            func.max(d.last_started_at),
        ).where(*metrics_conditions(run, filters, scope, table=metrics_daily))
        agent = d.agent
    else:
        query = select(
            _M.agent,
            func.count(),
            func.sum(_M.quality),
            func.count(_M.quality),
            func.sum(cast(_M.resolved, Integer)),
            func.count(_M.resolved),
            func.max(_M.started_at),
        ).where(*metrics_conditions(run, filters, scope))
        agent = _M.agent
    stats = {
        row[0]: row[1:]
        for row in connection.execute(query.where(agent.is_not(None)).group_by(agent))
    }
    out = []
    for row in connection.execute(select(agents).where(*agent_conditions(filters, scope))):
        count, quality, scored, resolved, known, last = stats.get(row.id, (0, 0, 0, 0, 0, None))
        out.append(
            AgentSummary(
                id=row.id,
                display_name=row.display_name,
                team=row.team,
                conversations=int(count),
                quality=float(quality) / int(scored) if scored else None,
                resolved=int(resolved or 0),
                unresolved=int(known) - int(resolved or 0),
                last_started_at=last,
            )
        )
    return sorted(out, key=lambda a: (a.name.casefold(), a.id))


def agent_skill_means(
    connection: Connection, filters: Filters, scope: Scope
) -> dict[str, dict[str, tuple[int, float]]]:
    """Each agent's mean score per skill over their conversations in the selection.

    The companion of :func:`list_agents` (same run, filters and scope; an agent's
    conversations are those they answered most in): ``{agent id: {skill: (scored,
    mean)}}``, where ``scored`` counts the conversations scored in that skill. Skills
    never scored, and agents without a scored conversation, are left out.

    Raises:
        NotFoundError: nothing has been analysed yet, or no such run.
    """
    run = resolve_run(connection, filters)
    sums = skill_sums(connection, run, filters, scope)
    query = sums.by(sums.agent, sums.agent.is_not(None))
    found: dict[str, dict[str, tuple[int, float]]] = {}
    for agent, skill, total, n in connection.execute(query):
        if n:
            found.setdefault(agent, {})[skill] = (int(n), float(total) / int(n))
    return {
        agent: {skill: skills[skill] for skill in skill_order(skills) if skill in skills}
        for agent, skills in found.items()
    }


def _quoted_evidence(
    result: Mapping[str, Any], skill: str, polarity: int
) -> Mapping[str, Any] | None:
    """The first evidence of ``skill`` with ``polarity`` that has a quote."""
    found = (result.get("skills", {}).get(skill) or {}).get("evidence") or []
    for evidence in found:
        if evidence.get("polarity") == polarity and evidence.get("quote"):
            return dict(evidence)
    return None


class _Results:
    """The results and names of conversations, read in batches as examples are sought."""

    def __init__(self, connection: Connection, run: int) -> None:
        self.connection = connection
        self.run = run
        self.results: dict[int, Mapping[str, Any]] = {}
        self.names: dict[int, tuple[str, str]] = {}

    def load(self, ids: Collection[int]) -> None:
        wanted = [pk for pk in ids if pk not in self.results]
        if not wanted:
            return
        self.results.update(
            {pk: {} for pk in wanted}
            | dict(
                self.connection.execute(
                    select(analysis_results.c.conversation_id, analysis_results.c.result).where(
                        analysis_results.c.run_id == self.run,
                        analysis_results.c.conversation_id.in_(wanted),
                    )
                ).all()
            )
        )
        self.names.update(
            {
                pk: (source, external)
                for pk, source, external in self.connection.execute(
                    select(
                        conversations.c.id, conversations.c.source, conversations.c.external_id
                    ).where(conversations.c.id.in_(wanted))
                )
            }
        )


def _examples(
    ordered: Sequence[Any],
    index: int,
    skill: str,
    polarity: int,
    limit: int,
    skip: Callable[[int], bool],
    results: _Results,
) -> list[SkillExample]:
    """The first ``limit`` conversations of ``ordered`` (rows, best or worst first) with a
    quote of ``skill`` and ``polarity``, looking at :data:`SCAN` rows at most."""
    found: list[SkillExample] = []
    batch = max(4 * limit, 20)
    for offset in range(0, min(len(ordered), SCAN), batch):
        rows = [r for r in ordered[offset : min(offset + batch, SCAN)] if not skip(r[0])]
        results.load([r[0] for r in rows])
        for row in rows:
            evidence = _quoted_evidence(results.results[row[0]], skill, polarity)
            if evidence is None or row[0] not in results.names:
                continue
            source, external = results.names[row[0]]
            found.append(
                SkillExample(
                    conversation_id=row[0],
                    source=source,
                    external_id=external,
                    started_at=row[1],
                    score=row[index],
                    message=evidence.get("message"),
                    signal=evidence.get("signal"),
                    quote=evidence.get("quote"),
                    start=evidence.get("start"),
                    end=evidence.get("end"),
                    suggestion=evidence.get("suggestion"),
                )
            )
            if len(found) == limit:
                return found
    return found


_Ranked = tuple[int, float, int, datetime | None]
"""``(score, -timestamp, -conversation_id, started_at)``: ascending is worst first; with
the score negated, best first (newest first and then the highest id on a tie either way)."""


def _skill_examples(
    ranked: list[_Ranked], skill: str, limit: int, results: _Results
) -> tuple[tuple[SkillExample, ...], tuple[SkillExample, ...]]:
    """The strongest and weakest quoted examples of ``skill`` among ``ranked`` (its scored
    conversations): best score first, newest first on a tie; never the same
    conversation in both. Only the :data:`SCAN` best and worst are ordered."""
    if limit <= 0:
        return (), ()
    best = [
        (-pk, at, -score)
        for score, _, pk, at in heapq.nsmallest(SCAN, ((-r[0], *r[1:]) for r in ranked))
    ]
    strongest = _examples(best, 2, skill, 1, limit, lambda _: False, results)
    taken = {e.conversation_id for e in strongest}
    worst = [(-pk, at, score) for score, _, pk, at in heapq.nsmallest(SCAN, ranked)]
    weakest = _examples(worst, 2, skill, -1, limit, taken.__contains__, results)
    return tuple(strongest), tuple(weakest)


def agent_scorecard(
    connection: Connection,
    agent: str,
    filters: Filters,
    scope: Scope,
    *,
    examples: int = 3,
    granularity: Granularity | None = None,
) -> AgentScorecard:
    """The scorecard of ``agent`` over ``filters`` (its ``agent`` and ``team`` are ignored).

    Args:
        connection: the database.
        agent: the agent id.
        filters: run (latest by default), channel and period.
        scope: what the viewer may see; another agent's scorecard is "not found".
        examples: how many strongest and weakest conversations per skill (each with
            the quote of its evidence; fewer when fewer have one).
        granularity: period length of the trends (default: by the period's length).

    Raises:
        NotFoundError: no such agent in ``scope``, nothing analysed yet, or no such run.
    """
    record = get_agent(connection, agent)
    if not scope.allows(record.id, record.team):
        raise NotFoundError(f"no agent {agent!r} in your view")
    mine = dataclasses.replace(filters, agent=record.id, team=None)
    run = resolve_run(connection, mine)
    conditions = metrics_conditions(run, mine, scope)
    table = period_table(connection, run, mine, scope, granularity=granularity)
    # One row per conversation with its scores as one JSON object: a dozen score rows
    # per conversation read through SQLAlchemy cost twice as much.
    by_skill: dict[str, list[_Ranked]] = {}
    for pk, at, scores in connection.execute(
        select(_M.conversation_id, _M.started_at, score_map(scored_only=True)).where(*conditions)
    ).all():
        if scores:
            stamp = -at.timestamp() if at is not None else float("inf")
            for skill, score in scores.items():
                if (found := by_skill.get(skill)) is None:
                    found = by_skill[skill] = []
                found.append((score, stamp, -pk, at))
    results = _Results(connection, run)
    picks = {
        skill: _skill_examples(by_skill.get(skill, []), skill, examples, results)
        for skill in skill_order([*table.total.skills, *by_skill])
    }
    cards = [
        SkillCard(
            skill=skill,
            mean=table.total.skills.get(skill),
            scored=table.total.scored.get(skill, 0),
            trend=tuple(
                TrendPoint(p.start, p.skills.get(skill), p.scored.get(skill, 0))
                for p in table.periods
                if p.start is not None
            ),
            strongest=strongest,
            weakest=weakest,
        )
        for skill, (strongest, weakest) in picks.items()
    ]
    return AgentScorecard(
        run=run,
        agent=record,
        granularity=table.granularity,
        start=table.start,
        end=table.end,
        total=table.total,
        skills=tuple(cards),
        notes=tuple(list_notes(connection, scope, record.id)),
        waits=first_reply_waits(connection, conditions)[0],
    )
