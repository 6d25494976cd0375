"""Opening the store: a SQLite file by default, PostgreSQL by URL, migrated on open.

Concurrency. SQLite runs in WAL mode, so reads never wait for a writer, with a busy
timeout of :data:`BUSY_TIMEOUT_S`: a write waits that long for another writer, then
fails. :meth:`Store.begin` turns that failure (and PostgreSQL's lock time-outs) into
:class:`~servicecoach.errors.StoreBusyError` (a ``StoreError``: exit code 5, HTTP 503
``store_unavailable``). A long writer (an import) takes the write lock when it starts,
with ``begin(exclusive=True)`` (``BEGIN IMMEDIATE`` on SQLite, an advisory lock on
PostgreSQL), so that a second one is told at once that the store is busy instead of
failing halfway. Engines hide SQL parameters in exceptions (``hide_parameters``) and
:func:`describe_error` gives an error's first line without the SQL, so that no message
carries row data.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, OperationalError, SQLAlchemyError

from servicecoach.errors import NotFoundError, StoreBusyError, StoreError

__all__ = [
    "BUSY_TIMEOUT_S",
    "DEFAULT_DB",
    "Store",
    "busy_timeout",
    "database_url",
    "describe_error",
    "is_busy",
]

DEFAULT_DB = "servicecoach.db"
"""The SQLite file used when neither ``--db`` nor ``SERVICECOACH_DB`` says otherwise."""

BUSY_TIMEOUT_S = 5.0
"""How long a SQLite write waits for another writer before it fails (``busy_timeout``)."""

_MIGRATIONS = "servicecoach.store:migrations"
_SQLITE_BUSY = frozenset({5, 6})  # SQLITE_BUSY, SQLITE_LOCKED
_PG_BUSY = frozenset({"55P03", "40P01", "40001"})  # lock not available, deadlock, serialization
_PG_WRITER_LOCK = 0x5C_0A_C4  # the advisory lock key of exclusive writers ("scoach")
_BUSY_MESSAGE = (
    "the database is busy: another import (or another long write) is writing it; "
    "nothing was written, try again when it has finished"
)


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
    cursor.execute(f"PRAGMA busy_timeout={int(BUSY_TIMEOUT_S * 1000)}")
    cursor.close()


def is_busy(exc: BaseException) -> bool:
    """Whether ``exc`` says another writer holds a lock (SQLite busy or locked, a
    PostgreSQL lock time-out, deadlock or serialization failure): the write may succeed
    when retried later."""
    if not isinstance(exc, DBAPIError):
        return False
    orig = exc.orig
    code = getattr(orig, "sqlite_errorcode", None)
    if code is not None:
        return int(code) & 0xFF in _SQLITE_BUSY
    if getattr(orig, "sqlstate", None) in _PG_BUSY:
        return True
    first = str(orig).lower()
    return "database is locked" in first or "database table is locked" in first


def describe_error(exc: BaseException) -> str:
    """What went wrong in a database error, without SQL or data: the first line of the
    driver's message (PostgreSQL's DETAIL lines, which quote rows, are left out)."""
    orig = exc.orig if isinstance(exc, DBAPIError) else None
    source = orig if orig is not None else exc
    if isinstance(exc, SQLAlchemyError) and orig is None:
        return type(exc).__name__
    lines = str(source).strip().splitlines()
    return (lines[0] if lines else type(source).__name__)[:300]


@contextmanager
def busy_timeout(connection: Connection, seconds: float) -> Iterator[None]:
    """Make SQLite writes on ``connection`` wait at most ``seconds`` for another writer
    inside the block (0: fail at once); no effect on other backends."""
    if connection.dialect.name != "sqlite":
        yield
        return
    connection.exec_driver_sql(f"PRAGMA busy_timeout={int(seconds * 1000)}")
    try:
        yield
    finally:
        connection.exec_driver_sql(f"PRAGMA busy_timeout={int(BUSY_TIMEOUT_S * 1000)}")


def _take_writer_lock(connection: Connection, wait: float) -> None:
    """Hold the store's write lock until the transaction ends; StoreBusyError if another
    exclusive writer keeps it longer than ``wait`` seconds."""
    if connection.dialect.name == "sqlite":
        try:
            with busy_timeout(connection, wait):
                connection.exec_driver_sql("BEGIN IMMEDIATE")
        except OperationalError as exc:
            if is_busy(exc):
                raise StoreBusyError(_BUSY_MESSAGE) from None
            raise
        return
    deadline = time.monotonic() + wait
    query = text("SELECT pg_try_advisory_xact_lock(:key)")
    while not connection.execute(query, {"key": _PG_WRITER_LOCK}).scalar_one():
        if time.monotonic() >= deadline:
            raise StoreBusyError(_BUSY_MESSAGE)
        time.sleep(0.1)


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
            engine = create_engine(parsed, hide_parameters=True)
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
            if is_busy(exc):
                raise StoreBusyError(_BUSY_MESSAGE) from None
            raise StoreError(f"cannot open the database: {describe_error(exc)}") from None
        except SQLAlchemyError as exc:
            raise StoreError(f"cannot migrate the database: {describe_error(exc)}") from None

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
    def begin(self, *, exclusive: bool = False, wait: float | None = None) -> Iterator[Connection]:
        """A connection in a transaction: committed on success, rolled back on error.

        Args:
            exclusive: take the store's write lock now and keep it to the end (SQLite
                ``BEGIN IMMEDIATE``; on PostgreSQL an advisory lock that other
                exclusive transactions take too), for a long writer such as an import.
            wait: how long ``exclusive`` waits for another writer, in seconds
                (:data:`BUSY_TIMEOUT_S` by default).

        Raises:
            StoreBusyError: another writer held the lock too long (nothing was written).
        """
        try:
            with self.engine.begin() as connection:
                if exclusive:
                    _take_writer_lock(connection, BUSY_TIMEOUT_S if wait is None else wait)
                yield connection
        except OperationalError as exc:
            if is_busy(exc):
                raise StoreBusyError(_BUSY_MESSAGE) from None
            raise

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
