"""``servicecoach analyze``: files in, FORMAT.md results out, no database."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from servicecoach.analysis.skills import SKILLS
from tests.cli.helpers import run_cli
from tests.conftest import SAMPLES, TEST_DATA


def test_analyze_writes_one_result_per_conversation(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    out = tmp_path / "results.jsonl"
    result = run_cli(capsys, "analyze", str(SAMPLES), "--out", str(out))
    assert result.code == 0, result.err
    lines = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert len(lines) == 35
    for line in lines:
        assert line["format"] == 1
        assert list(line["skills"]) == list(SKILLS)
        for skill in line["skills"].values():
            assert skill["applicable"] is (skill["score"] is not None)
    assert "35 conversations analysed" in result.err


def test_analyze_to_stdout(capsys: pytest.CaptureFixture[str]) -> None:
    result = run_cli(capsys, "analyze", str(SAMPLES / "native" / "northwind.jsonl"))
    assert result.code == 0
    ids = [json.loads(line)["conversation"] for line in result.out.splitlines()]
    assert ids == ["web-1042", "sms-2207", "web-1077"]


def test_analyze_invalid_input_writes_no_results(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    out = tmp_path / "results.jsonl"
    bad = TEST_DATA / "jsonl" / "malformed.jsonl"
    result = run_cli(capsys, "analyze", str(bad), "--out", str(out))
    assert result.code == 3
    assert "analysis stopped" in result.err and "no results were written" in result.err
    assert not out.exists()
    assert list(tmp_path.iterdir()) == []
    skipped = run_cli(capsys, "analyze", str(bad), "--out", str(out), "--skip-invalid", "--json")
    assert skipped.code == 0
    summary = json.loads(skipped.out)
    assert (summary["conversations"], summary["skipped"]) == (1, 3)
    assert len(out.read_text().splitlines()) == 1
