"""The extra-mile analyser, table-driven: (conversation, expected score and signals)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from servicecoach.analysis.analyzer import Context
from servicecoach.analysis.analyzers.extra_mile import ExtraMileAnalyzer
from servicecoach.analysis.finding import SkillFinding
from servicecoach.analysis.lexicon import load_lexicon
from servicecoach.model.conversation import Conversation
from servicecoach.nlp.phrases import fold
from servicecoach.testing import check_finding, make_conversation

ANALYZER = ExtraMileAnalyzer()
PROACTIVE = "extra_mile.proactive"


def _history(count: int) -> tuple[Conversation, ...]:
    return tuple(
        make_conversation([("customer", "Where is my order?")], id=f"old-{n}") for n in range(count)
    )


def _run(turns: list[tuple[str, str]], history: int | None = None) -> SkillFinding:
    context = Context(history=None if history is None else _history(history))
    return ANALYZER.analyze(make_conversation(turns), context)


@pytest.mark.parametrize(
    ("turns", "history", "score", "signals"),
    [
        pytest.param(
            [("customer", "My tent pole snapped."), ("agent", "I've sent a new pole today.")],
            None,
            None,
            [],
            id="solved-no-extra",
        ),
        pytest.param(
            [
                ("customer", "My tent pole snapped."),
                ("agent", "I've sent a new pole. I've also expedited shipping free of charge."),
            ],
            None,
            80,
            [(PROACTIVE, "I've also"), (PROACTIVE, "expedited"), (PROACTIVE, "free of charge")],
            id="one-sentence-of-extra-help-counts-once",
        ),
        pytest.param(
            [
                ("customer", "My tent pole snapped."),
                (
                    "agent",
                    "I've sent a new pole. I've also checked your other order. "
                    "As a courtesy, the return label is on us.",
                ),
            ],
            None,
            95,
            [(PROACTIVE, "I've also checked"), (PROACTIVE, "As a courtesy")],
            id="two-proactive-sentences",
        ),
        pytest.param(
            [
                ("customer", "My tent pole snapped."),
                ("agent", "I've sent a new pole. I've also expedited it."),
            ],
            3,
            85,
            [(PROACTIVE, "I've also"), (PROACTIVE, "expedited")],
            id="long-standing-customer-weighs-more",
        ),
        pytest.param(
            [
                ("customer", "My tent pole snapped."),
                ("agent", "I've sent a new pole. I've also expedited it."),
            ],
            2,
            80,
            [(PROACTIVE, "I've also"), (PROACTIVE, "expedited")],
            id="two-earlier-conversations-are-not-long-standing",
        ),
        pytest.param(
            [("customer", "My tent pole snapped."), ("agent", "I've sent a new pole.")],
            5,
            None,
            [],
            id="history-alone-adds-nothing",
        ),
        pytest.param(
            [
                ("customer", "Can you send it faster?"),
                ("agent", "Sorry, we can't expedite orders once packed."),
            ],
            None,
            None,
            [],
            id="negated-expedite",
        ),
        pytest.param(
            [
                ("agent", "Welcome! As a courtesy, shipping is free this week."),
                ("customer", "My order is late."),
                ("agent", "It ships today."),
            ],
            None,
            None,
            [],
            id="courtesy-before-the-request-does-not-count",
        ),
        pytest.param(
            [
                ("customer", "I've also noticed a scratch on the lid."),
                ("agent", "> I've also noticed a scratch on the lid.\nA new lid is on its way."),
            ],
            None,
            None,
            [],
            id="customer-words-quoted-in-the-reply",
        ),
        pytest.param(
            [("customer", "Thanks so much, bye!"), ("agent", "Bye! I've also expedited it.")],
            None,
            None,
            [],
            id="thanks-is-not-a-request",
        ),
        pytest.param([("customer", "My tent pole snapped.")], None, None, [], id="no-reply"),
    ],
)
def test_extra_mile_table(
    turns: list[tuple[str, str]],
    history: int | None,
    score: int | None,
    signals: list[tuple[str, str]],
) -> None:
    finding = _run(turns, history)
    assert finding.score == score
    assert [(e.signal, e.quote) for e in finding.evidence] == signals


def test_extra_mile_lexicon_phrases_are_in_one_section() -> None:
    seen: dict[str, str] = {}
    for section, body in load_lexicon("extra_mile").sections.items():
        for phrase in body.get("phrases", []):
            key = fold(phrase.strip())
            assert key not in seen, f"{phrase!r} is in [{seen[key]}] and [{section}]"
            seen[key] = section


_PIECES = st.sampled_from(
    [
        "My tent pole snapped.",
        "?",
        "I've also",
        "expedited",
        "free of charge",
        "can't",
        "thanks",
        "> quoted\n",
        '"quoted"',
        "\n",
        " ",
        ".",
    ]
)
_TEXT = st.lists(st.one_of(_PIECES, st.text(max_size=20)), max_size=10).map("".join)


@settings(max_examples=150, deadline=None)
@given(
    st.lists(st.tuples(st.sampled_from(["customer", "agent", "bot"]), _TEXT), max_size=6),
    st.one_of(st.none(), st.integers(min_value=0, max_value=4)),
)
def test_extra_mile_never_raises_and_spans_index_the_text(
    turns: list[tuple[str, str]], history: int | None
) -> None:
    conversation = make_conversation(turns)
    context = Context(history=None if history is None else _history(history))
    finding = check_finding(conversation, ANALYZER.analyze(conversation, context))
    for evidence in finding.evidence:
        assert evidence.signal == PROACTIVE
