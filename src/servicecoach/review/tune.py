"""Learning from reviews: fit a team rubric's settings to the team's reviews, measured on
a part of the reviews held aside, and refused when it does not help.

What is fitted: the settings of a rubric that change skill scores and that the reviews
can judge - each channel's **response-time target** (``[responsiveness.targets_minutes]``,
from :data:`TARGET_GRID`) and whether each **experimental signal** may change scores
(``[signals] score_experimental``), judged by the skill scores; and, with the learned
models, the **threshold** at which the learned head decides each signal it decides
(``[signals.thresholds]``, from :data:`THRESHOLD_GRID`), judged by the reviewers' signal
labels. Weights change only overall quality, which reviews do not score, so they are left
alone.

How: the reviewed conversations are split by a seeded hash of their key into a fitting
part and a held-aside part (:func:`split_keys`). Agreement is the mean, over the skills
with at least :data:`MIN_PAIRS` reviewed pairs in a part, of Spearman's rho between
servicecoach's score and the reviewers' (``servicecoach.evaluation``, the ``eval``
figures). Signal agreement is the mean F0.5 (precision weighs more than recall: a
coach that flags what is not there loses trust) over the signals with labels in a part.
The search runs on the fitting part only: one channel's target at a time, then one
experimental signal at a time, keeping a change only when it raises mean rho there; then
one learned signal's threshold at a time, keeping the one with the highest F0.5 of that
signal that does not lower mean rho. With the learned models, a **team head** for each
learned signal and each **custom criterion** are then fitted to the reviewed sentences
(:mod:`.tune_learned`: fitted on one piece of the fitting part, kept when the other
piece agrees better). The tuned rubric is then measured once on the held-aside part
beside the starting one; a head whose signal's held-aside F0.5 does not rise, or a
criterion whose F0.5 falls, is withdrawn (and the rest measured again); the tune is
**refused** (:class:`TuneRefused`, with the figures) unless held-aside agreement rises: a
measured figure (mean rho, mean F0.5) rises and none falls. Ranks are what rho compares, so a change that only shifts every score alike is
worth nothing here, by design.
"""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from servicecoach.analysis.analyzers.responsiveness_settings import DEFAULT_TARGETS_MINUTES
from servicecoach.analysis.learned import Judge, LearnedView
from servicecoach.analysis.pipeline import BATCH, Pipeline
from servicecoach.analysis.result import ConversationResult
from servicecoach.analysis.signals import experimental_signals
from servicecoach.errors import ConfigError, InputError
from servicecoach.evaluation.evaluate import EvalReport, evaluate
from servicecoach.evaluation.labels import LabelSet
from servicecoach.evaluation.metrics import BinaryCounts
from servicecoach.model.conversation import Channel, Conversation
from servicecoach.review.reviewed import ReviewedSentence, from_labels
from servicecoach.review.tune_learned import INNER_HOLDOUT, LearnedChange, fit_learned
from servicecoach.rubric import LEARNED_SIGNALS, Rubric

__all__ = [
    "MIN_PAIRS",
    "TARGET_GRID",
    "THRESHOLD_GRID",
    "Change",
    "Item",
    "Split",
    "TuneRefused",
    "TuneResult",
    "f_half",
    "mean_agreement",
    "signal_agreement",
    "split_keys",
    "tune",
]

TARGET_GRID = (5.0, 15.0, 30.0, 60.0, 120.0, 240.0, 480.0, 1440.0)
"""The response-time targets tried for each channel, in minutes."""
THRESHOLD_GRID = tuple(round(0.3 + 0.05 * step, 2) for step in range(13))
"""The thresholds tried for each learned signal (0.30 to 0.90)."""
MIN_PAIRS = 3
"""Reviewed pairs a skill needs in a part to count towards its agreement."""

Item = tuple[str, Conversation, tuple[Conversation, ...] | None]
"""A reviewed conversation: its key in the labels, the conversation and its history."""


class TuneRefused(InputError):
    """The tuned rubric does not agree better with the held-aside reviews."""

    def __init__(self, message: str, result: TuneResult) -> None:
        super().__init__(message)
        self.result = result


