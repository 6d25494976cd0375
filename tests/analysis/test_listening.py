"""The active-listening analyser, table-driven: (conversation, expected score and signals)."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from servicecoach.analysis.analyzer import Context
from servicecoach.analysis.analyzers.listening import ListeningAnalyzer
from servicecoach.analysis.finding import SkillFinding
from servicecoach.errors import ConfigError
from servicecoach.model.conversation import Conversation, Message, Role
from servicecoach.testing import check_finding, make_conversation

ANALYZER = ListeningAnalyzer()

RESTARTED = "I already restarted the router and it still doesn't work."


def _run(turns: list[tuple[str, str]]) -> SkillFinding:
    return ANALYZER.analyze(make_conversation(turns), Context())


@pytest.mark.parametrize(
    ("turns", "score", "signals"),
    [
        pytest.param(
            [
                ("customer", "The pole on my tent snapped."),
                ("agent", "Thanks for explaining. A new pole ships today."),
            ],
            80,
            [("listening.acknowledgement", "Thanks for explaining")],
            id="acknowledgement",
        ),
        pytest.param(
            [
                ("customer", "As I said, the tent pole snapped."),
                ("agent", "Got it. So the pole broke the first time you pitched your tent?"),
            ],
            85,
            [
                ("listening.repeat", "As I said"),
                ("listening.acknowledgement", "Got it"),
                (
                    "listening.paraphrase",
                    "So the pole broke the first time you pitched your tent?",
                ),
            ],
            id="paraphrase-by-shared-words",
        ),
        pytest.param(
            [
                ("customer", "The zip on my tent jammed and now it won't close at all."),
                (
                    "agent",
                    "So if I understand correctly, the zip is stuck open. I'll send a new one.",
                ),
            ],
            85,
            [("listening.paraphrase", "So if I understand correctly, the zip is stuck open.")],
            id="paraphrase-marker",
        ),
        pytest.param(
            [
                ("customer", "The zip on my tent jammed and now it won't close at all."),
                (
                    "agent",
                    "The zip on my tent jammed and now it won't close at all. Sending a new one.",
                ),
            ],
            70,
            [],
            id="a-copy-is-not-a-paraphrase",
        ),
        pytest.param(
            [
                ("customer", "My tent pole snapped on the first night."),
                ("agent", "Click the link to confirm your address and I'll ship a new pole."),
            ],
            70,
            [],
            id="to-confirm-mid-sentence-is-not-a-marker",
        ),
        pytest.param(
            [
                ("customer", "The tent leaks."),
                ("agent", "Which model is it, and where does the water get in?"),
            ],
            80,
            [("listening.question", "Which model is it, and where does the water get in?")],
            id="diagnostic-question",
        ),
        pytest.param(
            [
                ("customer", "Thanks again!"),
                ("agent", "You're welcome! Can I help with anything else?"),
            ],
            70,
            [],
            id="thanks-again-and-anything-else",
        ),
        pytest.param(
            [("customer", "Thanks, that worked."), ("agent", "Great! Did that help?")],
            70,
            [],
            id="follow-up-is-not-diagnostic",
        ),
        pytest.param(
            [
                ("customer", "Can I return the tent?"),
                ("agent", 'You asked "Can I return the tent?" Yes, returns are free.'),
            ],
            70,
            [],
            id="quoted-customer-question-is-not-the-agents",
        ),
        pytest.param(
            [
                ("customer", "Can I return the tent?"),
                ("agent", "> Can I return the tent?\nYes, returns are free for 30 days."),
            ],
            70,
            [],
            id="quoted-line-is-not-the-agents",
        ),
        pytest.param(
            [
                ("customer", "My order #5521 arrived with a snapped pole."),
                ("agent", "I see. Could you send me your order number?"),
            ],
            60,
            [
                ("listening.acknowledgement", "I see"),
                ("listening.reask", "Could you send me your order number?"),
            ],
            id="reask-order-hash",
        ),
        pytest.param(
            [
                ("customer", "Order NW-5521 hasn't arrived."),
                ("agent", "What's the order number?"),
            ],
            50,
            [("listening.reask", "What's the order number?")],
            id="reask-order-code",
        ),
        pytest.param(
            [
                ("customer", "My order number is 5521 and it hasn't arrived."),
                ("agent", "Thanks for letting us know. Just to confirm, is it NW-5521?"),
            ],
            95,
            [
                ("listening.acknowledgement", "Thanks for letting us know"),
                ("listening.paraphrase", "Just to confirm, is it NW-5521?"),
            ],
            id="confirming-the-order-in-another-notation-is-not-a-reask",
        ),
        pytest.param(
            [
                ("customer", "Order 5521 hasn't arrived."),
                ("agent", "Your order number is 5521 and it ships Monday."),
            ],
            70,
            [],
            id="stating-the-order-number-is-not-asking",
        ),
        pytest.param(
            [
                ("customer", "Reach me at dana@example.com or +1 415 555 0100."),
                ("agent", "What's the best number to reach you?"),
            ],
            50,
            [("listening.reask", "What's the best number to reach you?")],
            id="reask-phone",
        ),
        pytest.param(
            [
                ("customer", "My email is dana@example.com."),
                ("agent", "Is dana@example.com still the right email address?"),
            ],
            80,
            [("listening.question", "Is dana@example.com still the right email address?")],
            id="confirming-the-email-is-not-a-reask",
        ),
        pytest.param(
            [
                ("customer", "Hi, my name is Dana and my tent leaks."),
                ("agent", "Sorry to hear that. Can I take your name, please?"),
            ],
            50,
            [("listening.reask", "Can I take your name, please?")],
            id="reask-name",
        ),
        pytest.param(
            [("customer", RESTARTED), ("agent", "Have you tried restarting the router?")],
            50,
            [("listening.reask", "Have you tried restarting the router?")],
            id="reask-step-tried",
        ),
        pytest.param(
            [
                ("customer", RESTARTED),
                ("agent", "Since you've restarted it, hold the reset button for 10 seconds."),
            ],
            70,
            [],
            id="building-on-the-step-tried",
        ),
        pytest.param(
            [
                ("customer", "I haven't restarted it yet. It keeps dropping."),
                ("agent", "Please restart it first."),
            ],
            70,
            [],
            id="a-step-not-tried-may-be-asked",
        ),
        pytest.param(
            [
                ("customer", "Can I return the tent? And do you ship to Canada?"),
                ("agent", "Yes, returns are free within 30 days."),
            ],
            55,
            [("listening.unanswered", "And do you ship to Canada?")],
            id="unanswered-question",
        ),
        pytest.param(
            [
                ("customer", "Are you kidding me? The tent leaks."),
                ("agent", "I'm sorry - a new tent ships today."),
            ],
            70,
            [],
            id="rhetorical-question",
        ),
        pytest.param(
            [
                ("customer", "I'm asking again: where is my refund?"),
                ("agent", "Your refund went out on Monday."),
            ],
            60,
            [("listening.repeat", "asking again")],
            id="asking-again",
        ),
        pytest.param(
            [
                ("customer", "Again, the pole is broken. This is the third time I've written."),
                ("agent", "A new pole ships today."),
            ],
            60,
            [("listening.repeat", "Again")],
            id="again-opening-a-sentence-once-per-message",
        ),
        pytest.param(
            [
                ("customer", "The app crashed again. Thanks again for the help earlier!"),
                ("agent", "Please update the app to version 5."),
            ],
            70,
            [],
            id="again-about-the-problem-or-thanks-is-not-a-repeat",
        ),
        pytest.param(
            [("customer", "Where is my parcel?")],
            None,
            [],
            id="no-reply",
        ),
        pytest.param(
            [("agent", "Hi! How can I help?")],
            None,
            [],
            id="no-customer",
        ),
    ],
)
def test_listening_table(
    turns: list[tuple[str, str]], score: int | None, signals: list[tuple[str, str]]
) -> None:
    finding = _run(turns)
    assert finding.score == score
    assert [(e.signal, e.quote) for e in finding.evidence] == signals


def test_listening_reask_quotes_where_the_customer_gave_it() -> None:
    finding = _run(
        [
            ("customer", "My order #5521 arrived broken."),
            ("agent", "Sorry! What is your order number?"),
        ]
    )
    (reask,) = finding.evidence
    assert reask.suggestion == 'They already gave it: "order #5521" (their first message).'


@pytest.mark.parametrize(("before", "which"), [(1, "second"), (9, "message number 10")])
def test_listening_reask_names_the_message_in_words_not_by_id(before: int, which: str) -> None:
    """Imported tickets' message ids mean nothing to a lead: say which message it was."""
    chat = [("customer", "Hello?")] * before + [
        ("customer", "My order #5521 arrived broken."),
        ("agent", "Sorry! What is your order number?"),
    ]
    (reask,) = [e for e in _run(chat).evidence if e.signal == "listening.reask"]
    assert reask.suggestion is not None and which in reask.suggestion
    assert "(message m" not in reask.suggestion


