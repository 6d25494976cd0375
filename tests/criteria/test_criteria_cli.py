"""The criteria in the CLI: ``analyze --rubric`` writes them; a bad rubric is a clear error."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.cli.helpers import run_cli
from tests.criteria.helpers import write_rubric

ROOT = Path(__file__).resolve().parents[2]
CONVERSATIONS = ROOT / "tests" / "data" / "criteria" / "conversations.jsonl"
RUBRIC = ROOT / "docs" / "examples" / "criteria" / "rubric.toml"


def test_criteria_analyze_writes_each_criterion(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    out = tmp_path / "results.jsonl"
    result = run_cli(
        capsys, "analyze", str(CONVERSATIONS), "--rubric", str(RUBRIC), "--out", str(out), "-q"
    )
    assert result.code == 0, result.err
    lines = {r["conversation"]: r for r in map(json.loads, out.read_text().splitlines())}
    remedy = lines["remedy-06"]["criteria"]["offers_remedy"]
    assert remedy["met"] is True and remedy["judged_by"] == "model"
    assert remedy["version"].startswith("criteria.offers_remedy@")
    assert remedy["evidence"][0]["quote"].startswith("I've refunded all six of them")
    assert "criteria.offers_remedy" in lines["remedy-06"]["messages"][1]["signals"]
    competitor = lines["competitor-04"]["criteria"]["mentions_competitor"]
    assert competitor["met"] is True and competitor["polarity"] == -1
    quotes = [e["quote"] for e in competitor["evidence"]]
    assert any(q.startswith("Screwfix usually carries it") for q in quotes)


def test_criteria_analyze_bad_rubric_exits_2_naming_file_and_key(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    rubric = write_rubric(tmp_path, '[criteria.remedy]\nlabel = "x"\nexamples = "gone.toml"\n')
    result = run_cli(capsys, "analyze", str(CONVERSATIONS), "--rubric", str(rubric))
    assert result.code == 2
    assert f"rubric {rubric}: criteria.remedy.examples" in result.err
    assert "Traceback" not in result.err
