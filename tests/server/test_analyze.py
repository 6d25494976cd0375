"""``POST /v1/analyze``: a conversation in, the FORMAT.md result out."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from servicecoach.analysis.pipeline import Pipeline
from servicecoach.analysis.skills import SKILLS
from servicecoach.model.native import conversation_from_dict
from servicecoach.rubric import Rubric
from tests.server.conftest import conversation_dict


def test_analyze_returns_the_format_md_result(client: TestClient, auth: dict[str, str]) -> None:
    response = client.post("/v1/analyze", json=conversation_dict(), headers=auth)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/json"
    result = response.json()
    assert result["format"] == 1
    assert result["conversation"] == "web-2291"
    assert list(result["skills"]) == list(SKILLS)
    assert [m["id"] for m in result["messages"]] == ["m1", "m2"]
    assert result["messages"][0]["emotion"]["label"]
    signals = result["messages"][1]["signals"]
    assert "apology.apology" in signals
    assert result["skills"]["apology"]["applicable"] is True
    assert set(result["outcome"]) == {
        "emotion_start", "emotion_end", "resolved", "satisfaction", "quality",
    }  # fmt: skip


def test_analyze_equals_the_pipeline_on_the_same_conversation(
    client: TestClient, auth: dict[str, str]
) -> None:
    """The service runs the same pipeline as `servicecoach analyze`, not a copy of it."""
    data = conversation_dict()
    expected = Pipeline.from_rubric(Rubric(), fast=True).analyze(conversation_from_dict(data))
    response = client.post("/v1/analyze", json=data, headers=auth)
    assert response.json() == expected.to_dict()


def test_analyze_keeps_unknown_keys_and_accepts_integer_ids(
    client: TestClient, auth: dict[str, str]
) -> None:
    data = conversation_dict(id=4471, ticket_priority="high")
    response = client.post("/v1/analyze", json=data, headers=auth)
    assert response.status_code == 200
    assert response.json()["conversation"] == "4471"


@pytest.mark.parametrize(
    ("change", "names"),
    [
        ({"id": None}, "'id'"),
        ({"channel": "fax"}, "channel 'fax' is not known"),
        ({"messages": "hello"}, "'messages' must be a list"),
        ({"format": 2}, "unsupported format version 2"),
        ({"public": "yes"}, "'public' must be true or false"),
        (
            {"messages": [{"id": "m1", "role": "boss", "text": "hi"}]},
            "message 'm1' role 'boss' is not known (use one of customer | agent",
        ),
        (
            {"messages": [{"id": "m1", "role": "customer", "at": "yesterday", "text": "hi"}]},
            "message 'm1' 'at'",
        ),
        (
            {"messages": [{"id": "m1", "role": "customer"}, {"id": "m1", "role": "agent"}]},
            "message id 'm1' appears twice",
        ),
    ],
)
def test_analyze_bad_conversation_names_the_problem(
    client: TestClient, auth: dict[str, str], change: dict[str, object], names: str
) -> None:
    data = conversation_dict(**change)
    data = {k: v for k, v in data.items() if v is not None}
    response = client.post("/v1/analyze", json=data, headers=auth)
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "invalid_input"
    assert names in error["message"]


def test_analyze_empty_conversation_is_scored_not_applicable(
    client: TestClient, auth: dict[str, str]
) -> None:
    response = client.post("/v1/analyze", json=conversation_dict(messages=[]), headers=auth)
    assert response.status_code == 200
    assert all(not s["applicable"] for s in response.json()["skills"].values())
