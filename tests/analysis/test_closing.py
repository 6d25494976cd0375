"""The closing analyser, table-driven: (conversation, expected score and signals)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from servicecoach.analysis.analyzer import Context
from servicecoach.analysis.analyzers.closing import ClosingAnalyzer
from servicecoach.analysis.finding import SkillFinding
from servicecoach.analysis.skills import skill_of_signal
from servicecoach.model.conversation import Conversation, Message, Role
from servicecoach.testing import check_finding, make_conversation

ANALYZER = ClosingAnalyzer()
CHECK = "closing.check"
PREMATURE = "closing.premature"
WARM = "closing.warm"
RECAP = "closing.recap"
DRAG = "closing.drag"


def _run(turns: list[tuple[str, str]]) -> SkillFinding:
    return ANALYZER.analyze(make_conversation(turns), Context())


@pytest.mark.parametrize(
    ("turns", "score", "signals"),
    [
        pytest.param(
            [
                ("customer", "My router won't connect."),
                ("agent", "Please restart it and hold the reset button for 10 seconds."),
                ("customer", "That worked, thanks!"),
                ("agent", "Great! Is there anything else I can help with?"),
                ("customer", "No that's everything."),
                ("agent", "Happy to help - have a great day!"),
            ],
            95,
            [
                (CHECK, "Is there anything else I can help"),
                (WARM, "Happy to help"),
                (WARM, "have a great day"),
            ],
            id="textbook-close",
        ),
        pytest.param(
            [
                ("customer", "My router won't connect."),
                ("agent", "Try restarting it."),
                ("customer", "It still doesn't work."),
                ("agent", "Is there anything else?"),
            ],
            25,
            [(CHECK, "Is there anything else?"), (PREMATURE, "Is there anything else?")],
            id="check-while-it-still-does-not-work",
        ),
        pytest.param(
            [
                ("customer", "My order is late."),
                ("agent", "Sorry about that! I'll close this ticket now."),
            ],
            25,
            [(PREMATURE, "I'll close this ticket")],
            id="closing-the-ticket-before-a-solution",
        ),
        pytest.param(
            [
                ("customer", "Where is my refund?"),
                ("agent", "Sorry for the wait. Take care!"),
            ],
            25,
            [(PREMATURE, "Take care"), (WARM, "Take care")],
            id="sign-off-while-a-question-is-open",
        ),
        pytest.param(
            [
                ("customer", "My parcel is damaged."),
                ("agent", "I've sent a replacement today. Anything else I can help with?"),
                ("customer", "Thanks!"),
            ],
            80,
            [(CHECK, "Anything else I can help")],
            id="solve-then-check-in-one-reply",
        ),
        pytest.param(
            [
                ("customer", "Where's my refund?"),
                (
                    "agent",
                    "To recap: I've issued the refund and it takes 3 days. "
                    "Anything else I can help with?",
                ),
                ("customer", "All good now, thanks"),
            ],
            90,
            [(RECAP, "To recap"), (CHECK, "Anything else I can help")],
            id="recap-and-check",
        ),
        pytest.param(
            [
                ("customer", "How do I change my password?"),
                ("agent", "Go to Settings, then Security."),
                ("customer", "That's all, thanks"),
                ("agent", "Before you go, would you like to upgrade to Premium?"),
            ],
            40,
            [(DRAG, "Before you go, would you like to upgrade to Premium?")],
            id="pitch-after-done",
        ),
        pytest.param(
            [
                ("customer", "How do I change my password?"),
                ("agent", "Go to Settings, then Security."),
                ("customer", "No that's everything, thanks"),
                ("agent", "Great. Is there anything else I can help with?"),
            ],
            40,
            [
                (CHECK, "Is there anything else I can help"),
                (DRAG, "Is there anything else I can help with?"),
            ],
            id="asking-again-after-no-thats-everything",
        ),
        pytest.param(
            [
                ("customer", "Is the shop open on Sunday?"),
                ("agent", "Yes, from 10am to 4pm."),
                ("customer", "Anything else I should know?"),
                ("agent", "Parking is free after 6pm."),
                ("customer", "Great, thank you!"),
            ],
            60,
            [],
            id="customers-anything-else-is-not-the-agents-check",
        ),
        pytest.param(
            [
                ("customer", "Thanks for the quick reply. Also, my bill is wrong."),
                ("agent", "Let me check."),
            ],
            None,
            [],
            id="mid-conversation-thanks-is-not-the-end",
        ),
        pytest.param(
            [
                ("customer", "Thanks, but the app still crashes."),
                ("agent", "Let me know if you need anything else!"),
            ],
            25,
            [(CHECK, "if you need anything else"), (PREMATURE, "if you need anything else")],
            id="thanks-but-still-broken",
        ),
        pytest.param(
            [
                ("customer", "My order is late."),
                ("agent", "So sorry! It ships tomorrow morning by express."),
                ("customer", "Ok"),
                ("agent", "Is there anything else I can help with today?"),
            ],
            80,
            [(CHECK, "Is there anything else I can help")],
            id="check-after-an-answer-is-not-premature",
        ),
        pytest.param(
            [
                ("customer", "Hi"),
                ("agent", "Hello! How can I help?"),
            ],
            None,
            [],
            id="open-conversation-not-applicable",
        ),
        pytest.param(
            [
                ("customer", "The screen is cracked."),
                ("agent", "> it still doesn't work\nA new one ships today. Take care!"),
                ("customer", "Cheers"),
            ],
            75,
            [(WARM, "Take care")],
            id="quoted-customer-text-is-not-the-agents",
        ),
        pytest.param(
            [
                ("customer", "The screen is cracked."),
                ("agent", "A new one ships today. Take care of the old one until then."),
                ("customer", "Thanks"),
            ],
            60,
            [],
            id="take-care-of-is-not-a-sign-off",
        ),
        pytest.param(
            [
                ("customer", "No problem, that fixed it. Thank you!"),
                ("agent", "You're welcome, enjoy your trip!"),
            ],
            75,
            [(WARM, "enjoy your trip")],  # "you're welcome" answers the thanks; it does not close
            id="negated-problem-warm-close",
        ),
    ],
)
def test_closing_table(
    turns: list[tuple[str, str]], score: int | None, signals: list[tuple[str, str]]
) -> None:
    finding = _run(turns)
    assert finding.score == score
    assert [(e.signal, e.quote) for e in finding.evidence] == signals


def test_closing_internal_notes_are_not_replies() -> None:
    messages = (
        Message("m1", Role.CUSTOMER, "It still doesn't work."),
        Message("m2", Role.AGENT, "Anything else I can help with?", internal=True),
        Message("m3", Role.CUSTOMER, "Thanks anyway"),
    )
    conversation = Conversation("c1", make_conversation([]).channel, messages)
    assert ANALYZER.analyze(conversation, Context()).score is None


def test_closing_premature_carries_a_suggestion_and_feeds_the_skill() -> None:
    finding = _run([("customer", "It still doesn't work."), ("agent", "Anything else?")])
    check, premature = finding.evidence
    assert check.signal == CHECK  # it is a check, and the check is premature
    assert premature.signal == PREMATURE and premature.polarity == -1
    assert premature.suggestion and "first" in premature.suggestion
    assert skill_of_signal(premature.signal) == "closing"


def test_closing_score_is_clamped() -> None:
    finding = _run(
        [
            ("customer", "It's broken."),
            ("agent", "Anything else?"),
            ("customer", "It is still broken!"),
            ("agent", "Is there anything else?"),
        ]
    )
    assert finding.score == 0
    assert [e.signal for e in finding.evidence] == [CHECK, PREMATURE, CHECK, PREMATURE]


_PIECES = st.sampled_from(
    [
        "Is there anything else I can help with?",
        "anything else",
        "Have a great day!",
        "take care of",
        "To recap:",
        "that's all",
        "thanks",
        "still doesn't work",
        "I've refunded it.",
        "Before you go",
        "> quoted\n",
        '"quoted"',
        "https://x.example/?q=1",
        "@brand",
        "?",
        ".",
        "\n",
        " ",
    ]
)
_TEXT = st.lists(st.one_of(_PIECES, st.text(max_size=20)), max_size=12).map("".join)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["customer", "agent", "bot"]), _TEXT), max_size=6))
def test_closing_never_raises_and_spans_index_the_text(turns: list[tuple[str, str]]) -> None:
    conversation = make_conversation(turns)
    finding = check_finding(conversation, ANALYZER.analyze(conversation, Context()))
    for evidence in finding.evidence:
        assert evidence.signal.startswith("closing.")
