"""``servicecoach import`` and issue 11: scope, duplicates, a busy database.

The command line has no users: it runs with the rights of whoever can open the
database, as an admin, so it writes any team's conversations.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from servicecoach.store import database
from servicecoach.store.database import Store
from servicecoach.store.reader import iter_conversations
from tests.cli.helpers import run_cli
from tests.store.dashboard_data import build_dashboard_store

ROW_TEXT = "a customer's private words"


def _jsonl(path: Path, *records: dict[str, Any]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


def _record(conversation_id: str, text: str = ROW_TEXT, **extra: Any) -> dict[str, Any]:
    messages = [
        {"id": "m1", "role": "customer", "text": text},
        {"id": "m9", "role": "agent", "author": "sam", "text": "On it."},
    ]
    return {"format": 1, "id": conversation_id, "channel": "chat", "messages": messages, **extra}


@pytest.fixture
def teams_db(tmp_path: Path) -> str:
    """The dashboard store: c4 is team south's (lee), c5 nobody's (a bot)."""
    db = str(tmp_path / "teams.db")
    with Store.open(db) as store:
        build_dashboard_store(store)
    return db


def test_import_cli_writes_every_team(
    capsys: pytest.CaptureFixture[str], teams_db: str, tmp_path: Path
) -> None:
    path = _jsonl(tmp_path / "all.jsonl", _record("c4"), _record("c5"), _record("new-1"))
    result = run_cli(capsys, "import", str(path), "--db", teams_db, "--json")
    assert result.code == 0, result.err
    report = json.loads(result.out)
    assert (report["conversations_updated"], report["conversations_new"]) == (2, 1)
    with Store.open(teams_db) as store, store.connect() as connection:
        texts = {s.conversation.id: s.conversation.messages[0].text for s in iter_conversations(connection)}  # fmt: skip
    assert texts["c4"] == texts["c5"] == ROW_TEXT


def test_import_cli_reports_duplicates(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    db = str(tmp_path / "dup.db")
    path = _jsonl(tmp_path / "dup.jsonl", _record("a"), _record("b"), _record("a", "again"))
    result = run_cli(capsys, "import", str(path), "--db", db, "--json")
    assert result.code == 0, result.err
    report = json.loads(result.out)
    assert (report["conversations_new"], report["duplicates"], report["skipped"]) == (2, 1, 0)
    (warning,) = report["warnings"]
    assert warning["path"] == str(path) and warning["location"] == "conversation 'a'"
    human = run_cli(capsys, "import", str(path), "--db", db)
    assert human.code == 0
    assert "1 duplicate id merged" in human.out
    assert "warning:" in human.err and "conversation 'a'" in human.err


def test_import_cli_while_another_import_writes(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(database, "BUSY_TIMEOUT_S", 0.2)
    db = tmp_path / "busy.db"
    Store.open(db).close()
    path = _jsonl(tmp_path / "a.jsonl", _record("a", customer={"email": "kim@example.com"}))
    other = sqlite3.connect(db, isolation_level=None)  # another import, in the middle
    other.execute("BEGIN IMMEDIATE")
    try:
        result = run_cli(capsys, "import", str(path), "--db", str(db))
        as_json = run_cli(capsys, "import", str(path), "--db", str(db), "--json")
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert result.code == as_json.code == 5
    assert "another import" in result.err and "nothing was written" in result.err
    assert json.loads(as_json.out)["exit_code"] == 5
    for text in (result.err, result.out, as_json.out, as_json.err):
        assert ROW_TEXT not in text and "kim@" not in text and "SQL" not in text
    again = run_cli(capsys, "import", str(path), "--db", str(db), "--json")
    assert again.code == 0 and json.loads(again.out)["conversations_new"] == 1


def test_import_cli_ticket_without_text_is_a_warning_not_a_failure(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """A ticket exported without its comments is left out and said so; the rest imports."""
    data = Path(__file__).parents[1] / "data" / "zendesk"
    db = str(tmp_path / "warned.db")
    files = [str(data / "array_old_dates.json"), str(data / "users.json")]
    result = run_cli(capsys, "import", *files, "--db", db, "--json")
    assert result.code == 0, result.err
    report = json.loads(result.out)
    assert report["skipped"] == 0 and report["problems"] == []
    (warning,) = [w for w in report["warnings"] if "not imported" in w["message"]]
    assert warning["location"] == "ticket 2 (id 62002)" and warning["warning"] is True
    human = run_cli(capsys, "import", *files, "--db", str(tmp_path / "human.db"))
    assert human.code == 0
    assert "warning:" in human.err and "so it was not imported" in human.err
