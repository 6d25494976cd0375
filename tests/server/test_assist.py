"""``POST /v1/assist``: the conversation so far and a draft in, suggestions out."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from servicecoach.assist import DraftChecker, DraftLimits
from servicecoach.model.native import conversation_from_dict
from servicecoach.rubric import Rubric
from servicecoach.server import ServiceSettings, create_app
from servicecoach.store.database import Store
from servicecoach.store.tokens import create_token
from tests.server.conftest import conversation_dict


def _so_far() -> dict[str, Any]:
    data = conversation_dict()
    data["messages"] = data["messages"][:1]
    return data


def test_assist_returns_draft_suggestions(client: TestClient, auth: dict[str, str]) -> None:
    draft = "Unfortunately we can't replace it. It is not our fault, it's the courier's."
    response = client.post(
        "/v1/assist", json={"conversation": _so_far(), "draft": draft}, headers=auth
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["format"] == 1
    kinds = {s["kind"] for s in body["suggestions"]}
    assert "clarity.negative_language" in kinds
    for suggestion in body["suggestions"]:
        assert 0 <= suggestion["start"] <= suggestion["end"] <= len(draft)
        assert suggestion["severity"] in ("info", "warning", "error")
        assert suggestion["reason"]


def test_assist_equals_the_python_api(client: TestClient, auth: dict[str, str]) -> None:
    draft = "I'm so sorry the lid arrived cracked. I've sent a new kettle; it arrives Thursday."
    expected = DraftChecker(Rubric(), fast=True).check(conversation_from_dict(_so_far()), draft)
    response = client.post(
        "/v1/assist", json={"conversation": _so_far(), "draft": draft}, headers=auth
    )
    assert response.json() == expected.to_dict()


@pytest.mark.parametrize(
    ("body", "names"),
    [
        ({"conversation": _so_far()}, "'draft' must be the text"),
        ({"conversation": _so_far(), "draft": 12}, "'draft' must be the text"),
        ({"draft": "Hello"}, "'conversation' must be"),
        ({"conversation": [], "draft": "Hello"}, "'conversation' must be"),
        ({"conversation": _so_far(), "draft": "Hi", "tone": "warm"}, "unknown key(s) 'tone'"),
        ({"conversation": {"messages": []}, "draft": "Hi"}, "conversation has no 'id'"),
    ],
)
def test_assist_bad_request_names_the_problem(
    client: TestClient, auth: dict[str, str], body: dict[str, Any], names: str
) -> None:
    response = client.post("/v1/assist", json=body, headers=auth)
    assert response.status_code == 422
    assert names in response.json()["error"]["message"]


def test_assist_uses_one_checker_per_app(client: TestClient, auth: dict[str, str]) -> None:
    checker = client.app.state.service.checker  # type: ignore[attr-defined]
    client.post("/v1/assist", json={"conversation": _so_far(), "draft": "Hi"}, headers=auth)
    assert client.app.state.service.checker is checker  # type: ignore[attr-defined]


def test_assist_draft_over_the_cap_is_413_naming_it(
    client: TestClient, auth: dict[str, str]
) -> None:
    draft = "We are so sorry. " * 1200  # 20,400 characters, well inside the body limit
    response = client.post(
        "/v1/assist", json={"conversation": _so_far(), "draft": draft}, headers=auth
    )
    assert response.status_code == 413
    error = response.json()["error"]
    assert error["code"] == "payload_too_large"
    assert "the draft has 20,400 characters" in error["message"]
    assert "up to 20,000" in error["message"]
    assert error["details"] == [{"location": "draft", "size": 20_400, "limit": 20_000}]


def test_assist_pathological_draft_at_the_cap_is_answered(
    client: TestClient, auth: dict[str, str]
) -> None:
    draft = ("ok\n" * 6667)[:20_000]  # once took exponential time to fail a pattern
    response = client.post(
        "/v1/assist", json={"conversation": _so_far(), "draft": draft}, headers=auth
    )
    assert response.status_code == 200, response.text
    assert response.json()["format"] == 1


@pytest.fixture(scope="module")
def capped(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    """An app whose live-assist caps are set low (the settings of a cautious operator)."""
    db = str(tmp_path_factory.mktemp("capped") / "service.db")
    settings = ServiceSettings(
        db=db,
        fast=True,
        assist_max_draft_chars=100,
        assist_max_messages=3,
        assist_max_context_chars=400,
    )
    with TestClient(create_app(settings)) as test_client:
        with Store.open(db) as store, store.begin() as connection:
            secret = create_token(connection, "capped").secret
        test_client.headers["Authorization"] = f"Bearer {secret}"
        yield test_client


def _messages(count: int, size: int) -> list[dict[str, Any]]:
    text = ("My parcel is late. " * size)[:size]
    return [
        {"id": f"m{i}", "role": "customer" if i % 2 else "agent", "text": text}
        for i in range(1, count + 1)
    ]


@pytest.mark.parametrize(
    ("messages", "draft", "location", "names"),
    [
        (_messages(1, 50), "x" * 101, "draft", "the draft has 101 characters"),
        (_messages(4, 10), "Sorry!", "messages", "the conversation has 4 messages"),
        (_messages(3, 134), "Sorry!", "conversation", "hold 402 characters"),
    ],
    ids=["draft", "messages", "conversation"],
)
def test_assist_caps_are_settings(
    capped: TestClient, messages: list[dict[str, Any]], draft: str, location: str, names: str
) -> None:
    conversation = conversation_dict(messages=messages)
    response = capped.post("/v1/assist", json={"conversation": conversation, "draft": draft})
    assert response.status_code == 413, response.text
    error = response.json()["error"]
    assert names in error["message"]
    assert error["details"][0]["location"] == location
    at_cap = conversation_dict(messages=messages[:3])
    at_cap["messages"][0]["text"] = at_cap["messages"][0]["text"][:100]
    response = capped.post("/v1/assist", json={"conversation": at_cap, "draft": "x" * 100})
    assert response.status_code == 200, response.text


def test_assist_cap_settings_come_from_the_environment() -> None:
    settings = ServiceSettings.from_env(
        {
            "SERVICECOACH_ASSIST_MAX_DRAFT_CHARS": "5000",
            "SERVICECOACH_ASSIST_MAX_MESSAGES": "50",
            "SERVICECOACH_ASSIST_MAX_CONTEXT_CHARS": "20000",
        }
    )
    assert (
        settings.assist_max_draft_chars,
        settings.assist_max_messages,
        settings.assist_max_context_chars,
    ) == (5000, 50, 20000)
    defaults = ServiceSettings()
    limits = DraftLimits()
    assert (
        defaults.assist_max_draft_chars,
        defaults.assist_max_messages,
        defaults.assist_max_context_chars,
    ) == (limits.draft_chars, limits.messages, limits.context_chars)


def _post_raw(
    client: TestClient, auth: dict[str, str], body: dict[str, Any]
) -> tuple[int, dict[str, Any]]:
    """Post ``body`` as JSON text, lone surrogates escaped as JSON allows ("\\ud800")."""
    response = client.post(
        "/v1/assist",
        content=json.dumps(body),  # ensure_ascii: a lone surrogate is written \ud800
        headers={**auth, "Content-Type": "application/json"},
    )
    data: dict[str, Any] = response.json()
    return response.status_code, data


@pytest.mark.parametrize(
    "draft", ["\ud800", "Sorry \ud800 we can't refund it!!", "\udfff\ud800 ok"]
)
def test_assist_lone_surrogate_in_the_draft_is_a_replacement_character(
    client: TestClient, auth: dict[str, str], draft: str
) -> None:
    status, answer = _post_raw(client, auth, {"conversation": _so_far(), "draft": draft})
    assert status == 200, answer
    for suggestion in answer["suggestions"]:
        assert 0 <= suggestion["start"] <= suggestion["end"] <= len(draft)
        assert "\ud800" not in (suggestion["rewrite"] or "")


def test_assist_lone_surrogates_in_the_conversation_are_no_crash(
    client: TestClient, auth: dict[str, str]
) -> None:
    conversation = _so_far()
    conversation["messages"][0]["text"] = "My kettle \udc00 arrived broken!"
    conversation["meta"] = {"\ud800": ["\udfff", {"x": "\ud801"}]}
    status, answer = _post_raw(client, auth, {"conversation": conversation, "draft": "I'm sorry."})
    assert status == 200, answer
    status, answer = _post_raw(
        client, auth, {"conversation": _so_far(), "draft": "Hi", "\ud800": 1}
    )
    assert status == 422
    assert "unknown key(s) '\ufffd'" in answer["error"]["message"]