@dataclass(frozen=True, slots=True)
class Split:
    """The keys fitted on and the keys held aside."""

    fit: frozenset[str]
    held: frozenset[str]


@dataclass(frozen=True, slots=True)
class Change:
    """One setting the tune changed: a dotted rubric key, before and after."""

    key: str
    before: Any
    after: Any


@dataclass(frozen=True, slots=True)
class TuneResult:
    """What a tune found.

    Attributes:
        tuned: the rubric with the changes (the starting one when nothing helped).
        changes: the settings changed.
        fit_before, fit_after: mean rho on the fitting part.
        held_before, held_after: mean rho on the held-aside part.
        skills_before, skills_after: per skill rho on the held-aside part.
        fit, held: conversations in each part.
        tried: rubrics measured during the search.
        fit_f05_before, fit_f05_after: mean F0.5 over the labelled signals, fitting part.
        held_f05_before, held_f05_after: the same on the held-aside part.
        signals_before, signals_after: per signal counts on the held-aside part.
        withdrawn: heads and criteria fitted but withdrawn, their signal doing worse on
            the held-aside part.
    """

    tuned: Rubric
    changes: tuple[Change, ...]
    fit_before: float | None
    fit_after: float | None
    held_before: float | None
    held_after: float | None
    skills_before: dict[str, float] = field(default_factory=dict)
    skills_after: dict[str, float] = field(default_factory=dict)
    fit: int = 0
    held: int = 0
    tried: int = 0
    fit_f05_before: float | None = None
    fit_f05_after: float | None = None
    held_f05_before: float | None = None
    held_f05_after: float | None = None
    signals_before: dict[str, BinaryCounts] = field(default_factory=dict)
    signals_after: dict[str, BinaryCounts] = field(default_factory=dict)
    withdrawn: tuple[Change, ...] = ()

    @property
    def improved(self) -> bool:
        """Whether held-aside agreement rose (the only condition to keep the tune): a
        measured figure (mean rho, mean F0.5) rose and none fell."""
        measured = [
            (before, after)
            for before, after in (
                (self.held_before, self.held_after),
                (self.held_f05_before, self.held_f05_after),
            )
            if before is not None and after is not None
        ]
        return (
            bool(self.changes)
            and any(after > before + 1e-9 for before, after in measured)
            and all(after >= before - 1e-9 for before, after in measured)
        )


def split_keys(
    keys: Iterable[str], holdout: float, seed: int, groups: Mapping[str, str] | None = None
) -> Split:
    """Put each key in the held-aside part when its seeded hash falls below ``holdout``.

    With ``groups`` (key to group), the group's hash decides, so that the keys of one
    group (e.g. one transcript's windows) all land in the same part.

    Raises:
        ConfigError: ``holdout`` outside (0, 1), or a part left empty.
    """
    if not 0 < holdout < 1:
        raise ConfigError(f"--holdout {holdout} must be between 0 and 1 (e.g. 0.3)")
    fit: set[str] = set()
    held: set[str] = set()
    for key in keys:
        hashed = groups.get(key, key) if groups is not None else key
        digest = hashlib.sha256(f"{seed}:{hashed}".encode()).digest()
        (held if int.from_bytes(digest[:8], "big") / 2**64 < holdout else fit).add(key)
    if not fit or not held:
        raise ConfigError(
            f"{len(fit) + len(held)} reviewed conversations cannot be split into a fitting "
            "part and a held-aside part: review more conversations (or change --holdout)"
        )
    return Split(frozenset(fit), frozenset(held))


def mean_agreement(report: EvalReport) -> tuple[float | None, dict[str, float]]:
    """The mean rho over skills with :data:`MIN_PAIRS` or more pairs, and each one's rho."""
    by_skill = {
        key: corr.rho
        for key, corr in report.scores.items()
        if corr.rho is not None and corr.n >= MIN_PAIRS
    }
    if not by_skill:
        return None, {}
    return round(sum(by_skill.values()) / len(by_skill), 4), by_skill


