"""Fixtures for the page tests: the app over the small dashboard store, logged in per role."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

import pytest
from fastapi.testclient import TestClient

from servicecoach.server import ServiceSettings, create_app
from servicecoach.store.database import Store
from servicecoach.store.users import create_user
from servicecoach.web.session import SESSION_COOKIE
from tests.store.dashboard_data import Built, build_dashboard_store
from tests.web.conftest import PASSWORD
from tests.web.pages.spread_data import build_spread_store

__all__ = ["csrf_of", "login_page"]

_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def csrf_of(html: str) -> str:
    """The CSRF token of the first form in ``html``."""
    found = _CSRF.search(html)
    assert found is not None, "no CSRF field in the page"
    return found.group(1)


def login_page(client: TestClient, username: str, password: str = PASSWORD) -> None:
    """Log ``client`` in through the real login page."""
    token = csrf_of(client.get("/login").text)
    answer = client.post(
        "/login",
        data={"username": username, "password": password, "csrf_token": token, "next": "/"},
        follow_redirects=False,
    )
    assert answer.status_code == 303, answer.text


@pytest.fixture(scope="module")
def pages_db(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, Built]:
    """Users root (admin), nora (lead of north) and sam (agent sam) over the dashboard
    store's five conversations (built once per test module)."""
    db = str(tmp_path_factory.mktemp("pages") / "pages.db")
    with Store.open(db) as store:
        with store.begin() as connection:
            create_user(connection, "root", PASSWORD, "admin", display_name="Ada Admin")
            create_user(connection, "nora", PASSWORD, "lead", team="north")
            create_user(connection, "sam", PASSWORD, "agent", agent="sam", team="north")
        return db, build_dashboard_store(store)


@pytest.fixture
def built(pages_db: tuple[str, Built]) -> Built:
    """What the dashboard store holds (primary keys of c1..c5 and their customers)."""
    return pages_db[1]


@pytest.fixture(scope="module")
def _running(pages_db: tuple[str, Built]) -> Iterator[tuple[TestClient, dict[str, str]]]:
    with TestClient(create_app(ServiceSettings(db=pages_db[0], fast=True))) as client:
        yield client, {}


@pytest.fixture
def app_client(_running: tuple[TestClient, dict[str, str]]) -> TestClient:
    """A client of the real app over the dashboard store, not logged in."""
    client = _running[0]
    client.cookies.clear()
    return client


@pytest.fixture
def as_user(
    app_client: TestClient, _running: tuple[TestClient, dict[str, str]]
) -> Callable[[str], TestClient]:
    """Log the client in as ``root`` (admin), ``nora`` (lead of north) or ``sam`` (agent);
    each user logs in once per module and keeps their session cookie."""
    sessions = _running[1]

    def log(username: str) -> TestClient:
        app_client.cookies.clear()
        if username in sessions:
            app_client.cookies.set(SESSION_COOKIE, sessions[username], domain="testserver.local")
        else:
            login_page(app_client, username)
            sessions[username] = app_client.cookies[SESSION_COOKIE]
        return app_client

    return log


@pytest.fixture(scope="module")
def spread(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    """The app over the spread store (spread_data), logged in as an admin."""
    folder = tmp_path_factory.mktemp("spread")
    db = str(folder / "spread.db")
    build_spread_store(db, folder)
    with Store.open(db) as store, store.begin() as connection:
        create_user(connection, "root", PASSWORD, "admin")
    with TestClient(create_app(ServiceSettings(db=db, fast=True))) as client:
        login_page(client, "root")
        yield client
