"""Secrets the service generates once and every worker shares (the session signing key).

:func:`get_or_create_secret` returns the stored value of a named secret, creating a
random one the first time. Two workers starting at once may both try to create it;
the primary key lets one win and the other reads the winner's value.
"""

from __future__ import annotations

import secrets
from datetime import UTC, datetime

from sqlalchemy import insert, select
from sqlalchemy.exc import IntegrityError

from servicecoach.store.database import Store
from servicecoach.store.schema import app_secrets

__all__ = ["get_or_create_secret"]


def get_or_create_secret(store: Store, name: str, *, nbytes: int = 32) -> str:
    """The secret called ``name``, generated (``nbytes`` random bytes, URL-safe) if absent."""
    query = select(app_secrets.c.value).where(app_secrets.c.name == name)
    with store.connect() as connection:
        found = connection.execute(query).scalar_one_or_none()
    if found is not None:
        return str(found)
    value = secrets.token_urlsafe(nbytes)
    try:
        with store.begin() as connection:
            connection.execute(
                insert(app_secrets).values(name=name, value=value, created_at=datetime.now(UTC))
            )
    except IntegrityError:
        with store.connect() as connection:
            return str(connection.execute(query).scalar_one())
    return value
