"""The apology analyser, table-driven: (conversation, expected score and signals)."""

from __future__ import annotations

import pytest

from servicecoach.analysis.analyzer import Context
from servicecoach.analysis.analyzers.apology import ApologyAnalyzer
from servicecoach.testing import make_conversation

ANALYZER = ApologyAnalyzer()


def _run(turns: list[tuple[str, str]]):  # type: ignore[no-untyped-def]
    return ANALYZER.analyze(make_conversation(turns), Context())


@pytest.mark.parametrize(
    ("turns", "score", "signals"),
    [
        (
            [
                ("customer", "My tent arrived broken."),
                ("agent", "I'm so sorry about that! A new one ships today."),
            ],
            100,
            [("apology.apology", "I'm so sorry about")],
        ),
        (
            [
                ("customer", "The order never arrived."),
                ("agent", "Let me check."),
                ("agent", "Apologies for the delay."),
            ],
            70,
            [("apology.apology", "Apologies for")],
        ),
        (
            [("customer", "I was charged twice."), ("agent", "Refund sent.")],
            20,
            [("apology.missing", "Refund sent.")],
        ),
        (
            [("customer", "The pole snapped."), ("agent", "I'm sorry, it was our fault.")],
            70,
            [("apology.apology", "I'm sorry,"), ("apology.liability", "it was our fault")],
        ),
        (
            [("customer", "Still broken."), ("agent", "I'm not sorry, you bent it.")],
            20,
            [("apology.missing", "I'm not sorry, you bent it.")],
        ),
        (
            [("customer", "Thanks, all good!"), ("agent", "Glad to hear it.")],
            None,
            [],
        ),
        (
            [
                ("customer", "Where is the size guide?"),
                ("agent", "Sorry for the wait - here it is."),
            ],
            None,
            [("apology.apology", "Sorry for")],
        ),
    ],
)
def test_apology_table(
    turns: list[tuple[str, str]], score: int | None, signals: list[tuple[str, str]]
) -> None:
    finding = _run(turns)
    assert finding.score == score
    assert [(e.signal, e.quote) for e in finding.evidence] == signals


def test_apology_spans_point_into_the_message() -> None:
    conversation = make_conversation(
        [("customer", "It is damaged."), ("agent", "Oh no, I’m sorry to hear that.")]
    )
    (evidence,) = ANALYZER.analyze(conversation, Context()).evidence
    text = conversation.messages[1].text
    assert text[evidence.start : evidence.end] == evidence.quote == "I’m sorry to hear"


def test_apology_liability_carries_a_safe_alternative() -> None:
    finding = _run(
        [("customer", "It leaked."), ("agent", "We accept full responsibility for this.")]
    )
    liability = [e for e in finding.evidence if e.signal == "apology.liability"]
    assert liability and liability[0].suggestion and "sorry" in liability[0].suggestion.lower()
