"""Readers, token checks and a second import while an import writes (issue 11, items 7, 9).

SQLite runs in WAL mode with a busy timeout; a token check never waits for a writer
(the ``last_used_at`` touch is skipped instead); an import holds the write lock from its
start, so a second one fails at once with a clear message and no row data.
"""

from __future__ import annotations

import json
import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import create_engine, select, text
from sqlalchemy.exc import IntegrityError

from servicecoach.errors import StoreBusyError, StoreError
from servicecoach.services.imports import plan_import, run_import
from servicecoach.store import database
from servicecoach.store.database import Store, describe_error, is_busy
from servicecoach.store.schema import api_tokens, customers
from servicecoach.store.tokens import create_token, verify_token

ROW_TEXT = "row text that must never appear in an error"


@pytest.fixture
def short_wait(monkeypatch: pytest.MonkeyPatch) -> float:
    """Writers wait 0.3 s for a lock instead of 5 s."""
    monkeypatch.setattr(database, "BUSY_TIMEOUT_S", 0.3)
    return 0.3


@contextmanager
def _holding_the_write_lock(store: Store) -> Iterator[None]:
    """Another connection holds the store's write lock (SQLite) or the token rows (PostgreSQL)."""
    if store.engine.dialect.name == "sqlite":
        other = sqlite3.connect(store.engine.url.database or "", isolation_level=None)
        other.execute("BEGIN IMMEDIATE")
        other.execute("INSERT INTO customers (name, created_at) VALUES ('x', '2024-01-01')")
        try:
            yield
        finally:
            other.execute("ROLLBACK")
            other.close()
        return
    engine = create_engine(store.engine.url)
    with engine.connect() as rows, rows.begin():
        rows.execute(select(api_tokens).with_for_update())
        yield
    engine.dispose()


def _conversations(path: Path, count: int) -> Path:
    with path.open("w", encoding="utf-8") as handle:
        for n in range(count):
            record = {
                "format": 1,
                "id": f"c{n}",
                "channel": "chat",
                "customer": {"email": f"person{n}@example.com"},
                "messages": [{"id": "m1", "role": "customer", "text": ROW_TEXT}],
            }
            handle.write(json.dumps(record) + "\n")
    return path


def test_concurrency_sqlite_runs_in_wal_with_a_busy_timeout(tmp_path: Path) -> None:
    with Store.open(tmp_path / "wal.db") as store, store.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        busy = connection.exec_driver_sql("PRAGMA busy_timeout").scalar()
        assert busy == int(database.BUSY_TIMEOUT_S * 1000) > 0


def test_concurrency_token_check_does_not_wait_for_a_writer(store: Store) -> None:
    with store.begin() as connection:
        secret = create_token(connection, "live assist").secret
    with _holding_the_write_lock(store):
        started = time.monotonic()
        with store.begin() as connection:
            token = verify_token(connection, secret, touch_seconds=0)
        assert token is not None and token.last_used_at is None  # touch skipped
        assert time.monotonic() - started < 1.0
        with store.connect() as connection:  # reads go on as well
            assert connection.execute(select(api_tokens.c.name)).scalar() == "live assist"
    with store.begin() as connection:  # once the writer is done, the use is recorded
        token = verify_token(connection, secret, touch_seconds=0)
    assert token is not None and token.last_used_at is not None


def test_concurrency_a_write_that_cannot_wait_is_store_busy(
    tmp_path: Path, short_wait: float
) -> None:
    store = Store.open(tmp_path / "busy.db")
    with (
        _holding_the_write_lock(store),
        pytest.raises(StoreBusyError) as busy,
        store.begin() as connection,
    ):
        connection.execute(customers.insert().values(name=ROW_TEXT, created_at=_now()))
    assert busy.value.exit_code == 5 and isinstance(busy.value, StoreError)
    assert ROW_TEXT not in str(busy.value) and "INSERT" not in str(busy.value)
    store.close()


def test_concurrency_second_import_is_told_another_is_running(
    store: Store, tmp_path: Path, short_wait: float
) -> None:
    path = _conversations(tmp_path / "big.jsonl", 120)
    holding, release = threading.Event(), threading.Event()
    outcome: list[object] = []

    def first_progress(_done: int, _total: int, read: int) -> None:
        if read < 120:  # inside the transaction: hold the lock until told
            holding.set()
            release.wait(10)

    def first() -> None:
        try:
            outcome.append(run_import(store, plan_import([path]), progress=first_progress))
        except Exception as exc:  # pragma: no cover - reported by the assertion below
            outcome.append(exc)

    thread = threading.Thread(target=first)
    thread.start()
    try:
        assert holding.wait(10)
        started = time.monotonic()
        url = store.engine.url.render_as_string(hide_password=False)
        with Store.open(url) as second, pytest.raises(StoreBusyError) as busy:
            run_import(second, plan_import([path]))
        assert time.monotonic() - started < short_wait + 2
    finally:
        release.set()
        thread.join(20)
    message = str(busy.value)
    assert "another import" in message and "nothing was written" in message
    assert ROW_TEXT not in message and "example.com" not in message and "SQL" not in message
    assert busy.value.exit_code == 5
    (report,) = outcome
    assert getattr(report, "conversations_new", None) == 120


def test_concurrency_database_errors_carry_no_row_data(store: Store) -> None:
    with store.begin() as connection:
        connection.execute(customers.insert().values(id=1, name="x", created_at=_now()))
    with pytest.raises(IntegrityError) as failed, store.begin() as connection:
        connection.execute(customers.insert().values(id=1, name=ROW_TEXT, created_at=_now()))
    assert ROW_TEXT not in str(failed.value)  # hide_parameters on the engine
    described = describe_error(failed.value)
    assert ROW_TEXT not in described and "\n" not in described and "INSERT" not in described
    assert not is_busy(failed.value)


def test_concurrency_import_store_error_names_no_data(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from servicecoach.store import writer

    original = writer.ConversationWriter._write_messages

    def broken(self: writer.ConversationWriter, *args: object) -> None:
        original(self, *args)  # type: ignore[arg-type]
        self.connection.execute(
            text("INSERT INTO customers (id, name, created_at) VALUES (1, :n, :t), (1, :n, :t)"),
            {"n": ROW_TEXT, "t": _now()},
        )

    monkeypatch.setattr(writer.ConversationWriter, "_write_messages", broken)
    with pytest.raises(StoreError) as failed:
        run_import(store, plan_import([_conversations(tmp_path / "a.jsonl", 3)]))
    message = str(failed.value)
    assert message.startswith("the database refused the import, nothing was written: ")
    assert ROW_TEXT not in message and "example.com" not in message and "[SQL" not in message


def _now() -> object:
    from datetime import UTC, datetime

    return datetime.now(UTC)
