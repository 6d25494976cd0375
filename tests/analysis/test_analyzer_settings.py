"""The tiers and points a team sets per analyser (``[analyzers.NAME]``), table-driven.

For empathy, problem solving, closing, patience, apology, extra mile, persuasion, public
to private and continuity: each setting moves the score the way docs/analyzer-settings.md
says, the defaults are the built-in scoring, and a bad value is an error naming the key
and the allowed range.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from pydantic import BaseModel

from servicecoach.analysis.analyzer import Analyzer, Context
from servicecoach.analysis.analyzers.apology import ApologyAnalyzer
from servicecoach.analysis.analyzers.closing import ClosingAnalyzer
from servicecoach.analysis.analyzers.continuity import ContinuityAnalyzer
from servicecoach.analysis.analyzers.empathy import EmpathyAnalyzer
from servicecoach.analysis.analyzers.extra_mile import ExtraMileAnalyzer
from servicecoach.analysis.analyzers.patience import PatienceAnalyzer
from servicecoach.analysis.analyzers.persuasion import PersuasionAnalyzer
from servicecoach.analysis.analyzers.problem_solving import ProblemSolvingAnalyzer
from servicecoach.analysis.analyzers.public_to_private import PublicToPrivateAnalyzer
from servicecoach.analysis.finding import SkillFinding
from servicecoach.analysis.pipeline import Pipeline
from servicecoach.errors import ConfigError
from servicecoach.model.conversation import Channel, Conversation
from servicecoach.rubric import load_rubric
from servicecoach.testing import make_conversation
from tests.conftest import REPO

ANALYZERS: dict[str, Analyzer] = {
    a.name: a
    for a in (
        EmpathyAnalyzer(),
        ProblemSolvingAnalyzer(),
        ClosingAnalyzer(),
        PatienceAnalyzer(),
        ApologyAnalyzer(),
        ExtraMileAnalyzer(),
        PersuasionAnalyzer(),
        PublicToPrivateAnalyzer(),
        ContinuityAnalyzer(),
    )
}

Turns = list[tuple[str, str]]

TORN = "I'm so frustrated, my tent arrived torn."
EMPATHY_PERSONAL: Turns = [
    ("customer", "I'm so frustrated, my Ridgeline tent arrived torn."),
    ("agent", "That sounds really frustrating, Dana. I've sent a replacement tent today."),
]
EMPATHY_AFTER_FIX: Turns = [
    ("customer", TORN),
    ("agent", "I've sent a replacement today. That sounds really frustrating."),
]
EMPATHY_SECOND_REPLY: Turns = [
    ("customer", TORN),
    ("agent", "Hi, thanks for getting in touch."),
    ("agent", "That sounds really frustrating. I've sent a replacement today."),
]
EMPATHY_STOCK: Turns = [
    ("customer", TORN),
    ("agent", "We apologize for any inconvenience. A replacement is on its way."),
]
EMPATHY_NONE: Turns = [("customer", TORN), ("agent", "I've sent a replacement today.")]

SOLVED_ANGRY: Turns = [
    ("customer", "My router keeps dropping the connection."),
    ("agent", "Please try restarting it."),
    ("customer", "It still doesn't work and I'm really angry now."),
]
ASKED_THEN_SOLVED: Turns = [
    ("customer", "My router keeps dropping the connection."),
    ("agent", "Which model is it?"),
    ("customer", "The X200."),
    ("agent", "Please try restarting it."),
]
HANDED_OFF: Turns = [
    ("customer", "My router is broken."),
    ("agent", "I'll transfer you to another department."),
]
HELD_ONLY: Turns = [
    ("customer", "My router is broken."),
    ("agent", "Sorry about that. Let me look into it."),
    ("customer", "Any news?"),
]

CLOSED_WELL: Turns = [
    ("customer", "My order hasn't arrived."),
    ("agent", "I've resent it today by express post. Is there anything else I can help with?"),
    ("customer", "No that's all, thanks"),
]
CLOSED_EARLY: Turns = [
    ("customer", "My order hasn't arrived."),
    ("agent", "Is there anything else I can help with?"),
    ("customer", "Thanks"),
]
DRAGGED: Turns = [
    ("customer", "My order hasn't arrived."),
    ("agent", "I've resent it today."),
    ("customer", "That's all I need, thanks"),
    ("agent", "Would you like to hear about our premium plan?"),
]

ANGRY = "This is RIDICULOUS, it still doesn't work!!!"
SARCASTIC: Turns = [("customer", ANGRY), ("agent", "Good luck with that.")]
BLAMED: Turns = [
    ("customer", ANGRY),
    ("agent", "Calm down. As I already said, you should have read the manual."),
]
CALM: Turns = [("customer", ANGRY), ("agent", "I understand, let me fix it now.")]

BROKEN = "My order arrived broken."
APOLOGISED: Turns = [("customer", BROKEN), ("agent", "I'm so sorry about that. A new one is sent.")]
APOLOGISED_LATER: Turns = [
    ("customer", BROKEN),
    ("agent", "Let me check."),
    ("agent", "I'm so sorry about that."),
]
NO_APOLOGY: Turns = [("customer", BROKEN), ("agent", "A new one is on its way.")]
LIABLE: Turns = [
    ("customer", BROKEN),
    ("agent", "I'm sorry, it was our fault and we are liable for the damage."),
]
NO_PROBLEM: Turns = [("customer", "Hello there."), ("agent", "Hi, what can I do for you?")]

ONE_EXTRA: Turns = [
    ("customer", "Can you resend my order?"),
    ("agent", "Done. I've also upgraded your shipping free of charge."),
]
TWO_EXTRA: Turns = [
    ("customer", "Can you resend my order?"),
    (
        "agent",
        "Done. I've also added a note so it is left with a neighbour. "
        "And as a courtesy I've upgraded the shipping.",
    ),
]
NO_EXTRA: Turns = [("customer", "Can you resend my order?"), ("agent", "Done.")]

REASONED: Turns = [
    ("customer", "I want the monthly plan."),
    ("agent", "I'd recommend the annual plan instead because it saves you two months' fees."),
]
PRESSED: Turns = [
    ("customer", "I want the monthly plan."),
    ("agent", "I'd recommend the annual plan instead. This offer ends soon, act now."),
]

COMPLAINT = "@brand my order never arrived, terrible service"
INVITED: Turns = [
    ("customer", COMPLAINT),
    ("agent", "@dana Sorry! Please DM us and we'll sort it."),
]
INVITED_LATER: Turns = [
    ("customer", COMPLAINT),
    ("agent", "@dana Sorry to hear that."),
    ("agent", "@dana Please DM us and we'll sort it."),
]
NOT_INVITED: Turns = [("customer", COMPLAINT), ("agent", "@dana Sorry to hear that, we're on it.")]
ASKED_IN_PUBLIC: Turns = [
    ("customer", COMPLAINT),
    ("agent", "@dana Sorry to hear that. Please DM us."),
    ("agent", "@dana What's your order number?"),
]

RETOLD: Turns = [
    ("customer", "I already explained this on the phone yesterday."),
    ("agent", "How can I help?"),
]
REFERRED: Turns = [
    ("customer", "Hi, it's about my parcel."),
    ("agent", "I can see your call with us yesterday, I'll pick it up from there."),
]


def _conversation(name: str, turns: Turns) -> Conversation:
    public = name == "public_to_private"
    return make_conversation(
        turns, public=public, channel=Channel.SOCIAL if public else Channel.CHAT
    )


def _history(count: int) -> tuple[Conversation, ...]:
    return tuple(make_conversation(NO_EXTRA, id=f"earlier-{n}") for n in range(count))


def _score(name: str, turns: Turns, config: dict[str, Any], history: int = 0) -> int | None:
    analyzer = ANALYZERS[name]
    analyzer.check_config(config)  # what the rubric loader does first
    context = Context(config=config, history=_history(history) if history else None)
    return analyzer.analyze(_conversation(name, turns), context).score


# (analyser, conversation, setting, score with the defaults, score with the setting)
TUNED: list[tuple[str, Turns, dict[str, Any], int | None, int | None]] = [
    # empathy: tiers per episode, the personal bonus, stock lines, how early is early
    ("empathy", EMPATHY_PERSONAL, {"tiers": {"timely": 80}}, 100, 90),
    ("empathy", EMPATHY_PERSONAL, {"points": {"personal": 0}}, 100, 90),
    ("empathy", EMPATHY_AFTER_FIX, {"tiers": {"late": 40}}, 65, 40),
    ("empathy", EMPATHY_AFTER_FIX, {"early_replies": 3}, 65, 65),  # the fix came first
    ("empathy", EMPATHY_SECOND_REPLY, {"early_replies": 2}, 65, 90),  # second reply: early
    ("empathy", EMPATHY_STOCK, {"points": {"canned": -40}}, 35, 10),
    ("empathy", EMPATHY_STOCK, {"tiers": {"acknowledged": 60}}, 35, 45),
    ("empathy", EMPATHY_NONE, {"tiers": {"missing": 0}}, 25, 0),
    # problem solving: where it starts, each signal's points, the customer's mood at the end
    ("problem_solving", HANDED_OFF, {"start": 60}, 30, 50),
    ("problem_solving", HANDED_OFF, {"points": {"transfer": -30}}, 30, 10),
    ("problem_solving", ASKED_THEN_SOLVED, {"points": {"diagnostic": 20}}, 80, 90),
    ("problem_solving", ASKED_THEN_SOLVED, {"points": {"solution": 20}}, 80, 70),
    ("problem_solving", SOLVED_ANGRY, {"end_state": 0}, 20, 50),
    ("problem_solving", SOLVED_ANGRY, {"points": {"unresolved": 0}}, 20, 40),
    ("problem_solving", HELD_ONLY, {"points": {"no_next_step": -5}}, 25, 35),
    # closing
    ("closing", CLOSED_WELL, {"start": 50}, 80, 70),
    ("closing", CLOSED_WELL, {"points": {"check": 30}}, 80, 90),
    ("closing", CLOSED_EARLY, {"points": {"premature": -60}}, 25, 0),
    ("closing", DRAGGED, {"points": {"drag": -5}}, 40, 55),
    # patience: every signal costs, from where the score starts
    ("patience", SARCASTIC, {"points": {"sarcasm": -30}}, 80, 70),
    ("patience", SARCASTIC, {"start": 90}, 80, 70),
    ("patience", BLAMED, {"points": {"blame": -10, "dismissive": -10}}, 10, 70),
    ("patience", CALM, {"start": 90}, 100, 90),
    # apology: which reply apologised, and admitting fault
    ("apology", APOLOGISED, {"tiers": {"first_reply": 90}}, 100, 90),
    ("apology", APOLOGISED_LATER, {"tiers": {"later_reply": 50}}, 70, 50),
    ("apology", NO_APOLOGY, {"tiers": {"missing": 0}}, 20, 0),
    ("apology", LIABLE, {"points": {"liability": -10}}, 40, 80),  # two phrases
    ("apology", NO_PROBLEM, {"tiers": {"missing": 0}}, None, None),  # still not applicable
    # extra mile: one or several proactive sentences, long-standing customers
    ("extra_mile", ONE_EXTRA, {"tiers": {"one": 70}}, 80, 70),
    ("extra_mile", TWO_EXTRA, {"tiers": {"several": 100}}, 95, 100),
    ("extra_mile", NO_EXTRA, {"tiers": {"one": 100}}, None, None),  # still not applicable
    # persuasion
    ("persuasion", REASONED, {"start": 50}, 85, 75),
    ("persuasion", REASONED, {"points": {"reason": 40}}, 85, 100),
    ("persuasion", PRESSED, {"points": {"pressure": -10}}, 0, 40),  # two phrases
    # public to private
    ("public_to_private", INVITED, {"tiers": {"first_reply": 90}}, 100, 90),
    ("public_to_private", INVITED_LATER, {"tiers": {"later_reply": 50}}, 75, 50),
    ("public_to_private", NOT_INVITED, {"tiers": {"missing": 50}}, 25, 50),
    ("public_to_private", ASKED_IN_PUBLIC, {"points": {"data_in_public": -10}}, 60, 90),
    # continuity
    ("continuity", RETOLD, {"points": {"retell": -50}}, 30, 10),
    ("continuity", REFERRED, {"points": {"reference": 10}}, 90, 70),
    ("continuity", REFERRED, {"start": 50}, 90, 80),
]


@pytest.mark.parametrize(
    ("name", "turns", "config", "default", "tuned"),
    TUNED,
    ids=[f"{name}-{config}" for name, _, config, _, _ in TUNED],
)
def test_analyzer_settings_move_the_score(
    name: str, turns: Turns, config: dict[str, Any], default: int | None, tuned: int | None
) -> None:
    assert _score(name, turns, {}) == default
    assert _score(name, turns, config) == tuned


@pytest.mark.parametrize(
    ("config", "history", "score"),
    [
        ({}, 2, 80),  # not yet long-standing
        ({}, 3, 85),
        ({"long_standing": 2}, 2, 85),  # long-standing sooner
        ({"long_standing_bonus": 15}, 3, 95),
        ({"long_standing_bonus": 0}, 3, 80),
    ],
)
def test_analyzer_settings_extra_mile_long_standing(
    config: dict[str, Any], history: int, score: int
) -> None:
    assert _score("extra_mile", ONE_EXTRA, config, history=history) == score


@pytest.mark.parametrize(("name", "turns"), [(name, turns) for name, turns, *_ in TUNED])
def test_analyzer_settings_defaults_are_the_built_in_scoring(name: str, turns: Turns) -> None:
    """Every default written out in a rubric changes nothing, evidence included."""
    analyzer = ANALYZERS[name]
    assert analyzer.Config is not None
    written = analyzer.Config().model_dump()
    conversation = _conversation(name, turns)
    built_in = analyzer.analyze(conversation, Context())
    assert analyzer.analyze(conversation, Context(config=written)) == built_in


def test_analyzer_settings_reach_the_analyser_from_a_rubric(tmp_path: Path) -> None:
    rubric = tmp_path / "team.toml"
    rubric.write_text(
        "[analyzers.apology.tiers]\nmissing = 0\n[analyzers.empathy]\nearly_replies = 2\n",
        encoding="utf-8",
    )
    pipeline = Pipeline.from_rubric(load_rubric(rubric), fast=True)
    assert pipeline.analyze(_conversation("apology", NO_APOLOGY)).skills["apology"].score == 0
    second = pipeline.analyze(_conversation("empathy", EMPATHY_SECOND_REPLY))
    assert second.skills["empathy"].score == 90


# (analyser, setting, what the error says: the key and the allowed range)
MISTAKES: list[tuple[str, dict[str, Any], str]] = [
    ("empathy", {"early_replies": 0}, "early_replies: Input should be greater than or equal to 1"),
    ("empathy", {"tiers": {"timely": 120}}, "tiers: timely = 120: a score is between 0 and 100"),
    ("empathy", {"tiers": {"quick": 90}}, r"tiers: no empathy tier 'quick' \(one of timely, late"),
    ("empathy", {"points": {"canned": 15}}, r"points: canned = 15: it costs \(-100 to 0\)"),
    ("empathy", {"points": {"personal": -5}}, r"points: personal = -5: it earns \(0 to 100\)"),
    ("empathy", {"early": 2}, r"early: unknown key \(known: early_replies, tiers, points\)"),
    ("problem_solving", {"start": 101}, "start: Input should be less than or equal to 100"),
    ("problem_solving", {"end_state": -30}, "end_state: Input should be greater than or equal"),
    (
        "problem_solving",
        {"points": {"fix": 30}},
        r"no problem_solving signal 'fix' \(one of solution",
    ),
    ("closing", {"points": {"premature": 35}}, r"premature = 35: it costs \(-100 to 0\)"),
    ("closing", {"start": "high"}, "start: must be a whole number"),
    ("patience", {"points": {"shouting": 25}}, r"shouting = 25: it costs \(-100 to 0\)"),
    ("patience", {"start": -1}, "start: Input should be greater than or equal to 0"),
    ("apology", {"tiers": {"missing": -10}}, "missing = -10: a score is between 0 and 100"),
    ("apology", {"points": {"apology": 10}}, r"no apology signal 'apology' \(one of liability\)"),
    ("extra_mile", {"long_standing": 0}, "long_standing: Input should be greater than or equal"),
    ("extra_mile", {"tiers": {"two": 95}}, r"no extra_mile tier 'two' \(one of one, several\)"),
    ("persuasion", {"points": {"pressure": 30}}, r"pressure = 30: it costs \(-100 to 0\)"),
    ("public_to_private", {"points": {"invite": 10}}, "no private signal 'invite'"),
    ("continuity", {"points": {"reference": 130}}, r"reference = 130: it earns \(0 to 100\)"),
]


@pytest.mark.parametrize(
    ("name", "config", "message"),
    MISTAKES,
    ids=[f"{name}-{config}" for name, config, _ in MISTAKES],
)
def test_analyzer_settings_mistakes_name_the_key(
    name: str, config: dict[str, Any], message: str
) -> None:
    with pytest.raises(ConfigError, match=f"^analyser {name}: .*{message}"):
        ANALYZERS[name].check_config(config)


def test_analyzer_settings_mistakes_name_the_rubric_file(tmp_path: Path) -> None:
    rubric = tmp_path / "team.toml"
    rubric.write_text("[analyzers.closing.points]\ncheck = -20\n", encoding="utf-8")
    with pytest.raises(ConfigError) as raised:
        load_rubric(rubric)
    assert str(raised.value).startswith(f"rubric {rubric}: ")
    assert "[analyzers.closing] points: check = -20: it earns (0 to 100)" in str(raised.value)


@pytest.mark.parametrize("name", sorted(ANALYZERS))
def test_analyzer_settings_are_documented(name: str) -> None:
    """docs/analyzer-settings.md has a table for the analyser naming every key."""
    config = ANALYZERS[name].Config
    assert config is not None
    doc = (REPO / "docs" / "analyzer-settings.md").read_text(encoding="utf-8")
    section = doc.split(f"## [analyzers.{name}]", 1)[1].split("\n## ", 1)[0]
    for key, value in config().model_dump().items():
        keys = [f"{key}.{inner}" for inner in value] if isinstance(value, dict) else [key]
        for documented in keys:
            assert f"| `{documented}` |" in section, f"{name}: {documented} is not documented"


def test_analyzer_settings_are_frozen() -> None:
    settings = ANALYZERS["closing"].Config
    assert settings is not None
    made: BaseModel = settings()
    with pytest.raises(ValueError, match="frozen"):
        made.start = 10  # type: ignore[attr-defined]


class _Untyped(Analyzer):
    """A plugin-style analyser that declares no settings (every built-in now has some)."""

    name = "untyped"
    skill = "closing"

    def analyze(self, conversation: Conversation, context: Context) -> SkillFinding:
        return SkillFinding(50)


def test_analyzer_settings_none_declared_refuses_any_key() -> None:
    _Untyped().check_config({})
    with pytest.raises(ConfigError, match=r"analyser untyped takes no settings \(got tiers\)"):
        _Untyped().check_config({"tiers": 3})
