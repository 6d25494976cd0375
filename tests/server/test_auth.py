"""API tokens on the wire: no token, a wrong one, a revoked one, a good one."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from servicecoach.store.database import Store
from servicecoach.store.tokens import create_token, list_tokens, revoke_token
from tests.server.conftest import conversation_dict


@pytest.mark.parametrize("path", ["/v1/analyze", "/v1/assist"])
def test_auth_missing_token_is_401_with_a_challenge(client: TestClient, path: str) -> None:
    response = client.post(path, json=conversation_dict())
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == 'Bearer realm="servicecoach"'
    error = response.json()["error"]
    assert error["code"] == "unauthorized"
    assert "tokens create" in error["message"]


@pytest.mark.parametrize(
    "header",
    [
        "Bearer sc_not-a-real-token-aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
        "Bearer something-else",
        "Bearer ",
        "Basic dXNlcjpwYXNz",
        "sc_token-without-scheme",
    ],
)
def test_auth_wrong_token_is_401(client: TestClient, header: str) -> None:
    response = client.post(
        "/v1/analyze", json=conversation_dict(), headers={"Authorization": header}
    )
    assert response.status_code == 401
    assert response.headers["www-authenticate"].startswith('Bearer realm="servicecoach", error=')
    assert response.json()["error"]["code"] == "unauthorized"


def test_auth_good_token_is_accepted_and_its_use_recorded(
    client: TestClient, service_db: str
) -> None:
    with Store.open(service_db) as store, store.begin() as connection:
        new = create_token(connection, "sidebar")
    response = client.post(
        "/v1/analyze",
        json=conversation_dict(),
        headers={"Authorization": f"Bearer {new.secret}"},
    )
    assert response.status_code == 200, response.text
    with Store.open(service_db) as store, store.connect() as connection:
        [used] = [t for t in list_tokens(connection) if t.id == new.token.id]
    assert used.last_used_at is not None


def test_auth_scheme_is_case_insensitive(client: TestClient, token: str) -> None:
    response = client.post(
        "/v1/analyze", json=conversation_dict(), headers={"Authorization": f"bearer {token}"}
    )
    assert response.status_code == 200


def test_auth_revoked_token_is_refused_at_once(client: TestClient, service_db: str) -> None:
    with Store.open(service_db) as store, store.begin() as connection:
        new = create_token(connection, "old laptop")
    headers = {"Authorization": f"Bearer {new.secret}"}
    assert client.post("/v1/analyze", json=conversation_dict(), headers=headers).status_code == 200
    with Store.open(service_db) as store, store.begin() as connection:
        revoke_token(connection, new.token.prefix)
    response = client.post("/v1/analyze", json=conversation_dict(), headers=headers)
    assert response.status_code == 401
    assert "revoked" in response.json()["error"]["message"]
    assert 'error="invalid_token"' in response.headers["www-authenticate"]


def test_auth_is_checked_before_the_body_is_read(client: TestClient) -> None:
    response = client.post(
        "/v1/analyze", content=b"not json", headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 401


def test_auth_extra_authenticator_comes_first(fresh_db: str) -> None:
    """The web app adds a session authenticator beside the bearer token."""
    from fastapi import Request

    from servicecoach.server import ServiceSettings, create_app
    from servicecoach.server.auth import Principal

    def session(request: Request) -> Principal | None:
        if request.cookies.get("session") == "valid":
            return Principal(kind="session", name="lead@example.org", roles=frozenset({"lead"}))
        return None

    app = create_app(ServiceSettings(db=fresh_db, fast=True), authenticators=[session])
    with TestClient(app) as test_client:
        test_client.cookies.set("session", "valid")
        assert test_client.post("/v1/analyze", json=conversation_dict()).status_code == 200
        test_client.cookies.clear()
        assert test_client.post("/v1/analyze", json=conversation_dict()).status_code == 401
