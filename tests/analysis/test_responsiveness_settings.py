"""Responsiveness's typed settings: one model for the rubric, the analyser and a run's targets.

The analyser's own tests (test_responsiveness.py, test_responsiveness_tiers.py) say what
each key does and that each mistake names its key; these say that the model is the one
place a key is defined: the rubric's ``[responsiveness]`` table is this model, the
configuration it hands the analyser round-trips through it, and a stored run's targets
are read through it without the analyser.
"""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from datetime import time
from pathlib import Path
from typing import Any

import pytest

from servicecoach.analysis.analyzers.responsiveness import ResponsivenessAnalyzer
from servicecoach.analysis.analyzers.responsiveness_settings import (
    DEFAULT_TARGETS_MINUTES,
    DEFAULT_TIERS,
    BusinessHours,
    ResponsivenessSettings,
    reply_targets_seconds,
)
from servicecoach.analysis.pipeline import Pipeline
from servicecoach.errors import ConfigError
from servicecoach.rubric import Responsiveness, Rubric, load_rubric
from servicecoach.testing import make_conversation
from tests.conftest import REPO

OFFICE = {"timezone": "UTC", "days": [0, 1, 2, 3, 4], "start": "09:00", "end": "17:00"}


def test_responsiveness_settings_is_the_rubric_table_and_the_analyser_config() -> None:
    assert Responsiveness is ResponsivenessSettings
    assert ResponsivenessAnalyzer.Config is ResponsivenessSettings


@pytest.mark.parametrize(
    ("config", "seconds"),
    [
        ({}, {c: m * 60 for c, m in DEFAULT_TARGETS_MINUTES.items()}),
        (
            {"targets_minutes": {"chat": 5, "email": 240}, "business_hours": OFFICE},
            {
                **{c: m * 60 for c, m in DEFAULT_TARGETS_MINUTES.items()},
                "chat": 300,
                "email": 14400,
            },
        ),
        ({"tiers": {"double": 60}, "first_response_weight": 3}, None),  # targets unchanged
    ],
)
def test_responsiveness_settings_reply_targets_seconds(
    config: dict[str, Any], seconds: dict[str, float] | None
) -> None:
    expected = seconds or {c: m * 60 for c, m in DEFAULT_TARGETS_MINUTES.items()}
    found = reply_targets_seconds(config)
    assert found == expected
    assert list(found) == list(DEFAULT_TARGETS_MINUTES)  # every channel, in the same order


@pytest.mark.parametrize(
    "config",
    [{"targets_minutes": {"fax": 5}}, {"reply_within": 5}, {"targets_minutes": {"chat": -1}}],
)
def test_responsiveness_settings_reply_targets_refuse_what_they_cannot_read(
    config: dict[str, Any],
) -> None:
    with pytest.raises(ValueError):
        reply_targets_seconds(config)


@pytest.mark.parametrize(
    "table",
    [
        {},
        {"targets_minutes": {"email": 240.0}},
        {"business_hours": OFFICE},
        {"targets_minutes": {"chat": 5.0}, "business_hours": {**OFFICE, "end": "24:00"}},
        {"tiers": {**DEFAULT_TIERS, "double": 60}, "first_response_weight": 3},
    ],
)
def test_responsiveness_settings_table_round_trips(table: dict[str, Any]) -> None:
    settings = ResponsivenessSettings.model_validate(table)
    assert settings.table() == table
    assert ResponsivenessSettings.model_validate(settings.table()) == settings
    json.dumps(settings.table())  # what results record


def test_responsiveness_settings_business_hours_read_toml_times() -> None:
    hours = BusinessHours.model_validate({"timezone": "UTC", "start": time(8, 30), "end": "24:00"})
    assert (hours.start, hours.end) == ("08:30", "24:00")
    assert (hours.start_minute, hours.end_minute) == (510, 1440)


