"""The labels file of ``servicecoach eval``: human judgements to measure servicecoach against.

JSON Lines, one judgement per line (docs/eval.md)::

    {"conversation": "c1", "message": "m2", "signals": {"listening.question": true}}
    {"conversation": "c1", "message": "m1", "emotion": "anger", "sentiment": "negative"}
    {"conversation": "c1", "scores": {"empathy": 80, "satisfaction": -1.5}, "resolved": true}

A signal key may list alternatives, ``"empathy.validation|apology.apology"``: the item
counts as fired when any of them fired. Only what is labelled is measured.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from servicecoach.analysis.emotion import EMOTIONS
from servicecoach.analysis.skills import skill_names
from servicecoach.errors import ConfigError, ImportFailed, InvalidFileError, Problem

__all__ = [
    "OUTCOME_SCORES",
    "SENTIMENTS",
    "LabelSet",
    "MessageLabel",
    "ScoreLabel",
    "load_labels",
    "parse_label",
]

OUTCOME_SCORES = ("quality", "satisfaction")
"""Conversation scores besides the skills: the outcome's quality and satisfaction."""
SENTIMENTS = ("negative", "neutral", "positive")
_SIGNAL = re.compile(r"^[a-z_]+\.[a-z_]+$")
_MAX_PROBLEMS = 200


@dataclass(frozen=True, slots=True)
class MessageLabel:
    """Human judgements of one message.

    Attributes:
        conversation: the conversation id.
        message: the message id.
        signals: signal key (``a.b`` or alternatives ``a.b|c.d``) to whether it applies.
        emotion: the customer's emotion (a FORMAT.md label), if labelled.
        sentiment: ``negative``, ``neutral`` or ``positive``, if labelled.
        line: where in the labels file.
    """

    conversation: str
    message: str
    signals: dict[str, bool] = field(default_factory=dict)
    emotion: str | None = None
    sentiment: str | None = None
    line: int = 0


@dataclass(frozen=True, slots=True)
class ScoreLabel:
    """Human judgements of one conversation: scores on any scale, and resolution."""

    conversation: str
    scores: dict[str, float] = field(default_factory=dict)
    resolved: bool | None = None
    line: int = 0


@dataclass(slots=True)
class LabelSet:
    """Every judgement of a labels file, grouped by conversation id."""

    messages: dict[str, list[MessageLabel]] = field(default_factory=dict)
    conversations: dict[str, list[ScoreLabel]] = field(default_factory=dict)

    def add(self, label: MessageLabel | ScoreLabel) -> None:
        """Keep one judgement."""
        if isinstance(label, MessageLabel):
            self.messages.setdefault(label.conversation, []).append(label)
        else:
            self.conversations.setdefault(label.conversation, []).append(label)

    @property
    def conversation_ids(self) -> set[str]:
        """Every conversation some judgement is about."""
        return set(self.messages) | set(self.conversations)

    def __len__(self) -> int:
        return sum(map(len, self.messages.values())) + sum(map(len, self.conversations.values()))


def load_labels(path: Path, *, skip_invalid: bool = False) -> LabelSet:
    """Read a labels file; every bad line is reported with its number and the fix.

    Raises:
        ConfigError: the file does not exist.
        InvalidFileError: the file is not UTF-8 text.
        ImportFailed: some lines are invalid (unless ``skip_invalid``) or none is valid.
    """
    if not path.is_file():
        raise ConfigError(f"labels file {path} does not exist")
    labels = LabelSet()
    problems: list[Problem] = []
    count = 0
    for number, text in _lines(path):
        if not text.strip():
            continue
        try:
            labels.add(parse_label(json.loads(text), number))
        except json.JSONDecodeError as exc:
            count += 1
            problems.append(
                _problem(path, number, f"not JSON: {exc.msg}", "one JSON object per line")
            )
        except ValueError as exc:
            count += 1
            problems.append(_problem(path, number, str(exc), "see docs/eval.md for the shape"))
    del problems[_MAX_PROBLEMS:]
    if count and not skip_invalid:
        raise ImportFailed(
            problems, count, outcome="evaluation stopped", lost="nothing was measured",
            action="evaluate",
        )  # fmt: skip
    if not len(labels):
        raise ImportFailed(
            problems or [Problem(path, "", "no labels in the file", "add one judgement per line")],
            max(count, 1),
            outcome="evaluation stopped",
            lost="nothing was measured",
            action="evaluate",
        )
    return labels


