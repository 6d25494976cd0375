"""Request bodies: the size limit (with and without Content-Length), bad JSON, wrong types."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from tests.server.conftest import conversation_dict

LIMIT = 64 * 1024  # the client fixture's max_body_bytes


def _chunks(total: int, size: int = 8192) -> Iterator[bytes]:
    sent = 0
    while sent < total:
        yield b" " * min(size, total - sent)
        sent += size


@pytest.mark.parametrize("path", ["/v1/analyze", "/v1/assist"])
def test_bodies_too_large_with_content_length_is_413(
    client: TestClient, auth: dict[str, str], path: str
) -> None:
    body = json.dumps(conversation_dict(meta={"padding": "x" * LIMIT})).encode()
    response = client.post(path, content=body, headers={**auth, "Content-Type": "application/json"})
    assert response.status_code == 413
    error = response.json()["error"]
    assert error["code"] == "payload_too_large"
    assert "65,536 bytes" in error["message"]


def test_bodies_too_large_without_content_length_is_413(
    client: TestClient, auth: dict[str, str]
) -> None:
    """A chunked body is counted as it arrives and stopped past the limit."""
    response = client.post(
        "/v1/analyze",
        content=_chunks(LIMIT * 4),
        headers={**auth, "Content-Type": "application/json"},
    )
    assert "content-length" not in response.request.headers
    assert response.request.headers["transfer-encoding"] == "chunked"
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "payload_too_large"


def test_bodies_chunked_under_the_limit_is_read(client: TestClient, auth: dict[str, str]) -> None:
    body = json.dumps(conversation_dict()).encode()
    response = client.post(
        "/v1/analyze",
        content=iter([body[:100], body[100:]]),
        headers={**auth, "Content-Type": "application/json"},
    )
    assert response.status_code == 200, response.text


def test_bodies_limit_applies_before_authentication(client: TestClient) -> None:
    response = client.post(
        "/v1/analyze",
        content=b"x" * (LIMIT + 1),
        headers={"Content-Type": "application/json"},
    )
    assert response.status_code == 413


@pytest.mark.parametrize(
    ("body", "where"),
    [
        (b'{"id": "c1",\n "messages": [}', "line 2, column 15"),
        (b'{"id": "c1", }', "line 1, column 14"),
        (b"{'id': 'c1'}", "line 1, column 2"),
        (b"[" * 20_000, "nested too deeply"),
        (b"\xff\xfe{", "UTF-8"),
    ],
)
def test_bodies_malformed_json_is_400_with_the_location(
    client: TestClient, auth: dict[str, str], body: bytes, where: str
) -> None:
    response = client.post(
        "/v1/analyze", content=body, headers={**auth, "Content-Type": "application/json"}
    )
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid_json"
    assert where in error["message"]


@pytest.mark.parametrize("body", [b"", b"   "])
def test_bodies_empty_is_400(client: TestClient, auth: dict[str, str], body: bytes) -> None:
    response = client.post(
        "/v1/analyze", content=body, headers={**auth, "Content-Type": "application/json"}
    )
    assert response.status_code == 400
    assert "empty" in response.json()["error"]["message"]


@pytest.mark.parametrize(
    ("body", "kind"),
    [(b"[1, 2]", "an array"), (b'"text"', "a string"), (b"42", "a number"), (b"null", "null")],
)
def test_bodies_not_an_object_is_422(
    client: TestClient, auth: dict[str, str], body: bytes, kind: str
) -> None:
    response = client.post(
        "/v1/analyze", content=body, headers={**auth, "Content-Type": "application/json"}
    )
    assert response.status_code == 422
    assert kind in response.json()["error"]["message"]


@pytest.mark.parametrize(
    "content_type", [None, "text/plain", "application/x-www-form-urlencoded", "multipart/form-data"]
)
def test_bodies_wrong_content_type_is_415(
    client: TestClient, auth: dict[str, str], content_type: str | None
) -> None:
    headers = dict(auth)
    if content_type is not None:
        headers["Content-Type"] = content_type
    response = client.post(
        "/v1/analyze", content=json.dumps(conversation_dict()).encode(), headers=headers
    )
    assert response.status_code == 415
    error = response.json()["error"]
    assert error["code"] == "unsupported_media_type"
    assert "application/json" in error["message"]


@pytest.mark.parametrize(
    "content_type", ["application/json; charset=utf-8", "application/vnd.servicecoach+json"]
)
def test_bodies_json_media_types_are_accepted(
    client: TestClient, auth: dict[str, str], content_type: str
) -> None:
    response = client.post(
        "/v1/analyze",
        content=json.dumps(conversation_dict()).encode(),
        headers={**auth, "Content-Type": content_type},
    )
    assert response.status_code == 200, response.text


def test_bodies_errors_share_one_shape(client: TestClient, auth: dict[str, str]) -> None:
    answers = [
        client.get("/no/such/page"),
        client.get("/v1/analyze", headers=auth),
        client.post("/v1/analyze"),
        client.post("/v1/analyze", content=b"{", headers={**auth, "Content-Type": "text/csv"}),
    ]
    assert [a.status_code for a in answers] == [404, 405, 401, 415]
    for answer in answers:
        body = answer.json()
        assert set(body) == {"error"}
        assert {"code", "message"} <= set(body["error"])
        assert body["error"]["message"]
    assert "POST" in answers[1].json()["error"]["message"]


def test_bodies_bad_content_length_is_400(client: TestClient, auth: dict[str, str]) -> None:
    response = client.post(
        "/v1/analyze",
        content=b"{}",
        headers={**auth, "Content-Type": "application/json", "Content-Length": "lots"},
    )
    assert response.status_code == 400
