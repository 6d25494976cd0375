"""Measuring servicecoach against human labels: labels files, metrics, reports.

A team checks servicecoach against its own QA reviews with ``servicecoach eval``: the
conversations (any importable format) and a labels file (docs/eval.md) go in; precision,
recall and F1 per signal, per-emotion agreement and rank correlation per score come out.
"""

from __future__ import annotations

from servicecoach.evaluation.evaluate import EvalReport, evaluate
from servicecoach.evaluation.labels import LabelSet, MessageLabel, ScoreLabel, load_labels
from servicecoach.evaluation.metrics import BinaryCounts, Correlation, spearman

__all__ = [
    "BinaryCounts",
    "Correlation",
    "EvalReport",
    "LabelSet",
    "MessageLabel",
    "ScoreLabel",
    "evaluate",
    "load_labels",
    "spearman",
]
