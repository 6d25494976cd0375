"""Queue sampling strategies on hand-built candidates."""

from __future__ import annotations

import pytest

from servicecoach.review.sampling import Candidate, Strategy, sample

POOL = [
    Candidate(1, "sam", 90, {"empathy": 90}, messages=4, questions=0, emotion_end="gratitude"),
    Candidate(2, "sam", 30, {"empathy": 52}, messages=6, questions=1, emotion_end="neutral",
              reviewed={"empathy": [50, 90]}),
    Candidate(3, "ana", 55, {"empathy": 74, "closing": 49}, messages=30, questions=6,
              emotion_end="anger"),
    Candidate(4, "ana", None, {}, messages=3, questions=0, emotion_end=None,
              reviewed={"empathy": [60]}),
    Candidate(5, "lee", 70, {"empathy": 10}, messages=5, questions=0, emotion_end="relief",
              reviewed={"empathy": [40]}),
]  # fmt: skip


@pytest.mark.parametrize(
    ("strategy", "count", "expected"),
    [
        (Strategy.LOWEST, 2, [(2, "quality 30"), (3, "quality 55")]),
        (Strategy.LEAST_SURE, 2, [(3, "closing 49 is near a band boundary"),
                                  (2, "empathy 52 is near a band boundary")]),
        (Strategy.DISAGREED, 5, [(2, "empathy scores 40 points apart"),
                                 (5, "empathy scores 30 points apart")]),
        (Strategy.OUTLIERS, 1, [(3, "30 messages, 6 customer questions, ends in anger")]),
    ],
)  # fmt: skip
def test_sampling_strategies(
    strategy: Strategy, count: int, expected: list[tuple[int, str]]
) -> None:
    assert [(p.conversation_id, p.why) for p in sample(POOL, strategy, count)] == expected


def test_sampling_random_takes_agents_in_turns_and_repeats_with_a_seed() -> None:
    picks = sample(POOL, Strategy.RANDOM, 3, seed=7)
    assert sorted(p.why.rsplit(" ", 1)[1] for p in picks) == ["ana", "lee", "sam"]
    assert picks == sample(POOL, Strategy.RANDOM, 3, seed=7)
    assert len(sample(POOL, Strategy.RANDOM, 50)) == 5
    assert sample([], Strategy.RANDOM, 3) == [] and sample(POOL, Strategy.LOWEST, 0) == []