def test_responsiveness_settings_default_rubric_dump_is_unchanged() -> None:
    """A rubric's version hashes its dump: the table dumps as it did before it took tiers."""
    assert Rubric().model_dump(mode="json")["responsiveness"] == {
        "targets_minutes": {},
        "business_hours": None,
    }
    tuned = Rubric.model_validate({"responsiveness": {"first_response_weight": 3}})
    assert tuned.model_dump(mode="json")["responsiveness"]["first_response_weight"] == 3


def test_responsiveness_settings_any_key_in_either_table_not_both(tmp_path: Path) -> None:
    rubric = tmp_path / "team.toml"
    rubric.write_text(
        "[responsiveness]\nfirst_response_weight = 1\n[responsiveness.tiers]\ndouble = 50\n",
        encoding="utf-8",
    )
    config = load_rubric(rubric).analyzer_config()["responsiveness"]
    assert (config["first_response_weight"], config["tiers"]["double"]) == (1, 50)
    rubric.write_text(
        "[responsiveness.tiers]\nquick = 50\n", encoding="utf-8"
    )  # the same check, the same words, in either table
    with pytest.raises(ConfigError, match=r"responsiveness\.tiers: no responsiveness tier 'quick'"):
        load_rubric(rubric)
    rubric.write_text(
        "[responsiveness]\nfirst_response_weight = 1\n"
        "[analyzers.responsiveness]\nfirst_response_weight = 3\n",
        encoding="utf-8",
    )
    with pytest.raises(ConfigError, match="set both in its own table and in"):
        load_rubric(rubric)


def test_responsiveness_settings_toml_times_in_analyzers_table_stay_json(tmp_path: Path) -> None:
    rubric = tmp_path / "team.toml"
    rubric.write_text(
        '[analyzers.responsiveness.business_hours]\ntimezone = "UTC"\nstart = 08:00:00\n',
        encoding="utf-8",
    )
    config = load_rubric(rubric).analyzer_config()
    assert config["responsiveness"]["business_hours"]["start"] == "08:00"
    pipeline = Pipeline.from_rubric(load_rubric(rubric), [ResponsivenessAnalyzer()], fast=True)
    chat = make_conversation([("customer", "Where is it?", 0), ("agent", "Here.", 1)])
    json.dumps(pipeline.analyze(chat).to_dict())


def test_responsiveness_settings_import_nothing_from_the_analyser() -> None:
    """The store reads a run's targets through the settings, never the analyser module."""
    for module in ("analysis/analyzers/responsiveness_settings.py", "store/dashboard.py"):
        tree = ast.parse((REPO / "src" / "servicecoach" / module).read_text(encoding="utf-8"))
        imported = {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)} | {
            alias.name
            for node in ast.walk(tree)
            if isinstance(node, ast.Import)
            for alias in node.names
        }
        assert "servicecoach.analysis.analyzers.responsiveness" not in imported, module
    loaded = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys, servicecoach.analysis.analyzers.responsiveness_settings; "
            "print('servicecoach.analysis.analyzers.responsiveness' in sys.modules)",
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    assert loaded.stdout.strip() == "False"


def test_responsiveness_settings_every_key_is_documented() -> None:
    doc = (REPO / "docs" / "analyzer-settings.md").read_text(encoding="utf-8")
    section = doc.split("## [analyzers.responsiveness]", 1)[1].split("\n## ", 1)[0]
    keys = [
        *(f"targets_minutes.{channel}" for channel in DEFAULT_TARGETS_MINUTES),
        "business_hours",
        *(f"business_hours.{key}" for key in BusinessHours.model_fields),
        *(f"tiers.{tier}" for tier in DEFAULT_TIERS),
        "first_response_weight",
    ]
    assert {key.split(".")[0] for key in keys} == set(ResponsivenessSettings.model_fields)
    for key in keys:
        assert f"| `{key}` |" in section, f"responsiveness: {key} is not documented"
