"""Imports over HTTP write only in the importer's scope (issue 11, item 1).

The dashboard store (tests/store/dashboard_data.py): c1 and c2 are north's (sam, ana),
c3 has ana (north) and zed (no team), c4 is south's (lee), c5 has only a bot. Leads
nora (north) and sol (south), agent sam, admin root, and an API token (admin scope).
"""

from __future__ import annotations

import json
import time
from typing import Any

import pytest

from servicecoach.store.database import Store
from servicecoach.store.reader import iter_conversations
from tests.web.conftest import DashboardApp
from tests.web.pages.conftest import csrf_of

NEW_TEXT = "north's replacement text"


def _jsonl(conversation_id: str, agent: str | None = "sam") -> bytes:
    messages: list[dict[str, Any]] = [{"id": "m1", "role": "customer", "text": NEW_TEXT}]
    if agent is not None:
        messages.append({"id": "m9", "role": "agent", "author": agent, "text": NEW_TEXT})
    record = {"format": 1, "id": conversation_id, "channel": "chat", "messages": messages}
    return (json.dumps(record) + "\n").encode("utf-8")


def _first_text(app: DashboardApp, conversation_id: str) -> str:
    with Store.open(app.db) as store, store.connect() as connection:
        for stored in iter_conversations(connection):
            if stored.conversation.id == conversation_id:
                return stored.conversation.messages[0].text
    raise AssertionError(f"no {conversation_id}")


def _api_import(app: DashboardApp, user: str, content: bytes, **data: str) -> dict[str, Any]:
    answer = app.client.post(
        "/v1/imports",
        files=[("files", ("upload.jsonl", content, "application/octet-stream"))],
        data=data,
        headers=app.headers(user, write=True),
    )
    assert answer.status_code == 202, answer.text
    url = answer.json()["url"]
    for _ in range(400):
        body: dict[str, Any] = app.get(user, url).json()
        if body["status"] in ("done", "failed"):
            return body
        time.sleep(0.05)
    raise AssertionError("the import did not finish")


@pytest.mark.parametrize(
    ("user", "conversation_id", "agent"),
    [
        ("root", "c5", None),  # an admin updates anyone's, even nobody's team's
        ("token", "c3", "zed"),  # an API token acts as an admin
        ("nora", "c1", "sam"),  # a lead updates their team's
        ("sol", "c4", "lee"),
        ("nora", "web-north-1", "newcomer"),  # a new conversation, a new agent
    ],
)
def test_import_scope_api_allows(
    dashboard_app: DashboardApp, user: str, conversation_id: str, agent: str | None
) -> None:
    done = _api_import(dashboard_app, user, _jsonl(conversation_id, agent))
    assert done["status"] == "done", done
    assert done["problems"] == [] and done["summary"]["skipped"] == 0
    assert _first_text(dashboard_app, conversation_id) == NEW_TEXT


@pytest.mark.parametrize(
    ("user", "conversation_id", "agent", "says"),
    [
        ("nora", "c4", "sam", "is already stored and belongs to another team"),
        ("sol", "c2", "lee", "is already stored and belongs to another team"),
        ("nora", "c3", "sam", "or to no team"),  # zed has no team
        ("nora", "c5", None, "or to no team"),  # a bot only
        ("nora", "web-north-2", "lee", "names agent 'lee', who is not in team 'north'"),
    ],
)
def test_import_scope_api_refuses_other_teams(
    dashboard_app: DashboardApp, user: str, conversation_id: str, agent: str | None, says: str
) -> None:
    before = _first_text(dashboard_app, "c4")
    failed = _api_import(dashboard_app, user, _jsonl(conversation_id, agent))
    assert failed["status"] == "failed" and "nothing was imported" in failed["error"]
    (problem,) = failed["problems"]
    assert problem["file"] == "upload.jsonl"
    assert problem["location"] == f"conversation {conversation_id!r}"
    assert says in problem["message"]
    assert "Dana" not in json.dumps(failed) and "dana@" not in json.dumps(failed)
    assert _first_text(dashboard_app, "c4") == before


def test_import_scope_api_skip_invalid_skips_the_other_teams(
    dashboard_app: DashboardApp,
) -> None:
    before = _first_text(dashboard_app, "c4")
    content = _jsonl("c4", "sam").replace(NEW_TEXT.encode(), b"changed") + _jsonl("web-north-3")
    done = _api_import(dashboard_app, "nora", content, skip_invalid="true")
    assert done["status"] == "done", done
    assert done["summary"]["conversations_new"] == 1 and done["problem_count"] == 1
    assert done["problems"][0]["location"] == "conversation 'c4'"
    assert _first_text(dashboard_app, "c4") == before


def test_import_scope_api_agents_cannot_import(dashboard_app: DashboardApp) -> None:
    answer = dashboard_app.client.post(
        "/v1/imports",
        files=[("files", ("a.jsonl", _jsonl("c1"), "application/octet-stream"))],
        headers=dashboard_app.headers("sam", write=True),
    )
    assert answer.status_code == 403


def _page_import(app: DashboardApp, user: str, content: bytes) -> tuple[int, str]:
    """Upload through the /import form as ``user``; the final page's status and HTML."""
    cookies = app.headers(user)
    page = app.client.get("/import", headers=cookies)
    if page.status_code != 200:
        return page.status_code, page.text
    answer = app.client.post(
        "/import",
        data={"csrf_token": csrf_of(page.text)},
        files={"file": ("page.jsonl", content, "application/octet-stream")},
        headers=cookies,
        follow_redirects=False,
    )
    assert answer.status_code == 303, answer.text
    location = answer.headers["location"]
    for _ in range(400):
        state = app.client.get(location, headers={**cookies, "accept": "application/json"})
        if state.json()["status"] in ("done", "failed"):
            break
        time.sleep(0.05)
    final = app.client.get(location, headers=cookies)
    return final.status_code, final.text


def test_import_scope_page(dashboard_app: DashboardApp) -> None:
    before = _first_text(dashboard_app, "c4")
    status, html = _page_import(dashboard_app, "nora", _jsonl("c4").replace(b"north", b"page"))
    assert status == 200 and 'data-status="failed"' in html
    assert "page.jsonl, conversation &#39;c4&#39;" in html
    assert "belongs to another team" in html
    assert _first_text(dashboard_app, "c4") == before

    status, html = _page_import(dashboard_app, "nora", _jsonl("c2"))
    assert status == 200 and 'data-status="done"' in html
    assert _first_text(dashboard_app, "c2") == NEW_TEXT

    status, html = _page_import(dashboard_app, "root", _jsonl("c4", "lee").replace(b"north", b"x"))
    assert (
        'data-status="done"' in html and _first_text(dashboard_app, "c4") == "x's replacement text"
    )

    assert _page_import(dashboard_app, "sam", _jsonl("c1"))[0] == 403
