"""Practice programmes: scenarios assigned to agents or teams, and practice results.

Results are kept apart from real conversations: nothing here feeds the scorecards'
means; an agent's page shows them as practice progress. Who may assign follows the
viewer's :class:`~servicecoach.store.filters.Scope`: a lead assigns to the agents and
the team they coach, an admin to anyone.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import Connection, delete, or_, select

from servicecoach.errors import ConfigError, NotFoundError
from servicecoach.store.agents import get_agent
from servicecoach.store.filters import Scope, ScopeKind
from servicecoach.store.schema import agents, practice_assignments, practice_results

__all__ = [
    "Assignment",
    "PracticeResult",
    "assign",
    "assignments_for",
    "delete_assignment",
    "list_assignments",
    "list_results",
    "record_result",
]

_SCENARIO = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")
_MAX_RESULTS = 200


@dataclass(frozen=True, slots=True)
class Assignment:
    """A scenario assigned to one agent or to a team."""

    id: int
    scenario: str
    agent: str | None
    team: str | None
    assigned_by: str
    assigned_at: datetime


@dataclass(frozen=True, slots=True)
class PracticeResult:
    """One finished practice session.

    Attributes:
        username: who practised.
        agent: their agent id, when they are an agent.
        completed: whether the scenario reached an end (else they stopped early).
        trained_score: the mean score of the trained skills that applied.
        skills: each trained skill and its score (``None``: did not apply).
    """

    id: int
    username: str
    agent: str | None
    scenario: str
    finished_at: datetime
    completed: bool
    turns: int
    trained_score: int | None
    satisfaction: int | None
    quality: int | None
    skills: dict[str, int | None]


def record_result(
    connection: Connection,
    *,
    username: str,
    agent: str | None,
    scenario: str,
    completed: bool,
    turns: int,
    trained_score: int | None,
    satisfaction: int | None,
    quality: int | None,
    skills: Mapping[str, int | None],
    finished_at: datetime | None = None,
) -> int:
    """Store one practice session's result; returns its id."""
    result = connection.execute(
        practice_results.insert().values(
            username=username,
            agent=agent,
            scenario=scenario,
            finished_at=finished_at or datetime.now(UTC),
            completed=completed,
            turns=turns,
            trained_score=trained_score,
            satisfaction=satisfaction,
            quality=quality,
            skills=dict(skills),
        )
    )
    return int(result.inserted_primary_key[0])  # type: ignore[index]


def list_results(
    connection: Connection,
    *,
    agent: str | None = None,
    username: str | None = None,
    limit: int = 50,
) -> list[PracticeResult]:
    """The results of one agent or one user, newest first (at most ``limit``, capped at 200).

    Raises:
        ConfigError: neither ``agent`` nor ``username`` is given.
    """
    if agent is None and username is None:
        raise ConfigError("list practice results of an agent or a user")
    query = select(practice_results)
    if agent is not None:
        query = query.where(practice_results.c.agent == agent)
    if username is not None:
        query = query.where(practice_results.c.username == username)
    query = query.order_by(practice_results.c.finished_at.desc(), practice_results.c.id.desc())
    rows = connection.execute(query.limit(max(1, min(limit, _MAX_RESULTS)))).mappings()
    return [
        PracticeResult(
            id=row["id"],
            username=row["username"],
            agent=row["agent"],
            scenario=row["scenario"],
            finished_at=row["finished_at"],
            completed=bool(row["completed"]),
            turns=row["turns"],
            trained_score=row["trained_score"],
            satisfaction=row["satisfaction"],
            quality=row["quality"],
            skills=dict(row["skills"] or {}),
        )
        for row in rows
    ]


def assign(
    connection: Connection,
    scope: Scope,
    scenario: str,
    assigned_by: str,
    *,
    agent: str | None = None,
    team: str | None = None,
) -> Assignment:
    """Assign ``scenario`` to one agent or to a team, within the assigner's scope.

    Raises:
        ConfigError: not exactly one of ``agent`` and ``team``, or a malformed scenario id.
        NotFoundError: the agent or team is not in ``scope``.
    """
    agent = (agent or "").strip() or None
    team = (team or "").strip() or None
    if (agent is None) == (team is None):
        raise ConfigError("assign to one agent or to one team")
    if not _SCENARIO.match(scenario):
        raise ConfigError(f"{scenario!r} is not a scenario id")
    if agent is not None:
        try:
            record = get_agent(connection, agent)
        except NotFoundError:
            raise NotFoundError(f"no agent {agent!r} in your view") from None
        if not scope.allows(record.id, record.team):
            raise NotFoundError(f"no agent {agent!r} in your view")
    elif not (
        scope.kind is ScopeKind.ALL or (scope.kind is ScopeKind.TEAM and scope.value == team)
    ):
        raise NotFoundError(f"no team {team!r} in your view")
    when = datetime.now(UTC)
    result = connection.execute(
        practice_assignments.insert().values(
            scenario=scenario, agent=agent, team=team, assigned_by=assigned_by, assigned_at=when
        )
    )
    pk = int(result.inserted_primary_key[0])  # type: ignore[index]
    return Assignment(pk, scenario, agent, team, assigned_by, when)


def assignments_for(
    connection: Connection, agent: str | None, teams: Collection[str]
) -> list[Assignment]:
    """The scenarios assigned to ``agent`` or to any of ``teams``, newest first."""
    conditions = []
    if agent is not None:
        conditions.append(practice_assignments.c.agent == agent)
    if teams:
        conditions.append(practice_assignments.c.team.in_(sorted(teams)))
    if not conditions:
        return []
    return _assignments(connection, or_(*conditions))


def list_assignments(connection: Connection, scope: Scope) -> list[Assignment]:
    """Every assignment the viewer may see: all (admins), their team's and its agents' (leads)."""
    if scope.kind is ScopeKind.ALL:
        return _assignments(connection, None)
    if scope.kind is ScopeKind.TEAM:
        team_agents = select(agents.c.id).where(agents.c.team == scope.value)
        return _assignments(
            connection,
            or_(
                practice_assignments.c.team == scope.value,
                practice_assignments.c.agent.in_(team_agents),
            ),
        )
    if scope.kind is ScopeKind.AGENT:
        return _assignments(connection, practice_assignments.c.agent == scope.value)
    return []


def delete_assignment(connection: Connection, scope: Scope, assignment_id: int) -> None:
    """Remove an assignment the viewer may see.

    Raises:
        NotFoundError: no such assignment in ``scope``.
    """
    if scope.kind not in (ScopeKind.ALL, ScopeKind.TEAM) or assignment_id not in {
        a.id for a in list_assignments(connection, scope)
    }:
        raise NotFoundError(f"no practice assignment {assignment_id} in your view")
    connection.execute(
        delete(practice_assignments).where(practice_assignments.c.id == assignment_id)
    )


def _assignments(connection: Connection, condition: object | None) -> list[Assignment]:
    query = select(practice_assignments)
    if condition is not None:
        query = query.where(condition)  # type: ignore[arg-type]
    query = query.order_by(
        practice_assignments.c.assigned_at.desc(), practice_assignments.c.id.desc()
    ).limit(_MAX_RESULTS)
    return [Assignment(*row) for row in connection.execute(query)]
