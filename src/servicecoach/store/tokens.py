"""API tokens for the HTTP service: created once, stored hashed, verified, revoked.

A token is ``sc_`` followed by 43 random URL-safe characters (256 bits from
:func:`secrets.token_urlsafe`). Only its SHA-256 hex digest is stored, beside a short
public ``prefix`` (the first characters of the token) that names it in lists and
revocations. The secret itself is returned once, by :func:`create_token`, and can never
be shown again.

Verifying looks the token up by its hash (a unique index), so the secret is never
compared character by character with anything stored; the hashes are compared with
:func:`hmac.compare_digest` all the same. ``last_used_at`` is written at most once per
``touch_seconds`` per token, so that a busy client does not turn every request into a
database write, and only when the write lock is free at once: while an import holds the
store, the touch is skipped (tried again on a later request) and the request goes on, so
that a token check never waits for, or fails because of, another writer.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Connection, func, insert, select, update
from sqlalchemy.exc import OperationalError

from servicecoach.errors import ConfigError, NotFoundError
from servicecoach.store.database import busy_timeout, is_busy
from servicecoach.store.schema import api_tokens

__all__ = [
    "PREFIX_LENGTH",
    "TOKEN_PREFIX",
    "ApiToken",
    "NewToken",
    "active_token_count",
    "create_token",
    "hash_secret",
    "list_tokens",
    "revoke_token",
    "touch_token",
    "verify_token",
]

TOKEN_PREFIX = "sc_"
"""Every servicecoach token starts with this, so that it is recognisable in a leak scan."""
PREFIX_LENGTH = 11
"""How many leading characters of a token are stored in clear to name it (``sc_`` + 8)."""
_NAME_MAX = 200


@dataclass(frozen=True, slots=True)
class ApiToken:
    """A stored token, without its secret.

    Attributes:
        id: the token's number.
        name: what the token is for (``"helpdesk sidebar"``).
        prefix: its first characters, e.g. ``sc_Xb3kQ9aZ``.
        created_at: when it was created.
        last_used_at: when it last authenticated a request (to within ``touch_seconds``).
        revoked_at: when it was revoked, or ``None`` while it is active.
    """

    id: int
    name: str
    prefix: str
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None

    @property
    def active(self) -> bool:
        """True until the token is revoked."""
        return self.revoked_at is None

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict (``tokens list --json``); never includes the secret."""
        return {
            "id": self.id,
            "name": self.name,
            "prefix": self.prefix,
            "created_at": self.created_at.isoformat(),
            "last_used_at": self.last_used_at.isoformat() if self.last_used_at else None,
            "revoked_at": self.revoked_at.isoformat() if self.revoked_at else None,
            "active": self.active,
        }


@dataclass(frozen=True, slots=True)
class NewToken:
    """A token just created: the only time its secret is known.

    Attributes:
        token: the stored record.
        secret: the full token to give to the client.
    """

    token: ApiToken
    secret: str


def hash_secret(secret: str) -> str:
    """The SHA-256 hex digest stored for a token."""
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def _now() -> datetime:
    return datetime.now(UTC)


def _token(row: Any) -> ApiToken:
    return ApiToken(
        id=row.id,
        name=row.name,
        prefix=row.prefix,
        created_at=row.created_at,
        last_used_at=row.last_used_at,
        revoked_at=row.revoked_at,
    )


def create_token(connection: Connection, name: str) -> NewToken:
    """Create a token named ``name`` and return its secret (shown once, never stored).

    Raises:
        ConfigError: the name is empty or longer than 200 characters.
    """
    name = name.strip()
    if not name or len(name) > _NAME_MAX:
        raise ConfigError(
            f"a token name must be 1 to {_NAME_MAX} characters (say what it is for, "
            'e.g. "helpdesk sidebar")'
        )
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    created = _now()
    prefix = secret[:PREFIX_LENGTH]
    token_id = connection.execute(
        insert(api_tokens)
        .values(name=name, prefix=prefix, token_hash=hash_secret(secret), created_at=created)
        .returning(api_tokens.c.id)
    ).scalar_one()
    token = ApiToken(token_id, name, prefix, created, None, None)
    return NewToken(token=token, secret=secret)


