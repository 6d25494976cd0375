"""The empathy analyser, table-driven: (conversation, expected score and signals)."""

from __future__ import annotations

from dataclasses import replace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from servicecoach.analysis.analyzer import Context
from servicecoach.analysis.analyzers.empathy import EmpathyAnalyzer
from servicecoach.analysis.finding import SkillFinding
from servicecoach.model.conversation import Customer, Message, Role
from servicecoach.testing import check_finding, make_conversation

ANALYZER = EmpathyAnalyzer()

BROKEN = "My tent arrived broken."
FRUSTRATED = "My order is late and I am really frustrated."
WORRIED = (
    "I'm really worried - our trip on Saturday is close and my Ridgeline tent has a snapped pole."
)


def _run(turns: list[tuple[str, str]], customer: Customer | None = None) -> SkillFinding:
    return ANALYZER.analyze(make_conversation(turns, customer=customer), Context())


@pytest.mark.parametrize(
    ("turns", "score", "signals"),
    [
        pytest.param(
            [
                ("customer", WORRIED),
                (
                    "agent",
                    "I understand how worrying that must be, Dana. A new pole for your "
                    "Ridgeline tent ships today.",
                ),
            ],
            100,
            [
                ("empathy.validation", "I understand how worrying"),
                ("empathy.personal", "Dana"),
                ("empathy.personal", "your Ridgeline tent"),
            ],
            id="validates-first-and-personal",
        ),
        pytest.param(
            [
                ("customer", BROKEN),
                ("agent", "I can see why that's upsetting. A replacement ships today."),
            ],
            90,
            [("empathy.validation", "I can see why that's upsetting")],
            id="validates-before-the-fix",
        ),
        pytest.param(
            [
                ("customer", BROKEN),
                ("agent", "I'm so sorry you've had to deal with this. I've sent a replacement."),
            ],
            90,
            [("empathy.validation", "I'm so sorry you've had to deal with")],
            id="sorry-you-had-to-deal-with-it",
        ),
        pytest.param(
            [
                ("customer", FRUSTRATED),
                ("agent", "Ugh, that's the last thing you need. It ships Monday."),
            ],
            90,
            [("empathy.validation", "the last thing you need")],
            id="last-thing-you-need",
        ),
        pytest.param(
            [
                ("customer", FRUSTRATED),
                ("agent", "I've sent a new one. That sounds really frustrating."),
            ],
            65,
            [
                ("empathy.late", "That sounds really frustrating"),
                ("empathy.validation", "That sounds really frustrating"),
            ],
            id="validation-after-the-fix",
        ),
        pytest.param(
            [
                ("customer", BROKEN),
                ("agent", "I've sent a replacement."),
                ("customer", "ok"),
                ("agent", "I can imagine how disappointing that was."),
            ],
            65,
            [
                ("empathy.missing", "I've sent a replacement."),
                ("empathy.late", "I can imagine how disappointing"),
                ("empathy.validation", "I can imagine how disappointing"),
            ],
            id="validation-in-a-later-reply",
        ),
        pytest.param(
            [("customer", BROKEN), ("agent", "I'm so sorry about that. I've sent a replacement.")],
            50,
            [],
            id="apology-without-validation",
        ),
        pytest.param(
            [("customer", FRUSTRATED), ("agent", "It ships Monday.")],
            25,
            [("empathy.missing", "It ships Monday.")],
            id="missing",
        ),
        pytest.param(
            [("customer", FRUSTRATED), ("agent", "I'm not sorry, you ordered late.")],
            25,
            [("empathy.missing", "I'm not sorry, you ordered late.")],
            id="negated-apology",
        ),
        pytest.param(
            [
                ("customer", BROKEN),
                ("agent", "I don't understand why you're upset, it was on sale."),
            ],
            25,
            [("empathy.missing", "I don't understand why you're upset, it was on sale.")],
            id="negated-validation",
        ),
        pytest.param(
            [
                ("customer", BROKEN),
                ("agent", "I can see why the pole broke: it was packed badly. A new one ships."),
            ],
            25,
            [("empathy.missing", "I can see why the pole broke: it was packed badly.")],
            id="diagnosis-is-not-validation",
        ),
        pytest.param(
            [("customer", BROKEN), ("agent", "How urgent is this? We can ship a new one today.")],
            25,
            [("empathy.missing", "How urgent is this?")],
            id="a-question-is-not-validation",
        ),
        pytest.param(
            [
                ("customer", FRUSTRATED),
                ("agent", "We apologize for any inconvenience. It ships Monday."),
            ],
            35,
            [("empathy.canned", "We apologize for any inconvenience")],
            id="canned-stock-line",
        ),
        pytest.param(
            [
                ("customer", BROKEN),
                ("agent", "Your call is important to us. We understand your frustration."),
            ],
            20,
            [
                ("empathy.canned", "Your call is important to us"),
                ("empathy.canned", "We understand your frustration"),
            ],
            id="two-stock-lines",
        ),
        pytest.param(
            [
                ("customer", FRUSTRATED),
                ("agent", "That sounds really frustrating. It ships Monday."),
                ("customer", "It still hasn't come and I'm fed up."),
                ("agent", "That sounds really frustrating. Let me check."),
            ],
            55,
            [
                ("empathy.validation", "That sounds really frustrating"),
                ("empathy.canned", "That sounds really frustrating."),
            ],
            id="same-line-pasted-again",
        ),
        pytest.param(
            [
                ("customer", BROKEN),
                ("agent", "I can see why that's upsetting - I'd be annoyed too. A new one ships."),
                ("customer", "Thanks so much, that worked!"),
                ("agent", "Sorry to hear that."),
            ],
            70,
            [
                ("empathy.validation", "I can see why that's upsetting"),
                ("empathy.validation", "I'd be annoyed too"),
                ("empathy.mismatched", "Sorry to hear"),
            ],
            id="sympathy-to-a-happy-customer",
        ),
        pytest.param(
            [("customer", "Thanks again!"), ("agent", "Sorry to hear that!")],
            None,
            [("empathy.mismatched", "Sorry to hear")],
            id="thanks-again-is-not-upset",
        ),
        pytest.param(
            [("customer", "Where is my order?"), ("agent", "It ships Monday.")],
            None,
            [],
            id="a-plain-question-is-not-upset",
        ),
        pytest.param(
            [("customer", "Thanks, all good!"), ("agent", "Glad to hear it.")],
            None,
            [],
            id="no-upset-customer",
        ),
        pytest.param(
            [("customer", FRUSTRATED)],
            None,
            [],
            id="no-reply-yet",
        ),
        pytest.param(
            [
                ("customer", "I'm so frustrated, the app keeps crashing."),
                ("agent", "> I'm so frustrated, the app keeps crashing.\nTry updating the app."),
            ],
            25,
            [("empathy.missing", "Try updating the app.")],
            id="quoted-customer-line-is-not-the-agent",
        ),
        pytest.param(
            [
                ("customer", "The app keeps crashing, it's so frustrating."),
                ("agent", 'You wrote "it\'s so frustrating". Try updating the app.'),
            ],
            25,
            [("empathy.missing", 'You wrote "it\'s so frustrating".')],
            id="quoted-customer-words-are-not-the-agent",
        ),
        pytest.param(
            [
                ("customer", "Ugh, the app keeps crashing."),
                ("agent", "How frustrating! Try updating the app."),
            ],
            90,
            [("empathy.validation", "How frustrating")],
            id="exclamation",
        ),
        pytest.param(
            [("customer", FRUSTRATED), ("agent", "Your order ships Monday, sorry about that.")],
            50,
            [],
            id="generic-your-order-is-not-personal",
        ),
    ],
)
def test_empathy_table(
    turns: list[tuple[str, str]], score: int | None, signals: list[tuple[str, str]]
) -> None:
    finding = _run(turns)
    assert finding.score == score
    assert [(e.signal, e.quote) for e in finding.evidence] == signals


