"""``/practice`` in the web app: any logged-in user, CSRF on every POST, state per user."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from servicecoach.practice import MAX_REPLY_CHARS
from servicecoach.server import ServiceSettings, create_app
from servicecoach.store.database import Store
from servicecoach.store.users import create_user
from tests.store.dashboard_data import build_dashboard_store
from tests.web.conftest import PASSWORD
from tests.web.pages.conftest import csrf_of, login_page

CALM_DM = (
    "Imogen, I'm so sorry - waiting on a birthday present with no news is really stressful. "
    "Please send us a DM and we'll check your parcel there."
)
_STEP = re.compile(r'data-step="([^"]+)"')


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    """The dashboard store (agents sam and ana in north, lee in south) and users sam (agent),
    nora (lead of north) and root (admin)."""
    db = str(tmp_path_factory.mktemp("practice-web") / "web.db")
    with Store.open(db) as store:
        build_dashboard_store(store)
        with store.begin() as connection:
            create_user(connection, "sam", PASSWORD, "agent", agent="sam", team="north")
            create_user(connection, "nora", PASSWORD, "lead", team="north")
            create_user(connection, "root", PASSWORD, "admin")
    with TestClient(create_app(ServiceSettings(db=db, fast=True))) as client:
        yield client


def _as(app: TestClient, username: str) -> TestClient:
    app.cookies.clear()
    login_page(app, username)
    return app


def _start(client: TestClient, scenario: str) -> str:
    token = csrf_of(client.get("/practice").text)
    answer = client.post(
        "/practice", data={"scenario": scenario, "csrf_token": token}, follow_redirects=False
    )
    assert answer.status_code == 303 and answer.headers["location"] == "/practice/session"
    return client.get("/practice/session").text


def _reply(client: TestClient, html: str, reply: str, turn: int) -> TestClient:
    answer = client.post(
        "/practice/session",
        data={"reply": reply, "turn": str(turn), "csrf_token": csrf_of(html)},
        follow_redirects=False,
    )
    assert answer.status_code == 303, answer.text
    return client


def test_web_practice_needs_a_login(app: TestClient) -> None:
    app.cookies.clear()
    answer = app.get("/practice", follow_redirects=False)
    assert answer.status_code == 303 and answer.headers["location"].startswith("/login")


def test_web_practice_lists_the_scenarios_for_an_agent(app: TestClient) -> None:
    html = _as(app, "sam").get("/practice").text
    assert html.count('data-scenario="') >= 12
    assert 'href="/practice" aria-current="page"' in html


def test_web_practice_session_branches_and_debrief(app: TestClient) -> None:
    client = _as(app, "sam")
    html = _start(client, "late-parcel-public")
    assert _STEP.findall(html) == ["opening"]
    _reply(client, html, CALM_DM, 0)
    html = client.get("/practice/session").text
    assert _STEP.findall(html) == ["opening", "in_dm"]
    assert "Imogen has moved to a direct message with you." in html
    assert 'class="earn worked"' in html  # what worked, from the live checker
    # the same form sent again is not taken as the next reply
    _reply(client, html.replace('name="turn" value="1"', 'name="turn" value="0"'), "again", 0)
    assert _STEP.findall(client.get("/practice/session").text) == ["opening", "in_dm"]
    _reply(client, html, "I've sent a new lamp by next-day courier; it arrives Friday.", 1)
    html = client.get("/practice/session").text
    _reply(client, html, "Have a lovely weekend!", 2)
    html = client.get("/practice/session").text
    assert 'id="debrief"' in html and "Model answer:" in html
    assert 'data-skill="public_to_private"' in html
    assert 'name="reply"' not in html


def test_web_practice_sessions_are_per_user(app: TestClient) -> None:
    _start(_as(app, "sam"), "vague-app-crash")
    nora = _as(app, "nora")
    answer = nora.get("/practice/session", follow_redirects=False)
    assert answer.status_code == 303 and answer.headers["location"] == "/practice"
    sam = _as(app, "sam")
    assert "find out why" in sam.get("/practice/session").text


def test_web_practice_refuses_bad_input(app: TestClient) -> None:
    client = _as(app, "sam")
    html = client.get("/practice").text
    token = csrf_of(html)
    for scenario in ("../../etc/passwd", "nope", ""):
        answer = client.post("/practice", data={"scenario": scenario, "csrf_token": token})
        assert answer.status_code == 400 and "Choose one of the scenarios" in answer.text
    forged = client.post("/practice", data={"scenario": "vague-app-crash"})
    assert forged.status_code == 403
    html = _start(client, "vague-app-crash")
    too_long = client.post(
        "/practice/session",
        data={"reply": "x" * (MAX_REPLY_CHARS + 1), "turn": "0", "csrf_token": csrf_of(html)},
    )
    assert too_long.status_code == 400 and "keep it under" in too_long.text
    empty = client.post(
        "/practice/session", data={"reply": "  ", "turn": "0", "csrf_token": csrf_of(html)}
    )
    assert empty.status_code == 400 and "The reply is empty" in empty.text
    no_token = client.post("/practice/session", data={"reply": "Hi", "turn": "0"})
    assert no_token.status_code == 403


def test_web_practice_stop_shows_the_debrief(app: TestClient) -> None:
    client = _as(app, "sam")
    html = _start(client, "three-questions-email")
    _reply(client, html, "Hi Hannah, your first bill comes 30 days after the switch.", 0)
    html = client.get("/practice/session").text
    answer = client.post(
        "/practice/session/stop", data={"csrf_token": csrf_of(html)}, follow_redirects=False
    )
    assert answer.status_code == 303
    html = client.get("/practice/session").text
    assert "Stopped before the end" in html and 'id="debrief"' in html


def test_web_practice_template_is_packaged() -> None:
    from servicecoach.web.pages.templating import TEMPLATES

    assert Path(TEMPLATES.env.get_template("practice.html").filename or "").exists()


def _assign(client: TestClient, scenario: str, to: str) -> int:
    token = csrf_of(client.get("/practice").text)
    answer = client.post(
        "/practice/assign",
        data={"scenario": scenario, "to": to, "csrf_token": token},
        follow_redirects=False,
    )
    return answer.status_code


def test_web_practice_programme_assign_practise_and_progress(app: TestClient) -> None:
    nora = _as(app, "nora")
    html = nora.get("/practice").text
    assert 'value="team:north"' in html and 'value="agent:sam"' in html
    assert 'value="agent:lee"' not in html  # not in her team
    assert _assign(nora, "done-customer-let-go", "agent:sam") == 303
    assert _assign(nora, "pause-not-cancel", "team:north") == 303
    assert _assign(nora, "pause-not-cancel", "agent:lee") == 400  # outside her scope
    assert _assign(nora, "pause-not-cancel", "team:south") == 400
    assert _assign(nora, "../../etc/passwd", "agent:sam") == 400
    sam = _as(app, "sam")
    assert _assign(sam, "pause-not-cancel", "agent:sam") == 403
    html = sam.get("/practice").text
    assert 'data-assigned="done-customer-let-go"' in html
    assert 'data-assigned="pause-not-cancel"' in html  # through the team
    assert "✓ done" not in html
    page = _start(sam, "done-customer-let-go")
    _reply(sam, page, "Yes, Noor - it's going to Mill Street and arrives tomorrow.", 0)
    page = sam.get("/practice/session").text
    _reply(sam, page, "You're welcome, Noor - enjoy your books!", 1)
    assert 'id="debrief"' in sam.get("/practice/session").text
    html = sam.get("/practice").text
    assert "✓ done" in html and "No practice yet" not in html
    assert "The customer is done: let them go" in html.split("<h2>Your practice</h2>")[1]
    card = _as(app, "nora").get("/agents/sam").text
    assert 'data-practice="done-customer-let-go"' in card
    assert "they do not count in the scores above" in card
    assert "The customer is done: let them go" in card.split('id="practice"')[1]  # the title
    assert 'data-practice="done-customer-let-go"' in _as(app, "sam").get("/agents/sam").text


def test_web_practice_programme_remove_and_skill_filter(app: TestClient) -> None:
    root = _as(app, "root")
    assert _assign(root, "vague-app-crash", "team:south") == 303
    html = root.get("/practice").text
    found = re.findall(r'action="/practice/assignments/(\d+)/delete"', html)
    assert found
    nora = _as(app, "nora")
    html = nora.get("/practice").text
    token = csrf_of(html)
    south = max(int(i) for i in found)
    refused = nora.post(f"/practice/assignments/{south}/delete", data={"csrf_token": token})
    assert refused.status_code == 404
    root = _as(app, "root")
    token = csrf_of(root.get("/practice").text)
    gone = root.post(
        f"/practice/assignments/{south}/delete",
        data={"csrf_token": token},
        follow_redirects=False,
    )
    assert gone.status_code == 303
    assert f"/practice/assignments/{south}/delete" not in root.get("/practice").text
    only = root.get("/practice?skill=persuasion").text
    ids = set(re.findall(r'data-scenario="([^"]+)"', only))
    assert ids == {"out-of-stock-jacket", "pause-not-cancel"}
    assert "Scenarios that train Persuasion" in only
