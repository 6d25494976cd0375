"""The analysis pipeline: validation at start-up, isolated failures, the FORMAT.md result."""

from __future__ import annotations

from typing import ClassVar

import pytest
from pydantic import BaseModel, ConfigDict

from servicecoach.analysis import (
    SKILLS,
    Analyzer,
    Context,
    Evidence,
    Pipeline,
    Requirement,
    SkillFinding,
)
from servicecoach.analysis.registry import analyzers
from servicecoach.errors import ConfigError
from servicecoach.model import Conversation
from servicecoach.testing import make_conversation


class Fixed(Analyzer):
    """Scores 50 with one piece of evidence on the first message."""

    name: ClassVar[str] = "fixed"
    skill: ClassVar[str] = "closing"

    def analyze(self, conversation: Conversation, context: Context) -> SkillFinding:
        first = conversation.messages[0]
        return SkillFinding(50, (Evidence(first.id, 0, 2, "closing.check", 1, first.text[:2]),))


class Broken(Analyzer):
    name: ClassVar[str] = "broken"
    skill: ClassVar[str] = "empathy"

    def analyze(self, conversation: Conversation, context: Context) -> SkillFinding:
        raise RuntimeError("bug")


class Timed(Analyzer):
    name: ClassVar[str] = "timed"
    skill: ClassVar[str] = "responsiveness"
    requires: ClassVar[frozenset[Requirement]] = frozenset({Requirement.TIMESTAMPS})

    def analyze(self, conversation: Conversation, context: Context) -> SkillFinding:
        return SkillFinding(90)


class Unknown(Fixed):
    name: ClassVar[str] = "unknown"
    skill: ClassVar[str] = "telepathy"


def test_pipeline_result_has_every_skill_in_format_shape() -> None:
    result = Pipeline([Fixed()]).analyze(
        make_conversation([("customer", "hi"), ("agent", "hello")])
    )
    data = result.to_dict()
    assert data["format"] == 1 and data["conversation"] == "c1"
    assert list(data["skills"]) == list(SKILLS)
    assert data["skills"]["closing"]["score"] == 50
    assert data["skills"]["empathy"] == {"score": None, "applicable": False, "evidence": []}
    assert data["analyzers"] == {"closing": "fixed.v1"}
    assert data["messages"] == [
        {
            "id": "m1",
            "role": "customer",
            "emotion": {"label": "neutral", "score": 0.6},
            "signals": ["closing.check"],
        },
        {"id": "m2", "role": "agent", "signals": []},
    ]
    assert set(data["outcome"]) == {
        "emotion_start",
        "emotion_end",
        "resolved",
        "satisfaction",
        "quality",
    }


def test_pipeline_isolates_a_failing_analyser() -> None:
    pipeline = Pipeline([Fixed(), Broken()])
    results = list(
        pipeline.run([make_conversation([("customer", "a")], id=f"c{i}") for i in range(3)])
    )
    assert len(results) == 3
    for result in results:
        (failure,) = result.failures
        assert failure.analyzer == "broken.v1" and "RuntimeError: bug" in failure.error
        assert result.skills["closing"].score == 50
        assert not result.skills["empathy"].applicable


def test_pipeline_missing_timestamps_make_a_skill_not_applicable() -> None:
    timed = make_conversation([("customer", "a"), ("agent", "b")])
    untimed = Conversation(
        "u", timed.channel, tuple(m.__class__(m.id, m.role, m.text) for m in timed.messages)
    )
    pipeline = Pipeline([Timed()])
    assert pipeline.analyze(timed).skills["responsiveness"].score == 90
    assert not pipeline.analyze(untimed).skills["responsiveness"].applicable


@pytest.mark.parametrize(
    ("analyzers", "config", "message"),
    [
        ([Unknown()], None, "unknown skill 'telepathy'"),
        ([Fixed(), Fixed()], None, "both score closing"),
        ([Fixed()], {"nope": {}}, "unknown analysers: nope"),
    ],
)
def test_pipeline_validates_at_start(
    analyzers: list[Analyzer], config: dict[str, dict[str, int]] | None, message: str
) -> None:
    with pytest.raises(ConfigError, match=message):
        Pipeline(analyzers, config)


class _Threshold(BaseModel):
    model_config = ConfigDict(extra="forbid")
    threshold: int = 1


class Configured(Fixed):
    Config = _Threshold


def test_pipeline_records_configuration() -> None:
    result = Pipeline([Configured()], {"fixed": {"threshold": 3}}).analyze(
        make_conversation([("agent", "hi")])
    )
    assert result.to_dict()["config"] == {"fixed": {"threshold": 3}}


def test_pipeline_builtins_are_registered_through_the_hook() -> None:
    found = analyzers()
    assert "apology" in found
    assert all(a.skill in SKILLS for a in found.values())
