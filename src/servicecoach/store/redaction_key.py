"""The redaction key: a random secret per database, kept with the service's other secrets.

The key is created the first time a redacting import asks for it and read back ever
after, so an identifier hashes the same way in every import into that database (and
customers keep linking), while a copy of the transcripts without the database's
``app_secrets`` table cannot be matched against a list of known emails or numbers.
"""

from __future__ import annotations

from typing import Final

from servicecoach.store.database import Store
from servicecoach.store.secrets_store import get_or_create_secret

__all__ = ["REDACTION_KEY_NAME", "redaction_key"]

REDACTION_KEY_NAME: Final = "redaction_key"
"""The name of the secret in ``app_secrets``."""


def redaction_key(store: Store) -> bytes:
    """The database's redaction key (32 random bytes, URL-safe text), created if absent.

    It opens its own short transaction: call it before an import begins its own (on
    SQLite a second writer would wait for the import's lock).
    """
    return get_or_create_secret(store, REDACTION_KEY_NAME, nbytes=32).encode("ascii")
