"""The trivial baselines: each rule on made-up messages, lifts, and the report's new figures."""

from __future__ import annotations

import pytest

from servicecoach.analysis.pipeline import Pipeline
from servicecoach.analysis.result import ConversationResult
from servicecoach.evaluation.baselines import (
    EMOTION_KEYWORDS,
    NEGATIVE_WORDS,
    POSITIVE_WORDS,
    SIGNAL_BASELINES,
    LabelledTexts,
    emotion_by_keywords,
    labelled_texts,
    lift,
    majority_label,
    score_by_keywords,
    sentiment_by_keywords,
    signal_baseline_fires,
    signal_rule,
)
from servicecoach.evaluation.evaluate import evaluate
from servicecoach.evaluation.labels import LabelSet, MessageLabel, ScoreLabel
from servicecoach.rubric import load_rubric
from servicecoach.testing import make_conversation
from tests.conftest import REPO

SIGNAL_CASES = [
    ("listening.question", "Which store did you order from?", True),
    ("listening.question", "I will check the store now.", False),
    ("listening.acknowledgement", "Got it, thanks for the details.", True),
    ("listening.acknowledgement", "  OK.", True),
    ("listening.acknowledgement", "Mmm, that makes sense.", True),
    ("listening.acknowledgement", "That is not okay at all.", False),
    ("listening.acknowledgement", "Surely we can fix it.", False),
    ("listening.paraphrase", "So you were charged twice for one ticket.", True),
    ("listening.paraphrase", "Just to confirm: the parcel never came?", True),
    ("listening.paraphrase", "You’re looking for a refund, then.", True),
    ("listening.paraphrase", "We will refund the parcel.", False),
    ("empathy.validation", "That sounds really stressful.", True),
    ("empathy.validation", "I completely understand why you are upset.", True),
    ("empathy.validation", "That's hard to deal with.", True),
    ("empathy.validation", "Your refund is on its way.", False),
    ("apology.apology", "Apologies for the wait.", True),
    ("apology.apology", "We apologise.", True),
    ("apology.apology", "Thanks for waiting.", False),
    ("problem_solving.solution", "You can reset it from the settings page.", True),
    (
        "problem_solving.solution",
        "The replacement ships from our warehouse on Monday morning.",
        True,
    ),
    ("problem_solving.solution", "Here's the link: https://help.example/reset", True),
    (
        "problem_solving.solution",
        "Which version of the app do you have on your phone there?",
        False,
    ),
    ("problem_solving.solution", "Thanks for waiting.", False),
    ("closing.check", "Is there anything else I can help with?", True),
    ("closing.check", "Is there something more?", False),
    ("closing.warm", "Have a great weekend!", True),
    ("closing.warm", "Take care, bye.", True),
    ("closing.warm", "Have a look at the form.", False),
    ("persuasion.reason", "The annual plan is better because it costs less.", True),
    ("persuasion.reason", "That way you keep your points.", True),
    ("persuasion.reason", "The annual plan is available.", False),
    ("private.invite", "Please DM us your order number.", True),
    ("private.invite", "Feel free to reach out by email.", True),
    ("private.invite", "The admin panel shows it.", False),
    ("patience.dismissive", "Calm down, it is only a parcel.", True),
    ("patience.blame", "You should have read the manual.", True),
    ("patience.shouting", "It is not broken!!", True),
    ("patience.impolite", "Whatever you say.", True),
    ("patience.impolite", "Thank you for your patience.", False),
]


@pytest.mark.parametrize(("key", "text", "fires"), SIGNAL_CASES)
def test_each_signal_baseline_rule(key: str, text: str, fires: bool) -> None:
    assert signal_baseline_fires(key, "agent", text) is fires


def test_every_baseline_is_tested_by_a_case() -> None:
    assert {key for key, _, fired in SIGNAL_CASES if fired} >= set(SIGNAL_BASELINES) - {
        "patience.sarcasm",
        "patience.defensive",
    }


@pytest.mark.parametrize(
    ("key", "text", "fires"),
    [
        ("empathy.validation|apology.apology", "Apologies for the wait.", True),
        ("empathy.validation|apology.apology", "That sounds hard.", True),
        ("empathy.validation|apology.apology", "Your refund is on its way.", False),
        ("closing.check|closing.warm", "Bye now.", True),
    ],
)
def test_alternatives_are_the_or_of_their_rules(key: str, text: str, fires: bool) -> None:
    assert signal_baseline_fires(key, "agent", text) is fires


def test_signal_rules_fire_on_agent_messages_only() -> None:
    assert signal_baseline_fires("listening.question", "customer", "Where is it?") is False
    assert signal_baseline_fires("listening.question", "agent", "Where is it?") is True


