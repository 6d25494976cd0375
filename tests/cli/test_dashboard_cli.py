"""The dashboard data from the command line: analysed samples fill the metrics, agents get
teams, and contact reasons are built (with the fake encoder) and shown."""

from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace

import pytest
from sqlalchemy import delete, func, select

from servicecoach.services import contact_reasons as reasons_service
from servicecoach.store.database import Store
from servicecoach.store.schema import agents, analysis_results, conversation_metrics
from tests.analysis.fake_encoder import fake_encode
from tests.cli.helpers import run_cli
from tests.conftest import SAMPLES
from tests.store.dashboard_data import build_dashboard_store


@pytest.fixture
def analysed(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> str:
    """The samples imported and analysed by the real commands."""
    db = str(tmp_path / "d.db")
    imported = run_cli(
        capsys, "import", str(SAMPLES), "--db", db, "--support-address", "northwind.example"
    )
    assert imported.code == 0, imported.err
    result = run_cli(capsys, "analyze", "--db", db, "--json")
    assert result.code == 0, result.err
    return db


@pytest.fixture
def built(tmp_path: Path) -> str:
    """The hand-built store of tests/store/dashboard_data.py (no teams set), as a file."""
    db = str(tmp_path / "b.db")
    with Store.open(db) as store:
        build_dashboard_store(store, teams=False)
    return db


@pytest.fixture
def fake_model(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(reasons_service, "default_encoder", lambda: (fake_encode, "fake"))
    import servicecoach.cli.reasons_cmd as command

    monkeypatch.setattr(command, "default_encoder", lambda: (fake_encode, "fake"))


def test_dashboard_cli_analysis_fills_metrics_and_agents(analysed: str) -> None:
    with Store.open(analysed) as store, store.connect() as connection:
        results = connection.execute(
            select(func.count()).select_from(analysis_results)
        ).scalar_one()
        metrics = connection.execute(
            select(func.count()).select_from(conversation_metrics)
        ).scalar_one()
        named = connection.execute(
            select(func.count())
            .select_from(conversation_metrics)
            .where(conversation_metrics.c.agent.is_not(None))
        ).scalar_one()
        known = connection.execute(select(func.count()).select_from(agents)).scalar_one()
    assert metrics == results == 35
    assert named > 10 and known > 3


def test_dashboard_cli_agents_set_team(capsys: pytest.CaptureFixture[str], built: str) -> None:
    listing = json.loads(run_cli(capsys, "agents", "list", "--db", built, "--json").out)
    assert [(a["id"], a["team"], a["conversations"]) for a in listing] == [
        ("ana", None, 1), ("lee", None, 1), ("sam", None, 2),
    ]  # fmt: skip
    result = run_cli(
        capsys, "agents", "set-team", "sam", "north", "--name", "Sam Ortiz", "--db", built
    )
    assert result.code == 0, result.err
    assert "Sam Ortiz is in team north" in result.err
    north = json.loads(
        run_cli(capsys, "agents", "list", "--team", "north", "--db", built, "--json").out
    )
    assert [(a["id"], a["display_name"], a["team"]) for a in north] == [
        ("sam", "Sam Ortiz", "north")
    ]
    assert "north" in run_cli(capsys, "agents", "list", "--db", built).out
    cleared = run_cli(capsys, "agents", "set-team", "sam", "--clear", "--db", built, "--json")
    assert cleared.code == 0 and json.loads(cleared.out)["team"] is None


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["agents", "set-team", "nobody", "north"], 4, "no agent 'nobody'"),
        (["agents", "set-team", "nobody"], 2, "give a TEAM, or --clear"),
        (["agents", "set-team", "nobody", "north", "--clear"], 2, "give a TEAM, or --clear"),
    ],
)
def test_dashboard_cli_agents_mistakes(
    capsys: pytest.CaptureFixture[str], built: str, args: list[str], code: int, message: str
) -> None:
    result = run_cli(capsys, *args, "--db", built)
    assert result.code == code
    assert message in result.err


def test_dashboard_cli_insights_build_and_show(
    capsys: pytest.CaptureFixture[str], built: str, fake_model: None
) -> None:
    with Store.open(built) as store, store.begin() as connection:
        connection.execute(delete(conversation_metrics))  # as if analysed before 0005
    result = run_cli(capsys, "reasons", "build", "--min-size", "2", "--db", built, "--json")
    assert result.code == 0, result.err
    report = json.loads(result.out)
    assert (report["ok"], report["model"], report["embedded"], report["reasons"]) == (
        True, "fake", 5, 1,
    )  # fmt: skip
    with Store.open(built) as store, store.connect() as connection:
        assert connection.execute(
            select(func.count()).select_from(conversation_metrics)
        ).scalar_one() == 5  # fmt: skip
    again = json.loads(
        run_cli(capsys, "reasons", "build", "--min-size", "2", "--db", built, "--json").out
    )
    assert again["embedded"] == 0
    shown = run_cli(
        capsys, "reasons", "show", "--start", "2024-05-06", "--end", "2024-05-13",
        "--db", built, "--json",
    )  # fmt: skip
    assert shown.code == 0, shown.err
    issues = json.loads(shown.out)
    (reason,) = issues["reasons"]
    assert (reason["volume"], reason["negative"], issues["unassigned"]) == (2, 1, 2)
    assert {e["conversation"] for e in reason["examples"]} == {"jsonl:c1", "jsonl:c2"}
    table = run_cli(capsys, "reasons", "show", "--sort", "negative", "--db", built)
    assert "Contact reasons" in table.out and "parcel" in table.out
    alias = run_cli(capsys, "insights", "show", "--sort", "negative", "--db", built)
    assert alias.out == table.out  # the command's former name still works
    quiet = run_cli(capsys, "reasons", "build", "--db", built, "--quiet")
    assert quiet.code == 0 and quiet.err == ""


def test_dashboard_cli_reasons_mistakes(
    capsys: pytest.CaptureFixture[str], built: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    bad_date = run_cli(capsys, "reasons", "show", "--start", "May 1", "--db", built)
    assert bad_date.code == 2 and "use YYYY-MM-DD" in bad_date.err
    never = run_cli(capsys, "reasons", "show", "--db", built)
    assert "reasons build" in never.out

    def missing(name: str) -> object:
        raise ImportError(f"No module named {name!r}")

    monkeypatch.setattr(reasons_service, "importlib", SimpleNamespace(import_module=missing))
    result = run_cli(capsys, "reasons", "build", "--db", built)
    assert result.code == 2 and "sentence embeddings are not available" in result.err
