"""Helpers of the review tests: more users on the served dashboard app."""

from __future__ import annotations

from servicecoach.store.database import Store
from servicecoach.store.users import create_user
from servicecoach.web.session import SESSION_COOKIE
from tests.web.conftest import PASSWORD, DashboardApp, Login, log_in

__all__ = ["add_user"]


def add_user(app: DashboardApp, name: str, role: str, *, team: str | None = None,
             agent: str | None = None) -> None:  # fmt: skip
    """Create a user on ``app``'s store and log them in (``app.logins[name]``)."""
    if name in app.logins:
        return
    with Store.open(app.db) as store, store.begin() as connection:
        create_user(connection, name, PASSWORD, role, team=team, agent=agent)
    app.client.cookies.clear()
    log_in(app.client, name)
    app.logins[name] = Login(
        app.client.cookies[SESSION_COOKIE], app.client.get("/test/csrf").json()["csrf"]
    )
    app.client.cookies.clear()
