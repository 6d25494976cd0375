"""The persuasion analyser, table-driven: (conversation, expected score and signals)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from servicecoach.analysis.analyzer import Context
from servicecoach.analysis.analyzers.persuasion import PersuasionAnalyzer
from servicecoach.analysis.finding import SkillFinding
from servicecoach.analysis.lexicon import load_lexicon
from servicecoach.analysis.skills import skill_of_signal
from servicecoach.nlp.phrases import fold
from servicecoach.testing import check_finding, make_conversation

ANALYZER = PersuasionAnalyzer()
STEER = "persuasion.steer"
REASON = "persuasion.reason"
PRESSURE = "persuasion.pressure"


def _run(turns: list[tuple[str, str]]) -> SkillFinding:
    return ANALYZER.analyze(make_conversation(turns), Context())


@pytest.mark.parametrize(
    ("turns", "score", "signals"),
    [
        pytest.param(
            [
                ("customer", "I want the basic plan."),
                ("agent", "I'd recommend the plus plan instead, because it includes backups."),
            ],
            85,
            [(STEER, "I'd recommend"), (REASON, "because"), (REASON, "it includes")],
            id="steer-with-reasons",
        ),
        pytest.param(
            [
                ("customer", "Can I get the 2-person tent?"),
                ("agent", "A better option is the 3-person model."),
            ],
            60,
            [(STEER, "A better option")],
            id="steer-without-reasons",
        ),
        pytest.param(
            [
                ("customer", "I want the basic plan."),
                ("agent", "I'd recommend the plus plan. Final offer, only today."),
            ],
            0,
            [(STEER, "I'd recommend"), (PRESSURE, "Final offer"), (PRESSURE, "only today")],
            id="pressure",
        ),
        pytest.param(
            [
                ("customer", "I'll take the cheap charger."),
                ("agent", "I'd suggest the fast charger rather than the cheap one."),
                ("customer", "Hmm, not sure."),
                ("agent", "Act now - you must decide. Also, you have to keep the receipt."),
            ],
            30,
            [
                (STEER, "I'd suggest"),
                (STEER, "rather than"),
                (PRESSURE, "Act now"),
            ],
            id="urgency-counts-after-the-steer-insisting-only-in-a-steering-reply",
        ),
        pytest.param(
            [
                ("customer", "I want to return the jacket."),
                (
                    "agent",
                    "You must be disappointed. I'd recommend an exchange, so you get the right "
                    "size this week - all you have to do is reply with it.",
                ),
            ],
            85,
            [(STEER, "I'd recommend"), (REASON, "so you get")],
            id="you-must-be-and-all-you-have-to-do-are-not-pressure",
        ),
        pytest.param(
            [
                ("customer", "Should I upgrade?"),
                ("agent", "I'd recommend waiting - there's no hurry, the sale runs all month."),
            ],
            60,
            [(STEER, "I'd recommend")],
            id="no-hurry-is-not-pressure",
        ),
        pytest.param(
            [
                ("customer", "My streaming stick keeps freezing."),
                ("agent", "I'd recommend restarting it by unplugging it for a minute."),
            ],
            None,
            [],
            id="advice-for-a-problem-is-not-steering",
        ),
        pytest.param(
            [
                ("customer", "Do you still sell the basic plan?"),
                (
                    "agent",
                    "Unfortunately it's gone, so I'd suggest the plus plan - that way you "
                    "keep your backups.",
                ),
            ],
            85,
            [(STEER, "I'd suggest"), (REASON, "that way")],
            id="a-recommendation-after-a-refusal-steers",
        ),
        pytest.param(
            [
                ("customer", "How do I reset it?"),
                ("agent", "You have to hold the button. You must restart it afterwards."),
            ],
            None,
            [],
            id="instructions-without-a-steer-are-not-applicable",
        ),
        pytest.param(
            [
                ("customer", "I'd recommend you fix your website."),
                ("agent", '"I\'d recommend you fix your website" - noted, thank you.'),
            ],
            None,
            [],
            id="customer-words-quoted-in-the-reply",
        ),
        pytest.param(
            [("agent", "I'd recommend our new plan, act now!"), ("customer", "No thanks.")],
            None,
            [],
            id="a-pitch-before-the-customer-wrote",
        ),
    ],
)
def test_persuasion_table(
    turns: list[tuple[str, str]], score: int | None, signals: list[tuple[str, str]]
) -> None:
    finding = _run(turns)
    assert finding.score == score
    assert [(e.signal, e.quote) for e in finding.evidence] == signals


def test_persuasion_pressure_carries_a_suggestion() -> None:
    finding = _run(
        [("customer", "I want plan A."), ("agent", "I'd recommend plan B. You have to decide.")]
    )
    (pressure,) = [e for e in finding.evidence if e.signal == PRESSURE]
    assert pressure.polarity == -1 and pressure.suggestion


def test_persuasion_lexicon_phrases_are_in_one_section() -> None:
    seen: dict[str, str] = {}
    for section, body in load_lexicon("persuasion").sections.items():
        for phrase in body.get("phrases", []):
            key = fold(phrase.strip())
            assert key not in seen, f"{phrase!r} is in [{seen[key]}] and [{section}]"
            seen[key] = section


_PIECES = st.sampled_from(
    [
        "I'd recommend",
        "instead of",
        "because",
        "you have to",
        "you must be",
        "final offer",
        "no hurry",
        "> quoted\n",
        '"quoted"',
        "\n",
        " ",
        ".",
    ]
)
_TEXT = st.lists(st.one_of(_PIECES, st.text(max_size=20)), max_size=10).map("".join)


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["customer", "agent", "bot"]), _TEXT), max_size=6))
def test_persuasion_never_raises_and_spans_index_the_text(turns: list[tuple[str, str]]) -> None:
    conversation = make_conversation(turns)
    finding = check_finding(conversation, ANALYZER.analyze(conversation, Context()))
    for evidence in finding.evidence:
        assert skill_of_signal(evidence.signal) == "persuasion"
