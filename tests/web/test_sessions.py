"""Sessions and CSRF: cookies, login rotation, logout, tampering, roles on pages."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from servicecoach.api import ServiceSettings, create_app
from servicecoach.store.database import Store
from servicecoach.store.users import disable_user, set_password
from servicecoach.web.auth import safe_next_path
from servicecoach.web.session import SESSION_COOKIE
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