def test_listening_reask_step_quotes_the_customer() -> None:
    (reask,) = _run([("customer", RESTARTED), ("agent", "Try restarting it.")]).evidence
    assert reask.signal == "listening.reask"
    assert (
        reask.suggestion is not None and f'"{RESTARTED}" (their first message)' in reask.suggestion
    )


def test_listening_every_negative_signal_has_a_suggestion() -> None:
    finding = _run(
        [
            ("customer", "Like I mentioned, order #5521 never came. Do you ship to Canada?"),
            ("agent", "Could you give me the order number?"),
        ]
    )
    negative = [e for e in finding.evidence if e.polarity < 0]
    assert {e.signal for e in negative} == {
        "listening.repeat",
        "listening.reask",
        "listening.unanswered",
    }
    assert all(e.suggestion for e in negative)
    assert finding.score == 70 - 10 - 20 - 15


def _timed(turns: list[tuple[str, str, float, float]]) -> Conversation:
    conversation = make_conversation([(role, text) for role, text, _, _ in turns])
    messages = tuple(
        replace(m, start_s=start, end_s=end)
        for m, (_, _, start, end) in zip(conversation.messages, turns, strict=True)
    )
    return replace(conversation, messages=messages)


@pytest.mark.parametrize(
    ("start", "interrupts"),
    [(2.5, True), (3.1, True), (3.2, False), (4.0, False)],
)
def test_listening_interrupt_in_timed_transcripts(start: float, interrupts: bool) -> None:
    conversation = _timed(
        [
            ("customer", "The tent pole snapped.", 0.0, 3.0),
            ("agent", "Right. Let's get a new one out.", start, start + 2),
        ]
    )
    finding = ANALYZER.analyze(conversation, Context())
    expected = [("listening.acknowledgement", "Right")]  # a backchannel shows attention
    if interrupts:
        expected.append(("listening.interrupt", "Right."))
    assert [(e.signal, e.quote) for e in finding.evidence] == expected
    assert finding.score == (70 if interrupts else 80)