def f_half(counts: BinaryCounts) -> float | None:
    """F0.5 of ``counts``: precision counts four times as much as recall (None: no items
    either side judged positive)."""
    if not counts.support and not counts.predicted:
        return None
    return 1.25 * counts.tp / (1.25 * counts.tp + 0.25 * counts.fn + counts.fp)


def signal_agreement(report: EvalReport) -> tuple[float | None, dict[str, BinaryCounts]]:
    """The mean F0.5 over signals with :data:`MIN_PAIRS` or more labels, one a positive,
    and each one's counts."""
    by_signal = {
        key: counts
        for key, counts in report.signals.items()
        if counts.total >= MIN_PAIRS and counts.support
    }
    scores = [f for counts in by_signal.values() if (f := f_half(counts)) is not None]
    if not scores:
        return None, by_signal
    return round(sum(scores) / len(scores), 4), by_signal


def _subset(labels: LabelSet, keys: frozenset[str]) -> LabelSet:
    return LabelSet(
        messages={k: v for k, v in labels.messages.items() if k in keys},
        conversations={k: v for k, v in labels.conversations.items() if k in keys},
    )


def _with_target(rubric: Rubric, channel: Channel, minutes: float) -> Rubric:
    targets = {**rubric.responsiveness.targets_minutes, channel: minutes}
    responsiveness = rubric.responsiveness.model_copy(update={"targets_minutes": targets})
    return rubric.model_copy(update={"responsiveness": responsiveness})


def _with_threshold(rubric: Rubric, signal: str, threshold: float) -> Rubric:
    thresholds = {**rubric.signals.thresholds, signal: threshold}
    chosen = rubric.signals.model_copy(update={"thresholds": thresholds})
    return rubric.model_copy(update={"signals": chosen})


def _with_experimental(rubric: Rubric, signals: Sequence[str]) -> Rubric:
    chosen = rubric.signals.model_copy(update={"score_experimental": sorted(signals)})
    return rubric.model_copy(update={"signals": chosen})


