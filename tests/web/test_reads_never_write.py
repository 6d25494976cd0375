"""Reading the dashboard never writes: an older run's metrics are filled when the service
starts, not by the first GET that reads them."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import delete, func, select

from servicecoach.server import ServiceSettings, create_app
from servicecoach.store.database import Store
from servicecoach.store.schema import analysis_results, conversation_metrics, metrics_daily
from servicecoach.store.tokens import create_token
from tests.store.dashboard_data import build_dashboard_store


def _count(db: str, table: object) -> int:
    with Store.open(db) as store, store.connect() as connection:
        return int(connection.execute(select(func.count()).select_from(table)).scalar_one())  # type: ignore[arg-type]


@pytest.fixture
def old_store(tmp_path: Path) -> tuple[str, str]:
    """A store whose run has results but no metrics, like a run analysed before
    migration 0005, and an API token."""
    db = str(tmp_path / "old.db")
    with Store.open(db) as store:
        build_dashboard_store(store)
        with store.begin() as connection:
            connection.execute(delete(conversation_metrics))
            token = create_token(connection, "reads").secret
    return db, token


def test_the_service_fills_an_older_runs_metrics_when_it_starts(
    old_store: tuple[str, str],
) -> None:
    db, _ = old_store
    assert _count(db, conversation_metrics) == 0
    with TestClient(create_app(ServiceSettings(db=db, fast=True))):
        pass
    assert _count(db, conversation_metrics) == _count(db, analysis_results) == 5
    assert _count(db, metrics_daily) > 0


def test_a_read_opens_no_write_transaction(
    old_store: tuple[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    db, token = old_store
    headers = {"Authorization": f"Bearer {token}"}
    with TestClient(create_app(ServiceSettings(db=db, fast=True))) as client:
        store = client.app.state.service.store  # type: ignore[attr-defined]
        begin = store.begin

        def only_the_token_touch() -> Any:
            caller = sys._getframe(1).f_code.co_filename
            # the one write a read may make: an API token's last-used time (touched at
            # most every token_touch_seconds), which is the caller's authentication
            assert caller.endswith(str(Path("server", "auth.py"))), caller
            return begin()

        monkeypatch.setattr(store, "begin", only_the_token_touch)
        for url in (
            "/v1/overview",
            "/v1/overview?channel=chat",
            "/v1/conversations",
            "/v1/agents",
            "/v1/agents/sam/scorecard",
        ):
            answer = client.get(url, headers=headers)
            assert answer.status_code == 200, (url, answer.text)
