"""Coaching notes: what a lead wrote to an agent, optionally about one conversation."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import Connection, delete, select

from servicecoach.errors import ConfigError, NotFoundError
from servicecoach.store.agents import get_agent
from servicecoach.store.filters import Scope
from servicecoach.store.schema import coaching_notes, conversations

__all__ = ["MAX_NOTE", "CoachingNote", "add_note", "delete_note", "list_notes"]

MAX_NOTE = 10_000
"""The longest note, in characters."""


@dataclass(frozen=True, slots=True)
class CoachingNote:
    """One coaching note."""

    id: int
    agent: str
    author: str
    created_at: datetime
    text: str
    conversation_id: int | None


def _visible_agent(connection: Connection, agent: str, scope: Scope) -> None:
    record = get_agent(connection, agent)
    if not scope.allows(record.id, record.team):
        raise NotFoundError(f"no agent {agent!r} in your view")


def add_note(
    connection: Connection,
    scope: Scope,
    agent: str,
    author: str,
    text: str,
    conversation_id: int | None = None,
) -> CoachingNote:
    """Add a note for ``agent`` written by ``author`` (a username).

    Args:
        connection: the database (in a transaction).
        scope: the writer's scope; they may only write about agents in it.
        agent: the agent id.
        author: who wrote it.
        text: the note (1 to :data:`MAX_NOTE` characters after trimming).
        conversation_id: the conversation it is about, if any.

    Raises:
        NotFoundError: no such agent in ``scope``, or no such conversation.
        ConfigError: an empty or too long note.
    """
    _visible_agent(connection, agent, scope)
    body = text.strip()
    if not body or len(body) > MAX_NOTE:
        raise ConfigError(f"a note has 1 to {MAX_NOTE:,} characters")
    if conversation_id is not None:
        found = connection.execute(
            select(conversations.c.id).where(conversations.c.id == conversation_id)
        ).first()
        if found is None:
            raise NotFoundError(f"no conversation {conversation_id} to attach the note to")
    created = datetime.now(UTC)
    result = connection.execute(
        coaching_notes.insert().values(
            agent=agent,
            author=author,
            created_at=created,
            text=body,
            conversation_id=conversation_id,
        )
    )
    pk = int(result.inserted_primary_key[0])  # type: ignore[index]
    return CoachingNote(pk, agent, author, created, body, conversation_id)


def list_notes(connection: Connection, scope: Scope, agent: str) -> list[CoachingNote]:
    """The notes about ``agent``, newest first.

    Raises:
        NotFoundError: no such agent in ``scope``.
    """
    _visible_agent(connection, agent, scope)
    rows = connection.execute(
        select(coaching_notes)
        .where(coaching_notes.c.agent == agent)
        .order_by(coaching_notes.c.created_at.desc(), coaching_notes.c.id.desc())
    )
    return [CoachingNote(*row) for row in rows]


def delete_note(connection: Connection, scope: Scope, note_id: int) -> None:
    """Delete a note about an agent in ``scope``.

    Raises:
        NotFoundError: no such note in ``scope``.
    """
    agent = connection.execute(
        select(coaching_notes.c.agent).where(coaching_notes.c.id == note_id)
    ).scalar_one_or_none()
    if agent is None:
        raise NotFoundError(f"no coaching note {note_id}")
    _visible_agent(connection, agent, scope)
    connection.execute(delete(coaching_notes).where(coaching_notes.c.id == note_id))
