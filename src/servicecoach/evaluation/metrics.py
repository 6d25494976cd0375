"""Agreement measures: confusion counts for yes/no labels and Spearman rank correlation."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

__all__ = ["BinaryCounts", "Correlation", "spearman"]


@dataclass(slots=True)
class BinaryCounts:
    """Confusion counts of one yes/no judgement against human labels."""

    tp: int = 0
    fp: int = 0
    fn: int = 0
    tn: int = 0

    def add(self, predicted: bool, actual: bool) -> None:
        """Count one labelled item."""
        if predicted and actual:
            self.tp += 1
        elif predicted:
            self.fp += 1
        elif actual:
            self.fn += 1
        else:
            self.tn += 1

    @property
    def support(self) -> int:
        """How many items the humans labelled positive."""
        return self.tp + self.fn

    @property
    def predicted(self) -> int:
        """How many items servicecoach judged positive."""
        return self.tp + self.fp

    @property
    def total(self) -> int:
        """How many labelled items there were."""
        return self.tp + self.fp + self.fn + self.tn

    @property
    def precision(self) -> float | None:
        """Share of servicecoach's positives the humans agree with (None: it fired never)."""
        return self.tp / self.predicted if self.predicted else None

    @property
    def recall(self) -> float | None:
        """Share of the humans' positives servicecoach found (None: no positives)."""
        return self.tp / self.support if self.support else None

    @property
    def f1(self) -> float | None:
        """Harmonic mean of precision and recall (0 when either is 0 or undefined)."""
        if not self.support and not self.predicted:
            return None
        return 2 * self.tp / (2 * self.tp + self.fp + self.fn)

    @property
    def accuracy(self) -> float | None:
        """Share of all items judged like the humans did."""
        return (self.tp + self.tn) / self.total if self.total else None

    def to_dict(self) -> dict[str, float | int | None]:
        """Counts and rates, rounded for reports."""
        return {
            "support": self.support,
            "predicted": self.predicted,
            "n": self.total,
            "precision": _round(self.precision),
            "recall": _round(self.recall),
            "f1": _round(self.f1),
        }


@dataclass(frozen=True, slots=True)
class Correlation:
    """Spearman's rank correlation of servicecoach's scores with human ones.

    Attributes:
        rho: the correlation (-1..1), ``None`` with fewer than 3 pairs or constant scores.
        p_value: two-sided p-value of no correlation.
        n: pairs compared (items where both sides have a score).
        missing: labelled items servicecoach gave no score (skill not applicable).
    """

    rho: float | None
    p_value: float | None
    n: int
    missing: int = 0

    def to_dict(self) -> dict[str, float | int | None]:
        """The figures, rounded for reports."""
        return {
            "rho": _round(self.rho),
            "p_value": None if self.p_value is None else float(f"{self.p_value:.3g}"),
            "n": self.n,
            "missing": self.missing,
        }


def spearman(predicted: Sequence[float], actual: Sequence[float], missing: int = 0) -> Correlation:
    """Spearman's rho (ties averaged) between paired scores."""
    if len(predicted) != len(actual):
        raise ValueError("predicted and actual scores must pair up")
    n = len(predicted)
    if n < 3 or len(set(predicted)) < 2 or len(set(actual)) < 2:
        return Correlation(None, None, n, missing)
    from scipy.stats import spearmanr  # half a second to import: only when evaluating

    result = spearmanr(predicted, actual)
    rho, p_value = float(result.statistic), float(result.pvalue)
    if math.isnan(rho):
        return Correlation(None, None, n, missing)
    return Correlation(rho, p_value, n, missing)


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 3)
