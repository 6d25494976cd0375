"""Calibration figures: Krippendorff's alpha (the maintained library), spread, alignment."""

from __future__ import annotations

import pytest

from servicecoach.review.agreement import AI_GRADER, alpha, session_agreement


@pytest.mark.parametrize(
    ("matrix", "expected"),
    [
        ([[1, 2, 3], [1, 2, 4]], 0.878),  # worked by hand: 1 - (2/6) / (82/30)
        ([[10, 50, 90], [10, 50, 90], [10, 50, 90]], 1.0),
        ([[70, 70], [70, 70]], None),  # one value throughout: undefined
        ([[70, None], [None, 60]], None),  # no conversation scored twice
        ([[70, 60]], None),  # one coder
        ([[80, 20, None], [20, 80, 50]], -0.5),  # by hand: 1 - 3600 / 2400 (50 is unpaired)
    ],
)
def test_agreement_alpha(matrix: list[list[int | None]], expected: float | None) -> None:
    assert alpha(matrix) == expected


def test_agreement_session_figures_and_alignment() -> None:
    reviews = {
        1: {"ana": {"empathy": 50, "closing": None}, "bo": {"empathy": 60}, "cy": {"empathy": 70}},
        2: {"ana": {"empathy": 40}, "bo": {"empathy": 50}, "cy": {"empathy": 60}},
    }
    ai = {1: {"empathy": 80}, 2: {"empathy": 80}}
    found = session_agreement(reviews, ai, reviewers=["ana", "bo", "cy", "dee"])
    [empathy] = [s for s in found.skills if s.skill == "empathy"]
    assert (empathy.units, empathy.mean_range, empathy.mean_sd) == (2, 20.0, 8.2)
    assert empathy.alpha is not None and empathy.alpha_with_ai is not None
    assert empathy.alpha_with_ai < empathy.alpha  # servicecoach sits outside the team
    by = {g.grader: g for g in found.graders}
    assert [by[n].mean_difference for n in ("ana", "bo", "cy", AI_GRADER)] == [
        -15.0,
        0.0,
        15.0,
        25.0,
    ]
    assert by["dee"].compared == 0 and by["dee"].mean_difference is None
    assert (found.strictest, found.most_lenient) == ("ana", AI_GRADER)
    agreed = session_agreement(reviews, ai, {1: {"empathy": 60}})
    by = {g.grader: g for g in agreed.graders}
    assert [by[n].mean_difference for n in ("ana", "cy")] == [-12.5, 12.5]  # (-10 - 15) / 2
    assert "closing" not in {s.skill for s in found.skills}  # only n/a: nothing to show
