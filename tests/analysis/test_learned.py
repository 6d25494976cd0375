"""Learned views: sentence lookup, emotion combination, batching through the pipeline.

These tests build views by hand (a judge that returns fixed probabilities), so they
check how servicecoach combines learned outputs with its rules, not the model itself
(tests/nlp covers the model and heads).
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import Any, ClassVar

import numpy as np
import pytest

from servicecoach.analysis.analyzer import Analyzer, Context
from servicecoach.analysis.emotion import EMOTIONS, customer_emotions
from servicecoach.analysis.finding import SkillFinding
from servicecoach.analysis.handoff import INTERVAL
from servicecoach.analysis.learned import (
    HEADS,
    Judge,
    LearnedView,
    ReadyViews,
    SentenceSpan,
    default_judge,
    pair_inputs,
)
from servicecoach.analysis.pipeline import Pipeline
from servicecoach.model.conversation import Conversation
from servicecoach.nlp.embeddings import DIMENSION
from servicecoach.nlp.heads import POSITION_FEATURES, load_head
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

    def prepare(self, conversations: Sequence[Conversation]) -> ReadyViews:
        return ReadyViews(self.views(conversations))

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


def test_the_last_batch_is_cut_smaller_so_little_waits_for_the_analysers() -> None:
    judge: Any = _FixedJudge()
    pipeline = Pipeline([_Spy()], judge=judge)
    conversations = [make_conversation([("customer", "Hi")], id=f"c{i}") for i in range(81)]
    results = list(pipeline.run(conversations, batch=32))
    assert [r.conversation for r in results] == [f"c{i}" for i in range(81)]
    assert judge.batches == [32, 32, 9, 8]  # the last 17: halves down to at most 8


FRENCH = (
    "Bonjour, ma commande numéro 1042 n'est toujours pas arrivée et personne ne répond "
    "à mes courriels depuis une semaine."
)


def test_a_conversation_in_a_language_not_scored_is_not_embedded() -> None:
    judge: Any = _FixedJudge()
    pipeline = Pipeline([_Spy()], judge=judge)
    conversations = [
        make_conversation([("customer", "Hello there")], id="en-1"),
        make_conversation([("customer", FRENCH)], id="fr"),
        make_conversation([("customer", "Hello again")], id="en-2"),
    ]
    results = list(pipeline.run(conversations))
    assert judge.batches == [2]  # the French conversation's sentences never reach the model
    assert [r.conversation for r in results] == ["en-1", "fr", "en-2"]
    assert results[1].language == "fr" and results[1].not_scored
    assert results[0].not_scored is None and results[2].not_scored is None


def test_a_batch_with_nothing_to_score_embeds_nothing() -> None:
    pipeline = Pipeline([_Spy()], judge=default_judge())
    results = list(pipeline.run([make_conversation([("customer", FRENCH)], id="fr")]))
    assert [r.language for r in results] == ["fr"]


class _Abandoned(ReadyViews):
    given_up: ClassVar[list[str]] = []

    def __init__(self, conversations: Sequence[Conversation], views: list[LearnedView]) -> None:
        super().__init__(views)
        self.first = conversations[0].id

    def abandon(self) -> None:
        self.given_up.append(self.first)


def test_a_stream_stopped_early_gives_up_the_batch_it_queued() -> None:
    judge: Any = _FixedJudge()
    judge.prepare = lambda conversations: _Abandoned(conversations, judge.views(conversations))
    pipeline = Pipeline([_Spy()], judge=judge)
    conversations = [make_conversation([("customer", "Hi")], id=f"c{i}") for i in range(40)]
    stream = pipeline.run(conversations, batch=10)
    next(stream)  # batch 2 is with the model while batch 1 is analysed
    stream.close()
    assert _Abandoned.given_up == ["c10"]


def test_the_model_gets_the_lock_back_promptly_while_the_pipeline_runs() -> None:
    seen: list[float] = []

    class Clock(_Spy):
        def analyze(self, conversation: Conversation, context: Context) -> SkillFinding:
            seen.append(sys.getswitchinterval())
            return SkillFinding.not_applicable()

    before = sys.getswitchinterval()
    pipeline = Pipeline([Clock()], judge=_FixedJudge())
    list(pipeline.run([make_conversation([("customer", "Hi")]) for _ in range(3)]))
    assert seen and all(s == pytest.approx(INTERVAL) for s in seen)
    assert sys.getswitchinterval() == before


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


def test_view_fires_at_the_heads_thresholds() -> None:
    labels = ("closing_check", "warm_close")
    view = LearnedView(
        (SentenceSpan(0, 0, 5), SentenceSpan(0, 6, 12)),
        np.eye(2, 4, dtype=np.float32),
        {"acts": np.array([[0.8, 0.1], [0.5, 0.95]], np.float32)},
        {"acts": labels},
        {"acts": (0.7, 0.9)},
    )
    assert view.fires("acts", "closing_check", 0)
    assert not view.fires("acts", "closing_check", 1)
    assert view.fires("acts", "warm_close", 1)
    assert not view.fires("acts", "warm_close", 0)
    with pytest.raises(ValueError):
        view.fires("acts", "greeting", 0)
    with pytest.raises(KeyError):
        _view([(0, 0, 5)]).fires("emotion", "anger", 0)  # no thresholds for that head


def _unit_rows(n: int) -> np.ndarray:
    vectors = np.random.default_rng(7).normal(size=(n, DIMENSION)).astype(np.float32)
    return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)


def test_pair_inputs_take_the_other_sides_latest_message() -> None:
    conversation = make_conversation(
        [
            ("customer", "Hi. My card was declined."),
            ("agent", "Sorry about that. Which card?"),
            ("agent", "Are you there?"),
            ("customer", "The debit one."),
            ("agent", "Thanks."),
        ]
    )
    spans = [
        SentenceSpan(0, 0, 3),
        SentenceSpan(0, 4, 25),
        SentenceSpan(1, 0, 17),
        SentenceSpan(1, 18, 29),
        SentenceSpan(2, 0, 14),
        SentenceSpan(3, 0, 14),
        SentenceSpan(4, 0, 7),
    ]
    e = _unit_rows(len(spans))
    inputs = pair_inputs(conversation, spans, e)
    assert inputs.contexts.shape == (7, DIMENSION)
    # the customer's first message has no context; the agent's replies read the customer's
    np.testing.assert_allclose(inputs.contexts[:2], 0.0)
    mean = e[:2].mean(axis=0)
    for row in (2, 3, 4):
        np.testing.assert_allclose(inputs.contexts[row], mean / np.linalg.norm(mean), atol=1e-6)
    assert inputs.best_cosine[2] == pytest.approx(float(np.max(e[:2] @ e[2])), abs=1e-6)
    # the customer's second message reads the agent's latest message (index 2), not index 1
    np.testing.assert_allclose(inputs.contexts[5], e[4], atol=1e-6)
    np.testing.assert_allclose(inputs.contexts[6], e[5], atol=1e-6)
    column = {name: inputs.positions[:, i].tolist() for i, name in enumerate(POSITION_FEATURES)}
    assert column["first_of_side"] == [1, 1, 1, 1, 0, 0, 0]
    assert column["has_context"] == [0, 0, 1, 1, 1, 1, 1]
    assert column["sentence_index"] == [0, 0.25, 0, 0.25, 0, 0, 0]
    assert column["last_sentence"] == [0, 1, 0, 1, 1, 1, 1]
    assert column["last_message"] == [0, 0, 0, 0, 0, 0, 1]
    assert column["relative_position"] == pytest.approx([0, 0, 0.25, 0.25, 0.5, 0.75, 1])


class _HashEncoder:
    """A 384-dimensional stand-in for the sentence model (a fixed vector per text)."""

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        out = np.zeros((len(texts), DIMENSION), np.float32)
        for i, text in enumerate(texts):
            seed = int.from_bytes(text.encode()[:8].ljust(8, b"\0"), "little") + len(text)
            row = np.random.default_rng(seed).normal(size=DIMENSION)
            out[i] = row / np.linalg.norm(row)
        return out


def test_judge_views_carry_the_acts_head() -> None:
    judge = Judge(embedder=_HashEncoder())  # type: ignore[arg-type]
    conversations = [
        CONVERSATION,
        make_conversation([("agent", "Hello! How can I help?")], id="c2"),
        make_conversation([("customer", "")], id="c3"),
    ]
    views = judge.views(conversations)
    assert "acts" in HEADS
    acts = load_head("acts")
    for view in views:
        assert view.heads["acts"].shape == (len(view.spans), len(acts.labels))
        assert view.thresholds["acts"] == acts.thresholds
        for row in range(len(view.spans)):
            assert view.fires("acts", "closing_check", row) == (
                view.probability("acts", "closing_check", row)
                >= acts.thresholds[acts.labels.index("closing_check")]
            )
    assert len(views[2].spans) == 0
    # a conversation's outputs do not depend on what it is batched with
    alone = judge.view(conversations[0])
    np.testing.assert_allclose(alone.heads["acts"], views[0].heads["acts"], atol=1e-6)
