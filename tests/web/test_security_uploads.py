"""Authentication before any body is read: an anonymous upload is refused unread.

The requests are driven at the ASGI level with a ``receive`` that counts the body
messages the app asks for, so "unread" means the app never asked for a byte.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from starlette.types import Message

from servicecoach.errors import StoreBusyError
from servicecoach.server import ServiceSettings, create_app
from servicecoach.store.database import Store
from servicecoach.store.tokens import create_token
from servicecoach.web.auth import _gate_of
from servicecoach.web.session import SESSION_COOKIE
from tests.web.conftest import log_in

MIB = 1024 * 1024
BOUNDARY = "----servicecoach-test"


@dataclass
class Answer:
    """What the app answered, and how many body messages it read."""

    status: int
    headers: dict[str, str]
    body: bytes
    reads: int
    chunks: int


@dataclass
class _Body:
    chunks: list[bytes]
    reads: int = 0
    sent: list[Message] = field(default_factory=list)

    async def receive(self) -> Message:
        if self.reads < len(self.chunks):
            self.reads += 1
            more = self.reads < len(self.chunks)
            return {"type": "http.request", "body": self.chunks[self.reads - 1], "more_body": more}
        return {"type": "http.disconnect"}

    async def send(self, message: Message) -> None:
        self.sent.append(message)


def _multipart(size: int) -> list[bytes]:
    """A multipart upload of one file of ``size`` bytes, in 1 MiB chunks."""
    head = (
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="files"; '
        f'filename="big.jsonl"\r\nContent-Type: application/octet-stream\r\n\r\n'
    ).encode()
    chunks = [head]
    chunks += [b"x" * MIB] * (size // MIB)  # one chunk object, sent many times
    chunks.append(f"\r\n--{BOUNDARY}--\r\n".encode())
    return chunks


def _asgi_post(
    client: TestClient,
    path: str,
    chunks: list[bytes],
    headers: dict[str, str],
    *,
    chunked: bool = False,
) -> Answer:
    """POST ``chunks`` to the running app of ``client`` at the ASGI level."""
    total = sum(len(c) for c in chunks)
    raw = {"content-type": f"multipart/form-data; boundary={BOUNDARY}", **headers}
    if chunked:
        raw["transfer-encoding"] = "chunked"
    else:
        raw["content-length"] = str(total)
    scope: dict[str, Any] = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": [(k.lower().encode(), v.encode()) for k, v in raw.items()],
        "client": ("203.0.113.9", 50000),
        "server": ("testserver", 80),
    }
    body = _Body(chunks)
    assert client.portal is not None
    client.portal.call(client.app, scope, body.receive, body.send)
    start = next(m for m in body.sent if m["type"] == "http.response.start")
    content = b"".join(m.get("body", b"") for m in body.sent if m["type"] == "http.response.body")
    answer_headers = {k.decode().lower(): v.decode() for k, v in start["headers"]}
    return Answer(start["status"], answer_headers, content, body.reads, len(chunks))


@pytest.fixture
def token(web_db: str) -> str:
    with Store.open(web_db) as store, store.begin() as connection:
        return create_token(connection, "uploads").secret


@pytest.fixture(scope="module")
def shared_client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    """One app for the refusals (they change nothing), on a store with no users."""
    db = str(tmp_path_factory.mktemp("uploads") / "uploads.db")
    Store.open(db).close()
    with TestClient(create_app(ServiceSettings(db=db, fast=True))) as client:
        yield client


@pytest.mark.parametrize("chunked", [False, True])
@pytest.mark.parametrize(
    ("path", "credential", "status", "where"),
    [
        ("/v1/imports", {}, 401, None),
        ("/v1/imports", {"Authorization": "Bearer sc_not_a_token"}, 401, None),
        ("/v1/imports", {"Authorization": "Basic cm9vdDpyb290"}, 401, None),
        ("/v1/imports", {"Cookie": f"{SESSION_COOKIE}=forged.value"}, 401, None),
        ("/import", {}, 303, "/login?next=/import"),
        ("/import", {"Cookie": f"{SESSION_COOKIE}=forged.value"}, 303, "/login?next=/import"),
        ("/import", {"Authorization": "Bearer sc_not_a_token"}, 303, "/login?next=/import"),
    ],
)
def test_security_anonymous_upload_is_refused_unread(
    shared_client: TestClient,
    path: str,
    credential: dict[str, str],
    status: int,
    where: str | None,
    chunked: bool,
) -> None:
    """150 MiB to either import route without a login: answered, not one byte read."""
    answer = _asgi_post(shared_client, path, _multipart(150 * MIB), credential, chunked=chunked)
    assert answer.status == status, answer.body
    assert answer.reads == 0
    assert answer.headers["connection"] == "close"  # the server stops receiving the rest
    if where is None:
        assert answer.headers["www-authenticate"].startswith("Bearer")
        assert b'"code":"unauthorized"' in answer.body
    else:
        assert answer.headers["location"] == where


def test_security_upload_with_a_token_is_read(web_client: TestClient, token: str) -> None:
    """The control: with a valid token the same route reads the body."""
    chunks = [c.replace(b"x" * 16, b'{"format": 1}\n  ') for c in _multipart(2 * MIB)]
    answer = _asgi_post(web_client, "/v1/imports", chunks, {"Authorization": f"Bearer {token}"})
    assert answer.reads == answer.chunks
    assert answer.status == 202, answer.body


def test_security_upload_with_a_session_is_read(web_client: TestClient) -> None:
    log_in(web_client, "nora")
    cookie = f"{SESSION_COOKIE}={web_client.cookies[SESSION_COOKIE]}"
    answer = _asgi_post(web_client, "/v1/imports", _multipart(MIB), {"Cookie": cookie})
    assert answer.reads == answer.chunks  # authenticated: read, then the CSRF check
    assert answer.status == 403 and b"csrf_failed" in answer.body
    page = _asgi_post(web_client, "/import", _multipart(MIB), {"Cookie": cookie})
    assert page.reads == page.chunks and page.status == 403


def test_security_upload_after_logout_is_refused_unread(web_client: TestClient) -> None:
    log_in(web_client, "nora")
    cookie = f"{SESSION_COOKIE}={web_client.cookies[SESSION_COOKIE]}"
    csrf = web_client.get("/test/csrf").json()["csrf"]
    assert web_client.post("/test/logout", data={"csrf_token": csrf}).status_code == 200
    for path, status in (("/v1/imports", 401), ("/import", 303)):
        answer = _asgi_post(web_client, path, _multipart(8 * MIB), {"Cookie": cookie})
        assert (answer.status, answer.reads) == (status, 0)


@pytest.mark.parametrize(
    ("path", "status", "read"),
    [
        ("/login", 403, True),  # anyone may log in: the form is read (its CSRF token missing)
        ("/v1/hooks/chatwoot", 503, False),  # the hook checks its own secret first (here: off)
        ("/no/such/page", 404, False),
    ],
)
def test_security_routes_anyone_may_call_are_not_gated(
    web_client: TestClient, path: str, status: int, read: bool
) -> None:
    answer = _asgi_post(web_client, path, _multipart(0), {})
    assert answer.status == status, answer.body
    assert answer.reads == (answer.chunks if read else 0)
    assert "connection" not in answer.headers


def _routes() -> list[APIRoute]:
    from servicecoach.server.app import ROUTERS
    from tests.web.login_routes import router

    found = [r for each in [*ROUTERS, router] for r in each.routes if isinstance(r, APIRoute)]
    assert len(found) > 20
    return found


ANONYMOUS_WITH_BODY = {
    "/login",  # the login form
    "/logout",  # ends a session if there is one; harmless without
    "/v1/hooks/chatwoot",  # authenticated by its shared secret before the body is read
    "/test/login",  # tests/web/login_routes.py
    "/test/logout",
}
"""Routes that take a body from anyone; every other route with a body needs a login."""


def test_security_every_route_with_a_body_authenticates_first() -> None:
    """A new route that reads a body without a login fails here until it is listed above."""
    for route in _routes():
        if not (route.methods or set()) - {"GET", "HEAD", "OPTIONS"}:
            continue
        gate = _gate_of(route.dependant)
        if route.path in ANONYMOUS_WITH_BODY:
            assert gate is None, route.path
        else:
            assert gate is not None, f"{route.path} reads a body without a login"


@pytest.mark.parametrize(
    ("path", "gate"),
    [
        ("/v1/imports", "api"),
        ("/v1/analyze", "api"),
        ("/v1/assist", "api"),
        ("/v1/agents/{agent_id}/notes", "api"),
        ("/import", "page"),
        ("/agents/{agent_id}/notes", "page"),
        ("/test/form", "page"),
        ("/login", None),
    ],
)
def test_security_gate_of_routes(path: str, gate: str | None) -> None:
    found = {r.path: _gate_of(r.dependant) for r in _routes() if "POST" in (r.methods or ())}
    assert found[path] == gate


@pytest.mark.parametrize(
    ("error", "status", "code"),
    [
        (StoreBusyError("the database is busy"), 503, "store_unavailable"),
        (RuntimeError("a bug"), 500, "internal_error"),
    ],
)
def test_security_upload_when_authentication_fails_is_not_a_bad_body(
    shared_client: TestClient,
    monkeypatch: pytest.MonkeyPatch,
    error: Exception,
    status: int,
    code: str,
) -> None:
    """A store that cannot answer is a 503 (not "an error parsing the body"), unread."""

    def broken(*_args: object, **_kwargs: object) -> None:
        raise error

    monkeypatch.setattr("servicecoach.server.auth.verify_token", broken)
    answer = _asgi_post(
        shared_client, "/v1/imports", _multipart(MIB), {"Authorization": "Bearer sc_x"}
    )
    assert (answer.status, answer.reads) == (status, 0)
    assert f'"code":"{code}"'.encode() in answer.body
