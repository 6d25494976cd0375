"""The HTTP service while another process writes the store (issue 11, items 7 and 9).

Another connection holds SQLite's write lock, as a long ``servicecoach import`` does.
Reads and token checks go on (200, never 500: the token's ``last_used_at`` touch is
skipped); a write that cannot wait answers 503 ``store_unavailable``; an uploaded import
fails with "another import" and no row data.
"""

from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Any

import pytest
from fastapi.testclient import TestClient

from servicecoach.server import ServiceSettings, create_app
from servicecoach.store import database
from servicecoach.store.database import Store
from servicecoach.store.tokens import create_token, list_tokens
from tests.server.conftest import conversation_dict
from tests.store.dashboard_data import build_dashboard_store

ROW_TEXT = "words of a row that must not leak"


@contextmanager
def _another_writer(db: str) -> Iterator[None]:
    other = sqlite3.connect(db, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    other.execute("INSERT INTO customers (name, created_at) VALUES ('x', '2024-01-01')")
    try:
        yield
    finally:
        other.execute("ROLLBACK")
        other.close()


@pytest.fixture
def busy_client(
    web_db: str, monkeypatch: pytest.MonkeyPatch
) -> Iterator[tuple[TestClient, dict[str, str]]]:
    """A running app over the dashboard store whose writes wait 0.3 s for a lock (each
    request touches its token), and a token that has not been used yet."""
    monkeypatch.setattr(database, "BUSY_TIMEOUT_S", 0.3)
    with Store.open(web_db) as store:
        build_dashboard_store(store)
        with store.begin() as connection:
            token = create_token(connection, "live assist").secret
    settings = ServiceSettings(db=web_db, fast=True, token_touch_seconds=0)
    with TestClient(create_app(settings)) as client:
        assert client.get("/v1/conversations").status_code == 401  # the server is up
        yield client, {"Authorization": f"Bearer {token}"}


def _token_used(db: str) -> datetime | None:
    with Store.open(db) as store, store.connect() as connection:
        (token,) = list_tokens(connection)
    return token.last_used_at


def test_concurrency_api_token_reads_while_another_process_writes(
    busy_client: tuple[TestClient, dict[str, str]], web_db: str
) -> None:
    client, auth = busy_client
    draft = {"conversation": conversation_dict(), "draft": "I'm sorry, a new one is on its way."}
    assert client.get("/v1/conversations", headers=auth).status_code == 200
    used = _token_used(web_db)
    assert used is not None
    with _another_writer(web_db):
        started = time.monotonic()
        for _ in range(3):
            assert client.get("/v1/conversations", headers=auth).status_code == 200
            assert client.post("/v1/assist", json=draft, headers=auth).status_code == 200
        assert time.monotonic() - started < 3
        assert _token_used(web_db) == used  # the touch was skipped: it waits for no one
    assert client.get("/v1/conversations", headers=auth).status_code == 200
    later = _token_used(web_db)
    assert later is not None and later > used


def test_concurrency_api_a_write_that_cannot_wait_is_503(
    busy_client: tuple[TestClient, dict[str, str]], web_db: str
) -> None:
    client, auth = busy_client
    with _another_writer(web_db):
        answer = client.post("/v1/agents/sam/notes", json={"text": ROW_TEXT}, headers=auth)
    assert answer.status_code == 503, answer.text
    assert answer.json()["error"]["code"] == "store_unavailable"
    assert ROW_TEXT not in answer.text
    answer = client.post("/v1/agents/sam/notes", json={"text": ROW_TEXT}, headers=auth)
    assert answer.status_code == 201


def test_concurrency_api_upload_while_another_import_runs(
    busy_client: tuple[TestClient, dict[str, str]], web_db: str
) -> None:
    client, auth = busy_client
    record = conversation_dict(id="web-77")
    record["messages"][0]["text"] = ROW_TEXT
    content = (json.dumps(record) + "\n").encode("utf-8")
    with _another_writer(web_db):
        answer = client.post("/v1/imports", files=[("files", ("a.jsonl", content))], headers=auth)
        assert answer.status_code == 202
        job = _finished(client, answer.json()["url"], auth)
    assert job["status"] == "failed"
    assert "another import" in job["error"] and "nothing was written" in job["error"]
    text = json.dumps(job)
    assert ROW_TEXT not in text and "maren" not in text.lower() and "SQL" not in text


def _finished(client: TestClient, url: str, auth: dict[str, str]) -> dict[str, Any]:
    for _ in range(200):
        body: dict[str, Any] = client.get(url, headers=auth).json()
        if body["status"] in ("done", "failed"):
            return body
        time.sleep(0.05)
    raise AssertionError("the import did not finish")
