"""``servicecoach report scorecard`` lists the web app's agents, in its order, with counts."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from servicecoach.errors import NotFoundError
from servicecoach.store.agents import get_agent
from servicecoach.store.daily import has_daily
from servicecoach.store.database import Store
from servicecoach.store.filters import Filters, Scope
from servicecoach.store.scorecards import agent_scorecard, agent_skill_means, list_agents
from tests.cli.helpers import run_cli

_CUSTOMER = "customer"
_THREADS = [
    # Acme's thread, where another brand chimes in once: the thread is Acme's.
    ("t1", [(_CUSTOMER, "Cat"), ("agent", "AcmeHelp"), (_CUSTOMER, "Cat"),
            ("agent", "OtherBrand"), ("agent", "AcmeHelp")]),
    ("t2", [(_CUSTOMER, "Dan"), ("agent", "AcmeHelp")]),
    ("t3", [(_CUSTOMER, "Eve"), ("agent", "Zed")]),
    ("t4", [(_CUSTOMER, "Fay"), ("agent", "bea")]),
]  # fmt: skip
_TEXT = {
    _CUSTOMER: "Hi, my order has not arrived and I am getting worried.",
    "agent": "I'm sorry about the wait. I have checked and it ships today; you'll get tracking.",
}


def _conversation(thread_id: str, turns: list[tuple[str, str]]) -> dict[str, Any]:
    return {
        "format": 1,
        "id": thread_id,
        "channel": "chat",
        "public": False,
        "customer": {"id": f"c-{thread_id}", "name": turns[0][1]},
        "messages": [
            {
                "id": f"{thread_id}-{i}",
                "role": role,
                "author": author,
                "at": f"2024-05-0{1 + i}T10:00:00Z",
                "text": _TEXT[role],
            }
            for i, (role, author) in enumerate(turns)
        ],
    }


@pytest.fixture
def threads(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> str:
    source = tmp_path / "threads.jsonl"
    source.write_text(
        "".join(json.dumps(_conversation(t, turns)) + "\n" for t, turns in _THREADS),
        encoding="utf-8",
    )
    db = str(tmp_path / "s.db")
    assert run_cli(capsys, "import", str(source), "--db", db, "--quiet").code == 0
    analysed = run_cli(capsys, "analyze", "--db", db, "--fast", "--quiet")
    assert analysed.code == 0, analysed.err
    return db


def _scorecard(capsys: pytest.CaptureFixture[str], db: str, *args: str) -> dict[str, Any]:
    result = run_cli(capsys, "report", "scorecard", "--db", db, "--json", *args)
    assert result.code == 0, result.err
    data: dict[str, Any] = json.loads(result.out)
    return data


def test_report_scorecard_lists_the_web_apps_agents(
    capsys: pytest.CaptureFixture[str], threads: str
) -> None:
    listed = [a["id"] for a in _scorecard(capsys, threads)["agents"]]
    assert "OtherBrand" not in listed  # it only replied inside AcmeHelp's thread
    with Store.open(threads) as store, store.connect() as connection:
        with pytest.raises(NotFoundError):
            get_agent(connection, "OtherBrand")  # the web app's /agents/OtherBrand is 404
        for agent in listed:  # and every agent listed has a scorecard there
            assert agent_scorecard(connection, agent, Filters(), Scope.everything()).agent.id


def test_report_scorecard_sorts_like_the_web_app(
    capsys: pytest.CaptureFixture[str], threads: str
) -> None:
    listed = [a["id"] for a in _scorecard(capsys, threads)["agents"]]
    assert listed == ["AcmeHelp", "bea", "Zed"]  # by name, whatever the case
    with Store.open(threads) as store, store.connect() as connection:
        web = [a.id for a in list_agents(connection, Filters(), Scope.everything())]
    assert listed == web
    table = run_cli(capsys, "report", "scorecard", "--db", threads).out
    rows = [line.split()[0] for line in table.splitlines()[2:5]]
    assert rows == listed


def test_report_scorecard_counts_conversations(
    capsys: pytest.CaptureFixture[str], threads: str
) -> None:
    agents = {a["id"]: a for a in _scorecard(capsys, threads)["agents"]}
    assert {a: agents[a]["conversations"] for a in agents} == {"AcmeHelp": 2, "bea": 1, "Zed": 1}
    empathy = agents["AcmeHelp"]["skills"]["empathy"]
    assert 1 <= empathy["scored"] <= 2 and 0 <= empathy["mean"] <= 100
    table = run_cli(capsys, "report", "scorecard", "--db", threads)
    assert re.search(r"^agent\s+conv\s", table.out, re.M), table.out
    assert re.search(r"^AcmeHelp\s+2\s", table.out, re.M), table.out
    assert "conv = conversations" in table.out


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["--agent", "ACMEHELP"], 0, "AcmeHelp"),
        (["--agent", "OtherBrand"], 4, "no agent 'OtherBrand' in run 1"),
        (["--run", "99"], 4, "no analysis run 99"),
    ],
)
def test_report_scorecard_choices(
    capsys: pytest.CaptureFixture[str], threads: str, args: list[str], code: int, message: str
) -> None:
    result = run_cli(capsys, "report", "scorecard", "--db", threads, *args)
    assert result.code == code, result
    assert message in result.out + result.err


def test_report_scorecard_means_agree_on_daily_sums_and_metrics(threads: str) -> None:
    everyone = Scope.everything()
    with Store.open(threads) as store, store.connect() as connection:
        assert has_daily(connection, 1)
        summed = agent_skill_means(connection, Filters(), everyone)  # daily sums
        raw = agent_skill_means(connection, Filters(channel="chat"), everyone)  # every row
        north = agent_skill_means(connection, Filters(), Scope.team("north"))
    assert summed == raw
    assert set(summed) == {"AcmeHelp", "bea", "Zed"}
    assert north == {}
