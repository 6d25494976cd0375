"""Learned views: sentence lookup, emotion combination, batching through the pipeline.

These tests build views by hand (a judge that returns fixed probabilities), so they
check how servicecoach combines learned outputs with its rules, not the model itself
(tests/nlp covers the model and heads).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, ClassVar

import numpy as np
import pytest

from servicecoach.analysis.analyzer import Analyzer, Context
from servicecoach.analysis.emotion import EMOTIONS, customer_emotions
from servicecoach.analysis.finding import SkillFinding
from servicecoach.analysis.learned import LearnedView, SentenceSpan
from servicecoach.analysis.pipeline import Pipeline
from servicecoach.model.conversation import Conversation
from servicecoach.testing import make_conversation


def _view(
    spans: Sequence[tuple[int, int, int]],
    emotion: Sequence[dict[str, float]] | None = None,
    embeddings: Sequence[Sequence[float]] | None = None,
) -> LearnedView:
    n = len(spans)
    probabilities = np.zeros((n, len(EMOTIONS)), dtype=np.float32)
    for row, values in enumerate(emotion or [{"neutral": 1.0}] * n):
        for label, p in values.items():
            probabilities[row, EMOTIONS.index(label)] = p
    vectors = np.asarray(embeddings if embeddings is not None else np.eye(n, 4), np.float32)
    return LearnedView(
        tuple(SentenceSpan(*span) for span in spans),
        vectors,
        {"emotion": probabilities},
        {"emotion": EMOTIONS},
    )


def test_view_finds_sentences_and_similarity() -> None:
    view = _view(
        [(0, 0, 10), (0, 11, 30), (1, 0, 12)],
        embeddings=[[1, 0, 0, 0], [0, 1, 0, 0], [0.6, 0.8, 0, 0]],
    )
    assert view.rows(0) == [0, 1]
    assert view.rows(2) == []
    assert view.row_at(0, 12, 20) == 1
    assert view.row_at(0, 8, 14) == 1  # overlaps the second sentence more
    assert view.row_at(1, 50, 60) is None
    assert view.similarity(2, [0, 1]) == pytest.approx(0.8)
    assert view.similarity(2, []) == 0.0
    assert view.probability("emotion", "neutral", 0) == pytest.approx(1.0)


CONVERSATION = make_conversation(
    [
        ("customer", "My parcel is late. This is the third time I'm writing about it."),
        ("agent", "I'm sorry, let me check."),
        ("customer", "Ok, noted."),
    ]
)


def test_message_takes_its_most_emotional_sentence() -> None:
    view = _view(
        [(0, 0, 18), (0, 19, 63), (2, 0, 10)],
        emotion=[{"neutral": 0.9}, {"anger": 0.7, "neutral": 0.2}, {"neutral": 0.8}],
    )
    emotions = customer_emotions(CONVERSATION, view)
    assert emotions["m1"].label == "anger"
    assert emotions["m1"].score == pytest.approx(0.7)
    assert emotions["m3"].label == "neutral"


def test_rule_cues_tip_a_weak_model_judgement() -> None:
    view = _view(
        [(0, 0, 18), (0, 19, 63), (2, 0, 10)],
        emotion=[{"neutral": 0.9}, {"frustration": 0.2, "neutral": 0.7}, {"neutral": 0.9}],
    )
    emotions = customer_emotions(CONVERSATION, view)
    # "third time" is a frustration cue: 0.2 from the model plus the rule weight
    assert emotions["m1"].label == "frustration"
    assert customer_emotions(CONVERSATION)["m1"].label == "frustration"  # rules alone agree


class _Spy(Analyzer):
    name: ClassVar[str] = "spy"
    skill: ClassVar[str] = "empathy"
    seen: ClassVar[list[LearnedView | None]] = []

    def analyze(self, conversation: Conversation, context: Context) -> SkillFinding:
        self.seen.append(context.learned)
        return SkillFinding.not_applicable()


class _FixedJudge:
    """Stands in for :class:`~servicecoach.analysis.learned.Judge`; counts its batches."""

    def __init__(self) -> None:
        self.batches: list[int] = []

    def view(self, conversation: Conversation) -> LearnedView:
        return self.views([conversation])[0]

    def views(self, conversations: Sequence[Conversation]) -> list[LearnedView]:
        self.batches.append(len(conversations))
        return [_view([(0, 0, 5)]) for _ in conversations]


def test_pipeline_batches_views_and_hands_them_to_analysers() -> None:
    judge: Any = _FixedJudge()
    spy = _Spy()
    _Spy.seen.clear()
    pipeline = Pipeline([spy], judge=judge)
    assert not pipeline.fast
    conversations = [make_conversation([("customer", "Hello there")], id=f"c{i}") for i in range(5)]
    results = list(pipeline.run(conversations, batch=2))
    assert [r.conversation for r in results] == [f"c{i}" for i in range(5)]
    assert judge.batches == [2, 2, 1]
    assert all(view is not None for view in _Spy.seen)
    pipeline.analyze(conversations[0])
    assert judge.batches[-1] == 1


def test_fast_pipeline_has_no_views() -> None:
    _Spy.seen.clear()
    pipeline = Pipeline([_Spy()])
    assert pipeline.fast
    list(pipeline.run([make_conversation([("customer", "Hello there")])]))
    assert _Spy.seen == [None]


def test_a_polite_sign_off_does_not_make_an_upset_message_grateful() -> None:
    conversation = make_conversation([("customer", "The zip tore on day one. Thanks, Dana")])
    view = _view(
        [(0, 0, 23), (0, 24, 36)],
        emotion=[{"disappointment": 0.6, "neutral": 0.3}, {"gratitude": 0.95}],
    )
    assert customer_emotions(conversation, view)["m1"].label == "disappointment"
    alone = make_conversation([("customer", "Thanks, Dana")])
    assert customer_emotions(alone, _view([(0, 0, 12)], [{"gratitude": 0.95}]))["m1"].label == (
        "gratitude"
    )
