"""The clarity analyser, table-driven: (conversation, expected score and signals)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from servicecoach.analysis.analyzer import Context
from servicecoach.analysis.analyzers.clarity import (
    ClarityAnalyzer,
    flesch_kincaid_grade,
    syllables,
)
from servicecoach.analysis.finding import SkillFinding
from servicecoach.model.conversation import Channel
from servicecoach.testing import check_finding, make_conversation

ANALYZER = ClarityAnalyzer()

_HARD = (
    "Notwithstanding the aforementioned considerations, the organisational implementation "
    "necessitates comprehensive reconfiguration of administrative authentication "
    "mechanisms before any subsequent modifications become operational."
)
_RAMBLE = " ".join(["We looked at it and it is fine now."] * 15)


def _run(turns: list[tuple[str, str]]) -> SkillFinding:
    return ANALYZER.analyze(make_conversation(turns), Context())


@pytest.mark.parametrize(
    ("turns", "score", "signals"),
    [
        pytest.param(
            [("customer", "Is the tent in?"), ("agent", "Yes, it ships today.")],
            85,
            [],
            id="plain",
        ),
        pytest.param(
            [("customer", "Hello?")],
            None,
            [],
            id="no-reply-not-applicable",
        ),
        pytest.param(
            [
                ("customer", "Is the tent in?"),
                ("agent", "That item is out of stock until next week."),
            ],
            70,
            [("clarity.negative_language", "That item is out of stock until next week.")],
            id="out-of-stock",
        ),
        pytest.param(
            [
                ("customer", "Is the tent in?"),
                ("agent", "Unfortunately it's out of stock, but I can order it for you."),
            ],
            85,
            [],
            id="alternative-same-sentence",
        ),
        pytest.param(
            [
                ("customer", "Refund?"),
                ("agent", "We can't refund opened items. Instead, I can offer store credit."),
            ],
            85,
            [],
            id="alternative-next-sentence",
        ),
        pytest.param(
            [
                ("customer", "Refund?"),
                ("agent", "We can't refund opened items. That's the rule. Store credit works."),
            ],
            70,
            [("clarity.negative_language", "We can't refund opened items.")],
            id="alternative-too-late",
        ),
        pytest.param(
            [("customer", "Can you?"), ("agent", "Sorry, but I can't do that.")],
            70,
            [("clarity.negative_language", "Sorry, but I can't do that.")],
            id="but-i-cant-is-no-alternative",
        ),
        pytest.param(
            [("customer", "Refund?"), ("agent", "Unfortunately there is nothing more we can do.")],
            70,
            [("clarity.negative_language", "Unfortunately there is nothing more we can do.")],
            id="nothing-we-can-do-is-no-alternative",
        ),
        pytest.param(
            [("customer", "Will it break?"), ("agent", "Don't worry, you can't break it.")],
            85,
            [],
            id="reassurance",
        ),
        pytest.param(
            [("customer", "Booked!"), ("agent", "I can't wait to hear how the trip goes!")],
            85,
            [],
            id="cant-wait",
        ),
        pytest.param(
            [
                ("customer", "I can't log in to my account"),
                ("agent", 'You said "I can\'t log in to my account" - a reset link is on its way.'),
            ],
            85,
            [],
            id="quoted-customer",
        ),
        pytest.param(
            [
                ("customer", "Help"),
                ("agent", "If you can't find it, check the spam folder. Can't you see it?"),
            ],
            85,
            [],
            id="condition-and-question",
        ),
        pytest.param(
            [("customer", "Wrap it?"), ("agent", "We don't offer that. There's no other option.")],
            70,
            [("clarity.negative_language", "We don't offer that.")],
            id="no-option-is-no-alternative",
        ),
        pytest.param(
            [
                ("customer", "Refund?"),
                ("agent", "I've escalated to L2 under OPS-4412 per the SOP (order ORD-5521)."),
            ],
            55,
            [
                ("clarity.jargon", "escalated to L2"),
                ("clarity.jargon", "OPS-4412"),
                ("clarity.jargon", "per the SOP"),
            ],
            id="jargon",
        ),
        pytest.param(
            [("customer", "Return?"), ("agent", "Your return number is RMA-20391.")],
            75,
            [("clarity.jargon", "RMA-20391")],
            id="jargon-code-counted-once",
        ),
        pytest.param(
            [("customer", "Where is it?"), ("agent", _RAMBLE)],
            75,
            [("clarity.too_long", _RAMBLE)],
            id="too-long",
        ),
        pytest.param(
            [("customer", "Explain?"), ("agent", _HARD)],
            75,
            [("clarity.hard_to_read", _HARD)],
            id="hard-to-read",
        ),
        pytest.param(
            [
                ("customer", "Refund?"),
                ("agent", "To recap: I've refunded the order and you'll see it within 5 days."),
            ],
            95,
            [("clarity.recap", "To recap")],
            id="recap",
        ),
        pytest.param(
            [
                ("customer", "Refund?"),
                ("agent", "Done. I've refunded it and you'll see it within 5 days."),
            ],
            95,
            [("clarity.recap", "I've refunded it and you'll see it within 5 days.")],
            id="done-and-next",
        ),
        pytest.param(
            [
                ("customer", "How do I reset it?"),
                ("agent", "Here's how:\n1. Open Settings\n2. Tap Reset\n3. Confirm"),
            ],
            90,
            [("clarity.steps", "1. Open Settings\n2. Tap Reset\n3. Confirm")],
            id="steps",
        ),
    ],
)
def test_clarity_table(
    turns: list[tuple[str, str]], score: int | None, signals: list[tuple[str, str]]
) -> None:
    finding = _run(turns)
    assert finding.score == score
    assert [(e.signal, e.quote) for e in finding.evidence] == signals


@pytest.mark.parametrize(
    ("reply", "rewrite"),
    [
        (
            "That item is out of stock until next week.",
            "That item is due back next week - I can order it now so it ships the day it arrives.",
        ),
        (
            "Sorry, the Trail tents are out of stock until the 12th.",
            "The Trail tents are due back on the 12th - I can order them now so they ship the "
            "day they arrive.",
        ),
        (
            "The blue kettle is no longer available.",
            "I can suggest a close match to the blue kettle that's available now - shall I send "
            "you a couple of options?",
        ),
    ],
)
def test_clarity_negative_language_rewrite_leads_with_the_option(reply: str, rewrite: str) -> None:
    finding = _run([("customer", "Is it in?"), ("agent", reply)])
    (evidence,) = finding.evidence
    assert evidence.suggestion == rewrite


def test_clarity_generic_suggestion_when_the_shape_is_unknown() -> None:
    (evidence,) = _run([("customer", "Hi"), ("agent", "That is not possible.")]).evidence
    assert evidence.suggestion and evidence.suggestion.startswith("Lead with what you can do")


def test_clarity_jargon_suggests_plain_words() -> None:
    (evidence,) = _run([("customer", "Hi"), ("agent", "It is within our SLA.")]).evidence
    assert evidence.suggestion == 'Say "our promised response time" instead of "SLA".'


def test_clarity_too_long_relative_to_a_short_question() -> None:
    reply = " ".join(["It is fine now."] * 22)  # 88 words: > 80 and > 3x the question
    finding = _run([("customer", "Is it fixed yet?"), ("agent", reply)])
    assert [e.signal for e in finding.evidence] == ["clarity.too_long"]


@pytest.mark.parametrize(
    ("word", "count"),
    [
        ("cat", 1),
        ("table", 2),
        ("make", 1),
        ("wanted", 2),
        ("boxes", 2),
        ("refund", 2),
        ("unfortunately", 5),
        ("people", 2),
        ("apologise", 4),
    ],
)
def test_clarity_syllables(word: str, count: int) -> None:
    assert syllables(word) == count


def test_clarity_grade_of_plain_text_is_low() -> None:
    plain = [["it", "ships", "today"], ["you", "will", "get", "an", "email"]]
    assert flesch_kincaid_grade(plain) < 4
    assert flesch_kincaid_grade([]) == 0.0


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["customer", "agent", "bot", "system"]),
            st.text(
                alphabet=st.sampled_from(list("aAbB zZ1-!?.,'\"“”>\n*")) | st.characters(),
                max_size=200,
            ),
        ),
        max_size=6,
    )
)
def test_clarity_never_raises_and_spans_index_the_text(turns: list[tuple[str, str]]) -> None:
    conversation = make_conversation(turns)
    check_finding(conversation, ANALYZER.analyze(conversation, Context()))


@pytest.mark.parametrize(
    ("channel", "words", "too_long"),
    [
        ("social", 50, False),
        ("social", 51, True),
        ("sms", 51, True),
        ("chat", 80, False),
        ("chat", 81, True),
        ("email", 120, False),
        ("email", 121, True),
    ],
)
def test_clarity_too_long_depends_on_the_channel(channel: str, words: int, too_long: bool) -> None:
    question = (
        "My parcel is late and I have waited a week for it, can you tell me where it is now please?"
    )
    reply = " ".join(["word"] * words)
    conversation = make_conversation(
        [("customer", question * 3), ("agent", reply)], channel=Channel(channel)
    )
    finding = ANALYZER.analyze(conversation, Context())
    assert ("clarity.too_long" in {e.signal for e in finding.evidence}) is too_long
