"""The learned signals' thresholds: shipped with their provenance, defaults in step."""

from __future__ import annotations

import json
from dataclasses import fields
from importlib import resources

from servicecoach.analysis.thresholds import Thresholds, load_thresholds


def test_every_threshold_is_tuned_and_says_on_what() -> None:
    path = resources.files("servicecoach.analysis").joinpath("thresholds.json")
    document = json.loads(path.read_text(encoding="utf-8"))
    assert document["written_by"] == "python scripts/tune_thresholds.py"
    tuned = document["thresholds"]
    assert set(tuned) == {f.name for f in fields(Thresholds)}
    for item in tuned.values():
        assert 0 <= item["value"] <= 1
        assert item["data"] and item["objective"] and item["reached"]


def test_defaults_are_the_tuned_values() -> None:
    # The defaults apply only if the file is missing; they must not drift from it.
    assert load_thresholds() == Thresholds()
