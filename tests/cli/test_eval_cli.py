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
    assert "1 label names conversations or messages not in the input: nowhere" in result.err


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


def _gate_labels(tmp_path: Path) -> Path:
    return _labels(
        tmp_path / "labels.jsonl",
        {
            "conversation": "web-1042",
            "message": "m2",
            "signals": {"apology.apology": True, "listening.question": False},
        },
        {"conversation": "web-1042", "message": "m3", "signals": {"clarity.jargon": True}},
        {"conversation": "sms-2207", "message": "s3", "signals": {"apology.apology": False}},
        {"conversation": "sms-2207", "message": "s2", "sentiment": "positive"},
        {"conversation": "web-1042", "message": "m4", "sentiment": "positive"},
        {"conversation": "web-1042", "scores": {"satisfaction": 5, "empathy": 4}},
        {"conversation": "sms-2207", "scores": {"satisfaction": 4}},
        {"conversation": "web-1077", "scores": {"satisfaction": 1}},
    )


def test_eval_json_reports_baselines_and_lift(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    labels = _gate_labels(tmp_path)
    result = run_cli(capsys, "eval", str(NORTHWIND), "--labels", str(labels), "--json", "--fast")
    assert result.code == 0, result.err
    data = json.loads(result.out)
    apology = data["signals"]["apology.apology"]
    # the existing keys stay; the baseline, lifts and the experimental mark are added
    assert {"support", "predicted", "n", "precision", "recall", "f1"} <= set(apology)
    assert apology["baseline"]["rule"] == "contains sorry or apolog*"
    assert apology["baseline"]["n"] == apology["n"] == 2
    assert apology["lift"] == round(apology["f1"] - apology["baseline"]["f1"], 3)
    assert apology["precision_lift"] == round(
        apology["precision"] - apology["baseline"]["precision"], 3
    )
    assert apology["experimental"] is False
    assert data["signals"]["clarity.jargon"]["baseline"] is None
    assert set(data["sentiment"]["baselines"]) == {"keywords", "majority"}
    assert data["sentiment"]["baselines"]["majority"]["label"] == "positive"
    assert data["scores"]["satisfaction"]["baseline"]["n"] == 3
    assert data["scores"]["empathy"]["baseline"] is None


def test_eval_text_shows_baselines_and_marks_experimental_signals(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(
        "servicecoach.cli.eval_cmd.experimental_signals",
        lambda: {"apology.apology": "F1 0.40 vs baseline 0.60 on a made-up set"},
    )
    monkeypatch.setenv("COLUMNS", "200")
    labels = _gate_labels(tmp_path)
    result = run_cli(capsys, "eval", str(NORTHWIND), "--labels", str(labels), "--fast")
    assert result.code == 0, result.err
    out = result.out
    assert "base F1" in out and "lift" in out
    assert "apology.apology (experimental)" in out
    assert "apology.apology: F1 0.40 vs baseline 0.60 on a made-up set" in out
    assert "listening.question: contains '?'" in out
    assert "No baseline: clarity.jargon" in out
    assert "baseline macro-F1: keywords" in out and "majority (positive)" in out
    assert "baseline rho" in out
    assert "Score baseline: positive minus negative keywords" in out