def tune(
    items: Sequence[Item],
    labels: LabelSet,
    base: Rubric,
    *,
    holdout: float = 0.3,
    seed: int = 0,
    fast: bool = True,
    groups: Mapping[str, str] | None = None,
    reviewed: Sequence[ReviewedSentence] | None = None,
) -> TuneResult:
    """Fit ``base``'s response-time targets, experimental-signal choices, learned signal
    thresholds, team heads and custom criteria to ``labels``.

    Args:
        items: the reviewed conversations, keyed as in ``labels``.
        labels: the reviews as labels (``review.labels.label_set``).
        base: the team's rubric now.
        holdout: the share of conversations held aside.
        seed: the split's seed.
        fast: analyse with the rules only (as ``--fast``); no thresholds are fitted then.
        groups: key to group, split together (see :func:`split_keys`).
        reviewed: the reviewers' verdicts with their spans (``reviewed.from_reviews``);
            default: each message label as a verdict on its whole message.

    Raises:
        ConfigError: the reviews cannot be split.
        TuneRefused: held-aside agreement does not rise (the result is on the error).
    """
    split = split_keys((key for key, _, _ in items), holdout, seed, groups)
    fit_items = [i for i in items if i[0] in split.fit]
    held_items = [i for i in items if i[0] in split.held]
    fit_labels, held_labels = _subset(labels, split.fit), _subset(labels, split.held)
    judge = Pipeline.from_rubric(base, fast=fast).judge
    views = _views(judge, items)
    counter = [0]

    def measure(rubric: Rubric, part: Sequence[Item], part_labels: LabelSet) -> EvalReport:
        counter[0] += 1
        pipeline = Pipeline.from_rubric(rubric, fast=fast)
        keyed = [
            _keyed(pipeline.analyze(conversation, history, views.get(key)), key)
            for key, conversation, history in part
        ]
        return evaluate(keyed, part_labels)

    def fit_score(rubric: Rubric) -> float | None:
        return mean_agreement(measure(rubric, fit_items, fit_labels))[0]

    first = measure(base, fit_items, fit_labels)
    best, best_score = base, mean_agreement(first)[0]
    fit_before = best_score
    changes: dict[str, Change] = {}
    channels = sorted({c.channel for _, c, _ in fit_items}, key=lambda c: c.value)
    for channel in channels:
        start = best.responsiveness.targets_minutes.get(
            channel, DEFAULT_TARGETS_MINUTES.get(channel.value)
        )
        for minutes in TARGET_GRID:
            if minutes == start:
                continue
            candidate = _with_target(best, channel, minutes)
            score = fit_score(candidate)
            if _better(score, best_score):
                best, best_score = candidate, score
                changes[f"responsiveness.targets_minutes.{channel.value}"] = Change(
                    f"responsiveness.targets_minutes.{channel.value}", start, minutes
                )
    for signal in sorted(experimental_signals()):
        chosen = set(best.signals.score_experimental)
        toggled = chosen ^ {signal}
        candidate = _with_experimental(best, sorted(toggled))
        score = fit_score(candidate)
        if _better(score, best_score):
            best, best_score = candidate, score
            changes[f"signals.score_experimental.{signal}"] = Change(
                f"signals.score_experimental.{signal}", signal in chosen, signal in toggled
            )
    defaults = _head_thresholds(judge)
    labelled = signal_agreement(first)[1]
    for signal in sorted(s for s in LEARNED_SIGNALS if s in labelled and s in defaults):
        start = best.signals.thresholds.get(signal, defaults[signal])
        report = measure(best, fit_items, fit_labels)
        best_f = f_half(report.signals[signal])
        picked = start
        for threshold in THRESHOLD_GRID:
            if threshold == start:
                continue
            candidate = _with_threshold(best, signal, threshold)
            report = measure(candidate, fit_items, fit_labels)
            rho, f = mean_agreement(report)[0], f_half(report.signals[signal])
            if _better(f, best_f) and not _better(best_score, rho):
                best_f, picked, best_score = f, threshold, rho
        if picked != start:
            best = _with_threshold(best, signal, picked)
            key = f"signals.thresholds.{signal}"
            changes[key] = Change(key, start, picked)
    learned: list[LearnedChange] = []
    inner = _inner_split(split.fit, seed, groups) if judge is not None else None
    if judge is not None and inner is not None:
        by_key = {key: conversation for key, conversation, _ in items}

        def measure_keys(rubric: Rubric, keys: frozenset[str]) -> EvalReport:
            return measure(rubric, [i for i in fit_items if i[0] in keys], _subset(labels, keys))

        fitted_on = reviewed if reviewed is not None else from_labels(labels)
        before_learned = best
        best, learned = fit_learned(
            best,
            judge,
            views,
            by_key,
            [r for r in fitted_on if r.key in split.fit],
            inner,
            measure_keys,
            _score,
        )
        for change in learned:
            changes[change.key] = Change(change.key, change.before, change.after)
    held_report = measure(base, held_items, held_labels)
    held_before, skills_before = mean_agreement(held_report)
    f05_before, signals_before = signal_agreement(held_report)
    tuned_report = measure(best, held_items, held_labels) if changes else held_report
    withdrawn = [c for c in learned if not c.holds(held_report.signals, tuned_report.signals)]
    if withdrawn:
        best = before_learned
        for change in learned:
            if change in withdrawn:
                del changes[change.key]
            else:
                best = change.apply(best)
        tuned_report = measure(best, held_items, held_labels) if changes else held_report
    for change in learned:  # a kept head has its own threshold
        if change not in withdrawn and change.key.startswith("signals.heads."):
            dropped = changes.pop(f"signals.thresholds.{change.signal}", None)
            if dropped is not None:
                before = f"shipped head at {dropped.before}"
                changes[change.key] = Change(change.key, before, change.after)
    fit_after_report = measure(best, fit_items, fit_labels) if changes else first
    held_after, skills_after = mean_agreement(tuned_report)
    f05_after, signals_after = signal_agreement(tuned_report)
    result = TuneResult(
        tuned=best,
        changes=tuple(changes.values()),
        fit_before=fit_before,
        fit_after=mean_agreement(fit_after_report)[0],
        held_before=held_before,
        held_after=held_after,
        skills_before=skills_before,
        skills_after=skills_after,
        fit=len(fit_items),
        held=len(held_items),
        tried=counter[0],
        fit_f05_before=signal_agreement(first)[0],
        fit_f05_after=signal_agreement(fit_after_report)[0],
        held_f05_before=f05_before,
        held_f05_after=f05_after,
        signals_before=signals_before,
        signals_after=signals_after,
        withdrawn=tuple(Change(c.key, c.before, c.after) for c in withdrawn),
    )
    if not result.improved:
        raise TuneRefused(_refusal(result), result)
    return result


