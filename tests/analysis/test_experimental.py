"""Experimental signals: shown and marked, but changing no score unless a rubric opts in."""

from __future__ import annotations

from pathlib import Path

import pytest

from servicecoach.analysis import result as result_module
from servicecoach.analysis.pipeline import Pipeline
from servicecoach.analysis.registry import analyzers
from servicecoach.analysis.signals import experimental_signals, signal_meanings
from servicecoach.errors import ConfigError
from servicecoach.rubric import load_rubric
from servicecoach.testing import make_conversation

ACK = "listening.acknowledgement"
TURNS = [
    ("customer", "The tent pole snapped on the first night."),
    ("agent", "I see. I've sent a new pole today; it arrives on Friday."),
]


def _listening(unscored: frozenset[str]) -> tuple[int | None, list[str]]:
    pipeline = Pipeline(list(analyzers().values()), unscored=unscored)
    finding = pipeline.analyze(make_conversation(TURNS)).skills["active_listening"]
    return finding.score, [e.signal for e in finding.evidence]


def test_experimental_signals_are_documented_with_a_reason() -> None:
    meanings = signal_meanings()
    for signal, why in experimental_signals().items():
        assert signal in meanings, f"{signal} is experimental but not in signals.toml"
        assert why.strip(), f"{signal} needs a reason"


def test_an_unscored_signal_keeps_its_evidence_but_not_its_score() -> None:
    scored, evidence = _listening(frozenset())
    unscored, kept = _listening(frozenset({ACK}))
    assert ACK in evidence and ACK in kept
    assert scored is not None and unscored is not None
    assert scored - unscored == 10  # the acknowledgement bonus, and nothing else


def test_results_mark_experimental_evidence(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(result_module, "is_experimental", lambda signal: signal == ACK)
    pipeline = Pipeline(list(analyzers().values()), unscored=frozenset({ACK}))
    out = pipeline.analyze(make_conversation(TURNS)).to_dict()
    marks = {
        e["signal"]: e.get("experimental", False)
        for skill in out["skills"].values()
        for e in skill["evidence"]
    }
    assert marks[ACK] is True
    assert not any(flag for signal, flag in marks.items() if signal != ACK)


def test_a_rubric_may_only_opt_in_experimental_signals(tmp_path: Path) -> None:
    path = tmp_path / "team.toml"
    path.write_text('[signals]\nscore_experimental = ["apology.apology"]\n', encoding="utf-8")
    with pytest.raises(ConfigError, match="not an experimental signal"):
        load_rubric(path)


def test_the_default_rubric_leaves_every_experimental_signal_unscored() -> None:
    rubric = load_rubric(None)
    assert rubric.unscored_signals() == frozenset(experimental_signals())


@pytest.mark.parametrize(
    ("turns", "skill", "signal"),
    [
        pytest.param(
            [
                ("customer", "My router won't connect."),
                ("agent", "Please restart it and hold the reset button for 10 seconds."),
                ("customer", "That worked, thanks!"),
                ("agent", "Great! Is there anything else I can help with?"),
            ],
            "closing",
            "closing.check",
            id="closing-check",
        ),
        pytest.param(
            [("customer", "My card was declined."), ("agent", "I've updated your card details.")],
            "problem_solving",
            "problem_solving.solution",
            id="solution",
        ),
        pytest.param(
            [
                ("customer", "I want the basic plan."),
                ("agent", "I'd suggest the plus plan instead, because it keeps your backups."),
            ],
            "persuasion",
            "persuasion.reason",
            id="reason",
        ),
        pytest.param(
            [
                ("customer", "This is so frustrating, my order is late again!"),
                ("agent", "That sounds really frustrating. I've sent a new one today."),
            ],
            "empathy",
            "empathy.validation",
            id="validation",
        ),
    ],
)
def test_each_analyser_leaves_an_unscored_signal_out(
    turns: list[tuple[str, str]], skill: str, signal: str
) -> None:
    def run(unscored: frozenset[str]) -> tuple[int | None, list[str]]:
        pipeline = Pipeline(list(analyzers().values()), unscored=unscored)
        finding = pipeline.analyze(make_conversation(turns)).skills[skill]
        return finding.score, [e.signal for e in finding.evidence]

    scored, evidence = run(frozenset())
    unscored, kept = run(frozenset({signal}))
    assert signal in evidence and signal in kept
    assert scored is not None and unscored is not None and unscored < scored