@pytest.mark.parametrize(
    "key", ["clarity.jargon", "listening.repeat", "empathy.validation|clarity.jargon"]
)
def test_signals_without_a_rule_have_no_baseline(key: str) -> None:
    assert signal_baseline_fires(key, "agent", "Anything?") is None
    assert signal_rule(key) is None


def test_alternatives_rule_names_both_rules_once() -> None:
    rule = signal_rule("patience.blame|patience.dismissive")
    assert rule is not None and " OR " not in rule  # the same rude-words rule, said once
    both = signal_rule("empathy.validation|apology.apology")
    assert both is not None and both.count(" OR ") == 1


@pytest.mark.parametrize(
    ("text", "sentiment"),
    [
        ("Thanks, that was great!", "positive"),
        ("The delivery is late again and I am upset.", "negative"),
        ("Great app but the update is broken and the sync fails.", "negative"),
        ("It arrives on Tuesday.", "neutral"),
        ("Good, but bad.", "neutral"),
    ],
)
def test_keyword_sentiment(text: str, sentiment: str) -> None:
    assert sentiment_by_keywords(text) == sentiment


@pytest.mark.parametrize(
    ("text", "emotion"),
    [
        ("Thank you so much!", "gratitude"),
        ("I am furious about this.", "anger"),
        ("It broke again.", "frustration"),
        ("I'm worried it will not come.", "anxiety"),
        ("I don't understand the bill.", "confusion"),
        ("Really disappointed in the service.", "disappointment"),
        ("Finally it works.", "relief"),
        ("Love the new design.", "satisfaction"),
        ("It is on the table.", "neutral"),
    ],
)
def test_keyword_emotion(text: str, emotion: str) -> None:
    assert emotion_by_keywords(text) == emotion


@pytest.mark.parametrize(
    ("labels", "majority"),
    [
        (["neutral", "positive", "positive"], "positive"),
        (["positive", "negative"], "negative"),  # a tie goes to the first in the order
        ([], None),
    ],
)
def test_majority_label(labels: list[str], majority: str | None) -> None:
    assert majority_label(labels, ("negative", "neutral", "positive")) == majority


@pytest.mark.parametrize(
    ("key", "text", "score"),
    [
        ("satisfaction", "Thanks, great help!", 2.0),
        ("quality", "Still broken, terrible.", -2.0),
        ("problem_solving", "ok", 0.0),
        ("empathy", "Thanks!", None),
    ],
)
def test_score_baseline(key: str, text: str, score: float | None) -> None:
    assert score_by_keywords(key, text) == score


@pytest.mark.parametrize(
    ("value", "baseline", "expected"),
    [(0.8, 0.5, 0.3), (0.4, 0.6, -0.2), (None, 0.5, None), (0.5, None, None), (0.5, 0.5, 0.0)],
)
def test_lift(value: float | None, baseline: float | None, expected: float | None) -> None:
    assert lift(value, baseline) == expected


# --------------------------------------------------------------------------- in the report

ASKS = make_conversation(
    [
        ("customer", "My parcel is late again and I am upset."),
        ("agent", "Sorry about that! Which address did you use?"),
        ("agent", "Anything else I can do?"),
    ],
    id="asks",
)
THANKS = make_conversation(
    [
        ("customer", "The parcel never came."),
        ("agent", "I have sent a new one today, it arrives on Monday morning."),
        ("customer", "Thanks, great help!"),
    ],
    id="thanks",
)
SILENT = make_conversation(
    [("customer", "Where is it?"), ("agent", "It is at the depot now."), ("customer", "bad")],
    id="silent",
)


@pytest.fixture(scope="module")
def results() -> list[ConversationResult]:
    pipeline = Pipeline.from_rubric(load_rubric(None), fast=True)
    return [pipeline.analyze(c) for c in (ASKS, THANKS, SILENT)]


def _labels() -> LabelSet:
    labels = LabelSet()
    for label in (
        MessageLabel("asks", "m2", {"listening.question": True, "clarity.jargon": False}),
        MessageLabel("asks", "m3", {"listening.question": False}),
        MessageLabel("thanks", "m2", {"listening.question": False}),
        MessageLabel("asks", "m1", emotion="frustration", sentiment="negative"),
        MessageLabel("thanks", "m3", emotion="gratitude", sentiment="positive"),
        MessageLabel("silent", "m3", sentiment="negative"),
        MessageLabel("asks", "m9", {"listening.question": True}),  # no such message
        ScoreLabel("asks", {"satisfaction": 2.0}),
        ScoreLabel("thanks", {"satisfaction": 5.0}),
        ScoreLabel("silent", {"satisfaction": 1.0}),
    ):
        labels.add(label)
    return labels


