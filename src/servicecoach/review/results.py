"""A stored FORMAT.md result read back as a :class:`ConversationResult`, so that
``servicecoach.evaluation`` can measure stored runs against reviews without analysing
again."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from servicecoach.analysis.emotion import Emotion
from servicecoach.analysis.evidence import Evidence
from servicecoach.analysis.finding import SkillFinding
from servicecoach.analysis.result import ConversationResult, Outcome

__all__ = ["result_from_dict"]


def _evidence(data: Mapping[str, Any]) -> Evidence:
    return Evidence(
        message=str(data["message"]),
        start=int(data["start"]),
        end=int(data["end"]),
        signal=str(data["signal"]),
        polarity=int(data["polarity"]),
        quote=str(data.get("quote", "")),
        suggestion=data.get("suggestion"),
    )


def result_from_dict(data: Mapping[str, Any]) -> ConversationResult:
    """The result of one stored result line (FORMAT.md); unknown keys are ignored."""
    skills: dict[str, SkillFinding] = {}
    for skill, found in (data.get("skills") or {}).items():
        applicable = found.get("applicable", found.get("score") is not None)
        evidence = tuple(_evidence(e) for e in found.get("evidence", []))
        skills[skill] = SkillFinding(found.get("score") if applicable else None, evidence)
    messages = tuple((str(m["id"]), str(m.get("role", ""))) for m in data.get("messages", []))
    emotions = {
        str(m["id"]): Emotion(str(m["emotion"]["label"]), float(m["emotion"].get("score", 0)))
        for m in data.get("messages", [])
        if m.get("emotion")
    }
    outcome = data.get("outcome") or {}
    return ConversationResult(
        conversation=str(data.get("conversation", "")),
        analyzers=dict(data.get("analyzers") or {}),
        skills=skills,
        messages=messages,
        outcome=Outcome(
            emotion_start=outcome.get("emotion_start"),
            emotion_end=outcome.get("emotion_end"),
            resolved=outcome.get("resolved"),
            satisfaction=outcome.get("satisfaction"),
            quality=outcome.get("quality"),
        ),
        emotions=emotions,
        language=data.get("language"),
        not_scored=data.get("not_scored"),
    )
