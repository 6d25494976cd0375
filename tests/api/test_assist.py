"""``POST /v1/assist``: the conversation so far and a draft in, suggestions out."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from servicecoach.assist import DraftChecker
from servicecoach.model.native import conversation_from_dict
from servicecoach.rubric import Rubric
from tests.api.conftest import conversation_dict


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
