"""Calibration sessions in the store: a lead picks conversations and reviewers, each
reviewer scores every conversation blind, the lead records the agreed answer.

Who: a lead creates sessions over their team's conversations with reviewers who may
review them (admins, and leads of the same team); an admin over any conversations with
any admins and leads. A session is seen by its team's lead and by admins (and by its
reviewers, who are all one of those).

Blindness: a reviewer of an open session sees nobody else's scores (nor the results)
until they have scored every conversation of it; once the session is closed, everyone
who sees the session sees the results. The reviews themselves are ordinary rows of
``reviews`` of kind ``calibration`` (and ``agreed`` for the lead's answer).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, select, update

from servicecoach.errors import ConfigError, NotFoundError
from servicecoach.review.model import Review, ReviewKind
from servicecoach.store.filters import Scope, ScopeKind
from servicecoach.store.reviews import conversation_owner, list_reviews
from servicecoach.store.schema import calibration_sessions
from servicecoach.store.users import list_users

__all__ = [
    "MAX_SESSION_CONVERSATIONS",
    "CalibrationSession",
    "close_session",
    "create_session",
    "eligible_reviewers",
    "get_session",
    "list_sessions",
    "results_visible",
    "session_reviews",
]

MAX_SESSION_CONVERSATIONS = 50
"""The most conversations one session may hold."""


@dataclass(frozen=True, slots=True)
class CalibrationSession:
    """One calibration session."""

    id: int
    title: str
    team: str | None
    created_by: str
    created_at: datetime
    conversations: tuple[int, ...]
    reviewers: tuple[str, ...]
    closed_at: datetime | None

    @property
    def closed(self) -> bool:
        """Whether the lead has closed it (results visible to all who see it)."""
        return self.closed_at is not None

    def to_dict(self) -> dict[str, Any]:
        """The API's JSON shape."""
        return {
            "id": self.id,
            "title": self.title,
            "team": self.team,
            "created_by": self.created_by,
            "created_at": self.created_at.isoformat(),
            "conversations": list(self.conversations),
            "reviewers": list(self.reviewers),
            "closed_at": self.closed_at.isoformat() if self.closed_at else None,
        }


def eligible_reviewers(connection: Connection, scope: Scope) -> list[str]:
    """Usernames who may review in a session of ``scope``: active admins, and the
    active leads of the team (every lead, for an admin)."""
    found = []
    for user in list_users(connection, include_disabled=False):
        if user.role == "admin" or (
            user.role == "lead"
            and (
                scope.kind is ScopeKind.ALL
                or (scope.kind is ScopeKind.TEAM and user.team == scope.value)
            )
        ):
            found.append(user.username)
    return found


def create_session(
    connection: Connection,
    scope: Scope,
    *,
    title: str,
    conversations: Sequence[int],
    reviewers: Sequence[str],
    created_by: str,
) -> CalibrationSession:
    """Create a session over ``conversations`` for ``reviewers``.

    Raises:
        ConfigError: no title, no conversation, fewer than two reviewers, too many
            conversations, or a reviewer who may not review in this scope.
        NotFoundError: a conversation outside ``scope``.
    """
    title = title.strip()
    if not title or len(title) > 200:
        raise ConfigError("give the session a title (1 to 200 characters)")
    chosen = list(dict.fromkeys(conversations))
    names = list(dict.fromkeys(r.strip() for r in reviewers if r.strip()))
    if not chosen:
        raise ConfigError("pick at least one conversation")
    if len(chosen) > MAX_SESSION_CONVERSATIONS:
        raise ConfigError(f"a session holds at most {MAX_SESSION_CONVERSATIONS} conversations")
    if len(names) < 2:
        raise ConfigError("pick at least two reviewers: calibration compares reviewers")
    if scope.kind not in (ScopeKind.ALL, ScopeKind.TEAM):
        raise NotFoundError("calibration sessions are for leads and admins")
    allowed = set(eligible_reviewers(connection, scope))
    for name in names:
        if name not in allowed:
            raise ConfigError(
                f"{name!r} cannot review this team's conversations (reviewers are admins "
                "and the team's leads)"
            )
    for pk in chosen:
        owner = conversation_owner(connection, pk)
        if scope.kind is ScopeKind.TEAM and owner.team != scope.value:
            raise NotFoundError(f"no conversation {pk} in your view")
    result = connection.execute(
        calibration_sessions.insert().values(
            title=title,
            team=scope.value if scope.kind is ScopeKind.TEAM else None,
            created_by=created_by,
            created_at=datetime.now(UTC),
            conversations=chosen,
            reviewers=names,
        )
    )
    return get_session(connection, scope, int(result.inserted_primary_key[0]))  # type: ignore[index]


def _session(row: Any) -> CalibrationSession:
    return CalibrationSession(
        id=row.id,
        title=row.title,
        team=row.team,
        created_by=row.created_by,
        created_at=row.created_at,
        conversations=tuple(int(c) for c in row.conversations),
        reviewers=tuple(str(r) for r in row.reviewers),
        closed_at=row.closed_at,
    )


def _visible(scope: Scope) -> Any:
    if scope.kind is ScopeKind.ALL:
        return calibration_sessions.c.id.is_not(None)
    if scope.kind is ScopeKind.TEAM:
        return calibration_sessions.c.team == scope.value
    return calibration_sessions.c.id.is_(None)


def get_session(connection: Connection, scope: Scope, session_id: int) -> CalibrationSession:
    """One session the viewer may see.

    Raises:
        NotFoundError: no such session in ``scope``.
    """
    row = connection.execute(
        select(calibration_sessions).where(calibration_sessions.c.id == session_id, _visible(scope))
    ).first()
    if row is None:
        raise NotFoundError(f"no calibration session {session_id} in your view")
    return _session(row)


def list_sessions(connection: Connection, scope: Scope) -> list[CalibrationSession]:
    """The sessions the viewer may see, newest first."""
    rows = connection.execute(
        select(calibration_sessions)
        .where(_visible(scope))
        .order_by(calibration_sessions.c.created_at.desc(), calibration_sessions.c.id.desc())
    )
    return [_session(row) for row in rows]


def close_session(connection: Connection, scope: Scope, session_id: int) -> CalibrationSession:
    """Close a session: its results become visible to everyone who sees it.

    Raises:
        NotFoundError: no such session in ``scope``.
    """
    session = get_session(connection, scope, session_id)
    if not session.closed:
        connection.execute(
            update(calibration_sessions)
            .where(calibration_sessions.c.id == session_id)
            .values(closed_at=datetime.now(UTC))
        )
    return get_session(connection, scope, session_id)


def session_reviews(
    connection: Connection, session: CalibrationSession, kinds: Iterable[ReviewKind]
) -> list[Review]:
    """The reviews of ``kinds`` made in ``session`` (callers check what may be shown)."""
    return list_reviews(
        connection, Scope.everything(), calibration_id=session.id, kinds=list(kinds)
    )


def results_visible(session: CalibrationSession, viewer: str, done: Iterable[int]) -> bool:
    """Whether ``viewer`` may see the session's scores: closed, not one of its
    reviewers, or a reviewer who has scored every conversation (``done``)."""
    if session.closed or viewer not in session.reviewers:
        return True
    return set(session.conversations) <= set(done)
