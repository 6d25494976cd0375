"""Responsiveness's wait scores and first-response weight, set from ``[analyzers.responsiveness]``.

The targets and business hours have their own tests (test_responsiveness.py); these say
that each tier and the weight move the score the documented way, that the defaults are
the built-in scoring, and that a bad value names the key.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from servicecoach.analysis.analyzer import Context
from servicecoach.analysis.analyzers.responsiveness import ResponsivenessAnalyzer
from servicecoach.analysis.analyzers.responsiveness_settings import DEFAULT_TIERS
from servicecoach.analysis.pipeline import Pipeline
from servicecoach.errors import ConfigError
from servicecoach.rubric import load_rubric
from servicecoach.testing import make_conversation
from tests.conftest import REPO

ANALYZER = ResponsivenessAnalyzer()

Turns = list[tuple[str, str, float]]


def _reply_after(minutes: float) -> Turns:
    """A chat (target 2 minutes) whose one wait lasts ``minutes``."""
    return [("customer", "Where is my order?", 0), ("agent", "It ships today.", minutes)]


QUICK_THEN_SLOW: Turns = [
    ("customer", "Where is my order?", 0),
    ("agent", "It ships today.", 1),
    ("customer", "Which courier takes it?", 2),
    ("agent", "The courier is Parcelco.", 22),
]
DROPPED: Turns = [
    ("customer", "Where is my order?", 0),
    ("agent", "It ships today.", 1),
    ("customer", "Which courier takes it?", 2),
]


def _score(turns: Turns, config: dict[str, Any]) -> int | None:
    ANALYZER.check_config(config)
    return ANALYZER.analyze(make_conversation(turns), Context(config=config)).score


# (conversation, setting, score with the defaults, score with the setting)
TUNED: list[tuple[Turns, dict[str, Any], int, int]] = [
    (_reply_after(1), {"tiers": {"within": 90}}, 100, 90),
    (_reply_after(3), {"tiers": {"double": 60}}, 70, 60),  # up to twice the target
    (_reply_after(7), {"tiers": {"quadruple": 20}}, 40, 20),  # up to four times
    (_reply_after(20), {"tiers": {"beyond": 0}}, 10, 0),
    (_reply_after(3), {"tiers": {"within": 90}}, 70, 70),  # another tier: no change
    (QUICK_THEN_SLOW, {"first_response_weight": 1}, 70, 55),  # (100 + 10) / 2
    (QUICK_THEN_SLOW, {"first_response_weight": 4}, 70, 82),  # (400 + 10) / 5
    (DROPPED, {"tiers": {"unanswered": 40}}, 67, 80),  # (200 + 40) / 3
]


@pytest.mark.parametrize(("turns", "config", "default", "tuned"), TUNED)
def test_responsiveness_tiers_move_the_score(
    turns: Turns, config: dict[str, Any], default: int, tuned: int
) -> None:
    assert _score(turns, {}) == default
    assert _score(turns, config) == tuned


@pytest.mark.parametrize("turns", [turns for turns, *_ in TUNED])
def test_responsiveness_tiers_defaults_are_the_built_in_scoring(turns: Turns) -> None:
    written = {"tiers": dict(DEFAULT_TIERS), "first_response_weight": 2}
    conversation = make_conversation(turns)
    built_in = ANALYZER.analyze(conversation, Context())
    assert ANALYZER.analyze(conversation, Context(config=written)) == built_in


@pytest.mark.parametrize(
    ("config", "message"),
    [
        ({"tiers": {"fast": 100}}, "tiers: no responsiveness tier 'fast' (one of within, double"),
        ({"tiers": {"within": 120}}, "tiers: within = 120: a score is between 0 and 100"),
        ({"tiers": {"within": 99.5}}, "tiers: must be a table of tier to a whole score"),
        ({"tiers": {"within": True}}, "tiers: must be a table of tier to a whole score"),
        ({"tiers": 80}, "tiers: must be a table of tier to a whole score"),
        ({"first_response_weight": 0}, "first_response_weight: must be a whole number from 1"),
        ({"first_response_weight": 11}, "first_response_weight: must be a whole number from 1"),
        ({"first_response_weight": True}, "got True"),
        ({"first_response_weight": 1.5}, "got 1.5"),
        ({"tier": {}}, "tier: unknown key (known: targets_minutes, business_hours, tiers"),
    ],
)
def test_responsiveness_tiers_mistakes_name_the_key(config: dict[str, Any], message: str) -> None:
    with pytest.raises(ConfigError) as raised:
        ANALYZER.check_config(config)
    assert str(raised.value).startswith("analyser responsiveness: ")
    assert message in str(raised.value)


def test_responsiveness_tiers_from_a_rubric(tmp_path: Path) -> None:
    rubric = tmp_path / "team.toml"
    rubric.write_text(
        "[responsiveness.targets_minutes]\nchat = 5\n"
        "[analyzers.responsiveness]\nfirst_response_weight = 1\n"
        "[analyzers.responsiveness.tiers]\ndouble = 50\n",
        encoding="utf-8",
    )
    pipeline = Pipeline.from_rubric(load_rubric(rubric), fast=True)
    slow = [("customer", "Where is my order?", 0), ("agent", "It ships today.", 8)]
    assert pipeline.analyze(make_conversation(slow)).skills["responsiveness"].score == 50
    rubric.write_text("[analyzers.responsiveness.tiers]\nbeyond = -10\n", encoding="utf-8")
    with pytest.raises(ConfigError) as raised:
        load_rubric(rubric)
    assert str(raised.value).startswith(f"rubric {rubric}: ")
    assert "[analyzers.responsiveness] tiers: beyond = -10: a score is between 0 and 100" in str(
        raised.value
    )


def test_responsiveness_tiers_are_documented() -> None:
    doc = (REPO / "docs" / "analyzer-settings.md").read_text(encoding="utf-8")
    section = doc.split("## [analyzers.responsiveness]", 1)[1].split("\n## ", 1)[0]
    for key in [*(f"tiers.{tier}" for tier in DEFAULT_TIERS), "first_response_weight"]:
        assert f"| `{key}` |" in section, f"responsiveness: {key} is not documented"