def _lines(path: Path) -> Iterator[tuple[int, str]]:
    try:
        with path.open(encoding="utf-8") as handle:
            yield from enumerate(handle, start=1)
    except UnicodeDecodeError as exc:
        raise InvalidFileError(
            Problem(
                path, "", f"not UTF-8 text ({exc.reason})", "save the labels as UTF-8 JSON Lines"
            )
        ) from exc


def _problem(path: Path, line: int, message: str, fix: str) -> Problem:
    return Problem(path, f"line {line}", message, fix, line=line)


def parse_label(data: Any, line: int = 0) -> MessageLabel | ScoreLabel:
    """One judgement from its JSON object.

    Raises:
        ValueError: the object does not have the documented shape (the message says how).
    """
    if not isinstance(data, dict):
        raise ValueError("a label must be a JSON object")
    conversation = data.get("conversation")
    if not isinstance(conversation, str) or not conversation:
        raise ValueError('"conversation" (the conversation id, a string) is missing')
    if "message" in data:
        return _message_label(data, conversation, line)
    unknown = set(data) - {"conversation", "scores", "resolved"}
    if unknown:
        raise ValueError(f"unknown keys for a conversation label: {', '.join(sorted(unknown))}")
    scores = _scores(data.get("scores", {}))
    resolved = data.get("resolved")
    if resolved is not None and not isinstance(resolved, bool):
        raise ValueError('"resolved" must be true, false or null')
    if not scores and resolved is None:
        raise ValueError('a conversation label needs "scores" or "resolved"')
    return ScoreLabel(conversation, scores, resolved, line)


def _message_label(data: dict[str, Any], conversation: str, line: int) -> MessageLabel:
    message = data["message"]
    if not isinstance(message, str) or not message:
        raise ValueError('"message" must be the message id, a string')
    unknown = set(data) - {"conversation", "message", "signals", "emotion", "sentiment"}
    if unknown:
        raise ValueError(f"unknown keys for a message label: {', '.join(sorted(unknown))}")
    signals = data.get("signals", {})
    if not isinstance(signals, dict) or not all(isinstance(v, bool) for v in signals.values()):
        raise ValueError('"signals" must map signal ids to true or false')
    for key in signals:
        if not all(_SIGNAL.match(part) for part in key.split("|")):
            raise ValueError(f"signal {key!r} is not a signal id like 'listening.question'")
    emotion = data.get("emotion")
    if emotion is not None and emotion not in EMOTIONS:
        raise ValueError(f"emotion {emotion!r} is not one of {', '.join(EMOTIONS)}")
    sentiment = data.get("sentiment")
    if sentiment is not None and sentiment not in SENTIMENTS:
        raise ValueError(f"sentiment {sentiment!r} is not one of {', '.join(SENTIMENTS)}")
    if not signals and emotion is None and sentiment is None:
        raise ValueError('a message label needs "signals", "emotion" or "sentiment"')
    return MessageLabel(conversation, message, dict(signals), emotion, sentiment, line)


def _scores(scores: Any) -> dict[str, float]:
    if not isinstance(scores, dict):
        raise ValueError('"scores" must map skill names (or quality, satisfaction) to numbers')
    out: dict[str, float] = {}
    for key, value in scores.items():
        if key not in skill_names() and key not in OUTCOME_SCORES:
            raise ValueError(
                f"score {key!r} is not a skill ({', '.join(skill_names())}) or one of "
                f"{', '.join(OUTCOME_SCORES)}"
            )
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ValueError(f"score {key!r} must be a number, not {value!r}")
        out[key] = float(value)
    return out