def test_listening_interrupt_gap_is_configurable() -> None:
    conversation = _timed(
        [("customer", "It leaks.", 0.0, 3.0), ("agent", "Let's fix that.", 3.5, 5.0)]
    )
    finding = ANALYZER.analyze(conversation, Context(config={"min_gap_s": 1.0}))
    assert [e.signal for e in finding.evidence] == ["listening.interrupt"]


@pytest.mark.parametrize(
    ("config", "error"),
    [
        ({"min_gap": 0.2}, r"min_gap: unknown key \(known: min_gap_s, start, points\)"),
        ({"min_gap_s": -1}, "min_gap_s: must be a number of seconds"),
        ({"min_gap_s": "0.2"}, "min_gap_s: must be a number of seconds"),
        ({"min_gap_s": True}, "min_gap_s: must be a number of seconds"),
        ({"points": {"question": -5}}, "question = -5: it earns"),
        ({"points": {"nope": 3}}, "no listening signal 'nope'"),
    ],
)
def test_listening_config_errors_name_the_fix(config: dict[str, object], error: str) -> None:
    with pytest.raises(ConfigError, match=error):
        ANALYZER.check_config(config)


def test_listening_config_accepts_a_gap() -> None:
    ANALYZER.check_config({"min_gap_s": 0})
    ANALYZER.check_config({})


def test_listening_interrupt_from_turn_end_times() -> None:
    conversation = make_conversation([("customer", "It leaks."), ("agent", "Let's fix that.")])
    customer, agent = conversation.messages
    assert customer.at is not None
    customer = replace(customer, end=customer.at + timedelta(seconds=5))
    agent = replace(agent, at=customer.at + timedelta(seconds=4))
    conversation = replace(conversation, messages=(customer, agent))
    finding = ANALYZER.analyze(conversation, Context())
    assert [e.signal for e in finding.evidence] == ["listening.interrupt"]


def test_listening_internal_notes_are_not_replies() -> None:
    conversation = make_conversation([("customer", "My order #5521 is late.")])
    note = Message(id="m2", role=Role.AGENT, text="What's the order number?", internal=True)
    conversation = replace(conversation, messages=(*conversation.messages, note))
    assert ANALYZER.analyze(conversation, Context()) == SkillFinding.not_applicable()


def test_listening_spans_point_into_the_message() -> None:
    conversation = make_conversation(
        [("customer", "It leaks."), ("agent", "Ah, I see. Which seam is it?")]
    )
    finding = ANALYZER.analyze(conversation, Context())
    text = conversation.messages[1].text
    for evidence in finding.evidence:
        assert text[evidence.start : evidence.end] == evidence.quote
    assert [e.quote for e in finding.evidence] == ["I see", "Which seam is it?"]


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["customer", "agent", "bot", "system"]),
            st.lists(
                st.sampled_from(
                    [*"aAbB zZ!?.,'\"“”>\n-#@5", "order ", "again ", "as i said ", "i see "]
                )
                | st.characters(),
                max_size=40,
            ).map("".join),
        ),
        max_size=6,
    )
)
def test_listening_never_raises_and_spans_index_the_text(turns: list[tuple[str, str]]) -> None:
    conversation = make_conversation(turns)
    check_finding(conversation, ANALYZER.analyze(conversation, Context()))


@pytest.mark.parametrize(
    ("question", "reply", "unanswered"),
    [
        ("How fast can you send a replacement?", "It reaches you on Thursday.", False),
        ("When will my refund arrive?", "You'll see it back in 3-5 business days.", False),
        ("How long does delivery take?", "Usually 2 days.", False),
        ("What time does the store open?", "We open at 9am.", False),
        ("How fast can you send a replacement?", "I'm sorry about the zip.", True),
        ("Do you ship to Canada?", "It reaches you on Thursday.", True),
    ],
)
def test_listening_a_time_answers_a_question_about_when(
    question: str, reply: str, unanswered: bool
) -> None:
    finding = _run([("customer", question), ("agent", reply)])
    assert ("listening.unanswered" in {e.signal for e in finding.evidence}) is unanswered
