"""``[analyzers.NAME]`` tables: a team configures any analyser from its rubric, each table
checked by that analyser when the rubric loads, mistakes named by file and key."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import BaseModel, ConfigDict, Field

from servicecoach.analysis import Analyzer, Context, Pipeline, SkillFinding
from servicecoach.errors import ConfigError
from servicecoach.model.conversation import Conversation
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
        ("[analyzers.empathy]\ntiers = 3\n", "analyser empathy takes no settings (got tiers)"),
        ("[analyzers.listening]\nmin_gap = 3\n", "listening: unknown option 'min_gap'"),
        ("[analyzers.clarity]\ncolour = []\n", "clarity: unknown option 'colour'"),
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
        ({"max_words": 9}, "analyser typed: max_words: Extra inputs are not permitted"),
        ({"min_words": "many"}, "min_words: Input should be a valid integer"),
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
