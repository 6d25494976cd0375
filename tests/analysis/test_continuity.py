"""The continuity analyser, table-driven: (conversation, history, expected score and signals)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from servicecoach.analysis.analyzer import Context
from servicecoach.analysis.analyzers.continuity import ContinuityAnalyzer
from servicecoach.analysis.finding import SkillFinding
from servicecoach.analysis.lexicon import load_lexicon
from servicecoach.model.conversation import Channel, Conversation
from servicecoach.nlp.phrases import fold
from servicecoach.testing import check_finding, make_conversation

ANALYZER = ContinuityAnalyzer()
REFERENCE = "continuity.reference"
RETELL = "continuity.retell"


def _history(count: int) -> tuple[Conversation, ...]:
    return tuple(
        make_conversation(
            [("customer", "My parcel is missing."), ("agent", "I'm on it.")],
            id=f"call-{n}",
            channel=Channel.PHONE,
        )
        for n in range(count)
    )


def _run(turns: list[tuple[str, str]], history: int | None = None) -> SkillFinding:
    context = Context(history=None if history is None else _history(history))
    return ANALYZER.analyze(make_conversation(turns), context)


@pytest.mark.parametrize(
    ("turns", "history", "score", "signals"),
    [
        pytest.param(
            [
                ("customer", "Hi, any news on my missing parcel?"),
                ("agent", "I can see your call with Sam yesterday - it ships today."),
            ],
            1,
            90,
            [(REFERENCE, "I can see your call")],
            id="agent-uses-the-history",
        ),
        pytest.param(
            [("customer", "Any news on my parcel?"), ("agent", "It ships today.")],
            2,
            60,
            [],
            id="history-not-used",
        ),
        pytest.param(
            [
                ("customer", "I already explained this on the phone yesterday!"),
                ("agent", "Sorry! I can see your call - the refund is on its way."),
            ],
            1,
            60,
            [(RETELL, "I already explained this on the phone"), (REFERENCE, "I can see your call")],
            id="retell-then-reference",
        ),
        pytest.param(
            [
                ("customer", "As I told your colleague, the box was empty."),
                ("agent", "Could you tell me what happened?"),
                ("customer", "I've already reported this twice. I wrote to you before!"),
            ],
            None,
            0,
            [(RETELL, "As I told your colleague"), (RETELL, "I've already reported this")],
            id="retell-without-known-history-still-applies-one-per-message",
        ),
        pytest.param(
            [
                ("customer", "My parcel is late."),
                ("agent", "Which parcel?"),
                ("customer", "As I said, the blue one."),
            ],
            None,
            None,
            [],
            id="repeating-inside-one-conversation-is-active-listening",
        ),
        pytest.param(
            [
                ("customer", "Where is my order?"),
                ("agent", "I already explained that you'll get it Friday."),
            ],
            None,
            None,
            [],
            id="the-agent-cannot-retell",
        ),
        pytest.param(
            [
                ("customer", "From your previous message it sounded fine."),
                ("agent", '"From your previous message it sounded fine" - let me check.'),
            ],
            None,
            None,
            [],
            id="customer-words-quoted-in-the-reply-are-no-reference",
        ),
        pytest.param(
            [("customer", "Hello"), ("agent", "Hi there!")],
            0,
            None,
            [],
            id="empty-history-not-applicable",
        ),
        pytest.param(
            [("customer", "Hello"), ("agent", "Hi there!")],
            None,
            None,
            [],
            id="unknown-history-not-applicable",
        ),
    ],
)
def test_continuity_table(
    turns: list[tuple[str, str]],
    history: int | None,
    score: int | None,
    signals: list[tuple[str, str]],
) -> None:
    finding = _run(turns, history)
    assert finding.score == score
    assert [(e.signal, e.quote) for e in finding.evidence] == signals


def test_continuity_retell_is_negative_with_a_suggestion() -> None:
    finding = _run([("customer", "I wrote to you before about this."), ("agent", "Thanks.")])
    (retell,) = finding.evidence
    assert (retell.message, retell.polarity) == ("m1", -1)
    assert retell.suggestion


def test_continuity_lexicon_phrases_are_in_one_section() -> None:
    seen: dict[str, str] = {}
    for section, body in load_lexicon("continuity").sections.items():
        for phrase in body.get("phrases", []):
            key = fold(phrase.strip())
            assert key not in seen, f"{phrase!r} is in [{seen[key]}] and [{section}]"
            seen[key] = section


_PIECES = st.sampled_from(
    [
        "I already explained this on the phone",
        "as I told your colleague",
        "I can see your call",
        "from your previous message",
        "never",
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
    st.one_of(st.none(), st.integers(min_value=0, max_value=2)),
)
def test_continuity_never_raises_and_spans_index_the_text(
    turns: list[tuple[str, str]], history: int | None
) -> None:
    conversation = make_conversation(turns)
    context = Context(history=None if history is None else _history(history))
    finding = check_finding(conversation, ANALYZER.analyze(conversation, context))
    for evidence in finding.evidence:
        assert evidence.signal in (REFERENCE, RETELL)
