"""Opening the store: a SQLite file by default, PostgreSQL by URL, migrated on open."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, OperationalError, SQLAlchemyError

from servicecoach.errors import NotFoundError, StoreError

__all__ = ["DEFAULT_DB", "Store", "database_url"]

DEFAULT_DB = "servicecoach.db"
"""The SQLite file used when neither ``--db`` nor ``SERVICECOACH_DB`` says otherwise."""

_MIGRATIONS = "servicecoach.store:migrations"


def database_url(value: str | os.PathLike[str] | None = None) -> str:
    """A SQLAlchemy URL from ``--db``: a URL, or a path to a SQLite file.

    ``None`` means ``$SERVICECOACH_DB``, else ``servicecoach.db`` in the current folder.
    ``postgresql://...`` URLs use the psycopg 3 driver.
    """
    text = os.fspath(value) if value is not None else os.environ.get("SERVICECOACH_DB", DEFAULT_DB)
    if "://" not in text:
        return f"sqlite:///{Path(text).expanduser()}"
    if text.startswith(("postgresql://", "postgres://")):
        return "postgresql+psycopg://" + text.split("://", 1)[1]
    return text


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


class Store:
    """A handle on the database. Open it with :meth:`open`; it is migrated to the latest schema.

    Args:
        engine: a SQLAlchemy engine for SQLite or PostgreSQL.
    """

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    @classmethod
    def open(
        cls, db: str | os.PathLike[str] | None = None, *, migrate: bool = True, create: bool = True
    ) -> Store:
        """Open (and migrate) the database named by ``db``.

        Args:
            db: a SQLite file path or a database URL (see :func:`database_url`).
            migrate: bring the schema to the latest version.
            create: create a SQLite file that does not exist yet; when false, a missing
                file is an error (for commands that only read, so that a typo in
                ``--db`` is not answered with an empty result).

        Raises:
            StoreError: the URL is invalid, the server cannot be reached, or the file
                cannot be written.
            NotFoundError: ``create`` is false and the SQLite file does not exist.
        """
        url = database_url(db)
        try:
            parsed = make_url(url)
        except ArgumentError:
            raise StoreError(
                f"{db!r} is not a database URL or file path "
                "(use a file such as servicecoach.db or postgresql://user@host/dbname)"
            ) from None
        if parsed.get_backend_name() not in ("sqlite", "postgresql"):
            raise StoreError(
                f"unsupported database {parsed.get_backend_name()!r}: use SQLite or PostgreSQL"
            )
        if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:"):
            if not create and not Path(parsed.database).exists():
                raise NotFoundError(
                    f"no database at {parsed.database}: import something first "
                    "(servicecoach import ...), or point --db at your database"
                )
            folder = Path(parsed.database).parent
            if not folder.exists():
                raise StoreError(f"cannot create {parsed.database}: folder {folder} does not exist")
        try:
            engine = create_engine(parsed)
        except (ImportError, ModuleNotFoundError) as exc:
            raise StoreError(
                f"cannot open {parsed.render_as_string(hide_password=True)}: {exc} "
                "(for PostgreSQL install servicecoach[postgres])"
            ) from None
        if engine.dialect.name == "sqlite":
            event.listen(engine, "connect", _sqlite_pragmas)
        store = cls(engine)
        if migrate:
            store.migrate()
        return store

    def _alembic_config(self, connection: Connection) -> Config:
        config = Config()
        config.set_main_option("script_location", _MIGRATIONS)
        config.attributes["connection"] = connection
        return config

    def migrate(self) -> None:
        """Bring the schema to the latest version (a no-op when it is already there).

        Raises:
            StoreError: the database cannot be reached or written.
        """
        try:
            with self.engine.begin() as connection:
                if self.current_revision(connection) == self.head_revision():
                    return
                command.upgrade(self._alembic_config(connection), "head")
        except OperationalError as exc:
            raise StoreError(f"cannot open the database: {exc.orig}") from None
        except SQLAlchemyError as exc:
            raise StoreError(f"cannot migrate the database: {exc}") from None

    def head_revision(self) -> str | None:
        """The newest migration shipped with this servicecoach."""
        config = Config()
        config.set_main_option("script_location", _MIGRATIONS)
        return ScriptDirectory.from_config(config).get_current_head()

    @staticmethod
    def current_revision(connection: Connection) -> str | None:
        """The migration the database is at, or ``None`` for an empty database."""
        return MigrationContext.configure(connection).get_current_revision()

    @contextmanager
    def begin(self) -> Iterator[Connection]:
        """A connection in a transaction: committed on success, rolled back on error."""
        with self.engine.begin() as connection:
            yield connection

    @contextmanager
    def connect(self) -> Iterator[Connection]:
        """A connection for reading."""
        with self.engine.connect() as connection:
            yield connection

    def close(self) -> None:
        """Release the connection pool."""
        self.engine.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()