def test_labelled_texts_keep_only_what_the_baselines_read() -> None:
    texts = labelled_texts([ASKS, THANKS, SILENT], _labels())
    assert texts.messages[("asks", "m2")] == ("agent", ASKS.messages[1].text)
    assert ("asks", "m9") not in texts.messages
    assert ("thanks", "m1") not in texts.messages
    assert texts.last_customer == {
        "asks": ASKS.messages[0].text,
        "thanks": "Thanks, great help!",
        "silent": "bad",
    }


def test_report_measures_baselines_on_the_same_items(results: list[ConversationResult]) -> None:
    labels = _labels()
    report = evaluate(results, labels)
    report.add_baselines(labelled_texts([ASKS, THANKS, SILENT], labels))
    question = report.signal_baselines["listening.question"]
    # '?' fires on both agent questions: one right, the closing check wrong; m9 not counted
    assert (question.tp, question.fp, question.fn, question.tn) == (1, 1, 0, 1)
    assert "clarity.jargon" not in report.signal_baselines
    data = report.to_dict()
    row = data["signals"]["listening.question"]
    assert row["baseline"]["rule"] == "contains '?'"
    assert row["baseline"]["precision"] == 0.5
    assert row["lift"] == lift(row["f1"], row["baseline"]["f1"])
    assert row["precision_lift"] == lift(row["precision"], 0.5)
    assert data["signals"]["clarity.jargon"]["baseline"] is None
    assert data["signals"]["clarity.jargon"]["lift"] is None
    sentiment = data["sentiment"]["baselines"]
    assert sentiment["keywords"]["accuracy"] == 1.0
    assert sentiment["majority"]["label"] == "negative"
    assert sentiment["majority"]["accuracy"] == round(2 / 3, 3)
    assert data["sentiment"]["lift"] == lift(data["sentiment"]["macro_f1"], 1.0)
    assert data["emotions"]["baselines"]["keywords"]["accuracy"] == 1.0
    satisfaction = data["scores"]["satisfaction"]
    assert satisfaction["baseline"]["n"] == satisfaction["n"] == 3
    # keyword balance -2 (late, upset), +2 (thanks, great), -1 (bad) against 2, 5, 1
    assert satisfaction["baseline"]["rho"] == 0.5
    assert satisfaction["lift"] == lift(satisfaction["rho"], 0.5)


def test_report_without_baselines_keeps_its_shape(results: list[ConversationResult]) -> None:
    data = evaluate(results, _labels()).to_dict()
    assert set(data["signals"]["listening.question"]) == {
        "support", "predicted", "n", "precision", "recall", "f1", "experimental",
    }  # fmt: skip
    assert "baselines" not in data["sentiment"]
    assert "baseline" not in data["scores"]["satisfaction"]


def test_missing_texts_leave_items_out_of_the_baselines_only(
    results: list[ConversationResult],
) -> None:
    report = evaluate(results, _labels())
    report.add_baselines(LabelledTexts())
    assert report.signals["listening.question"].total == 3
    assert report.signal_baselines == {}
    assert report.to_dict()["signals"]["listening.question"]["baseline"] is None


@pytest.mark.parametrize(
    ("experimental", "key", "marked"),
    [
        ({"listening.question": "lost to '?'"}, "listening.question", True),
        ({"closing.warm": "lost"}, "listening.question", False),
        ({"apology.apology": "lost"}, "empathy.validation|apology.apology", True),
    ],
)
def test_experimental_signals_are_marked(
    results: list[ConversationResult], experimental: dict[str, str], key: str, marked: bool
) -> None:
    labels = LabelSet()
    labels.add(MessageLabel("asks", "m2", {key: True}))
    report = evaluate(results, labels)
    report.mark_experimental(experimental)
    row = report.to_dict()["signals"][key]
    assert row["experimental"] is marked
    assert ("experimental_reason" in row) is marked
    if marked:
        assert next(iter(experimental.values())) in row["experimental_reason"]


def _baselines_doc() -> str:
    text = (REPO / "docs" / "eval.md").read_text(encoding="utf-8")
    start = text.index("## What the baselines are")
    end = text.find("\n## ", start + 1)
    return text[start : end if end > 0 else None].replace("\\*", "*")


def test_docs_write_down_every_baseline() -> None:
    doc = _baselines_doc()
    for signal in SIGNAL_BASELINES:
        family, name = signal.split(".")
        assert f"`{signal}`" in doc or (family == "patience" and f".{name}`" in doc), signal
    for word in (*POSITIVE_WORDS, *NEGATIVE_WORDS):
        assert word in doc, word
    for label, words in EMOTION_KEYWORDS:
        assert all(word in doc for word in words), label
