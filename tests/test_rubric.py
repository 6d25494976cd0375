"""The rubric: a validated TOML configuration with defaults for everything."""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

import pytest

from servicecoach.analysis import Analyzer, Context, Pipeline, SkillFinding
from servicecoach.analysis.analyzers.apology import ApologyAnalyzer
from servicecoach.errors import ConfigError
from servicecoach.model import Conversation
from servicecoach.rubric import Rubric, load_rubric
from servicecoach.testing import make_conversation
from tests.cli.helpers import run_cli
from tests.conftest import REPO, SAMPLES


def test_rubric_defaults_need_no_file() -> None:
    rubric = load_rubric(None)
    assert rubric == Rubric()
    assert rubric.weight("empathy") == 1.0
    assert rubric.analyzer_config() == {}


def test_rubric_documented_example_is_valid() -> None:
    rubric = load_rubric(REPO / "docs" / "rubric.example.toml")
    assert rubric.weight("empathy") == 2
    assert rubric.analyzer_config()["responsiveness"] == {
        "targets_minutes": {"email": 240.0, "social": 30.0},
        "business_hours": {
            "timezone": "Europe/London",
            "days": [0, 1, 2, 3, 4],
            "start": "09:00",
            "end": "17:30",
        },
    }
    assert rubric.email.support_addresses == ["northwind.example"]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[weights]\ntelepathy = 1\n", "unknown skill 'telepathy'"),
        ("[weights]\nempathy = -1\n", "weight of empathy must be 0 or more"),
        (
            "[responsiveness.targets_minutes]\npigeon = 5\n",
            "responsiveness.targets_minutes: unknown channel 'pigeon'",
        ),
        ("[responsiveness.targets_minutes]\nemail = 0\n", "more than 0"),
        (
            '[responsiveness.business_hours]\ntimezone = "Mars/Olympus"\n',
            "is not a known time zone",
        ),
        ('[responsiveness.business_hours]\ntimezone = "UTC"\ndays = [7]\n', "weekday numbers"),
        ("[colours]\nred = 1\n", "colours"),
        ("weights = [", "not valid TOML"),
    ],
)
def test_rubric_errors_name_the_key(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "rubric.toml"
    path.write_text(text)
    with pytest.raises(ConfigError, match=message.replace("[", r"\[")):
        load_rubric(path)


def test_rubric_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="does not exist"):
        load_rubric(tmp_path / "nope.toml")


class _Closing(Analyzer):
    name: ClassVar[str] = "fixed_closing"
    skill: ClassVar[str] = "closing"

    def analyze(self, conversation: Conversation, context: Context) -> SkillFinding:
        return SkillFinding(100)


def test_rubric_weights_shape_overall_quality() -> None:
    conversation = make_conversation(
        [("customer", "It arrived broken."), ("agent", "Refund sent.")]
    )
    analysers = [ApologyAnalyzer(), _Closing()]  # apology 20, closing 100
    plain = Pipeline(analysers).analyze(conversation).outcome
    weighted = Pipeline.from_rubric(Rubric(weights={"apology": 3}), analysers)
    heavy = weighted.analyze(conversation).outcome
    assert plain.satisfaction is not None and heavy.satisfaction is not None
    # quality: half the skills' weighted mean (60, then 40), half the satisfaction estimate
    assert plain.quality == round((60 + plain.satisfaction) / 2)
    assert heavy.quality == round((40 + heavy.satisfaction) / 2)


def test_rubric_bad_file_on_the_command_line(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = tmp_path / "rubric.toml"
    path.write_text("[weights]\ntelepathy = 1\n")
    result = run_cli(capsys, "analyze", str(SAMPLES / "native"), "--rubric", str(path))
    assert result.code == 2
    assert "unknown skill 'telepathy'" in result.err


def test_rubric_business_hours_are_checked_as_the_analyser_reads_them() -> None:
    from pydantic import ValidationError

    from servicecoach.rubric import BusinessHours

    with pytest.raises(ValidationError, match="must be later than start"):
        BusinessHours(timezone="UTC", start="17:00", end="09:00")
    assert BusinessHours(timezone="UTC", end="24:00").end == "24:00"


def test_rubric_phrases_are_scored_by_clarity() -> None:
    from servicecoach.analysis.analyzers.clarity import ClarityAnalyzer

    rubric = Rubric.model_validate(
        {"phrases": {"forbid": ["per our policy"], "encourage": ["happy to help"]}}
    )
    pipeline = Pipeline.from_rubric(rubric, [ClarityAnalyzer()])
    conversation = make_conversation(
        [("customer", "Can I return it?"), ("agent", "Per our policy, yes. Happy to help!")]
    )
    finding = pipeline.analyze(conversation).skills["clear_communication"]
    signals = [(e.signal, e.quote) for e in finding.evidence]
    assert ("clarity.forbidden_phrase", "Per our policy") in signals
    assert ("clarity.encouraged_phrase", "Happy to help") in signals
    plain = Pipeline([ClarityAnalyzer()]).analyze(conversation).skills["clear_communication"]
    assert finding.score == (plain.score or 0) - 10 + 5
    with pytest.raises(ConfigError, match="banned: unknown key"):
        Pipeline([ClarityAnalyzer()], {"clarity": {"banned": ["x"]}})


def test_rubric_business_hours_to_midnight_and_toml_times(tmp_path: Path) -> None:
    path = tmp_path / "rubric.toml"
    path.write_text(
        '[responsiveness.business_hours]\ntimezone = "UTC"\nstart = 08:00:00\nend = "24:00"\n',
        encoding="utf-8",
    )
    hours = load_rubric(path).analyzer_config()["responsiveness"]["business_hours"]
    assert (hours["start"], hours["end"]) == ("08:00", "24:00")


@pytest.mark.parametrize(
    ("hours", "needle"),
    [
        ('start = "17:00"\nend = "09:00"', "must be later than start ('17:00')"),
        ('start = "9am"', 'business_hours.start: must be a 24-hour time "HH:MM"'),
        ('end = "24:30"', "business_hours.end: must be a 24-hour time"),
    ],
)
def test_rubric_business_hours_errors_name_the_file_and_key(
    tmp_path: Path, hours: str, needle: str
) -> None:
    path = tmp_path / "rubric.toml"
    path.write_text(
        f'[responsiveness.business_hours]\ntimezone = "UTC"\n{hours}\n', encoding="utf-8"
    )
    with pytest.raises(ConfigError) as raised:
        load_rubric(path)
    message = str(raised.value)
    assert str(path) in message and "responsiveness.business_hours" in message
    assert needle in message and "Value error" not in message
