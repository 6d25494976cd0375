"""``servicecoach eval``: conversations and labels in, agreement figures out."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.cli.helpers import run_cli
from tests.conftest import SAMPLES

NORTHWIND = SAMPLES / "native" / "northwind.jsonl"


def _labels(path: Path, *lines: dict[str, object]) -> Path:
    path.write_text("".join(json.dumps(line) + "\n" for line in lines), encoding="utf-8")
    return path


def test_eval_prints_json_figures(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    labels = _labels(
        tmp_path / "labels.jsonl",
        {"conversation": "web-1042", "message": "m2", "signals": {"apology.apology": True}},
        {"conversation": "web-1042", "message": "m1", "emotion": "frustration"},
        {"conversation": "web-1042", "scores": {"quality": 4}},
        {"conversation": "sms-2207", "scores": {"quality": 2}},
        {"conversation": "web-1077", "scores": {"quality": 3}},
    )
    result = run_cli(capsys, "eval", str(NORTHWIND), "--labels", str(labels), "--json")
    assert result.code == 0, result.err
    data = json.loads(result.out)
    assert data["ok"] is True
    assert data["conversations"] == 3
    assert data["signals"]["apology.apology"]["support"] == 1
    assert data["scores"]["quality"]["n"] == 3
    assert "emotions" in data


def test_eval_prints_tables(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    labels = _labels(
        tmp_path / "labels.jsonl",
        {"conversation": "web-1042", "message": "m2", "signals": {"apology.apology": True}},
        {"conversation": "nowhere", "message": "m1", "emotion": "anger"},
    )
    result = run_cli(capsys, "eval", str(NORTHWIND), "--labels", str(labels))
    assert result.code == 0, result.err
    assert "apology.apology" in result.out
    assert "1 labels name conversations or messages not in the input: nowhere" in result.err


def test_eval_bad_labels_exit_3_naming_the_line(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    labels = tmp_path / "labels.jsonl"
    labels.write_text('{"conversation": "web-1042", "message": "m1", "emotion": "x"}\n')
    result = run_cli(capsys, "eval", str(NORTHWIND), "--labels", str(labels))
    assert result.code == 3
    assert "line 1" in result.err
    assert "Traceback" not in result.err


def test_eval_missing_labels_file_exit_2(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    result = run_cli(capsys, "eval", str(NORTHWIND), "--labels", str(tmp_path / "none.jsonl"))
    assert result.code == 2
    assert "does not exist" in result.err
