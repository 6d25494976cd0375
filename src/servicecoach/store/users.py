"""People who log in to the web app: created, authenticated, disabled, listed.

Passwords are hashed with Argon2id (``argon2-cffi``, the algorithm the Password Hashing
Competition chose and OWASP recommends first) with the library's default parameters;
only the encoded hash (``$argon2id$v=19$...``, salt included) is stored. Verifying an
unknown username still verifies a fixed dummy hash, so that a wrong username takes as
long as a wrong password and the answer time does not reveal which users exist. A hash
made with older parameters is re-hashed on the next successful login.

Sessions are revocable: each user has a ``session_epoch`` that every session cookie
carries (:attr:`User.session_epoch`, checked by :func:`get_session_user` on each
request). :func:`end_sessions` (logout), :func:`set_password` and :func:`disable_user`
raise it, which ends every session the user has, in every browser, at its next request.

Roles: ``admin`` sees everything and manages users; ``lead`` sees the agents of one
``team``; ``agent`` sees their own conversations (``agent`` is the id conversations name
them by). See :meth:`servicecoach.store.filters.Scope.for_user`.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import Connection, func, insert, select, update

from servicecoach.errors import ConfigError, NotFoundError
from servicecoach.store.schema import users

__all__ = [
    "MAX_PASSWORD",
    "MIN_PASSWORD",
    "ROLES",
    "User",
    "authenticate",
    "create_user",
    "disable_user",
    "enable_user",
    "end_sessions",
    "get_session_user",
    "get_user",
    "get_user_by_id",
    "list_users",
    "set_password",
    "user_count",
]

ROLES = ("admin", "lead", "agent")
"""The roles a user can have, from most to least access."""
MIN_PASSWORD = 10
"""The shortest password accepted."""
MAX_PASSWORD = 1024
"""The longest password accepted (hashing a huge one would be a denial of service)."""

_USERNAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@-]{0,149}$")
_HASHER = PasswordHasher()
_DUMMY_HASH = _HASHER.hash("servicecoach dummy password, never a real one")


@dataclass(frozen=True, slots=True)
class User:
    """A person who logs in (never carries the password or its hash).

    Attributes:
        id: the user's number.
        username: the login name.
        display_name: the name shown on pages, or ``None`` (use the username).
        role: ``admin``, ``lead`` or ``agent``.
        team: a lead's team (agents and admins may have one too, for display).
        agent: an agent user's agent id, as conversations name them.
        created_at: when the user was created.
        disabled: a disabled user cannot log in.
        session_epoch: written into the user's session cookies; a cookie with an older
            epoch is no longer a session (see :func:`end_sessions`).
    """

    id: int
    username: str
    display_name: str | None
    role: str
    team: str | None
    agent: str | None
    created_at: datetime
    disabled: bool
    session_epoch: int = 0

    @property
    def name(self) -> str:
        """The name to show: the display name, else the username."""
        return self.display_name or self.username

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict (``users list --json``, the API); never includes the hash."""
        return {
            "id": self.id,
            "username": self.username,
            "display_name": self.display_name,
            "role": self.role,
            "team": self.team,
            "agent": self.agent,
            "created_at": self.created_at.isoformat(),
            "disabled": self.disabled,
        }


def _user(row: Any) -> User:
    return User(
        id=row.id,
        username=row.username,
        display_name=row.display_name,
        role=row.role,
        team=row.team,
        agent=row.agent,
        created_at=row.created_at,
        disabled=bool(row.disabled),
        session_epoch=int(row.session_epoch),
    )


def _clean(value: str | None) -> str | None:
    return value.strip() or None if value is not None else None


def _check_username(username: str) -> str:
    username = username.strip()
    if not _USERNAME.match(username):
        raise ConfigError(
            f"username {username!r} is not valid: use 1 to 150 letters, digits, '.', '_', "
            "'@' or '-', starting with a letter or digit (e.g. maren.olsen)"
        )
    return username


def _check_role(role: str, team: str | None, agent: str | None) -> None:
    if role not in ROLES:
        raise ConfigError(f"unknown role {role!r}: use one of {', '.join(ROLES)}")
    if role == "lead" and team is None:
        raise ConfigError("a lead needs a team (--team NAME): leads see their team's agents")
    if role == "agent" and agent is None:
        raise ConfigError(
            "an agent user needs an agent id (--agent ID, the name conversations give the "
            "agent; servicecoach agents list shows them)"
        )


def _hash_password(password: str) -> str:
    if len(password) < MIN_PASSWORD:
        raise ConfigError(
            f"the password is too short: use at least {MIN_PASSWORD} characters "
            "(a few unrelated words make a good one)"
        )
    if len(password) > MAX_PASSWORD:
        raise ConfigError(f"the password is too long: use at most {MAX_PASSWORD} characters")
    return _HASHER.hash(password)


def _row(connection: Connection, username: str) -> Any:
    return connection.execute(select(users).where(users.c.username == username.strip())).first()


