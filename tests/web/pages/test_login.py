"""The login page: the form, a wrong password, the redirect to ``next``, logging out."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.web.conftest import PASSWORD
from tests.web.pages.conftest import csrf_of


def test_login_with_a_wrong_password_shows_an_error(app_client: TestClient) -> None:
    token = csrf_of(app_client.get("/login").text)
    answer = app_client.post(
        "/login", data={"username": "root", "password": "wrong password!", "csrf_token": token}
    )
    assert answer.status_code == 400
    assert "Wrong username or password." in answer.text
    assert 'value="root"' in answer.text
    assert app_client.get("/", follow_redirects=False).status_code == 303


def test_login_goes_on_to_next_but_never_off_site(app_client: TestClient) -> None:
    page = app_client.get("/login?next=/conversations%3Fchannel%3Dchat").text
    assert 'name="next" value="/conversations?channel=chat"' in page
    answer = app_client.post(
        "/login",
        data={
            "username": "nora",
            "password": PASSWORD,
            "csrf_token": csrf_of(page),
            "next": "/conversations?channel=chat",
        },
        follow_redirects=False,
    )
    assert answer.status_code == 303
    assert answer.headers["location"] == "/conversations?channel=chat"
    again = app_client.get("/login?next=//evil.example/", follow_redirects=False)
    assert again.headers["location"] == "/"


def test_login_needs_the_csrf_token(app_client: TestClient) -> None:
    answer = app_client.post("/login", data={"username": "root", "password": PASSWORD})
    assert answer.status_code == 403


def test_logout_ends_the_session(app_client: TestClient) -> None:
    page = app_client.get("/login").text
    app_client.post(
        "/login", data={"username": "sam", "password": PASSWORD, "csrf_token": csrf_of(page)}
    )
    home = app_client.get("/")
    assert home.status_code == 200
    answer = app_client.post(
        "/logout", data={"csrf_token": csrf_of(home.text)}, follow_redirects=False
    )
    assert answer.headers["location"] == "/login"
    assert app_client.get("/", follow_redirects=False).status_code == 303
