"""The problem-solving analyser, table-driven: (conversation, expected score and signals)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from servicecoach.analysis.analyzer import Context
from servicecoach.analysis.analyzers.problem_solving import ProblemSolvingAnalyzer
from servicecoach.analysis.finding import SkillFinding
from servicecoach.analysis.lexicon import load_lexicon
from servicecoach.analysis.skills import skill_of_signal
from servicecoach.nlp.phrases import fold
from servicecoach.testing import check_finding, make_conversation

ANALYZER = ProblemSolvingAnalyzer()
SOLUTION = "problem_solving.solution"
ALTERNATIVE = "problem_solving.alternative"
FOLLOW_UP = "problem_solving.follow_up"
DIAGNOSTIC = "problem_solving.diagnostic"
NO_NEXT_STEP = "problem_solving.no_next_step"
TRANSFER = "problem_solving.transfer"
RESOLVED = "problem_solving.resolved"
UNRESOLVED = "problem_solving.unresolved"


def _run(turns: list[tuple[str, str]]) -> SkillFinding:
    return ANALYZER.analyze(make_conversation(turns), Context())


@pytest.mark.parametrize(
    ("turns", "score", "signals"),
    [
        pytest.param(
            [
                ("customer", "My router keeps dropping the connection."),
                ("agent", "Sorry to hear that! Which model is it, and when did it start?"),
                ("customer", "X200, since Monday."),
                ("agent", "Please try a restart and hold reset for 10 seconds. Did that solve it?"),
                ("customer", "That worked, thanks!"),
            ],
            100,
            [
                (DIAGNOSTIC, "Which model is it, and when did it start?"),
                (SOLUTION, "Please try"),
                (FOLLOW_UP, "Did that solve"),
                (RESOLVED, "That worked"),
            ],
            id="diagnose-fix-check-confirmed",
        ),
        pytest.param(
            [
                ("customer", "My order never arrived."),
                ("agent", "I'm so sorry about that. Let me look into it."),
                ("customer", "Any news?"),
                ("agent", "I've sent a replacement - it will arrive on Friday."),
            ],
            55,
            [
                (NO_NEXT_STEP, "I'm so sorry about that. Let me look into it."),
                (SOLUTION, "I've sent"),
            ],
            id="holding-turn-then-fix",
        ),
        pytest.param(
            [
                ("customer", "I was charged twice for order 5521."),
                ("agent", "Let me check."),
                ("agent", "I've refunded the second charge."),
            ],
            70,
            [(SOLUTION, "I've refunded")],
            id="holding-reply-followed-by-the-fix-in-the-same-turn-is-fine",
        ),
        pytest.param(
            [
                ("customer", "Can I get a refund on the sale jacket?"),
                (
                    "agent",
                    "Unfortunately sale items can't be refunded. What I can do is offer an "
                    "exchange.",
                ),
            ],
            80,
            [(ALTERNATIVE, "What I can do is"), (SOLUTION, "an exchange")],
            id="refusal-with-an-alternative",
        ),
        pytest.param(
            [
                ("customer", "Can I pay by card?"),
                ("agent", "Yes, you can - or use PayPal instead if you prefer."),
            ],
            70,
            [(SOLUTION, "Yes, you can")],
            id="instead-without-a-refusal-is-no-alternative",
        ),
        pytest.param(
            [
                ("customer", "Can I change the address on my order?"),
                ("agent", "You can't change it once it has shipped."),
            ],
            25,
            [(NO_NEXT_STEP, "You can't change it once it has shipped.")],
            id="bare-refusal-you-cant-is-no-solution",
        ),
        pytest.param(
            [
                ("customer", "I was charged twice."),
                ("agent", "I'll transfer you to billing."),
                ("customer", "Still not sorted. Forget it."),
            ],
            0,  # the customer ends upset: the problem was not solved
            [(TRANSFER, "transfer you"), (UNRESOLVED, "Still not")],
            id="hand-off-and-customer-gives-up",
        ),
        pytest.param(
            [
                ("customer", "Where is my parcel?"),
                ("agent", "No need to escalate this - it will arrive on Friday."),
            ],
            70,
            [(SOLUTION, "will arrive")],
            id="no-need-to-escalate-is-no-transfer",
        ),
        pytest.param(
            [
                ("customer", "My app shows an error."),
                ("agent", "Is there anything else I can help with?"),
            ],
            25,
            [(NO_NEXT_STEP, "Is there anything else I can help with?")],
            id="closing-check-is-not-a-diagnostic-question",
        ),
        pytest.param(
            [
                ("customer", "My app shows an error."),
                ("agent", "Hi! How can I help?"),
            ],
            25,
            [(NO_NEXT_STEP, "Hi! How can I help?")],
            id="how-can-i-help-is-not-a-diagnostic-question",
        ),
        pytest.param(
            [
                ("customer", "My app shows an error. I've reset it twice already."),
                ("agent", 'You wrote "I\'ve reset it twice" - which version of the app is it?'),
            ],
            40,
            [(DIAGNOSTIC, 'You wrote "I\'ve reset it twice" - which version of the app is it?')],
            id="customer-words-quoted-in-a-reply-are-not-the-agents-fix",
        ),
        pytest.param(
            [
                ("customer", "The login page is broken."),
                ("agent", "> The login page is broken.\nThanks for letting us know!"),
            ],
            25,
            [(NO_NEXT_STEP, "> The login page is broken.\nThanks for letting us know!")],
            id="quoted-line-and-thanks-only",
        ),
        pytest.param(
            [
                ("customer", "My card was declined."),
                ("agent", "I've updated the payment settings. Let me know if that works."),
                ("customer", "It's not working now either."),
            ],
            50,  # the customer ends upset: the problem was not solved
            [(SOLUTION, "I've updated"), (FOLLOW_UP, "Let me know if that works")],
            id="negated-working-now-is-not-resolved",
        ),
        pytest.param(
            [
                ("customer", "My card was declined."),
                ("agent", "I'll check and get back to you by 3pm today."),
            ],
            40,
            [],
            id="holding-with-a-time-is-a-next-step",
        ),
        pytest.param(
            [
                ("customer", "The app crashes when I open it."),
                ("agent", "Let me check your account."),
            ],
            25,
            [(NO_NEXT_STEP, "Let me check your account.")],
            id="let-me-check-your-account-holds-it-does-not-solve",
        ),
        pytest.param(
            [
                ("customer", "The app crashes when I open it."),
                ("agent", "Sorry! What do you see when you try using it?"),
            ],
            40,
            [(DIAGNOSTIC, "What do you see when you try using it?")],
            id="solution-words-in-a-question-are-diagnostic",
        ),
        pytest.param(
            [
                ("customer", "Is this the right address for returns?"),
                ("agent", "Hi Sam, that is the address to use. Thanks!"),
            ],
            40,
            [],
            id="a-clause-that-says-more-than-a-greeting-is-a-step",
        ),
        pytest.param(
            [
                ("customer", "My parcel is missing."),
                ("agent", "Sorry about that! Please send us your order number."),
            ],
            40,
            [],
            id="asking-for-facts-without-a-question-mark",
        ),
        pytest.param(
            [
                ("customer", "My parcel is missing."),
                ("agent", "Sorry to hear that. DM us here: https://example.com/dm"),
            ],
            40,
            [],
            id="a-link-to-a-private-channel-is-a-next-step-not-a-resource",
        ),
        pytest.param(
            [
                ("customer", "My phone won't charge."),
                ("agent", "Could you DM us which model it is?"),
            ],
            40,
            [(DIAGNOSTIC, "Could you DM us which model it is?")],
            id="a-diagnostic-question-asked-in-private",
        ),
        pytest.param(
            [
                ("customer", "How do I reset my password?"),
                ("agent", "This guide walks you through it: https://example.com/reset"),
            ],
            70,
            [(SOLUTION, "https://")],
            id="a-link-is-a-resource",
        ),
        pytest.param(
            [("customer", "Hi, no problem at all, just saying hello."), ("agent", "Hello!")],
            None,
            [],
            id="no-problem-is-not-a-problem",
        ),
        pytest.param(
            [("customer", "Thanks for the refund!"), ("agent", "You're welcome!")],
            None,
            [],
            id="thanks-is-not-a-request",
        ),
        pytest.param(
            [("customer", "My screen is cracked, can you help?")],
            None,
            [],
            id="no-reply-not-applicable",
        ),
    ],
)
def test_problem_solving_table(
    turns: list[tuple[str, str]], score: int | None, signals: list[tuple[str, str]]
) -> None:
    finding = _run(turns)
    assert finding.score == score
    assert [(e.signal, e.quote) for e in finding.evidence] == signals


def test_problem_solving_negative_signals_carry_suggestions() -> None:
    finding = _run(
        [
            ("customer", "My order is late."),
            ("agent", "Sorry about that."),
            ("customer", "Hello?"),
            ("agent", "You'll need to contact the courier."),
            ("customer", "It still hasn't arrived."),
        ]
    )
    negative = [e for e in finding.evidence if e.polarity < 0]
    assert [e.signal for e in negative] == [NO_NEXT_STEP, TRANSFER, UNRESOLVED]
    assert all(e.suggestion for e in negative)
    assert finding.score == 0  # 40 - 15 - 10 - 20, clamped; a hand-off is no solution


def test_problem_solving_diagnostic_after_the_fix_earns_no_bonus() -> None:
    finding = _run(
        [
            ("customer", "The app crashes."),
            ("agent", "Please try reinstalling it."),
            ("customer", "Hmm."),
            ("agent", "Which phone model do you have?"),
        ]
    )
    assert finding.score == 70
    assert [e.signal for e in finding.evidence] == [SOLUTION, DIAGNOSTIC]


def test_problem_solving_lexicon_phrases_are_in_one_section() -> None:
    seen: dict[str, str] = {}
    for section, body in load_lexicon("problem_solving").sections.items():
        for phrase in body.get("phrases", []):
            key = fold(phrase.strip())
            assert key not in seen, f"{phrase!r} is in [{seen[key]}] and [{section}]"
            seen[key] = section


_PIECES = st.sampled_from(
    [
        "My order never arrived.",
        "broken",
        "?",
        "Which model is it?",
        "I've sent a replacement.",
        "Unfortunately we can't.",
        "What I can do is",
        "instead",
        "Did that solve it?",
        "transfer you",
        "Sorry about that.",
        "That worked",
        "still not working",
        "> quoted\n",
        '"quoted"',
        "https://x.example/?q=1",
        "you can't",
        "\n",
        " ",
        ".",
    ]
)
_TEXT = st.lists(st.one_of(_PIECES, st.text(max_size=20)), max_size=10).map("".join)


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["customer", "agent", "bot"]), _TEXT), max_size=6))
def test_problem_solving_never_raises_and_spans_index_the_text(
    turns: list[tuple[str, str]],
) -> None:
    conversation = make_conversation(turns)
    finding = check_finding(conversation, ANALYZER.analyze(conversation, Context()))
    for evidence in finding.evidence:
        assert skill_of_signal(evidence.signal) == "problem_solving"