def create_user(
    connection: Connection,
    username: str,
    password: str,
    role: str,
    *,
    display_name: str | None = None,
    team: str | None = None,
    agent: str | None = None,
) -> User:
    """Create a user whose password is ``password`` (stored as an Argon2id hash).

    Raises:
        ConfigError: an invalid username, an unknown role, a lead without a team, an
            agent without an agent id, a password shorter than :data:`MIN_PASSWORD`, or
            a username that is taken.
    """
    username = _check_username(username)
    team, agent, display_name = _clean(team), _clean(agent), _clean(display_name)
    _check_role(role, team, agent)
    if _row(connection, username) is not None:
        raise ConfigError(
            f"user {username!r} exists already (servicecoach users list shows every user)"
        )
    password_hash = _hash_password(password)
    created = datetime.now(UTC)
    user_id = connection.execute(
        insert(users)
        .values(
            username=username,
            display_name=display_name,
            password_hash=password_hash,
            role=role,
            team=team,
            agent=agent,
            created_at=created,
            disabled=False,
        )
        .returning(users.c.id)
    ).scalar_one()
    return User(user_id, username, display_name, role, team, agent, created, False)


def authenticate(connection: Connection, username: str, password: str) -> User | None:
    """The active user ``username`` if ``password`` is theirs, else ``None``.

    An unknown username verifies a dummy hash (the same work as a wrong password), and
    a disabled user fails like a wrong password. A hash made with older parameters is
    replaced by a new one (``connection`` should be in a transaction).
    """
    row = _row(connection, username) if len(username) <= 150 else None
    if len(password) > MAX_PASSWORD:
        return None
    encoded = row.password_hash if row is not None else _DUMMY_HASH
    try:
        _HASHER.verify(encoded, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return None
    if row is None or row.disabled:
        return None
    if _HASHER.check_needs_rehash(encoded):
        connection.execute(
            update(users).where(users.c.id == row.id).values(password_hash=_HASHER.hash(password))
        )
    return _user(row)


def get_user(connection: Connection, username: str) -> User:
    """The user called ``username`` (disabled or not).

    Raises:
        NotFoundError: no such user.
    """
    row = _row(connection, username)
    if row is None:
        raise NotFoundError(
            f"no user {username.strip()!r} (servicecoach users list shows every user)"
        )
    return _user(row)


def get_user_by_id(connection: Connection, user_id: int) -> User | None:
    """The user with id ``user_id``, or ``None`` (sessions keep the id)."""
    row = connection.execute(select(users).where(users.c.id == user_id)).first()
    return _user(row) if row is not None else None


def get_session_user(connection: Connection, user_id: int, epoch: int) -> User | None:
    """The user of a session cookie that names ``user_id`` and ``epoch``, or ``None`` when
    the user is gone or disabled or their sessions were ended since (a newer epoch).

    One read by primary key, no write: it runs on every request with a session.
    """
    user = get_user_by_id(connection, user_id)
    if user is None or user.disabled or user.session_epoch != epoch:
        return None
    return user


def end_sessions(connection: Connection, user_id: int) -> None:
    """End every session of the user (logout, ``servicecoach users end-sessions``): their
    cookies stop working at their next request, in every browser."""
    connection.execute(
        update(users).where(users.c.id == user_id).values(session_epoch=users.c.session_epoch + 1)
    )


def list_users(connection: Connection, *, include_disabled: bool = True) -> list[User]:
    """Every user, by username."""
    query = select(users).order_by(users.c.username)
    if not include_disabled:
        query = query.where(users.c.disabled.is_(False))
    return [_user(row) for row in connection.execute(query)]


def user_count(connection: Connection) -> int:
    """How many users exist (disabled ones included)."""
    return int(connection.execute(select(func.count()).select_from(users)).scalar_one())


def set_password(connection: Connection, username: str, password: str) -> User:
    """Replace the password of ``username``; every session of the user ends.

    Raises:
        NotFoundError: no such user.
        ConfigError: the password is too short or too long.
    """
    user = get_user(connection, username)
    password_hash = _hash_password(password)
    connection.execute(
        update(users)
        .where(users.c.id == user.id)
        .values(password_hash=password_hash, session_epoch=users.c.session_epoch + 1)
    )
    return user


def _set_disabled(connection: Connection, username: str, disabled: bool) -> User:
    user = get_user(connection, username)
    epoch = user.session_epoch + 1 if disabled else user.session_epoch
    connection.execute(
        update(users)
        .where(users.c.id == user.id)
        .values(disabled=disabled, session_epoch=users.c.session_epoch + int(disabled))
    )
    return dataclasses.replace(user, disabled=disabled, session_epoch=epoch)


def disable_user(connection: Connection, username: str) -> User:
    """Stop ``username`` from logging in; every session of the user ends.

    Raises:
        NotFoundError: no such user.
    """
    return _set_disabled(connection, username, True)


def enable_user(connection: Connection, username: str) -> User:
    """Let a disabled user log in again.

    Raises:
        NotFoundError: no such user.
    """
    return _set_disabled(connection, username, False)
