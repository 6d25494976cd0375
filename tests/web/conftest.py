"""Fixtures for the web app: a running app on a fresh store, users of each role, logins."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from servicecoach.server import ServiceSettings, create_app
from servicecoach.store.database import Store
from servicecoach.store.tokens import create_token
from servicecoach.store.users import create_user
from servicecoach.web.session import SESSION_COOKIE
from tests.store.dashboard_data import Built, build_dashboard_store

__all__ = ["DASHBOARD_USERS", "PASSWORD", "DashboardApp", "Login", "log_in"]

PASSWORD = "correct horse battery"
"""The password of every test user."""


def log_in(client: TestClient, username: str, password: str = PASSWORD) -> None:
    """Log ``client`` in through the test app's login form."""
    token = client.get("/test/csrf").json()["csrf"]
    answer = client.post(
        "/test/login",
        data={"username": username, "password": password, "csrf_token": token},
        follow_redirects=False,
    )
    assert answer.status_code == 200, answer.text


@pytest.fixture
def web_db(tmp_path: Path) -> str:
    """A fresh SQLite store with an admin, a lead of team north and agent sam."""
    db = str(tmp_path / "web.db")
    with Store.open(db) as store, store.begin() as connection:
        create_user(connection, "root", PASSWORD, "admin", display_name="Ada Admin")
        create_user(connection, "nora", PASSWORD, "lead", team="north")
        create_user(connection, "sam", PASSWORD, "agent", agent="sam", team="north")
    return db


@pytest.fixture
def web_client(web_db: str) -> Iterator[TestClient]:
    """A client of the app (with the test login routes of ``tests/web/login_routes.py``)."""
    from tests.web.login_routes import router

    settings = ServiceSettings(db=web_db, fast=True)
    with TestClient(create_app(settings, routers=[router])) as client:
        yield client


@dataclass(frozen=True)
class Login:
    """Headers that act as one logged-in user (session cookie and CSRF token)."""

    cookie: str
    csrf: str

    @property
    def read(self) -> dict[str, str]:
        """Headers for a GET."""
        return {"Cookie": f"{SESSION_COOKIE}={self.cookie}"}

    @property
    def write(self) -> dict[str, str]:
        """Headers for a POST or DELETE (with the CSRF token)."""
        return {**self.read, "X-CSRF-Token": self.csrf}


@dataclass(frozen=True)
class DashboardApp:
    """A running app on the hand-built dashboard store, with a login per user."""

    client: TestClient
    built: Built
    logins: dict[str, Login]
    token: str
    db: str

    def get(self, user: str, url: str, **options: Any) -> Any:
        """GET ``url`` as ``user`` (a username, or ``token`` for the API token)."""
        return self.client.get(url, headers=self.headers(user), **options)

    def headers(self, user: str, *, write: bool = False) -> dict[str, str]:
        """The headers that authenticate ``user``."""
        if user == "token":
            return {"Authorization": f"Bearer {self.token}"}
        if user == "anonymous":
            return {}
        login = self.logins[user]
        return login.write if write else login.read


DASHBOARD_USERS = {
    "root": ("admin", None, None),
    "nora": ("lead", "north", None),
    "sol": ("lead", "south", None),
    "sam": ("agent", "north", "sam"),
    "lee": ("agent", "south", "lee"),
    "newbie": ("agent", None, "nobody-yet"),
}
"""username: (role, team, agent) of the dashboard app's users."""


@pytest.fixture(scope="module")
def dashboard_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DashboardApp]:
    """The dashboard store (tests/store/dashboard_data.py) served, with a user of each role."""
    db = str(tmp_path_factory.mktemp("webapi") / "dash.db")
    with Store.open(db) as store:
        built = build_dashboard_store(store)
        with store.begin() as connection:
            for name, (role, team, agent) in DASHBOARD_USERS.items():
                create_user(connection, name, PASSWORD, role, team=team, agent=agent)
            token = create_token(connection, "web tests").secret
    settings = ServiceSettings(db=db, fast=True)
    with TestClient(create_app(settings, routers=[_test_router()])) as client:
        logins = {}
        for name in DASHBOARD_USERS:
            log_in(client, name)
            logins[name] = Login(
                client.cookies[SESSION_COOKIE], client.get("/test/csrf").json()["csrf"]
            )
            client.cookies.clear()
        yield DashboardApp(client, built, logins, token, db)


def _test_router() -> Any:
    from tests.web.login_routes import router

    return router
