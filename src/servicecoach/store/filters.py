"""What a dashboard query looks at (:class:`Filters`) and what its viewer may see (:class:`Scope`).

Every query of the dashboard modules takes both. Filters are what the viewer asked
for; the scope is what their role allows, and it is applied in the query itself, so a
page or API route cannot forget it: an agent's scope never returns another agent's
rows, whatever the filters say. A filter outside the scope simply finds nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from sqlalchemy import ColumnElement, Connection, Table, false, select, true

from servicecoach.errors import ConfigError, NotFoundError
from servicecoach.store.analyses import latest_run
from servicecoach.store.schema import agents, analysis_runs, conversation_metrics

__all__ = [
    "Filters",
    "Granularity",
    "Scope",
    "ScopeKind",
    "agent_conditions",
    "bucket",
    "choose_granularity",
    "metrics_conditions",
    "resolve_run",
]


class Granularity(StrEnum):
    """The length of one period in a chart."""

    DAY = "day"
    WEEK = "week"
    MONTH = "month"


class ScopeKind(StrEnum):
    """Whose conversations a viewer may see."""

    ALL = "all"
    TEAM = "team"
    AGENT = "agent"
    NONE = "none"


@dataclass(frozen=True, slots=True)
class Scope:
    """The agents a viewer may see: everyone, one team's agents, one agent, or nobody.

    Build one with :meth:`everything`, :meth:`team`, :meth:`agent`, :meth:`nothing` or,
    from a logged-in user, :meth:`for_user`.
    """

    kind: ScopeKind
    value: str | None = None

    def __post_init__(self) -> None:
        needs_value = self.kind in (ScopeKind.TEAM, ScopeKind.AGENT)
        if needs_value != bool(self.value):
            raise ValueError(
                f"a {self.kind.value} scope {'needs' if needs_value else 'takes no'} value"
            )

    @classmethod
    def everything(cls) -> Scope:
        """Every conversation (admins)."""
        return cls(ScopeKind.ALL)

    @classmethod
    def team(cls, name: str) -> Scope:
        """The conversations of the agents of team ``name`` (leads)."""
        return cls(ScopeKind.TEAM, name)

    @classmethod
    def agent(cls, agent_id: str) -> Scope:
        """One agent's own conversations."""
        return cls(ScopeKind.AGENT, agent_id)

    @classmethod
    def nothing(cls) -> Scope:
        """No conversation at all (a user whose team or agent is not set yet)."""
        return cls(ScopeKind.NONE)

    @classmethod
    def for_user(cls, role: str, team: str | None = None, agent: str | None = None) -> Scope:
        """The scope of a user with ``role`` (``admin``, ``lead`` or ``agent``).

        A lead without a team and an agent without an agent id see nothing.

        Raises:
            ConfigError: an unknown role.
        """
        if role == "admin":
            return cls.everything()
        if role == "lead":
            return cls.team(team) if team else cls.nothing()
        if role == "agent":
            return cls.agent(agent) if agent else cls.nothing()
        raise ConfigError(f"unknown role {role!r} (one of admin, lead, agent)")

    def allows(self, agent_id: str | None, team: str | None) -> bool:
        """Whether a conversation of ``agent_id`` in ``team`` is visible in this scope."""
        if self.kind is ScopeKind.ALL:
            return True
        if self.kind is ScopeKind.TEAM:
            return team is not None and team == self.value
        if self.kind is ScopeKind.AGENT:
            return agent_id is not None and agent_id == self.value
        return False


@dataclass(frozen=True, slots=True)
class Filters:
    """What the viewer asked to see.

    Attributes:
        run: the analysis run; ``None`` is the latest finished run.
        channel: one channel (``email``, ``chat``, ...).
        team: one team's agents.
        agent: one agent (the id conversations name them by).
        start: the first day of the period (UTC dates, inclusive).
        end: the last day of the period (inclusive).
    """

    run: int | None = None
    channel: str | None = None
    team: str | None = None
    agent: str | None = None
    start: date | None = None
    end: date | None = None

    def __post_init__(self) -> None:
        if self.start is not None and self.end is not None and self.end < self.start:
            raise ConfigError(
                f"the period ends ({self.end}) before it starts ({self.start}): swap the dates"
            )


def resolve_run(connection: Connection, filters: Filters) -> int:
    """The run ``filters`` name, or the latest finished run.

    Raises:
        NotFoundError: no such run, or nothing has been analysed yet.
    """
    if filters.run is None:
        return latest_run(connection).id
    found = connection.execute(
        select(analysis_runs.c.id).where(analysis_runs.c.id == filters.run)
    ).scalar_one_or_none()
    if found is None:
        raise NotFoundError(f"no analysis run {filters.run} (the latest run is used by default)")
    return int(found)


def metrics_conditions(
    run: int, filters: Filters, scope: Scope, *, period: bool = True, table: Table | None = None
) -> list[ColumnElement[bool]]:
    """WHERE conditions for ``run``, ``filters`` and ``scope``.

    Args:
        run: the resolved run id.
        filters: the viewer's filters (``filters.run`` is ignored: pass ``run``).
        scope: what the viewer may see.
        period: apply ``filters.start``/``end`` (false for queries that pick their own
            period, such as growth against the previous period).
        table: ``conversation_metrics`` (default) or ``metrics_daily`` (which has no
            channel: do not use it with a channel filter).
    """
    m = (conversation_metrics if table is None else table).c
    found: list[ColumnElement[bool]] = [m.run_id == run]
    if filters.channel is not None:
        if "channel" not in m:
            raise ValueError(f"{table} has no channel: use conversation_metrics")
        found.append(m.channel == filters.channel)
    if filters.team is not None:
        found.append(m.team == filters.team)
    if filters.agent is not None:
        found.append(m.agent == filters.agent)
    if period and filters.start is not None:
        found.append(m.started_day >= filters.start)
    if period and filters.end is not None:
        found.append(m.started_day <= filters.end)
    found.append(_scope_condition(scope, m.agent, m.team))
    return found


def agent_conditions(filters: Filters, scope: Scope) -> list[ColumnElement[bool]]:
    """WHERE conditions on ``agents`` for the team and agent filters and ``scope``."""
    found: list[ColumnElement[bool]] = []
    if filters.team is not None:
        found.append(agents.c.team == filters.team)
    if filters.agent is not None:
        found.append(agents.c.id == filters.agent)
    found.append(_scope_condition(scope, agents.c.id, agents.c.team))
    return found


def _scope_condition(
    scope: Scope, agent: ColumnElement[str], team: ColumnElement[str]
) -> ColumnElement[bool]:
    if scope.kind is ScopeKind.ALL:
        return true()
    if scope.kind is ScopeKind.TEAM:
        return team == scope.value
    if scope.kind is ScopeKind.AGENT:
        return agent == scope.value
    return false()


def choose_granularity(start: date, end: date) -> Granularity:
    """Days for up to a month, weeks for up to half a year, months beyond."""
    days = (end - start).days + 1
    if days <= 31:
        return Granularity.DAY
    if days <= 183:
        return Granularity.WEEK
    return Granularity.MONTH


def bucket(day: date, granularity: Granularity) -> date:
    """The first day of the period that ``day`` falls in (weeks start on Monday)."""
    if granularity is Granularity.DAY:
        return day
    if granularity is Granularity.WEEK:
        return day - timedelta(days=day.weekday())
    return day.replace(day=1)
