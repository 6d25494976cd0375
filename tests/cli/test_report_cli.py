"""Analysing the store as runs, and reports: a conversation with evidence, scorecards."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from servicecoach.cli.output import COSTS_STYLE, EARNS_STYLE, ROLE_STYLE
from servicecoach.cli.report_cmd import _message_lines, _outcome_line
from servicecoach.model.conversation import Message, Role
from servicecoach.store.database import Store
from servicecoach.store.schema import analysis_results, analysis_runs
from tests.cli.helpers import run_cli
from tests.conftest import SAMPLES


@pytest.fixture
def analysed(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> str:
    db = str(tmp_path / "r.db")
    assert (
        run_cli(
            capsys, "import", str(SAMPLES), "--db", db, "--support-address", "northwind.example"
        ).code
        == 0
    )
    result = run_cli(capsys, "analyze", "--db", db, "--json")
    assert result.code == 0, result.err
    assert json.loads(result.out) == {"ok": True, "run": 1, "conversations": 35}
    return db


def test_report_reanalysis_adds_a_run(capsys: pytest.CaptureFixture[str], analysed: str) -> None:
    assert json.loads(run_cli(capsys, "analyze", "--db", analysed, "--json").out)["run"] == 2
    with Store.open(analysed) as store, store.connect() as connection:
        assert connection.execute(select(func.count()).select_from(analysis_runs)).scalar() == 2
        assert connection.execute(select(func.count()).select_from(analysis_results)).scalar() == 70


def test_report_conversation_highlights_evidence(
    capsys: pytest.CaptureFixture[str], analysed: str
) -> None:
    shown = run_cli(capsys, "report", "conversation", "zendesk:zendesk-48262", "--db", analysed)
    assert shown.code == 0, shown.err
    assert "apology.missing" in shown.out and "→" in shown.out
    assert "Skills" in shown.out and "outcome:" in shown.out
    data = json.loads(
        run_cli(capsys, "report", "conversation", "zendesk-48262", "--db", analysed, "--json").out
    )
    assert data["conversation"] == "zendesk-48262" and data["format"] == 1


def test_report_conversation_piped_keeps_the_quotes(
    capsys: pytest.CaptureFixture[str], analysed: str
) -> None:
    shown = run_cli(capsys, "report", "conversation", "zendesk:zendesk-48262", "--db", analysed)
    assert shown.code == 0, shown.err
    assert '+ problem_solving.solution "' in shown.out  # no colour in a pipe: the words
    assert '- apology.missing "Clear your browser cache and try again." →' in shown.out
    assert "None" not in shown.out
    assert re.search(r"outcome: emotion frustration → \w+, resolved, satisfaction \d+", shown.out)


@pytest.mark.parametrize(
    ("outcome", "line"),
    [
        (
            {"emotion_start": "anger", "emotion_end": "neutral", "resolved": True,
             "satisfaction": 80, "quality": 70},
            "outcome: emotion anger → neutral, resolved, satisfaction 80, quality 70",
        ),
        (
            {"emotion_start": None, "emotion_end": None, "resolved": None,
             "satisfaction": None, "quality": 55},
            "outcome: resolution unknown, quality 55",
        ),
        (
            {"emotion_start": "sadness", "emotion_end": None, "resolved": False},
            "outcome: emotion sadness → ?, not resolved",
        ),
    ],
)  # fmt: skip
def test_report_outcome_line(outcome: dict[str, Any], line: str) -> None:
    assert _outcome_line(outcome) == line


def test_report_message_colours_keep_evidence_distinct() -> None:
    message = Message("m1", Role.AGENT, "Sorry about that, I fixed it.", author="Sam")
    evidence = [
        {"start": 0, "end": 5, "polarity": 1, "signal": "apology.sincere", "quote": "Sorry"},
        {"start": 19, "end": 28, "polarity": -1, "signal": "x.cost", "quote": "fixed it."},
    ]
    line, notes = _message_lines(message, evidence)
    assert line.plain == "agent Sam: Sorry about that, I fixed it."
    assert line.style == ""  # the agent's words keep the terminal's colour
    label = len("agent Sam: ")
    spans = {(s.start, s.end, str(s.style)) for s in line.spans}
    assert spans == {
        (0, label, ROLE_STYLE["agent"]),
        (label, label + 5, EARNS_STYLE),
        (label + 19, label + 28, COSTS_STYLE),
    }
    assert [n.plain for n in notes] == [
        '    + apology.sincere "Sorry"',
        '    - x.cost "fixed it."',
    ]
    for style in ROLE_STYLE.values():
        assert "green" not in style and "red" not in style


def test_report_scorecard_per_agent(capsys: pytest.CaptureFixture[str], analysed: str) -> None:
    table = run_cli(capsys, "report", "scorecard", "--db", analysed)
    assert table.code == 0 and "Sam Ortiz" in table.out and "Priya Nair" in table.out
    data = json.loads(
        run_cli(
            capsys, "report", "scorecard", "--agent", "sam ortiz", "--db", analysed, "--json"
        ).out
    )
    assert [a["id"] for a in data["agents"]] == ["Sam Ortiz"]
    assert data["repeat_story"]["returning_customers"] >= 3  # Dana, Mei, Omar
    assert 0 <= data["repeat_story"]["retold"] <= data["repeat_story"]["returning_customers"]
    sam = data["agents"][0]
    assert sam["conversations"] >= sam["skills"]["patience"]["scored"] > 0
    assert 0 <= sam["skills"]["patience"]["mean"] <= 100


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["report", "conversation", "zendesk:nope"], 4, "no conversation named"),
        (["report", "scorecard", "--run", "99"], 4, "no analysis run 99"),
        (["analyze", "x.jsonl"], 2, "not both"),
    ],
)
def test_report_mistakes(
    capsys: pytest.CaptureFixture[str], analysed: str, args: list[str], code: int, message: str
) -> None:
    result = run_cli(capsys, *args, "--db", analysed)
    assert result.code == code, result
    assert message in result.out + result.err


def test_report_before_any_analysis(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    db = str(tmp_path / "plain.db")
    run_cli(capsys, "import", str(SAMPLES / "native"), "--db", db)
    result = run_cli(capsys, "report", "scorecard", "--db", db)
    assert result.code == 4 and "nothing analysed yet" in result.err
