"""Agents as the conversations name them, and the team an admin puts each one in.

An agent is added the first time an analysis stores a conversation they answered
(``save_results``); their id is the reply author as the source wrote it. A team is set
by an admin (``servicecoach agents set-team AGENT TEAM``, or the web app later) and is
copied onto the agent's rows of ``conversation_metrics`` (and ``metrics_daily``) in the
same transaction, so
team filters and a lead's scope follow the agent's current team.

A lead's import adds the agents it names that the store has never seen (no row here
and no stored message by them) to the lead's team at once, so that the lead sees what
they imported once it is analysed; an admin can move them later like any agent. They
have no metrics rows yet, so nothing else needs the team copied. An agent the store
already knows keeps their team (or lack of one): a lead cannot claim them
(:func:`agent_teams` and :func:`stored_agent_ids`, used by the import's scope check in
``store/writer.py``).
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, select, update
from sqlalchemy.dialects import postgresql, sqlite

from servicecoach.errors import ConfigError, NotFoundError
from servicecoach.model.conversation import Conversation, Role
from servicecoach.store.schema import (
    agents,
    channel_daily,
    conversation_metrics,
    messages,
    metrics_daily,
)

__all__ = [
    "MAX_AGENT_ID",
    "AgentRecord",
    "agent_id",
    "agent_teams",
    "conversation_agents",
    "get_agent",
    "remember_agents",
    "set_agent_display_name",
    "set_agent_team",
    "stored_agent_ids",
    "stored_conversation_agents",
]

MAX_AGENT_ID = 255
"""Agent ids longer than this are cut (the column's length on every backend)."""
_MAX_TEAM = 100


@dataclass(frozen=True, slots=True)
class AgentRecord:
    """One row of ``agents``."""

    id: str
    display_name: str | None
    team: str | None
    first_seen: datetime

    @property
    def name(self) -> str:
        """The name to show: the display name, else the id."""
        return self.display_name or self.id


def _insert(connection: Connection) -> Any:
    if connection.dialect.name == "postgresql":
        return postgresql.insert(agents)
    return sqlite.insert(agents)


def remember_agents(
    connection: Connection, ids: Collection[str], *, team: str | None = None
) -> dict[str, str | None]:
    """Add the agents not seen before (one query and one insert), in ``team`` (none by
    default); return each one's team."""
    wanted = sorted(set(ids))
    if not wanted:
        return {}
    teams = agent_teams(connection, wanted)
    new = [a for a in wanted if a not in teams]
    if new:
        now = datetime.now(UTC)
        connection.execute(
            _insert(connection).on_conflict_do_nothing(),
            [{"id": a, "first_seen": now, "team": team} for a in new],
        )
        teams.update(dict.fromkeys(new, team))
    return teams


def agent_id(author: str | None) -> str | None:
    """The agent id of a message author as ``agents`` and the metrics store it (trimmed,
    cut to :data:`MAX_AGENT_ID`), or ``None`` for no author."""
    found = (author or "").strip()[:MAX_AGENT_ID]
    return found or None


def conversation_agents(conversation: Conversation) -> frozenset[str]:
    """Every agent who wrote in ``conversation``: the authors of its agent messages,
    internal notes included (bots are not agents)."""
    found = (agent_id(m.author) for m in conversation.messages if m.role is Role.AGENT)
    return frozenset(a for a in found if a is not None)


def stored_conversation_agents(
    connection: Connection, pks: Sequence[int]
) -> dict[int, frozenset[str]]:
    """The agents of stored conversations, by primary key (see :func:`conversation_agents`)."""
    found: dict[int, set[str]] = {pk: set() for pk in pks}
    m = messages.c
    for start in range(0, len(pks), 500):
        query = (
            select(m.conversation_id, m.author)
            .distinct()
            .where(m.conversation_id.in_(pks[start : start + 500]), m.role == Role.AGENT.value)
        )
        for pk, author in connection.execute(query):
            if (name := agent_id(author)) is not None:
                found[pk].add(name)
    return {pk: frozenset(names) for pk, names in found.items()}


def agent_teams(connection: Connection, ids: Collection[str]) -> dict[str, str | None]:
    """The team of each agent of ``ids`` that ``agents`` has (``None``: no team)."""
    wanted = sorted(set(ids))
    teams: dict[str, str | None] = {}
    for start in range(0, len(wanted), 500):
        chunk = wanted[start : start + 500]
        query = select(agents.c.id, agents.c.team).where(agents.c.id.in_(chunk))
        teams.update(dict(connection.execute(query).all()))
    return teams


def stored_agent_ids(connection: Connection) -> frozenset[str]:
    """Every agent id that wrote a stored message (one scan of ``messages``): with
    :func:`agent_teams`, who the store knows, including agents of conversations
    imported but not analysed yet (they have no row in ``agents``, and no team)."""
    query = select(messages.c.author).distinct().where(messages.c.role == Role.AGENT.value)
    found = (agent_id(author) for author in connection.execute(query).scalars())
    return frozenset(a for a in found if a is not None)


def get_agent(connection: Connection, agent_id: str) -> AgentRecord:
    """The agent with id ``agent_id``.

    Raises:
        NotFoundError: no conversation has been analysed with that agent.
    """
    row = connection.execute(select(agents).where(agents.c.id == agent_id)).first()
    if row is None:
        raise NotFoundError(
            f"no agent {agent_id!r}: agents appear once `servicecoach analyze --db` has stored "
            "their conversations (`servicecoach agents list` shows them)"
        )
    return AgentRecord(row.id, row.display_name, row.team, row.first_seen)


def set_agent_team(connection: Connection, agent_id: str, team: str | None) -> AgentRecord:
    """Put an agent in ``team`` (``None`` takes them out of any team).

    The agent's rows of every run in ``conversation_metrics`` and ``metrics_daily`` get
    the new team too.

    Raises:
        NotFoundError: no such agent.
        ConfigError: an empty or over-long team name.
    """
    if team is not None:
        team = team.strip()
        if not team or len(team) > _MAX_TEAM:
            raise ConfigError(
                f"a team name has 1 to {_MAX_TEAM} characters (use --clear to remove the team)"
            )
    record = get_agent(connection, agent_id)
    connection.execute(update(agents).where(agents.c.id == agent_id).values(team=team))
    connection.execute(
        update(conversation_metrics)
        .where(conversation_metrics.c.agent == agent_id)
        .values(team=team)
    )
    for daily in (metrics_daily, channel_daily):
        connection.execute(update(daily).where(daily.c.agent == agent_id).values(team=team))
    return AgentRecord(record.id, record.display_name, team, record.first_seen)


def set_agent_display_name(connection: Connection, agent_id: str, name: str | None) -> AgentRecord:
    """Give an agent a display name (``None`` shows the id again).

    Raises:
        NotFoundError: no such agent.
    """
    record = get_agent(connection, agent_id)
    value = (name or "").strip()[:MAX_AGENT_ID] or None
    connection.execute(update(agents).where(agents.c.id == agent_id).values(display_name=value))
    return AgentRecord(record.id, value, record.team, record.first_seen)
