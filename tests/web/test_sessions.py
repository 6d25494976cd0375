"""Sessions and CSRF: cookies, login rotation, logout, revocation, tampering, roles on pages."""

from __future__ import annotations

import io

import pytest
from fastapi.testclient import TestClient

from servicecoach.server import ServiceSettings, create_app
from servicecoach.store.database import Store
from servicecoach.store.users import disable_user, set_password
from servicecoach.web.auth import safe_next_path
from servicecoach.web.session import SESSION_COOKIE
from tests.cli.helpers import run_cli
from tests.web.conftest import PASSWORD, log_in


def test_sessions_page_redirects_to_login_with_next(web_client: TestClient) -> None:
    answer = web_client.get("/test/page?x=1", follow_redirects=False)
    assert answer.status_code == 303
    assert answer.headers["location"] == "/login?next=/test/page%3Fx%3D1"


def test_sessions_login_sets_a_safe_cookie_and_rotates(web_client: TestClient) -> None:
    before = web_client.get("/test/csrf").json()["csrf"]
    answer = web_client.post(
        "/test/login", data={"username": "nora", "password": PASSWORD, "csrf_token": before}
    )
    assert answer.status_code == 200, answer.text
    cookie = answer.headers["set-cookie"]
    assert cookie.startswith(f"{SESSION_COOKIE}=")
    for attribute in ("HttpOnly", "SameSite=Lax", "Path=/", "Max-Age=1209600"):
        assert attribute in cookie
    assert "Secure" not in cookie  # plain http in tests; https gets Secure
    assert answer.json()["csrf"] != before
    assert web_client.get("/test/page").json() == {"user": "nora", "scope": "team"}


def test_sessions_wrong_password_gets_no_session(web_client: TestClient) -> None:
    token = web_client.get("/test/csrf").json()["csrf"]
    answer = web_client.post(
        "/test/login", data={"username": "nora", "password": "wrong pass!", "csrf_token": token}
    )
    assert answer.status_code == 401
    assert web_client.get("/test/page", follow_redirects=False).status_code == 303


def test_sessions_logout_clears_the_cookie(web_client: TestClient) -> None:
    log_in(web_client, "sam")
    token = web_client.get("/test/csrf").json()["csrf"]
    answer = web_client.post("/test/logout", data={"csrf_token": token})
    assert answer.status_code == 200
    assert "Max-Age=0" in answer.headers["set-cookie"]
    assert web_client.get("/test/page", follow_redirects=False).status_code == 303


def _still_logged_in(client: TestClient, cookie: str) -> tuple[bool, bool]:
    """Whether ``cookie`` still opens a page and a ``/v1`` route (sent on its own)."""
    client.cookies.clear()
    headers = {"Cookie": f"{SESSION_COOKIE}={cookie}"}
    page = client.get("/test/page", headers=headers, follow_redirects=False)
    api = client.get("/v1/conversations", headers=headers)
    assert page.status_code in (200, 303), page.text
    if page.status_code == 303:
        assert page.headers["location"] == "/login?next=/test/page"
    return page.status_code == 200, api.status_code != 401  # 404 on an empty store


def test_sessions_logout_ends_a_copied_cookie(web_client: TestClient) -> None:
    """A copy of the cookie taken before logout (another tab, a thief) stops working too."""
    log_in(web_client, "sam")
    copied = web_client.cookies[SESSION_COOKIE]
    assert _still_logged_in(web_client, copied) == (True, True)
    web_client.cookies.set(SESSION_COOKIE, copied)
    token = web_client.get("/test/csrf").json()["csrf"]
    assert web_client.post("/test/logout", data={"csrf_token": token}).status_code == 200
    assert _still_logged_in(web_client, copied) == (False, False)


def test_sessions_logout_ends_every_session_of_the_user_only(web_client: TestClient) -> None:
    cookies = {}
    for user in ("sam", "sam", "nora"):  # two browsers of sam, one of nora
        web_client.cookies.clear()
        log_in(web_client, user)
        cookies[len(cookies)] = web_client.cookies[SESSION_COOKIE]
    web_client.cookies.clear()
    web_client.cookies.set(SESSION_COOKIE, cookies[0])
    token = web_client.get("/test/csrf").json()["csrf"]
    assert web_client.post("/test/logout", data={"csrf_token": token}).status_code == 200
    assert _still_logged_in(web_client, cookies[1]) == (False, False)
    assert _still_logged_in(web_client, cookies[2]) == (True, True)
    web_client.cookies.clear()
    log_in(web_client, "sam")  # logging in again works
    assert web_client.get("/test/page").json()["user"] == "sam"


@pytest.mark.parametrize(
    "command",
    [
        ("users", "set-password", "sam", "--password-stdin"),
        ("users", "disable", "sam"),
    ],
)
def test_sessions_end_when_the_cli_changes_the_user(
    web_client: TestClient,
    web_db: str,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    command: tuple[str, ...],
) -> None:
    log_in(web_client, "sam")
    cookie = web_client.cookies[SESSION_COOKIE]
    monkeypatch.setattr("sys.stdin", io.StringIO("a whole new password\n"))
    result = run_cli(capsys, *command, "--db", web_db)
    assert result.code == 0, result.err
    assert _still_logged_in(web_client, cookie) == (False, False)


