"""``--redact`` at import: on the command line, the JSON API and the import page.

What is stored is the redacted text and hashed identifiers; the same customer still
links across two channels and two imports.
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from servicecoach.store.database import Store
from servicecoach.store.reader import iter_conversations
from servicecoach.store.schema import identities as identity_table
from tests.cli.helpers import run_cli
from tests.web.conftest import DashboardApp
from tests.web.pages.conftest import csrf_of

EMAIL = "Dana.Reyes@example.org"
PHONE = "+1 415 555 0134"
CARD = "4111 1111 1111 1111"
ADDRESS = "221 Baker Street"


def _record(conversation_id: str, channel: str, **customer: str) -> dict[str, Any]:
    text = f"Please send it to {ADDRESS}, call me on {PHONE} or mail {EMAIL}; my card is {CARD}."
    return {
        "format": 1,
        "id": conversation_id,
        "channel": channel,
        "customer": {"name": "Dana Reyes", **customer},
        "messages": [
            {"id": "m1", "role": "customer", "text": text},
            {"id": "m2", "role": "agent", "author": "sam", "text": "Thanks, on it."},
        ],
    }


def _jsonl(path: Path, *records: dict[str, Any]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


def _stored(db: str) -> tuple[dict[str, tuple[int | None, str]], list[str]]:
    """Per conversation id its customer id and first text; every stored identity value."""
    with Store.open(db) as store, store.connect() as connection:
        found = {
            s.conversation.id: (s.customer_id, s.conversation.messages[0].text)
            for s in iter_conversations(connection)
        }
        identities = [str(v) for v in connection.execute(select(identity_table.c.value))]
    return found, identities


def _assert_redacted(text: str, identities: list[str]) -> None:
    for secret in (EMAIL, PHONE, CARD, ADDRESS, "0134", "1111 1111"):
        assert secret not in text
        assert not any(secret.lower() in value.lower() for value in identities)
    for placeholder in ("[email]", "[phone]", "[card]", "[address]"):
        assert placeholder in text


def test_import_cli_redact_stores_no_personal_data_and_still_links(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    db = str(tmp_path / "redacted.db")
    chat = _jsonl(tmp_path / "chat.jsonl", _record("chat-1", "chat", email=EMAIL))
    mail = _jsonl(tmp_path / "mail.jsonl", _record("mail-1", "email", email=EMAIL.upper()))
    result = run_cli(capsys, "import", str(chat), "--db", db, "--redact", "--json")
    assert result.code == 0, result.err
    report = json.loads(result.out)
    assert report["redacted"]["email"] >= 1 and report["redacted"]["card"] == 1
    assert report["redacted"]["identifier"] >= 1
    result = run_cli(capsys, "import", str(mail), "--db", db, "--redact")
    assert result.code == 0, result.err
    assert "redacted: " in result.out and "identifiers hashed" in result.out
    found, identities = _stored(db)
    for _, text in found.values():
        _assert_redacted(text, identities)
    assert found["chat-1"][0] == found["mail-1"][0] is not None  # one customer, two channels


def test_import_cli_without_redact_keeps_the_text(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    db = str(tmp_path / "plain.db")
    path = _jsonl(tmp_path / "chat.jsonl", _record("chat-1", "chat", email=EMAIL))
    result = run_cli(capsys, "import", str(path), "--db", db, "--json")
    assert result.code == 0, result.err
    assert "redacted" not in json.loads(result.out)
    found, _ = _stored(db)
    assert EMAIL in found["chat-1"][1] and CARD in found["chat-1"][1]


def _wait(app: DashboardApp, user: str, url: str) -> dict[str, Any]:
    for _ in range(400):
        body: dict[str, Any] = app.get(user, url).json()
        if body["status"] in ("done", "failed"):
            return body
        time.sleep(0.02)
    raise AssertionError("the import did not finish")


def test_import_api_redact(dashboard_app: DashboardApp) -> None:
    content = (json.dumps(_record("api-1", "chat", email=EMAIL)) + "\n").encode("utf-8")
    answer = dashboard_app.client.post(
        "/v1/imports",
        files=[("files", ("upload.jsonl", content, "application/octet-stream"))],
        data={"redact": "true"},
        headers=dashboard_app.headers("root", write=True),
    )
    assert answer.status_code == 202, answer.text
    assert answer.json()["redact"] is True
    job = _wait(dashboard_app, "root", answer.json()["url"])
    assert job["status"] == "done", job
    assert job["summary"]["redacted"]["card"] == 1
    found, identities = _stored(dashboard_app.db)
    _assert_redacted(found["api-1"][1], identities)


def test_import_page_redact_checkbox(dashboard_app: DashboardApp) -> None:
    cookies = dashboard_app.headers("root")
    page = dashboard_app.client.get("/import", headers=cookies)
    assert 'name="redact"' in page.text
    content = (json.dumps(_record("page-1", "chat", email=EMAIL)) + "\n").encode("utf-8")
    answer = dashboard_app.client.post(
        "/import",
        files={"file": ("upload.jsonl", content, "application/octet-stream")},
        data={"csrf_token": csrf_of(page.text), "redact": "true"},
        headers=cookies,
        follow_redirects=False,
    )
    assert answer.status_code == 303, answer.text
    location = answer.headers["location"]
    for _ in range(400):
        state = dashboard_app.client.get(
            location, headers={**cookies, "accept": "application/json"}
        )
        if state.json()["status"] in ("done", "failed"):
            break
        time.sleep(0.02)
    html = dashboard_app.client.get(location, headers=cookies).text
    assert 'data-status="done"' in html, html
    assert "Redacted: " in html and "1 card numbers" in html
    found, identities = _stored(dashboard_app.db)
    _assert_redacted(found["page-1"][1], identities)
