"""A misspelt settings key names the keys of its own table, wherever the table is."""

from __future__ import annotations

from pathlib import Path

import pytest

from servicecoach.errors import ConfigError
from servicecoach.rubric import load_rubric


@pytest.mark.parametrize(
    ("toml", "message"),
    [
        (
            "[weigths]\nempathy = 2\n",
            "weigths: unknown key (known: weights, responsiveness,",
        ),
        (
            "[responsiveness]\ntarget_minutes = {email = 30}\n",
            "responsiveness.target_minutes: unknown key (known: targets_minutes, business_hours,",
        ),
        (
            '[responsiveness.business_hours]\ntimezone = "UTC"\nopen = "09:00"\n',
            "unknown key 'open' (known: days, end, start, timezone)",
        ),
        (
            '[criteria.remedy]\nlabel = "Remedy"\ncolour = "red"\n',
            "criteria.remedy.colour: unknown key (known: label, description, polarity,",
        ),
        (
            "[analyzers.closing]\nstrat = 50\n",
            "[analyzers.closing] strat: unknown key (known: start, points)",
        ),
    ],
)
def test_an_unknown_key_lists_its_own_tables_keys(tmp_path: Path, toml: str, message: str) -> None:
    rubric = tmp_path / "team.toml"
    rubric.write_text(toml, encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_rubric(rubric)
    assert message in str(caught.value)
    assert "Extra inputs are not permitted" not in str(caught.value)


@pytest.mark.parametrize(
    ("toml", "message"),
    [
        ("[analyzers.empathy]\ntiers = 3\n", "tiers: must be a table"),
        ('[weights]\nempathy = "lots"\n', "weights.empathy: must be a number (got 'lots')"),
        ('[analyzers.closing]\nstart = "high"\n', "start: must be a whole number (got 'high')"),
    ],
)
def test_a_wrong_type_is_said_in_toml_words(tmp_path: Path, toml: str, message: str) -> None:
    rubric = tmp_path / "team.toml"
    rubric.write_text(toml, encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_rubric(rubric)
    assert message in str(caught.value)
    assert "Input should be" not in str(caught.value)
