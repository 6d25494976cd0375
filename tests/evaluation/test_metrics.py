"""Agreement measures: confusion counts and Spearman correlation."""

from __future__ import annotations

import pytest

from servicecoach.evaluation.metrics import BinaryCounts, spearman


def test_counts_give_precision_recall_f1() -> None:
    counts = BinaryCounts()
    for predicted, actual in (
        [(True, True)] * 3 + [(True, False)] + [(False, True)] * 2 + [(False, False)] * 4
    ):
        counts.add(predicted, actual)
    assert (counts.tp, counts.fp, counts.fn, counts.tn) == (3, 1, 2, 4)
    assert counts.precision == pytest.approx(0.75)
    assert counts.recall == pytest.approx(0.6)
    assert counts.f1 == pytest.approx(2 * 3 / (6 + 1 + 2))
    assert counts.accuracy == pytest.approx(0.7)
    assert counts.to_dict() == {
        "support": 5, "predicted": 4, "n": 10, "precision": 0.75, "recall": 0.6, "f1": 0.667,
    }  # fmt: skip


def test_undefined_rates_are_none_not_zero_division() -> None:
    counts = BinaryCounts()
    counts.add(False, False)
    assert counts.precision is None
    assert counts.recall is None
    assert counts.f1 is None
    counts.add(False, True)
    assert counts.f1 == 0.0


def test_spearman_ranks_and_handles_degenerate_input() -> None:
    perfect = spearman([1, 2, 3, 4], [10, 20, 30, 40])
    assert perfect.rho == pytest.approx(1.0)
    reversed_ = spearman([1, 2, 3, 4], [4, 3, 2, 1])
    assert reversed_.rho == pytest.approx(-1.0)
    assert spearman([1, 2], [1, 2]).rho is None  # too few pairs
    assert spearman([5, 5, 5], [1, 2, 3]).rho is None  # constant scores
    with pytest.raises(ValueError, match="pair up"):
        spearman([1, 2, 3], [1, 2])
