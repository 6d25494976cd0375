"""Criteria in the store and the service: ``analyze --db --rubric`` keeps them, the API serves them.

The JSON API returns the stored result line, criteria included; the conversation page and
``servicecoach report`` show them too (test_criteria_views.py).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from servicecoach.server import ServiceSettings, create_app
from servicecoach.store.analyses import conversation_pk
from servicecoach.store.database import Store
from servicecoach.store.tokens import create_token
from servicecoach.store.users import create_user
from tests.cli.helpers import run_cli
from tests.server.conftest import conversation_dict
from tests.web.conftest import PASSWORD, log_in
from tests.web.login_routes import router

ROOT = Path(__file__).resolve().parents[2]
CONVERSATIONS = ROOT / "tests" / "data" / "criteria" / "conversations.jsonl"
RUBRIC = ROOT / "docs" / "examples" / "criteria" / "rubric.toml"


def test_criteria_stored_and_served_by_the_api(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    db = str(tmp_path / "web.db")
    with Store.open(db) as store, store.begin() as connection:
        create_user(connection, "root", PASSWORD, "admin")
    assert run_cli(capsys, "import", str(CONVERSATIONS), "--db", db, "-q").code == 0
    analysed = run_cli(capsys, "analyze", "--db", db, "--rubric", str(RUBRIC), "-q")
    assert analysed.code == 0, analysed.err
    with Store.open(db) as store, store.begin() as connection:
        pk = conversation_pk(connection, "remedy-06")
    with TestClient(create_app(ServiceSettings(db=db, fast=True), routers=[router])) as client:
        log_in(client, "root")
        body = client.get(f"/v1/conversations/{pk}").json()
    remedy = body["result"]["criteria"]["offers_remedy"]
    assert remedy["met"] is True
    assert remedy["evidence"][0]["quote"].startswith("I've refunded all six of them")
    assert "criteria.offers_remedy" in body["result"]["messages"][1]["signals"]


def test_criteria_in_the_services_analyze_answer(tmp_path: Path) -> None:
    db = str(tmp_path / "service.db")
    settings = ServiceSettings(db=db, rubric=RUBRIC)  # the sentence model: no --fast
    with TestClient(create_app(settings)) as client:
        with Store.open(db) as store, store.begin() as connection:
            secret = create_token(connection, "tests").secret
        answer = client.post(
            "/v1/analyze", json=conversation_dict(), headers={"Authorization": f"Bearer {secret}"}
        )
    assert answer.status_code == 200, answer.text
    criteria = answer.json()["criteria"]
    assert criteria["offers_remedy"]["met"] is True
    assert criteria["offers_remedy"]["evidence"][0]["quote"].startswith(
        "I've sent a replacement kettle"
    )
    assert criteria["mentions_competitor"]["met"] is False
