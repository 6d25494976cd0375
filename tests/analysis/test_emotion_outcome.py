"""Customer emotion per message and the conversation outcome."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from servicecoach.analysis.emotion import EMOTIONS, Emotion, classify_emotion, customer_emotions
from servicecoach.analysis.finding import SkillFinding
from servicecoach.analysis.outcome import estimate_outcome
from servicecoach.testing import make_conversation


@pytest.mark.parametrize(
    ("text", "label"),
    [
        ("This is RIDICULOUS, third time I am writing!!!", "anger"),
        ("Still not working after two weeks of waiting", "frustration"),
        ("I'm worried it won't arrive before Friday", "anxiety"),
        ("Where do I find the size guide?", "confusion"),
        ("I'm really disappointed with the quality", "disappointment"),
        ("Thank you so much Priya", "gratitude"),
        ("Phew, what a relief", "relief"),
        ("Perfect, all sorted now", "satisfaction"),
        ("My order number is 5521", "neutral"),
    ],
)
def test_emotion_labels(text: str, label: str) -> None:
    assert classify_emotion(text).label == label


@given(st.text(max_size=300))
def test_emotion_any_text_gets_a_known_label(text: str) -> None:
    emotion = classify_emotion(text)
    assert emotion.label in EMOTIONS and 0 < emotion.score <= 0.95


@pytest.mark.parametrize(
    ("turns", "start", "end", "resolved", "satisfaction"),
    [
        (
            [("customer", "My tent arrived broken!"), ("agent", "Sorry! New one today."), ("customer", "Thank you!")],
            "disappointment", "gratitude", True, 74,  # ending 94, journey 55
        ),
        (
            [("customer", "Where is my refund?"), ("agent", "Checking."), ("customer", "Still waiting, this is ridiculous")],
            "confusion", "anger", False, 25,  # ending 15, journey 36
        ),
        (
            [("customer", "Hi"), ("agent", "Hello, how can I help?")],
            "neutral", "neutral", None, 55,
        ),
    ],
)  # fmt: skip
def test_outcome(
    turns: list[tuple[str, str]], start: str, end: str, resolved: bool | None, satisfaction: int
) -> None:
    conversation = make_conversation(turns)
    outcome = estimate_outcome(
        conversation, customer_emotions(conversation), {"apology": SkillFinding(80)}
    )
    assert (outcome.emotion_start, outcome.emotion_end, outcome.resolved) == (start, end, resolved)
    assert outcome.satisfaction == satisfaction
    assert outcome.quality == round((80 + satisfaction) / 2)


def test_quality_weighs_the_result_as_much_as_the_manner() -> None:
    """The same polite agent scores lower overall when the customer leaves angry."""
    skills = {"empathy": SkillFinding(60), "clear_communication": SkillFinding(50)}
    happy = make_conversation(
        [("customer", "My card was charged twice"), ("agent", "Refunded now."),
         ("customer", "Thank you so much, that's sorted!")]
    )  # fmt: skip
    angry = make_conversation(
        [("customer", "My card was charged twice"), ("agent", "Refunded now."),
         ("customer", "It still shows twice, this is ridiculous")]
    )  # fmt: skip
    high = estimate_outcome(happy, customer_emotions(happy), skills)
    low = estimate_outcome(angry, customer_emotions(angry), skills)
    assert high.quality is not None and low.quality is not None
    assert low.quality < 55 < high.quality
    assert low.quality == round((55 + (low.satisfaction or 0)) / 2)


def test_quality_without_a_customer_message_is_the_skills_mean() -> None:
    conversation = make_conversation([("agent", "Your order has shipped.")])
    outcome = estimate_outcome(conversation, {}, {"clear_communication": SkillFinding(70)})
    assert (outcome.quality, outcome.satisfaction) == (70, None)
    assert estimate_outcome(conversation, {}, {}).quality is None


def test_satisfaction_follows_the_confidence_of_the_last_emotion() -> None:
    conversation = make_conversation(
        [("customer", "My order is late"), ("agent", "Sorry, checking."), ("customer", "Hmm")]
    )

    def satisfaction(label: str, score: float) -> int | None:
        emotions = {"m1": Emotion("neutral", 0.6), "m3": Emotion(label, score)}
        return estimate_outcome(conversation, emotions, {}).satisfaction

    assert satisfaction("anger", 0.9) < satisfaction("anger", 0.4) < satisfaction("neutral", 0.9)
    assert satisfaction("gratitude", 0.9) > satisfaction("gratitude", 0.4) > 55
    assert satisfaction("anger", 0.8) == satisfaction("anger", 0.95)  # full from 0.8


def test_satisfaction_is_half_how_it_ended_and_half_how_it_went() -> None:
    """Two customers end on the same thanks; the one who had to chase three times, angry
    in between, was not as satisfied as the one helped at once."""
    at_once = make_conversation(
        [("customer", "My parcel is late"), ("agent", "It arrives tomorrow."),
         ("customer", "Thank you!")]
    )  # fmt: skip
    chased = make_conversation(
        [("customer", "My parcel is late"), ("agent", "Checking."),
         ("customer", "Still nothing, this is ridiculous"), ("agent", "Checking again."),
         ("customer", "Third time I am writing, I am furious!!"),
         ("agent", "It arrives tomorrow."), ("customer", "Thank you!")]
    )  # fmt: skip
    quick = estimate_outcome(at_once, customer_emotions(at_once), {})
    slow = estimate_outcome(chased, customer_emotions(chased), {})
    assert quick.emotion_end == slow.emotion_end == "gratitude"
    assert quick.satisfaction is not None and slow.satisfaction is not None
    assert slow.satisfaction < quick.satisfaction
