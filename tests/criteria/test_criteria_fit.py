"""Fitting a criterion on its examples: deterministic, cached by the examples' digest, quick."""

from __future__ import annotations

import time
from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from servicecoach.analysis import criteria as module
from servicecoach.analysis.criteria import background_sentences, fit_criterion
from tests.analysis.fake_encoder import fake_encode
from tests.criteria.helpers import MEETS, MISSES, criterion


def test_criteria_fit_is_deterministic() -> None:
    module._fits.clear()
    first = fit_criterion(criterion(), fake_encode, "fake")
    module._fits.clear()
    again = fit_criterion(criterion(meets=MEETS[::-1]), fake_encode, "fake")  # order is no matter
    assert np.array_equal(first.weights, again.weights)
    assert (first.bias, first.threshold, first.digest, first.c) == (
        again.bias, again.threshold, again.digest, again.c
    )  # fmt: skip


def test_criteria_fit_is_cached_by_the_examples() -> None:
    first = fit_criterion(criterion(), fake_encode, "fake")
    assert fit_criterion(criterion(), fake_encode, "fake") is first
    other = fit_criterion(criterion(misses=[*MISSES, "Have a good day."]), fake_encode, "fake")
    assert other.digest != first.digest
    assert fit_criterion(criterion(), fake_encode, "other encoder").digest != first.digest


def test_criteria_fit_separates_its_examples_quickly() -> None:
    module._fits.clear()
    fit_criterion(criterion(), fake_encode, "warm")  # scikit-learn's import is not the fit
    module._fits.clear()
    started = time.perf_counter()
    model = fit_criterion(criterion(), fake_encode, "fake")
    assert time.perf_counter() - started < 0.5
    meets = model.probabilities(fake_encode(MEETS))
    misses = model.probabilities(fake_encode(MISSES))
    assert (meets >= model.threshold).all() and (misses < model.threshold).all()
    assert model.cv_precision == 1.0 and model.cv_recall == 1.0


def test_criteria_fit_learns_ordinary_sentences_as_misses() -> None:
    with_background = fit_criterion(criterion(), fake_encode, "fake")
    without = fit_criterion(criterion(background=False), fake_encode, "fake")
    assert with_background.digest != without.digest
    ordinary = fake_encode(list(background_sentences()))
    assert (with_background.probabilities(ordinary) < with_background.threshold).all()


def test_criteria_fit_keeps_out_background_sentences_like_its_meets() -> None:
    seen: list[list[str]] = []

    def encode(texts: Sequence[str]) -> npt.NDArray[np.float32]:
        seen.append(list(texts))
        return fake_encode(texts)

    meets = [*MEETS[:-1], "Thanks for your patience."]  # also a background sentence
    module._fits.clear()
    model = fit_criterion(criterion(meets=meets), encode, "spy")
    assert "Thanks for your patience." in seen[0][: len(meets)]  # a meet, never a miss
    assert seen[0].count("Thanks for your patience.") == 1
    assert model.probabilities(fake_encode(["Thanks for your patience."]))[0] > 0.5