def _views(judge: Judge | None, items: Sequence[Item]) -> dict[str, LearnedView]:
    """Each item's learned view, computed once for the whole search (none when fast)."""
    if judge is None:
        return {}
    views: dict[str, LearnedView] = {}
    for offset in range(0, len(items), BATCH):
        chunk = items[offset : offset + BATCH]
        for (key, _, _), view in zip(chunk, judge.views([c for _, c, _ in chunk]), strict=True):
            views[key] = view
    return views


def _head_thresholds(judge: Judge | None) -> dict[str, float]:
    """Each learned signal's threshold in the head (none when fast)."""
    if judge is None or "acts" not in judge.heads:
        return {}
    head = judge.heads["acts"]
    return {
        signal: float(head.thresholds[head.labels.index(label)])
        for signal, label in LEARNED_SIGNALS.items()
        if head.thresholds and label in head.labels
    }


def _inner_split(
    fit: frozenset[str], seed: int, groups: Mapping[str, str] | None
) -> tuple[frozenset[str], frozenset[str]] | None:
    """The fitting part split once more for heads and criteria (``None``: too small)."""
    try:
        inner = split_keys(sorted(fit), INNER_HOLDOUT, seed + 1, groups)
    except ConfigError:
        return None
    return inner.fit, inner.held


def _score(report: EvalReport, signal: str) -> tuple[float | None, float | None]:
    """``signal``'s F0.5 in ``report`` and the report's mean rho."""
    counts = report.signals.get(signal)
    return (f_half(counts) if counts is not None else None), mean_agreement(report)[0]


def _better(score: float | None, best: float | None) -> bool:
    return score is not None and (best is None or score > best + 1e-9)


def _keyed(result: ConversationResult, key: str) -> ConversationResult:
    return dataclasses.replace(result, conversation=key)


def _refusal(result: TuneResult) -> str:
    def shown(value: float | None) -> str:
        return "n/a" if value is None else f"{value:.3f}"

    if result.withdrawn and not result.changes:
        keys = ", ".join(c.key for c in result.withdrawn)
        return (
            f"{keys} raised agreement on the fitting part but did worse on the "
            f"{result.held} held-aside conversations and "
            f"{'was' if len(result.withdrawn) == 1 else 'were'} withdrawn; nothing else "
            f"raised agreement (held-aside mean F0.5 {shown(result.held_f05_before)}): "
            "refused, the rubric is kept as it is"
        )
    if not result.changes:
        return (
            "no setting raised agreement on the fitting part "
            f"(mean rho {shown(result.fit_before)}, mean F0.5 {shown(result.fit_f05_before)} "
            f"over {result.fit} conversations): the rubric is kept as it is"
        )
    return (
        f"the tune raised agreement on the fitting part (mean rho {shown(result.fit_before)} → "
        f"{shown(result.fit_after)}, mean F0.5 {shown(result.fit_f05_before)} → "
        f"{shown(result.fit_f05_after)}) but not on the {result.held} held-aside "
        f"conversations (mean rho {shown(result.held_before)} → {shown(result.held_after)}, "
        f"mean F0.5 {shown(result.held_f05_before)} → {shown(result.held_f05_after)}): "
        "refused, the rubric is kept as it is"
    )