def test_empathy_missing_suggests_an_opener_from_the_emotion_and_their_words() -> None:
    finding = _run([("customer", WORRIED), ("agent", "A new pole ships today.")])
    (missing,) = finding.evidence
    assert missing.signal == "empathy.missing"
    assert finding.score == 25
    assert missing.suggestion is not None
    assert "I know your trip on Saturday is close - let's get this sorted today." in (
        missing.suggestion
    )


@pytest.mark.parametrize(
    ("customer", "opener"),
    [
        (FRUSTRATED, "That sounds really frustrating, especially with your order"),
        ("I'm so upset, my daughter's birthday present never came.", "I'm so sorry"),
        ("This is ridiculous and unacceptable.", "I can see why you're angry - "),
        ("I'm confused, the instructions make no sense.", "I can see why this is confusing"),
    ],
)
def test_empathy_missing_opener_fits_the_emotion(customer: str, opener: str) -> None:
    (missing,) = _run([("customer", customer), ("agent", "Here is the link.")]).evidence
    assert missing.suggestion is not None and opener in missing.suggestion


def test_empathy_every_negative_signal_has_a_suggestion() -> None:
    finding = _run(
        [
            ("customer", FRUSTRATED),
            ("agent", "We apologize for any inconvenience. It ships Monday."),
            ("customer", "Still nothing, I'm fed up."),
            ("agent", "It ships today. That sounds really frustrating."),
            ("customer", "Thanks, that's great!"),
            ("agent", "Sorry to hear that."),
        ]
    )
    negative = [e for e in finding.evidence if e.polarity < 0]
    assert {e.signal for e in negative} == {
        "empathy.canned",
        "empathy.late",
        "empathy.mismatched",
    }
    assert all(e.suggestion for e in negative)


