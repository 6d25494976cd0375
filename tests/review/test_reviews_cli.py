"""``servicecoach reviews export``: the team's reviews as a labels file ``eval`` accepts."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from servicecoach.review.model import SignalMark, Verdict
from servicecoach.store.database import Store
from servicecoach.store.filters import Scope
from servicecoach.store.metrics import ensure_metrics
from servicecoach.store.reviews import save_review
from tests.cli.helpers import run_cli
from tests.store.dashboard_data import build_dashboard_store


@pytest.fixture
def reviewed_db(tmp_path: Path) -> str:
    """The dashboard store with two reviews: c1 (north) and c4 (south)."""
    db = str(tmp_path / "reviewed.db")
    with Store.open(db) as store:
        built = build_dashboard_store(store)
        with store.begin() as connection:
            ensure_metrics(connection, built.run)
            save_review(
                connection, Scope.everything(), conversation_id=built.pks["c1"], reviewer="nora",
                rubric_version="rubric-x", scores={"empathy": 70, "closing": None},
                signals=[
                    SignalMark("m2", "empathy.validation", Verdict.WRONG, 0, 22, "I'm sorry to hear that"),
                    SignalMark("m4", "problem_solving.solution", Verdict.MISSED, 3, 19, "arrives tomorrow"),
                ],
            )  # fmt: skip
            save_review(
                connection, Scope.everything(), conversation_id=built.pks["c4"], reviewer="sol",
                rubric_version="rubric-x", scores={"empathy": 90, "public_to_private": 80},
            )  # fmt: skip
    return db


def test_reviews_export_is_accepted_by_eval(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, reviewed_db: str
) -> None:
    labels = tmp_path / "labels.jsonl"
    result = run_cli(capsys, "reviews", "export", "--db", reviewed_db, "--out", str(labels))
    assert result.code == 0, result.err
    assert "4 labels written" in result.err
    lines = [json.loads(line) for line in labels.read_text(encoding="utf-8").splitlines()]
    assert lines[0] == {"conversation": "c1", "scores": {"empathy": 70}}
    assert {
        "conversation": "c1",
        "message": "m4",
        "signals": {"problem_solving.solution": True},
    } in lines
    conversations = tmp_path / "conversations.jsonl"
    assert run_cli(capsys, "export", "--db", reviewed_db, "--out", str(conversations)).code == 0
    result = run_cli(
        capsys, "eval", str(conversations), "--labels", str(labels), "--json", "--fast", "--quiet"
    )
    assert result.code == 0, result.err
    report = json.loads(result.out)
    assert report["conversations"] == 2 and report["unmatched"] == 0
    assert report["signals"]["empathy.validation"]["n"] == 1
    assert report["scores"]["empathy"]["n"] + report["scores"]["empathy"]["missing"] == 2


def test_reviews_export_one_team_and_stdout(
    capsys: pytest.CaptureFixture[str], reviewed_db: str
) -> None:
    result = run_cli(
        capsys, "reviews", "export", "--db", reviewed_db, "--team", "south", "--out", "-"
    )
    assert result.code == 0, result.err
    assert [json.loads(line)["conversation"] for line in result.out.splitlines()] == ["c4"]


def test_reviews_export_without_reviews_says_what_to_do(
    capsys: pytest.CaptureFixture[str], reviewed_db: str, tmp_path: Path
) -> None:
    result = run_cli(
        capsys,
        "reviews",
        "export",
        "--db",
        reviewed_db,
        "--team",
        "east",
        "--out",
        str(tmp_path / "x"),
    )
    assert result.code == 2
    assert "no reviews to export for team 'east'" in result.err
    missing = run_cli(capsys, "reviews", "export", "--db", str(tmp_path / "nope.db"), "--out", "-")
    assert missing.code == 4