def test_sessions_cookie_without_an_epoch_is_refused(web_db: str) -> None:
    """A cookie of an older release (uid and a password stamp, no epoch) needs a new login."""
    from tests.web.login_routes import router

    settings = ServiceSettings(db=web_db, fast=True, secret_key="k" * 40)
    with TestClient(create_app(settings, routers=[router])) as client:
        from servicecoach.web.session import session_serializer

        serializer = session_serializer(client.app.state.service)  # type: ignore[attr-defined]
        old = serializer.dumps({"uid": 1, "stamp": "0123456789abcdef", "csrf": "x"})
        assert _still_logged_in(client, old) == (False, False)
        forged_epoch = serializer.dumps({"uid": 1, "epoch": True, "csrf": "x"})
        assert _still_logged_in(client, forged_epoch) == (False, False)


def test_sessions_tampered_cookie_is_rejected(web_client: TestClient) -> None:
    log_in(web_client, "sam")
    value = web_client.cookies[SESSION_COOKIE]
    payload, _, signature = value.partition(".")
    forged = payload[:-2] + ("AA" if payload[-2:] != "AA" else "BB") + "." + signature
    web_client.cookies.clear()
    web_client.cookies.set(SESSION_COOKIE, forged)
    answer = web_client.get("/test/page", follow_redirects=False)
    assert answer.status_code == 303
    assert "Max-Age=0" in answer.headers["set-cookie"]


def test_sessions_cookie_from_another_key_is_rejected(web_db: str) -> None:
    from tests.web.login_routes import router

    first = ServiceSettings(db=web_db, fast=True, secret_key="k" * 40)
    second = ServiceSettings(db=web_db, fast=True, secret_key="j" * 40)
    with TestClient(create_app(first, routers=[router])) as client:
        log_in(client, "root")
        cookie = client.cookies[SESSION_COOKIE]
    with TestClient(create_app(second, routers=[router])) as client:
        client.cookies.set(SESSION_COOKIE, cookie)
        assert client.get("/test/page", follow_redirects=False).status_code == 303


def test_sessions_key_is_kept_in_the_store(web_db: str) -> None:
    from tests.web.login_routes import router

    settings = ServiceSettings(db=web_db, fast=True)
    with TestClient(create_app(settings, routers=[router])) as client:
        log_in(client, "root")
        cookie = client.cookies[SESSION_COOKIE]
    with TestClient(create_app(settings, routers=[router])) as client:  # a restart
        client.cookies.set(SESSION_COOKIE, cookie)
        assert client.get("/test/page").json()["user"] == "root"


def test_sessions_secure_cookie_when_asked(web_db: str) -> None:
    from tests.web.login_routes import router

    settings = ServiceSettings(db=web_db, fast=True, cookie_secure=True)
    with TestClient(create_app(settings, routers=[router])) as client:
        assert "Secure" in client.get("/test/csrf").headers["set-cookie"]
    with TestClient(create_app(ServiceSettings(db=web_db, fast=True), routers=[router]),
                    base_url="https://testserver") as client:  # fmt: skip
        assert "Secure" in client.get("/test/csrf").headers["set-cookie"]


@pytest.mark.parametrize("change", ["disable", "password"])
def test_sessions_end_when_the_user_changes(
    web_client: TestClient, web_db: str, change: str
) -> None:
    log_in(web_client, "sam")
    assert web_client.get("/test/page").status_code == 200
    with Store.open(web_db) as store, store.begin() as connection:
        if change == "disable":
            disable_user(connection, "sam")
        else:
            set_password(connection, "sam", "a whole new password")
    assert web_client.get("/test/page", follow_redirects=False).status_code == 303


@pytest.mark.parametrize(
    ("data", "headers", "status"),
    [
        ({}, {}, 403),
        ({"csrf_token": "wrong"}, {}, 403),
        ({}, {"X-CSRF-Token": "wrong"}, 403),
        ({"csrf_token": "RIGHT"}, {}, 200),
        ({}, {"X-CSRF-Token": "RIGHT"}, 200),
    ],
)
def test_sessions_form_posts_need_the_csrf_token(
    web_client: TestClient, data: dict[str, str], headers: dict[str, str], status: int
) -> None:
    log_in(web_client, "sam")
    right = web_client.get("/test/csrf").json()["csrf"]
    data = {k: right if v == "RIGHT" else v for k, v in data.items()}
    headers = {k: right if v == "RIGHT" else v for k, v in headers.items()}
    answer = web_client.post("/test/form", data=data, headers=headers, follow_redirects=False)
    assert answer.status_code == status, answer.text
    if status == 403:
        assert answer.json()["error"]["code"] == "csrf_failed"


def test_sessions_login_form_needs_the_csrf_token(web_client: TestClient) -> None:
    answer = web_client.post("/test/login", data={"username": "sam", "password": PASSWORD})
    assert answer.status_code == 403


@pytest.mark.parametrize(("user", "status"), [("root", 200), ("nora", 403), ("sam", 403)])
def test_sessions_require_role_on_pages(web_client: TestClient, user: str, status: int) -> None:
    log_in(web_client, user)
    assert web_client.get("/test/admin-page").status_code == status


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("/agents/sam?x=1", "/agents/sam?x=1"),
        (None, "/"),
        ("", "/"),
        ("https://evil.example/", "/"),
        ("//evil.example/", "/"),
        ("/\\evil.example", "/"),
        ("agents", "/"),
    ],
)
def test_sessions_safe_next_path(value: str | None, expected: str) -> None:
    assert safe_next_path(value) == expected
