"""``[analyzers.NAME]`` tables: a team configures any analyser from its rubric, each table
checked by that analyser when the rubric loads, mistakes named by file and key."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import BaseModel, ConfigDict, Field

from servicecoach.analysis import Analyzer, Context, Pipeline, SkillFinding
from servicecoach.errors import ConfigError
from servicecoach.model.conversation import Channel, Conversation
from servicecoach.rubric import load_rubric
from servicecoach.testing import make_conversation


def test_an_analyzer_table_reaches_its_analyser_and_the_result(tmp_path: Path) -> None:
    rubric = load_rubric(_write(tmp_path, "[analyzers.listening]\nmin_gap_s = 5\n"))
    assert rubric.analyzer_config()["listening"] == {"min_gap_s": 5}
    result = Pipeline.from_rubric(rubric, fast=True).analyze(
        make_conversation([("customer", "Hello?"), ("agent", "Hi, how can I help?")])
    )
    assert result.to_dict()["config"]["listening"] == {"min_gap_s": 5}


def test_analyzer_tables_join_the_rubrics_own_sections(tmp_path: Path) -> None:
    rubric = load_rubric(
        _write(
            tmp_path,
            '[phrases]\nforbid = ["calm down"]\n[analyzers.clarity]\nencourage = ["glad to"]\n',
        )
    )
    assert rubric.analyzer_config()["clarity"] == {
        "forbid": ["calm down"],
        "encourage": ["glad to"],
    }


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[analyzers.nope]\nx = 1\n", "no analyser named 'nope' (loaded: apology, clarity"),
        ("[analyzers.empathy]\ntiers = 3\n", "[analyzers.empathy] tiers: must be a table"),
        ("[analyzers.listening]\nmin_gap = 3\n", "[analyzers.listening] min_gap: unknown key"),
        (
            "[analyzers.clarity]\ncolour = []\n",
            "[analyzers.clarity] colour: unknown key (known: forbid, encourage, base, points",
        ),
        (
            "[analyzers.clarity.points]\njargon = -500\n",
            "[analyzers.clarity] points: jargon = -500: points are between -100 and 100",
        ),
        (
            "[analyzers.clarity.max_words]\nfax = 40\n",
            "[analyzers.clarity] max_words: no channel 'fax' (one of default, email",
        ),
        (
            '[phrases]\nforbid = ["a"]\n[analyzers.clarity]\nforbid = ["b"]\n',
            "clarity 'forbid' is set both in its own table and in [analyzers.clarity]",
        ),
    ],
)
def test_analyzer_table_mistakes_name_the_file_and_the_table(
    tmp_path: Path, text: str, message: str
) -> None:
    with pytest.raises(ConfigError) as raised:
        load_rubric(_write(tmp_path, text))
    assert str(raised.value).startswith(f"rubric {tmp_path / 'team.toml'}: ")
    assert message in str(raised.value)


LONG = " ".join(["We have looked at your order and the parcel is on its way to you now."] * 12)


def _clarity(rubric_text: str, tmp_path: Path, reply: str, channel: str = "email") -> int | None:
    rubric = load_rubric(_write(tmp_path, rubric_text))
    asked = " ".join(["I ordered a lamp two weeks ago and it has still not come."] * 6)
    chat = make_conversation([("customer", asked), ("agent", reply)], channel=Channel(channel))
    return Pipeline.from_rubric(rubric, fast=True).analyze(chat).skills["clear_communication"].score


def test_a_team_retunes_clarity_tiers_from_its_rubric(tmp_path: Path) -> None:
    plain = "It ships today."
    assert _clarity("", tmp_path, plain) == 85  # the built-in base
    assert _clarity("[analyzers.clarity]\nbase = 70\n", tmp_path, plain) == 70
    jargon = "Your RMA is approved per the SLA."
    default = _clarity("", tmp_path, jargon)
    softer = _clarity("[analyzers.clarity.points]\njargon = -2\n", tmp_path, jargon)
    assert default is not None and softer is not None and softer > default
    long_email = _clarity("", tmp_path, LONG)
    allowed = _clarity("[analyzers.clarity.max_words]\nemail = 400\n", tmp_path, LONG)
    assert long_email is not None and allowed == long_email + 10  # too_long no longer costs
    still_long = _clarity("[analyzers.clarity.max_words]\nemail = 400\n", tmp_path, LONG, "chat")
    assert still_long == _clarity("", tmp_path, LONG, "chat")  # chat keeps its own limit


class _Settings(BaseModel):
    model_config = ConfigDict(extra="forbid")
    min_words: int = Field(default=3, ge=1)


class _Typed(Analyzer):
    name = "typed"
    skill = "closing"
    Config = _Settings

    def analyze(self, conversation: Conversation, context: Context) -> SkillFinding:
        return SkillFinding(50)


@pytest.mark.parametrize(
    ("config", "message"),
    [
        ({"min_words": 0}, "analyser typed: min_words: Input should be greater than or equal to 1"),
        ({"max_words": 9}, r"analyser typed: max_words: unknown key \(known: min_words\)"),
        ({"min_words": "many"}, "min_words: must be a whole number"),
    ],
)
def test_a_typed_config_checks_every_key(config: dict[str, object], message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        _Typed().check_config(config)
    with pytest.raises(ConfigError, match=message):
        Pipeline([_Typed()], {"typed": config})


def test_a_typed_config_accepts_its_settings() -> None:
    _Typed().check_config({"min_words": 4})
    assert Pipeline([_Typed()], {"typed": {"min_words": 4}}).config == {"typed": {"min_words": 4}}


def _write(folder: Path, text: str) -> Path:
    path = folder / "team.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_the_team_rubric_example_loads_and_retunes_clarity(tmp_path: Path) -> None:
    from tests.conftest import REPO

    rubric = load_rubric(REPO / "docs" / "examples" / "team-rubric.toml")
    assert rubric.analyzer_config()["clarity"]["base"] == 80
    assert rubric.criteria["offers_remedy"].effect == "bonus"
    assert rubric.criteria["mentions_competitor"].effect == "none"
    chat = make_conversation(
        [("customer", "My kettle leaks."), ("agent", "I have sent a replacement kettle today.")]
    )
    team = Pipeline.from_rubric(rubric, fast=True).analyze(chat)
    default = Pipeline.from_rubric(load_rubric(None), fast=True).analyze(chat)
    assert team.effects == {"offers_remedy": "bonus +5"}
    assert team.skills["clear_communication"].score == 80
    assert default.skills["clear_communication"].score == 85


def test_a_team_retunes_listening_from_its_rubric(tmp_path: Path) -> None:
    chat = make_conversation(
        [("customer", "My order has not come."), ("agent", "What is your order number?")]
    )

    def score(text: str) -> int | None:
        rubric = load_rubric(_write(tmp_path, text))
        found = Pipeline.from_rubric(rubric, fast=True).analyze(chat)
        return found.skills["active_listening"].score

    default = score("")
    assert default is not None
    assert score("[analyzers.listening]\nstart = 60\n") == default - 10
    assert score("[analyzers.listening.points]\nquestion = 0\n") == default - 10
