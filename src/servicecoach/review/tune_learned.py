"""The learned part of a tune: team heads for the learned signals and custom criteria
refitted with the reviewers' sentences (``servicecoach tune``, with the learned models).

Both learn from the reviewed sentences of the fitting part (:mod:`.reviewed`), and both
would look perfect on the sentences they learned from, so the fitting part is split once
more (:data:`INNER_HOLDOUT`, seeded like the main split): a change is fitted on the first
piece and judged on the second, and only when it raises that signal's F0.5 there (without
lowering mean rho) is it refitted on the whole fitting part and kept. The held-aside part
is not seen here; :func:`servicecoach.review.tune.tune` measures the result on it and
withdraws a change whose own signal does worse there (:meth:`LearnedChange.holds`).

- **Heads**: for each learned signal (``rubric.LEARNED_SIGNALS``) the reviewers marked,
  a team head over the sentence embedding and the shipped ``acts`` head's log-odds
  (:func:`~.team_head.fit_team_head`); it replaces that signal's threshold.
- **Criteria**: for each of the rubric's criteria the reviewers marked
  (``criteria.NAME``), the sentences they agreed with or marked missed are added to its
  ``meets``, those they marked wrong to its ``misses`` (a reviewer's verdict moves an
  example the rubric had on the other side), and the criterion is refitted.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import partial

import numpy as np
from pydantic import ValidationError

from servicecoach.analysis.criteria import FAMILY, CriterionModel, fit_criterion
from servicecoach.analysis.learned import Judge, LearnedView
from servicecoach.errors import ConfigError
from servicecoach.evaluation.evaluate import EvalReport
from servicecoach.evaluation.metrics import BinaryCounts
from servicecoach.model.conversation import Conversation
from servicecoach.review.reviewed import ExampleRow, ReviewedSentence, example_rows
from servicecoach.review.team_head import fit_team_head
from servicecoach.rubric import LEARNED_SIGNALS, Criterion, Rubric, TeamHead

__all__ = [
    "INNER_HOLDOUT",
    "LearnedChange",
    "fit_learned",
    "with_criterion",
    "with_examples",
    "with_head",
]

INNER_HOLDOUT = 0.3
"""The share of the fitting part a head or criterion is judged on before it is kept."""

Measure = Callable[[Rubric, frozenset[str]], EvalReport]
"""Analyse the reviewed conversations of some keys with a rubric and measure them."""
Score = Callable[[EvalReport, str], tuple[float | None, float | None]]
"""A signal's F0.5 and the mean rho in a report."""


@dataclass(frozen=True, slots=True)
class LearnedChange:
    """A head or criterion the tune fitted.

    Attributes:
        key: the dotted rubric key (``signals.heads.SIGNAL`` or ``criteria.NAME``).
        signal: the signal it decides.
        before, after: what it was and is, in words (the report shows them).
        apply: the change, applied to a rubric.
        rises: whether its held-aside F0.5 must rise (heads) or only not fall (criteria).
    """

    key: str
    signal: str
    before: str
    after: str
    apply: Callable[[Rubric], Rubric]
    rises: bool

    def holds(self, before: Mapping[str, BinaryCounts], after: Mapping[str, BinaryCounts]) -> bool:
        """Whether the held-aside counts keep it: its signal's F0.5 rises (a head) or does
        not fall (a criterion); kept when the held-aside part has no labels of it."""
        from servicecoach.review.tune import f_half

        old, new = before.get(self.signal), after.get(self.signal)
        f_old = f_half(old) if old is not None else None
        f_new = f_half(new) if new is not None else None
        if f_old is None or f_new is None:
            return True
        return f_new > f_old + 1e-9 if self.rises else f_new >= f_old - 1e-9


def with_head(rubric: Rubric, signal: str, head: TeamHead) -> Rubric:
    """``rubric`` with ``head`` deciding ``signal`` (its threshold in the rubric dropped:
    the head has its own)."""
    thresholds = {s: t for s, t in rubric.signals.thresholds.items() if s != signal}
    chosen = rubric.signals.model_copy(
        update={"thresholds": thresholds, "team_heads": {**rubric.signals.team_heads, signal: head}}
    )
    return rubric.model_copy(update={"signals": chosen})


def with_criterion(rubric: Rubric, name: str, criterion: Criterion) -> Rubric:
    """``rubric`` with criterion ``name`` replaced."""
    return rubric.model_copy(update={"criteria": {**rubric.criteria, name: criterion}})


def with_examples(criterion: Criterion, rows: Sequence[ExampleRow]) -> Criterion | None:
    """``criterion`` with the reviewed sentences added as examples (``None`` when the
    result would not be a valid criterion). A sentence reviewed both ways is left out;
    the examples file's sentences are kept inline (``examples`` is cleared)."""
    meets = {r.text for r in rows if r.present}
    misses = {r.text for r in rows if not r.present}
    meets, misses = meets - misses, misses - meets
    kept_meets = [s for s in criterion.meets if s not in misses]
    kept_misses = [s for s in criterion.misses if s not in meets]
    try:
        return Criterion.model_validate(
            {
                **criterion.model_dump(exclude_defaults=True),
                "meets": _unique([*kept_meets, *sorted(meets)]),
                "misses": _unique([*kept_misses, *sorted(misses)]),
                "examples": None,
            }
        )
    except ValidationError:
        return None