def verify_token(
    connection: Connection, secret: str, *, touch_seconds: float = 60.0
) -> ApiToken | None:
    """The active token whose secret is ``secret``, or ``None``; records the use.

    Args:
        connection: a connection in a transaction (``last_used_at`` may be written).
        secret: the token the client presented.
        touch_seconds: write ``last_used_at`` only when it is older than this.
    """
    if not secret.startswith(TOKEN_PREFIX) or len(secret) > 200:
        return None
    digest = hash_secret(secret)
    row = connection.execute(select(api_tokens).where(api_tokens.c.token_hash == digest)).first()
    if row is None or not hmac.compare_digest(row.token_hash, digest):
        return None
    token = _token(row)
    if not token.active:
        return None
    now = _now()
    stale = token.last_used_at is None or now - token.last_used_at >= timedelta(
        seconds=touch_seconds
    )
    if stale and touch_token(connection, token.id, now):
        token = ApiToken(
            token.id, token.name, token.prefix, token.created_at, now, token.revoked_at
        )
    return token


def touch_token(connection: Connection, token_id: int, when: datetime) -> bool:
    """Record that token ``token_id`` was used at ``when``, if the store can take the
    write at once; return whether it did. Never waits for another writer, never raises
    because of one: the use is recorded on a later request instead.
    """
    statement = update(api_tokens).where(api_tokens.c.id == token_id).values(last_used_at=when)
    try:
        if connection.dialect.name == "sqlite":
            with busy_timeout(connection, 0):
                connection.execute(statement)
        else:
            with connection.begin_nested():  # a failed touch leaves the transaction usable
                connection.exec_driver_sql("SET LOCAL lock_timeout = '50ms'")
                connection.execute(statement)
            connection.exec_driver_sql("SET LOCAL lock_timeout TO DEFAULT")
    except OperationalError as exc:
        if is_busy(exc):
            return False
        raise
    return True


def list_tokens(connection: Connection, *, include_revoked: bool = True) -> list[ApiToken]:
    """Every token (oldest first), without secrets."""
    query = select(api_tokens).order_by(api_tokens.c.id)
    if not include_revoked:
        query = query.where(api_tokens.c.revoked_at.is_(None))
    return [_token(row) for row in connection.execute(query)]


def active_token_count(connection: Connection) -> int:
    """How many tokens can authenticate requests now."""
    query = select(func.count()).select_from(api_tokens).where(api_tokens.c.revoked_at.is_(None))
    return int(connection.execute(query).scalar_one())


def revoke_token(connection: Connection, ref: str) -> ApiToken:
    """Revoke the token with id or prefix ``ref``; revoking a revoked token changes nothing.

    Args:
        connection: a connection in a transaction.
        ref: the token's id (``3``), its prefix (``sc_Xb3kQ9aZ``) or the whole secret.

    Raises:
        NotFoundError: no token has that id or prefix.
        ConfigError: the prefix is shared by several tokens.
    """
    ref = ref.strip()
    if ref.isdigit():
        rows = connection.execute(select(api_tokens).where(api_tokens.c.id == int(ref))).all()
    elif ref.startswith(TOKEN_PREFIX) and len(ref) > PREFIX_LENGTH:
        rows = connection.execute(
            select(api_tokens).where(api_tokens.c.token_hash == hash_secret(ref))
        ).all()
    else:
        rows = connection.execute(select(api_tokens).where(api_tokens.c.prefix == ref)).all()
    if not rows:
        raise NotFoundError(
            f"no API token has id or prefix {ref!r} (servicecoach tokens list shows them)"
        )
    if len(rows) > 1:
        ids = ", ".join(str(row.id) for row in rows)
        raise ConfigError(f"prefix {ref!r} names several tokens ({ids}): revoke one by its id")
    token = _token(rows[0])
    if not token.active:
        return token
    now = _now()
    connection.execute(update(api_tokens).where(api_tokens.c.id == token.id).values(revoked_at=now))
    return ApiToken(token.id, token.name, token.prefix, token.created_at, token.last_used_at, now)
