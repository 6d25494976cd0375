"""Web practice sessions in progress, kept in the store so that any worker can continue them.

A session is one row per owner (starting another replaces it) holding the conversation
so far as JSON. The store does not read that JSON; it bounds it: at most
:data:`MAX_STATE_BYTES` (UTF-8) a row and :data:`MAX_SESSIONS` rows (the least recently
used goes first). A row not used for :data:`IDLE` is expired when it is read and purged
when any session starts.

Who may use a row: every read and write names the owner *and* (for writes) the row's
id, a random 256-bit token, so a user can neither guess another's session nor reach it
with their own. Writes are compare-and-set on ``revision``: of two workers answering the
same form (a double click that two workers received), one wins and the other is told.
"""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Connection, delete, func, select, update

from servicecoach.errors import InputError
from servicecoach.store.schema import practice_sessions

__all__ = [
    "IDLE",
    "MAX_SESSIONS",
    "MAX_STATE_BYTES",
    "SavedSession",
    "drop_session",
    "get_session",
    "purge_sessions",
    "save_session",
    "start_session",
]

IDLE = timedelta(hours=2)
"""A session not read or written for this long is gone."""

MAX_SESSIONS = 1000
"""Most sessions kept at once (the least recently used is dropped first)."""

MAX_STATE_BYTES = 1_000_000
"""Largest state a session may hold (12 replies of 4,000 characters, feedback and the
debrief stay well under it)."""

_TOUCH_EVERY = timedelta(minutes=1)
"""A read moves ``touched_at`` only when it is older than this (fewer writes on reads)."""


@dataclass(frozen=True, slots=True)
class SavedSession:
    """One owner's session as stored.

    Attributes:
        id: the random session id (also carried by the page's forms).
        owner: whose it is.
        scenario: the scenario id.
        revision: bumped on every write; pass it back to :func:`save_session`.
        state: the decoded JSON state.
    """

    id: str
    owner: str
    scenario: str
    revision: int
    state: dict[str, Any]
    started_at: datetime
    touched_at: datetime


def start_session(
    connection: Connection,
    owner: str,
    scenario: str,
    state: dict[str, Any],
    *,
    now: datetime | None = None,
) -> SavedSession:
    """Store a new session for ``owner``, replacing theirs; expired rows are purged first.

    Raises:
        InputError: the state is larger than :data:`MAX_STATE_BYTES`.
    """
    now = now or datetime.now(UTC)
    text = _encode(state)
    purge_sessions(connection, now=now)
    drop_session(connection, owner)
    extra = connection.execute(select(func.count()).select_from(practice_sessions)).scalar_one()
    if extra >= MAX_SESSIONS:
        oldest = (
            select(practice_sessions.c.id)
            .order_by(practice_sessions.c.touched_at)
            .limit(extra - MAX_SESSIONS + 1)
        )
        connection.execute(
            delete(practice_sessions).where(practice_sessions.c.id.in_(oldest.scalar_subquery()))
        )
    saved = SavedSession(secrets.token_urlsafe(32), owner, scenario, 0, state, now, now)
    connection.execute(
        practice_sessions.insert().values(
            id=saved.id,
            owner=owner,
            scenario=scenario,
            revision=0,
            state=text,
            started_at=now,
            touched_at=now,
        )
    )
    return saved


def get_session(
    connection: Connection, owner: str, *, now: datetime | None = None
) -> SavedSession | None:
    """``owner``'s session, or ``None`` (never started, replaced, dropped or expired).

    An expired session is deleted; a live one is marked as used.
    """
    now = now or datetime.now(UTC)
    row = (
        connection.execute(select(practice_sessions).where(practice_sessions.c.owner == owner))
        .mappings()
        .first()
    )
    if row is None:
        return None
    if row["touched_at"] <= now - IDLE:
        drop_session(connection, owner)
        return None
    try:
        state = json.loads(row["state"])
    except ValueError:
        state = None
    if not isinstance(state, dict):
        drop_session(connection, owner)
        return None
    touched = row["touched_at"]
    if now - touched >= _TOUCH_EVERY:
        touched = now
        connection.execute(
            update(practice_sessions)
            .where(practice_sessions.c.id == row["id"])
            .values(touched_at=now)
        )
    return SavedSession(
        row["id"], owner, row["scenario"], row["revision"], state, row["started_at"], touched
    )


def save_session(
    connection: Connection,
    saved: SavedSession,
    state: dict[str, Any],
    *,
    now: datetime | None = None,
) -> SavedSession | None:
    """Replace the state of ``saved`` if nobody wrote it since it was read.

    Returns:
        the session as now stored, or ``None`` when the row changed (another request
        won), was replaced or is gone: nothing was written.

    Raises:
        InputError: the state is larger than :data:`MAX_STATE_BYTES`.
    """
    now = now or datetime.now(UTC)
    text = _encode(state)
    written = connection.execute(
        update(practice_sessions)
        .where(
            practice_sessions.c.id == saved.id,
            practice_sessions.c.owner == saved.owner,
            practice_sessions.c.revision == saved.revision,
            practice_sessions.c.touched_at > now - IDLE,
        )
        .values(state=text, revision=saved.revision + 1, touched_at=now)
    )
    if written.rowcount != 1:
        return None
    return SavedSession(
        saved.id, saved.owner, saved.scenario, saved.revision + 1, state, saved.started_at, now
    )


def drop_session(connection: Connection, owner: str) -> None:
    """Forget ``owner``'s session."""
    connection.execute(delete(practice_sessions).where(practice_sessions.c.owner == owner))


def purge_sessions(connection: Connection, *, now: datetime | None = None) -> int:
    """Delete every session idle for :data:`IDLE`; returns how many."""
    deadline = (now or datetime.now(UTC)) - IDLE
    result = connection.execute(
        delete(practice_sessions).where(practice_sessions.c.touched_at <= deadline)
    )
    return int(result.rowcount)


def _encode(state: dict[str, Any]) -> str:
    text = json.dumps(state, ensure_ascii=False, separators=(",", ":"))
    size = len(text.encode("utf-8"))
    if size > MAX_STATE_BYTES:
        raise InputError(
            f"this practice session has grown to {size:,} bytes; sessions hold at most "
            f"{MAX_STATE_BYTES:,}: start the scenario again"
        )
    return text
