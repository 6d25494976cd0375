"""A team's ``emotion`` lexicon override beside its rubric: a cue word it adds changes the
customer's emotion, and so what empathy, patience, problem solving, the outcome and live
assist see, while the shipped cues stay with every other rubric in the same process."""

from __future__ import annotations

from pathlib import Path

import pytest

from servicecoach.analysis.emotion import classify_emotion, customer_emotions, rule_weights
from servicecoach.analysis.lexicon import load_lexicon
from servicecoach.analysis.pipeline import Pipeline
from servicecoach.assist import DraftChecker
from servicecoach.assist.facts import gather_facts
from servicecoach.assist.templates import load_templates
from servicecoach.errors import ConfigError
from servicecoach.model import Conversation
from servicecoach.rubric import Rubric, load_rubric
from servicecoach.testing import make_conversation

EMOTION = '[frustration]\nphrases = ["argh"]\n'
"""A frustration cue the shipped lexicon does not have."""
UPSET = "Argh. The router light is blinking amber."
"""Neutral by the shipped cues; frustrated by the team's."""


def _team(tmp_path: Path, text: str = EMOTION) -> Rubric:
    """A rubric whose ``[lexicons]`` overrides the emotion lexicon with ``text``."""
    (tmp_path / "lexicons").mkdir(exist_ok=True)
    (tmp_path / "lexicons" / "emotion.toml").write_text(text, encoding="utf-8")
    path = tmp_path / "team.toml"
    path.write_text('[lexicons]\nemotion = "lexicons/emotion.toml"\n', encoding="utf-8")
    return load_rubric(path)


def _chat() -> Conversation:
    return make_conversation(
        [
            ("customer", UPSET),
            ("agent", "Please restart the router and tell me what the light shows."),
        ]
    )


def _seen(rubric: Rubric) -> tuple[str, dict[str, bool], str]:
    """The customer's emotion, which of the three emotion-led skills apply, and the outcome's
    starting emotion, by a fast pipeline built from ``rubric``."""
    result = Pipeline.from_rubric(rubric, fast=True).analyze(_chat()).to_dict()
    messages, skills, outcome = result["messages"], result["skills"], result["outcome"]
    assert isinstance(messages, list) and isinstance(skills, dict) and isinstance(outcome, dict)
    applies = {
        skill: bool(skills[skill]["applicable"])
        for skill in ("empathy", "patience", "problem_solving")
    }
    return messages[0]["emotion"]["label"], applies, outcome["emotion_start"]


def test_emotion_overrides_rules_read_the_given_lexicon(tmp_path: Path) -> None:
    cues = _team(tmp_path).team_lexicons()["emotion"]
    assert classify_emotion(UPSET).label == "neutral"
    assert classify_emotion(UPSET, cues).label == "frustration"
    assert rule_weights(UPSET, cues) == {"frustration": 1.0}
    assert rule_weights(UPSET) == {}  # the cached team entry does not answer for the shipped
    assert classify_emotion(UPSET, load_lexicon("emotion")).label == "neutral"


def test_emotion_overrides_change_batch_analysis(tmp_path: Path) -> None:
    every = {"empathy": True, "patience": True, "problem_solving": True}
    assert _seen(_team(tmp_path)) == ("frustration", every, "frustration")
    assert _seen(Rubric()) == ("neutral", dict.fromkeys(every, False), "neutral")


def test_emotion_overrides_two_rubrics_in_one_process_do_not_mix(tmp_path: Path) -> None:
    team = Pipeline.from_rubric(_team(tmp_path), fast=True)
    plain = Pipeline.from_rubric(Rubric(), fast=True)
    conversation = _chat()  # the same object: the per-thread emotion cache must tell them apart
    for _ in range(2):
        assert team.analyze(conversation).emotions["m1"].label == "frustration"
        assert plain.analyze(conversation).emotions["m1"].label == "neutral"
        assert customer_emotions(conversation)["m1"].label == "neutral"
    assert "argh" not in load_lexicon("emotion").section("frustration")["phrases"]


def test_emotion_overrides_change_live_assist(tmp_path: Path) -> None:
    conversation = make_conversation([("customer", UPSET)])
    draft = "Please restart the router."
    team = DraftChecker(_team(tmp_path), fast=True).check(conversation, draft)
    plain = DraftChecker(fast=True).check(conversation, draft)
    (missing,) = [s for s in team.suggestions if s.kind == "empathy.missing"]
    assert "frustrated" in missing.reason
    assert not [s for s in plain.suggestions if s.kind == "empathy.missing"]


def test_emotion_overrides_reach_the_rewrites_second_opinion(tmp_path: Path) -> None:
    """Live assist's rewrites read the rules again where the pipeline's emotion is not
    upset (the learned model's may not be): with the team's cues, as the analysers did."""
    lexicons = _team(tmp_path).team_lexicons()
    conversation = make_conversation([("customer", UPSET), ("agent", "Let me check.")])
    templates = load_templates()
    assert gather_facts(conversation, "m2", {}, templates, lexicons).emotion == "frustration"
    assert gather_facts(conversation, "m2", {}, templates).emotion is None


@pytest.mark.parametrize(
    ("text", "needles"),
    [
        ("[frustrated]\nphrases = ['argh']\n", ["emotion.toml", "[frustrated]", "no section"]),
        ("[confusion]\nweight = 3\n", ["emotion.toml", "[confusion] weight", "unknown key"]),
        (
            "[anger]\nremove = ['not a cue']\n",
            ["emotion.toml", "[anger] remove", "'not a cue' is not in the shipped phrases"],
        ),
        ("[anger]\nphrases = 'argh'\n", ["[anger] phrases", "list of non-empty texts"]),
    ],
)
def test_emotion_overrides_errors_name_file_and_key(
    tmp_path: Path, text: str, needles: list[str]
) -> None:
    with pytest.raises(ConfigError) as caught:
        _team(tmp_path, text)
    message = str(caught.value)
    assert message.startswith(f"rubric {tmp_path / 'team.toml'}: lexicons")
    for needle in needles:
        assert needle in message