def _unique(texts: Sequence[str]) -> list[str]:
    return list(dict.fromkeys(texts))


def fit_learned(
    rubric: Rubric,
    judge: Judge,
    views: Mapping[str, LearnedView],
    conversations: Mapping[str, Conversation],
    reviewed: Sequence[ReviewedSentence],
    inner: tuple[frozenset[str], frozenset[str]],
    measure: Measure,
    score: Score,
) -> tuple[Rubric, list[LearnedChange]]:
    """Fit a team head per reviewed learned signal and refit each reviewed criterion.

    Args:
        rubric: the rubric the search found so far.
        judge: the learned models (their embedder fits the criteria).
        views: each reviewed conversation's learned view, by key.
        conversations: the reviewed conversations by key.
        reviewed: the reviewed sentences of the fitting part.
        inner: the fitting part split in two: fitted on, judged on.
        measure: measures a rubric on some keys.
        score: reads a signal's F0.5 and the mean rho from a report.

    Returns:
        The rubric with the kept changes, and the changes.
    """
    first, second = inner
    changes: list[LearnedChange] = []
    best = rubric
    report = measure(best, second)

    def better(candidate: Rubric, signal: str) -> bool:
        tried = measure(candidate, second)
        (f_old, rho_old), (f_new, rho_new) = score(report, signal), score(tried, signal)
        up = f_new is not None and (f_old is None or f_new > f_old + 1e-9)
        kept_rho = rho_old is None or (rho_new is not None and rho_new >= rho_old - 1e-9)
        return up and kept_rho

    for signal, label in sorted(LEARNED_SIGNALS.items()):
        if "acts" not in judge.heads or label not in judge.heads["acts"].labels:
            continue
        column = judge.heads["acts"].labels.index(label)

        def likeliest(key: str, rows: Sequence[int], column: int = column) -> int:
            return max(rows, key=lambda r: float(views[key].heads["acts"][r, column]))

        def head_on(
            keys: frozenset[str], signal: str = signal, column: int = column
        ) -> TeamHead | None:
            rows = list(example_rows(_of(reviewed, keys), signal, conversations, views, likeliest))
            if not rows:
                return None
            return fit_team_head(
                np.vstack([views[r.key].embeddings[r.row] for r in rows]),
                np.array([views[r.key].heads["acts"][r.row, column] for r in rows]),
                np.array([r.present for r in rows]),
            )

        trial = head_on(first)
        if trial is None:
            continue
        final = head_on(first | second) if better(with_head(best, signal, trial), signal) else None
        if final is None:
            continue
        before = "team head" if signal in best.signals.team_heads else "shipped head"
        threshold = best.signals.thresholds.get(signal)
        if threshold is not None:
            before += f" at {threshold}"
        best = with_head(best, signal, final)
        report = measure(best, second)
        changes.append(
            LearnedChange(
                f"signals.heads.{signal}",
                signal,
                before,
                f"team head ({final.examples} reviewed sentences, threshold {final.threshold:.2f})",
                partial(with_head, signal=signal, head=final),
                rises=True,
            )
        )
    encode, encoder = judge.embedder.encode, judge.embedder.model_name
    background = rubric.team_lexicons().get("criteria_background")  # as the pipeline fits
    for name in sorted(rubric.criteria):
        signal = f"{FAMILY}.{name}"
        start = best.criteria[name]
        model = fit_criterion(start, encode, encoder, background)

        def closest(key: str, rows: Sequence[int], model: CriterionModel = model) -> int:
            scores = model.probabilities(views[key].embeddings[list(rows)])
            return rows[int(np.argmax(scores))]

        def refit(
            keys: frozenset[str], start: Criterion = start, signal: str = signal
        ) -> Criterion | None:
            rows = list(example_rows(_of(reviewed, keys), signal, conversations, views, closest))
            return with_examples(start, rows) if rows else None

        trial_criterion = refit(first)
        if trial_criterion is None:
            continue
        try:
            kept = better(with_criterion(best, name, trial_criterion), signal)
        except ConfigError:  # the criterion cannot be fitted on these examples
            continue
        refitted = refit(first | second) if kept else None
        if refitted is None:
            continue
        added = (len(refitted.meets) - len(start.meets), len(refitted.misses) - len(start.misses))
        best = with_criterion(best, name, refitted)
        report = measure(best, second)
        changes.append(
            LearnedChange(
                f"criteria.{name}",
                signal,
                f"{len(start.meets)} meets, {len(start.misses)} misses",
                f"{len(refitted.meets)} meets ({added[0]:+d}), "
                f"{len(refitted.misses)} misses ({added[1]:+d}) from the reviews",
                partial(with_criterion, name=name, criterion=refitted),
                rises=False,
            )
        )
    return best, changes


def _of(reviewed: Sequence[ReviewedSentence], keys: frozenset[str]) -> list[ReviewedSentence]:
    return [r for r in reviewed if r.key in keys]
