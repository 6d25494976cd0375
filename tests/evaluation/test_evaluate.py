"""Comparing real analysis results with labels."""

from __future__ import annotations

from dataclasses import replace

import pytest

from servicecoach.analysis.emotion import Emotion
from servicecoach.analysis.pipeline import Pipeline
from servicecoach.analysis.result import ConversationResult
from servicecoach.evaluation.evaluate import evaluate, sentiment_of
from servicecoach.evaluation.labels import LabelSet, MessageLabel, ScoreLabel
from servicecoach.rubric import load_rubric
from servicecoach.testing import make_conversation

ASKS = make_conversation(
    [
        ("customer", "My order never arrived and I am really annoyed about it."),
        ("agent", "I'm sorry about that. Could you tell me which address you used?"),
    ],
    id="asks",
)
TELLS = make_conversation(
    [
        ("customer", "Thanks so much, that worked perfectly!"),
        ("agent", "Great, you are all set. Have a lovely day."),
    ],
    id="tells",
)


@pytest.fixture(scope="module")
def results() -> list[ConversationResult]:
    pipeline = Pipeline.from_rubric(load_rubric(None))
    return [pipeline.analyze(ASKS), pipeline.analyze(TELLS)]


def test_signals_are_counted_only_where_labelled(results: list[ConversationResult]) -> None:
    labels = LabelSet()
    labels.add(MessageLabel("asks", "m2", {"listening.question": True, "patience.blame": False}))
    labels.add(MessageLabel("tells", "m2", {"listening.question": True}))  # a miss
    labels.add(MessageLabel("asks", "m2", {"empathy.validation|apology.apology": True}))
    report = evaluate(results, labels)
    question = report.signals["listening.question"]
    assert (question.tp, question.fp, question.fn, question.tn) == (1, 0, 1, 0)
    blame = report.signals["patience.blame"]
    assert (blame.tp, blame.fp, blame.fn, blame.tn) == (0, 0, 0, 1)
    assert report.signals["empathy.validation|apology.apology"].tp == 1
    assert report.conversations == 2


def _with_emotion(result: ConversationResult, label: str) -> ConversationResult:
    return replace(result, emotions={"m1": Emotion(label, 0.9)})


def test_emotion_and_sentiment_agreement(results: list[ConversationResult]) -> None:
    asks, tells = results
    judged = [_with_emotion(asks, "anger"), _with_emotion(tells, "gratitude")]
    labels = LabelSet()
    labels.add(MessageLabel("asks", "m1", emotion="frustration", sentiment="negative"))
    labels.add(MessageLabel("tells", "m1", emotion="gratitude", sentiment="positive"))
    report = evaluate(judged, labels)
    data = report.to_dict()
    assert data["sentiment"]["accuracy"] == 1.0  # anger and frustration are both negative
    assert data["emotions"]["accuracy"] == 0.5
    assert report.emotions["gratitude"].tp == 1
    assert report.emotions["anger"].fp == 1
    assert report.emotions["frustration"].fn == 1
    assert data["emotions"]["macro_f1"] == 0.5  # gratitude 1.0, frustration 0.0
    assert sentiment_of("relief") == "positive"
    assert sentiment_of("confusion") == "negative"
    assert sentiment_of("neutral") == "neutral"


def test_scores_are_rank_correlated_and_unscored_skills_counted(
    results: list[ConversationResult],
) -> None:
    labels = LabelSet()
    labels.add(ScoreLabel("asks", {"quality": 2.0, "responsiveness": 1.0}, resolved=False))
    labels.add(ScoreLabel("tells", {"quality": 5.0}, resolved=True))
    report = evaluate(results, labels)
    assert report.scores["quality"].n == 2
    assert report.scores["quality"].rho is None  # two pairs are too few to rank
    assert report.resolved is not None
    assert report.resolved.total == 2


def test_unknown_ids_are_reported(results: list[ConversationResult]) -> None:
    labels = LabelSet()
    labels.add(MessageLabel("asks", "m9", emotion="anger"))
    labels.add(MessageLabel("ghost", "m1", emotion="anger"))
    report = evaluate(results, labels)
    assert report.unmatched == ["asks/m9", "ghost"]
