"""Comparing analysis results with human labels: the figures ``servicecoach eval`` prints."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from servicecoach.analysis.emotion import EMOTIONS, NEGATIVE
from servicecoach.analysis.result import ConversationResult
from servicecoach.evaluation.labels import LabelSet
from servicecoach.evaluation.metrics import BinaryCounts, Correlation, spearman

__all__ = ["EvalReport", "evaluate", "sentiment_of"]

_POSITIVE = frozenset({"satisfaction", "gratitude", "relief"})


def sentiment_of(emotion: str) -> str:
    """The sentiment group of a FORMAT.md emotion label."""
    if emotion in NEGATIVE:
        return "negative"
    return "positive" if emotion in _POSITIVE else "neutral"


@dataclass(slots=True)
class _Pairs:
    predicted: list[float] = field(default_factory=list)
    actual: list[float] = field(default_factory=list)
    missing: int = 0


@dataclass(slots=True)
class EvalReport:
    """Agreement of servicecoach with human labels.

    Attributes:
        conversations: conversations analysed that carry labels.
        signals: per signal key, confusion counts over the labelled messages.
        emotions: per emotion label, one-vs-rest counts over emotion-labelled messages.
        sentiment: per sentiment group, one-vs-rest counts.
        scores: per score (skill, quality, satisfaction), Spearman correlation.
        resolved: counts for the conversation's resolution.
        unmatched: labelled conversation or message ids not found in the input.
        not_scored: labelled conversations servicecoach did not score (e.g. language).
    """

    conversations: int = 0
    signals: dict[str, BinaryCounts] = field(default_factory=dict)
    emotions: dict[str, BinaryCounts] = field(default_factory=dict)
    sentiment: dict[str, BinaryCounts] = field(default_factory=dict)
    scores: dict[str, Correlation] = field(default_factory=dict)
    resolved: BinaryCounts | None = None
    unmatched: list[str] = field(default_factory=list)
    not_scored: int = 0

    @staticmethod
    def _macro_f1(table: dict[str, BinaryCounts]) -> float | None:
        values = [f1 for c in table.values() if c.support and (f1 := c.f1) is not None]
        return round(sum(values) / len(values), 3) if values else None

    @staticmethod
    def _accuracy(table: dict[str, BinaryCounts]) -> float | None:
        total = sum(c.support for c in table.values())
        return round(sum(c.tp for c in table.values()) / total, 3) if total else None

    def to_dict(self) -> dict[str, Any]:
        """The report as JSON-ready data (``servicecoach eval --json``)."""
        out: dict[str, Any] = {
            "conversations": self.conversations,
            "signals": {k: v.to_dict() for k, v in sorted(self.signals.items())},
            "scores": {k: v.to_dict() for k, v in self.scores.items()},
            "unmatched": len(self.unmatched),
            "not_scored": self.not_scored,
        }
        for name, table in (("emotions", self.emotions), ("sentiment", self.sentiment)):
            if table:
                out[name] = {
                    "labels": {k: v.to_dict() for k, v in table.items() if v.total},
                    "macro_f1": self._macro_f1(table),
                    "accuracy": self._accuracy(table),
                }
        if self.resolved is not None:
            out["resolved"] = self.resolved.to_dict()
        return out


def evaluate(results: Iterable[ConversationResult], labels: LabelSet) -> EvalReport:
    """Measure ``results`` against ``labels``; only labelled items count."""
    report = EvalReport()
    pairs: dict[str, _Pairs] = {}
    seen: set[str] = set()
    for result in results:
        message_labels = labels.messages.get(result.conversation, [])
        score_labels = labels.conversations.get(result.conversation, [])
        if not message_labels and not score_labels:
            continue
        seen.add(result.conversation)
        report.conversations += 1
        if result.not_scored:
            report.not_scored += 1
        fired = result.signals_by_message()
        for label in message_labels:
            if label.message not in fired:
                report.unmatched.append(f"{label.conversation}/{label.message}")
                continue
            here = set(fired[label.message])
            for key, actual in label.signals.items():
                predicted = any(part in here for part in key.split("|"))
                report.signals.setdefault(key, BinaryCounts()).add(predicted, actual)
            emotion = result.emotions.get(label.message)
            guess = emotion.label if emotion is not None else "neutral"
            if label.emotion is not None:
                for name in EMOTIONS:
                    counts = report.emotions.setdefault(name, BinaryCounts())
                    counts.add(guess == name, label.emotion == name)
            if label.sentiment is not None:
                for name in ("negative", "neutral", "positive"):
                    counts = report.sentiment.setdefault(name, BinaryCounts())
                    counts.add(sentiment_of(guess) == name, label.sentiment == name)
        for score_label in score_labels:
            for key, actual_score in score_label.scores.items():
                predicted_score = _score(result, key)
                bucket = pairs.setdefault(key, _Pairs())
                if predicted_score is None:
                    bucket.missing += 1
                else:
                    bucket.predicted.append(predicted_score)
                    bucket.actual.append(actual_score)
            if score_label.resolved is not None:
                report.resolved = report.resolved or BinaryCounts()
                if result.outcome.resolved is None:
                    report.resolved.add(False, score_label.resolved)
                else:
                    report.resolved.add(result.outcome.resolved, score_label.resolved)
    report.unmatched.extend(sorted(labels.conversation_ids - seen))
    report.scores = {k: spearman(v.predicted, v.actual, v.missing) for k, v in pairs.items()}
    return report


def _score(result: ConversationResult, key: str) -> float | None:
    if key == "quality":
        value = result.outcome.quality
    elif key == "satisfaction":
        value = result.outcome.satisfaction
    else:
        finding = result.skills.get(key)
        value = finding.score if finding is not None and finding.applicable else None
    return None if value is None else float(value)
