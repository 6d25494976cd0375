"""Comparing analysis results with human labels: the figures ``servicecoach eval`` prints."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from servicecoach.analysis.emotion import EMOTIONS, NEGATIVE
from servicecoach.analysis.result import ConversationResult
from servicecoach.evaluation.baselines import (
    EMOTION_RULE,
    SCORE_BASELINES,
    SENTIMENT_RULE,
    LabelledTexts,
    emotion_by_keywords,
    lift,
    majority_label,
    score_by_keywords,
    sentiment_by_keywords,
    signal_baseline_fires,
    signal_rule,
)
from servicecoach.evaluation.labels import SENTIMENTS, LabelSet, MessageLabel
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
        baselines: whether :meth:`add_baselines` ran (the ``*_baselines`` are filled).
        signal_baselines: per signal key with a baseline, its rule's counts on the same items.
        emotion_baselines: per baseline (``keywords``, ``majority``), per emotion label.
        sentiment_baselines: per baseline, per sentiment group.
        majority: the majority label of the emotion and sentiment labels.
        score_baselines: per score with a baseline, its Spearman on the same pairs.
        experimental: signal id to why it is experimental, for the signals measured.
        not_judged: per signal key, labelled messages left out because the criteria it
            names were not applicable (e.g. ``--fast`` and a criterion without phrases).
        unjudged: (conversation, message, key) of those labels (the baselines skip them).
        matched: the message labels that were measured (the baselines' items).
        paired: per score, (conversation, human score) of the pairs compared.
    """

    conversations: int = 0
    signals: dict[str, BinaryCounts] = field(default_factory=dict)
    emotions: dict[str, BinaryCounts] = field(default_factory=dict)
    sentiment: dict[str, BinaryCounts] = field(default_factory=dict)
    scores: dict[str, Correlation] = field(default_factory=dict)
    resolved: BinaryCounts | None = None
    unmatched: list[str] = field(default_factory=list)
    not_scored: int = 0
    baselines: bool = False
    signal_baselines: dict[str, BinaryCounts] = field(default_factory=dict)
    emotion_baselines: dict[str, dict[str, BinaryCounts]] = field(default_factory=dict)
    sentiment_baselines: dict[str, dict[str, BinaryCounts]] = field(default_factory=dict)
    majority: dict[str, str] = field(default_factory=dict)
    score_baselines: dict[str, Correlation] = field(default_factory=dict)
    experimental: dict[str, str] = field(default_factory=dict)
    not_judged: dict[str, int] = field(default_factory=dict)
    unjudged: set[tuple[str, str, str]] = field(default_factory=set, repr=False)
    matched: list[MessageLabel] = field(default_factory=list, repr=False)
    paired: dict[str, list[tuple[str, float]]] = field(default_factory=dict, repr=False)

    @staticmethod
    def _macro_f1(table: dict[str, BinaryCounts]) -> float | None:
        values = [f1 for c in table.values() if c.support and (f1 := c.f1) is not None]
        return round(sum(values) / len(values), 3) if values else None

    @staticmethod
    def _accuracy(table: dict[str, BinaryCounts]) -> float | None:
        total = sum(c.support for c in table.values())
        return round(sum(c.tp for c in table.values()) / total, 3) if total else None

    def to_dict(self) -> dict[str, Any]:
        """The report as JSON-ready data (``servicecoach eval --json``).

        With baselines, each signal also carries ``baseline`` (its rule and counts, or
        ``null`` when it has none), ``lift`` (F1 minus the baseline's) and
        ``precision_lift``; emotion and sentiment carry ``baselines`` and ``lift`` (macro-F1
        minus the best baseline's); each score ``baseline`` and ``lift`` (rho minus the
        baseline's). Every signal says whether it is ``experimental``.
        """
        out: dict[str, Any] = {
            "conversations": self.conversations,
            "signals": {k: self._signal_dict(k, v) for k, v in sorted(self.signals.items())},
            "scores": {k: self._score_dict(k, v) for k, v in self.scores.items()},
            "unmatched": len(self.unmatched),
            "not_scored": self.not_scored,
        }
        if self.not_judged:
            out["not_judged"] = dict(sorted(self.not_judged.items()))
        for name, table, baselines in (
            ("emotions", self.emotions, self.emotion_baselines),
            ("sentiment", self.sentiment, self.sentiment_baselines),
        ):
            if table:
                part: dict[str, Any] = {
                    "labels": {k: v.to_dict() for k, v in table.items() if v.total},
                    "macro_f1": self._macro_f1(table),
                    "accuracy": self._accuracy(table),
                }
                if self.baselines:
                    part["baselines"] = {
                        kind: self._label_baseline(name, kind, counts)
                        for kind, counts in baselines.items()
                    }
                    best = [b["macro_f1"] for b in part["baselines"].values()]
                    known = [b for b in best if b is not None]
                    part["lift"] = lift(part["macro_f1"], max(known) if known else None)
                out[name] = part
        if self.resolved is not None:
            out["resolved"] = self.resolved.to_dict()
        return out

    def experimental_parts(self, key: str) -> dict[str, str]:
        """The experimental signals among ``key``'s alternatives, with why."""
        return {p: self.experimental[p] for p in key.split("|") if p in self.experimental}

    def _signal_dict(self, key: str, counts: BinaryCounts) -> dict[str, Any]:
        out: dict[str, Any] = counts.to_dict()
        experimental = self.experimental_parts(key)
        out["experimental"] = bool(experimental)
        if experimental:
            out["experimental_reason"] = "; ".join(f"{k}: {v}" for k, v in experimental.items())
        if not self.baselines:
            return out
        baseline = self.signal_baselines.get(key)
        if baseline is None:
            out.update(baseline=None, lift=None, precision_lift=None)
            return out
        shown = baseline.to_dict()
        out["baseline"] = {"rule": signal_rule(key), **shown}
        out["lift"] = lift(out["f1"], shown["f1"])
        out["precision_lift"] = lift(out["precision"], shown["precision"])
        return out

    def _label_baseline(
        self, name: str, kind: str, counts: dict[str, BinaryCounts]
    ) -> dict[str, Any]:
        if kind == "majority":
            label = self.majority.get(name)
            rule = f"always {label!r}, the most frequent label of these items"
        else:
            label, rule = None, (EMOTION_RULE if name == "emotions" else SENTIMENT_RULE)
        out: dict[str, Any] = {"rule": rule}
        if label is not None:
            out["label"] = label
        out["macro_f1"] = self._macro_f1(counts)
        out["accuracy"] = self._accuracy(counts)
        return out

    def _score_dict(self, key: str, corr: Correlation) -> dict[str, Any]:
        out: dict[str, Any] = corr.to_dict()
        if not self.baselines:
            return out
        baseline = self.score_baselines.get(key)
        if baseline is None:
            out.update(baseline=None, lift=None)
            return out
        shown = baseline.to_dict()
        out["baseline"] = {"rule": SCORE_BASELINES[key], **shown}
        out["lift"] = lift(out["rho"], shown["rho"])
        return out

    def add_baselines(self, texts: LabelledTexts) -> None:
        """Measure the trivial baselines (module ``baselines``) on the same labelled items.

        ``texts`` holds the labelled messages' roles and texts and the customers' last
        messages (:func:`~servicecoach.evaluation.baselines.labelled_texts`). Items whose
        text is missing are left out of the baselines only (none are, when ``texts``
        comes from the same input).
        """
        self.baselines = True
        emotions = [label.emotion for label in self.matched if label.emotion is not None]
        sentiments = [label.sentiment for label in self.matched if label.sentiment is not None]
        majority = {
            "emotions": majority_label(emotions, EMOTIONS),
            "sentiment": majority_label(sentiments, SENTIMENTS),
        }
        self.majority = {k: v for k, v in majority.items() if v is not None}
        for label in self.matched:
            said = texts.messages.get((label.conversation, label.message))
            if said is None:
                continue
            role, text = said
            for key, actual in label.signals.items():
                if (label.conversation, label.message, key) in self.unjudged:
                    continue
                fired = signal_baseline_fires(key, role, text)
                if fired is not None:
                    self.signal_baselines.setdefault(key, BinaryCounts()).add(fired, actual)
            for part, gold, names, table, guess in (
                ("emotions", label.emotion, EMOTIONS, self.emotion_baselines, emotion_by_keywords),
                ("sentiment", label.sentiment, SENTIMENTS, self.sentiment_baselines,
                 sentiment_by_keywords),
            ):  # fmt: skip
                if gold is None:
                    continue
                guesses = {"keywords": guess(text), "majority": majority[part]}
                for kind, guessed in guesses.items():
                    counts = table.setdefault(kind, {})
                    for name in names:
                        counts.setdefault(name, BinaryCounts()).add(guessed == name, gold == name)
        for key, pairs in self.paired.items():
            if key not in SCORE_BASELINES:
                continue
            by_rule: list[float] = []
            scored: list[float] = []
            for conversation, score in pairs:
                if conversation in texts.last_customer:
                    value = score_by_keywords(key, texts.last_customer[conversation])
                    if value is not None:
                        by_rule.append(value)
                        scored.append(score)
            self.score_baselines[key] = spearman(by_rule, scored)

    def mark_experimental(self, experimental: Mapping[str, str]) -> None:
        """Note which measured signals are experimental (signal id to why)."""
        parts = {p for key in self.signals for p in key.split("|")}
        self.experimental = {k: v for k, v in experimental.items() if k in parts}


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
        unjudged = {
            f"criteria.{name}" for name, found in result.criteria.items() if not found.applicable
        }
        for label in message_labels:
            if label.message not in fired:
                report.unmatched.append(f"{label.conversation}/{label.message}")
                continue
            report.matched.append(label)
            here = set(fired[label.message])
            for key, actual in label.signals.items():
                counts = report.signals.setdefault(key, BinaryCounts())
                if unjudged.issuperset(key.split("|")):
                    report.not_judged[key] = report.not_judged.get(key, 0) + 1
                    report.unjudged.add((label.conversation, label.message, key))
                    continue  # a criterion servicecoach could not judge is no "no"
                predicted = any(part in here for part in key.split("|"))
                counts.add(predicted, actual)
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
                    report.paired.setdefault(key, []).append((result.conversation, actual_score))
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
