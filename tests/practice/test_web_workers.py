"""``/practice`` behind several workers: the session in progress lives in the store, so
two app instances over one database continue the same session; it expires after two idle
hours, and no other user can continue or stop it, even with its id."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select, update

from servicecoach.server import ServiceSettings, create_app
from servicecoach.store.database import Store
from servicecoach.store.practice import list_results
from servicecoach.store.schema import practice_sessions
from servicecoach.store.users import create_user
from tests.web.conftest import PASSWORD
from tests.web.pages.conftest import csrf_of, login_page

CALM_DM = (
    "Imogen, I'm so sorry - waiting on a birthday present with no news is really stressful. "
    "Please send us a DM and we'll check your parcel there."
)
FIX = "I've sent a new lamp by next-day courier; it arrives Friday."
_STEP = re.compile(r'data-step="([^"]+)"')
_SESSION = re.compile(r'name="session" value="([^"]+)"')


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> str:
    """Users sam and kai (agents in north) and nora (lead of north)."""
    path = str(tmp_path_factory.mktemp("practice-workers") / "shared.db")
    with Store.open(path) as store, store.begin() as connection:
        create_user(connection, "sam", PASSWORD, "agent", agent="sam", team="north")
        create_user(connection, "kai", PASSWORD, "agent", agent="kai", team="north")
        create_user(connection, "nora", PASSWORD, "lead", team="north")
    return path


@pytest.fixture(scope="module")
def workers(db: str) -> Iterator[tuple[TestClient, TestClient]]:
    """Two app instances (two workers) over the same SQLite file."""
    settings = ServiceSettings(db=db, fast=True)
    with TestClient(create_app(settings)) as one, TestClient(create_app(settings)) as two:
        yield one, two


def _as(username: str, one: TestClient, two: TestClient) -> tuple[TestClient, TestClient]:
    """Log in on worker one; worker two gets the same cookie (as behind a load balancer)."""
    one.cookies.clear()
    two.cookies.clear()
    login_page(one, username)
    for name, value in one.cookies.items():
        two.cookies.set(name, value)
    return one, two


def _start(client: TestClient, scenario: str) -> str:
    token = csrf_of(client.get("/practice").text)
    answer = client.post(
        "/practice", data={"scenario": scenario, "csrf_token": token}, follow_redirects=False
    )
    assert answer.status_code == 303
    return client.get("/practice/session").text


def _reply(client: TestClient, html: str, reply: str, turn: int, **extra: str) -> str:
    data = {"reply": reply, "turn": str(turn), "csrf_token": csrf_of(html), **extra}
    answer = client.post("/practice/session", data=data, follow_redirects=False)
    assert answer.status_code == 303, answer.text
    return str(answer.headers["location"])


def _results(db: str, username: str) -> list[int]:
    """The number of replies of each stored practice result of ``username``."""
    with Store.open(db) as store, store.connect() as connection:
        return [r.turns for r in list_results(connection, username=username)]


def test_web_practice_session_continues_on_another_worker(
    db: str, workers: tuple[TestClient, TestClient]
) -> None:
    one, two = _as("sam", *workers)
    page = _start(one, "late-parcel-public")
    assert _STEP.findall(page) == ["opening"]
    session = _SESSION.findall(page)
    assert len(session) == 2 and len(set(session)) == 1  # the reply and the stop forms
    assert _STEP.findall(two.get("/practice/session").text) == ["opening"]
    _reply(two, page, CALM_DM, 0, session=session[0])  # the form of worker one, on two
    page = one.get("/practice/session").text
    assert _STEP.findall(page) == ["opening", "in_dm"] and 'class="earn worked"' in page
    _reply(one, page, FIX, 1)
    page = two.get("/practice/session").text
    # the last reply sent twice, once to each worker: taken once, recorded once
    _reply(two, page, "Have a lovely weekend!", 2)
    _reply(one, page, "Have a lovely weekend!", 2)
    for client in (one, two):
        html = client.get("/practice/session").text
        assert 'id="debrief"' in html and 'name="reply"' not in html
    assert _results(db, "sam") == [3]


def test_web_practice_session_expires_after_two_idle_hours(
    db: str, workers: tuple[TestClient, TestClient]
) -> None:
    one, two = _as("kai", *workers)
    _start(one, "vague-app-crash")
    assert two.get("/practice/session", follow_redirects=False).status_code == 200
    with Store.open(db) as store, store.begin() as connection:
        connection.execute(
            update(practice_sessions)
            .where(practice_sessions.c.owner.like("user:%:kai"))
            .values(touched_at=datetime.now(UTC) - timedelta(hours=2, seconds=1))
        )
    answer = two.get("/practice/session", follow_redirects=False)
    assert answer.status_code == 303 and answer.headers["location"] == "/practice"
    assert "You have a session in progress" not in one.get("/practice").text
    with Store.open(db) as store, store.connect() as connection:
        owners = connection.execute(select(practice_sessions.c.owner)).scalars().all()
    assert not [o for o in owners if o.endswith(":kai")]  # deleted, not only hidden


def test_web_practice_session_of_another_user_cannot_be_continued(
    db: str, workers: tuple[TestClient, TestClient]
) -> None:
    one, two = _as("sam", *workers)
    sams = _start(one, "vague-app-crash")
    sams_id = _SESSION.findall(sams)[0]
    nora, _ = _as("nora", two, one)
    # nora has no session: her requests, with sam's session id, reach nothing of sam's
    for path in ("/practice/session", "/practice/session/stop"):
        token = csrf_of(nora.get("/practice").text)
        data = {"reply": "This session is mine", "turn": "0", "session": sams_id}
        answer = nora.post(path, data={**data, "csrf_token": token}, follow_redirects=False)
        assert answer.status_code == 303
    answer = nora.get("/practice/session", follow_redirects=False)
    assert answer.headers["location"] == "/practice"
    # nora's own session does not take a form of sam's session either
    noras = _start(nora, "vague-app-crash")
    _reply(nora, noras, "This session is mine", 0, session=sams_id)
    assert "This session is mine" not in nora.get("/practice/session").text
    one, _ = _as("sam", one, two)
    page = one.get("/practice/session").text
    assert _SESSION.findall(page)[0] == sams_id
    assert "session is mine" not in page and 'name="reply"' in page  # neither replied nor stopped
    assert _STEP.findall(page) == _STEP.findall(sams)


def test_web_practice_form_of_a_replaced_session_is_not_taken(
    workers: tuple[TestClient, TestClient],
) -> None:
    one, two = _as("sam", *workers)
    old = _start(one, "late-parcel-public")
    new = _start(two, "vague-app-crash")
    assert _SESSION.findall(old)[0] != _SESSION.findall(new)[0]
    _reply(one, old, CALM_DM, 0, session=_SESSION.findall(old)[0])
    _reply(one, old, CALM_DM, 0, session="é" * 43)  # not even ASCII: refused, no error
    page = one.get("/practice/session").text
    assert CALM_DM.split(" - ")[0] not in page and 'name="turn" value="0"' in page


def test_web_practice_debrief_too_large_to_keep_is_computed_when_shown(
    db: str, workers: tuple[TestClient, TestClient], monkeypatch: pytest.MonkeyPatch
) -> None:
    from servicecoach.store import practice_sessions as stored

    monkeypatch.setattr(stored, "MAX_STATE_BYTES", 1400)  # the replies fit, the debrief not
    one, two = _as("kai", *workers)
    page = _start(one, "done-customer-let-go")
    _reply(one, page, "Yes, Noor - it's going to Mill Street and arrives tomorrow.", 0)
    page = two.get("/practice/session").text
    _reply(two, page, "You're welcome, Noor - enjoy your books!", 1)
    with Store.open(db) as store, store.connect() as connection:
        state = connection.execute(
            select(practice_sessions.c.state).where(practice_sessions.c.owner.like("%:kai"))
        ).scalar_one()
    assert '"recorded":true' in state and '"debrief"' not in state
    for client in (one, two):
        assert 'id="debrief"' in client.get("/practice/session").text
    assert _results(db, "kai") == [2]