@pytest.mark.parametrize(
    ("name", "reply", "personal"),
    [
        ("Will Smith", "Hi Will, that sounds exhausting.", ["Will"]),
        ("Will Smith", "That sounds exhausting. Will you try updating it?", []),
        ("Mrs. Dana Reyes", "Ms Reyes, that sounds exhausting.", ["Reyes"]),
        ("Mrs Reyes", "Mrs Reyes, that sounds exhausting.", ["Reyes"]),
        ("dana@example.com", "That sounds exhausting, dana.", []),
    ],
)
def test_empathy_personal_uses_the_customer_name(
    name: str, reply: str, personal: list[str]
) -> None:
    conversation = make_conversation(
        [("customer", "Ugh, the app keeps crashing."), ("agent", reply)],
        customer=Customer(name=name),
    )
    conversation = replace(
        conversation,
        messages=tuple(replace(m, author=None) for m in conversation.messages),
    )
    finding = ANALYZER.analyze(conversation, Context())
    assert [e.quote for e in finding.evidence if e.signal == "empathy.personal"] == personal


def test_empathy_internal_notes_are_not_replies() -> None:
    conversation = make_conversation([("customer", FRUSTRATED)])
    note = Message(id="m2", role=Role.AGENT, text="That sounds really frustrating.", internal=True)
    conversation = replace(conversation, messages=(*conversation.messages, note))
    assert ANALYZER.analyze(conversation, Context()) == SkillFinding.not_applicable()


@pytest.mark.parametrize(
    ("customer", "applicable"),
    [
        ("Where is my order?", False),
        ("How do I reset my password?", False),
        ("I'm confused, where is my order?", True),
        ("This makes no sense to me.", True),
    ],
)
def test_empathy_confusion_counts_only_when_the_customer_says_so(
    customer: str, applicable: bool
) -> None:
    assert _run([("customer", customer), ("agent", "Monday.")]).applicable is applicable


def test_empathy_spans_point_into_the_message() -> None:
    conversation = make_conversation(
        [("customer", BROKEN), ("agent", "Oh no, that’s really frustrating. A new one ships.")]
    )
    found = ANALYZER.analyze(conversation, Context()).evidence
    text = conversation.messages[1].text
    assert [e.quote for e in found] == ["Oh no", "that’s really frustrating"]
    for evidence in found:
        assert evidence.signal == "empathy.validation"
        assert text[evidence.start : evidence.end] == evidence.quote


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["customer", "agent", "bot", "system"]),
            st.lists(
                st.sampled_from(
                    [*"aAbB zZ!?.,'\"“”>\n-", "sorry ", "my ", "your ", "frustrating ", "how "]
                )
                | st.characters(),
                max_size=40,
            ).map("".join),
        ),
        max_size=6,
    )
)
def test_empathy_never_raises_and_spans_index_the_text(turns: list[tuple[str, str]]) -> None:
    conversation = make_conversation(turns)
    check_finding(conversation, ANALYZER.analyze(conversation, Context()))
