"""Dashboard query benchmark: every query the pages make, timed on the generated store.

Generate the store first (``python benchmarks/make_dashboard_db.py``, 100k conversations
by default), then run this script. The latest run's metrics and daily sums are ensured
first (``ensure_metrics``, as the web app does on its first request: a store made before
migration 0011 gets its ``channel_daily`` here, once). Each query runs once to warm the
cache and then ``--repeat`` times; the median is printed, with the total per page (the
queries a page makes together). Target: every page's queries well under 200 ms, so that
a page renders in under 250 ms.

Usage: python benchmarks/dashboard_bench.py [--db /tmp/servicecoach-dashboard.db] [--repeat 7]
"""

from __future__ import annotations

import argparse
import io
import os
import platform
import statistics
import sys
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, func, select

from servicecoach.store.analyses import latest_run
from servicecoach.store.contact_reasons import ReasonSort, ranked_reasons
from servicecoach.store.conversation_csv import write_csv
from servicecoach.store.conversation_list import iter_conversation_rows, list_conversations
from servicecoach.store.dashboard import team_overview
from servicecoach.store.database import Store
from servicecoach.store.filters import Filters, Scope
from servicecoach.store.metrics import ensure_metrics
from servicecoach.store.schema import conversation_metrics, conversations
from servicecoach.store.scorecards import agent_scorecard, list_agents
from servicecoach.store.timelines import customer_timeline

ALL = Scope.everything()


def _time(call: Callable[[], Any], repeat: int) -> float:
    call()
    runs = []
    for _ in range(repeat):
        began = time.perf_counter()
        call()
        runs.append(time.perf_counter() - began)
    return statistics.median(runs) * 1000


def _cases(connection: Connection) -> list[tuple[str, str, Callable[[], Any]]]:
    m = conversation_metrics.c
    last = connection.execute(select(func.max(m.started_day))).scalar_one()
    month = Filters(start=last - timedelta(days=29), end=last)
    quarter = Filters(start=last - timedelta(days=89), end=last)
    agent, team = connection.execute(
        select(m.agent, m.team).where(m.agent.is_not(None)).group_by(m.agent, m.team).limit(1)
    ).one()
    customer = connection.execute(
        select(conversations.c.customer_id)
        .group_by(conversations.c.customer_id)
        .order_by(func.count().desc())
        .limit(1)
    ).scalar_one()
    c = connection
    return [
        ("overview", "team_overview, all, 12 months (by month)", lambda: team_overview(c, Filters(), ALL)),
        ("overview", "list_agents (filter menu)", lambda: list_agents(c, Filters(), ALL)),
        ("overview 30 days", "team_overview, all, 30 days (by day)", lambda: team_overview(c, month, ALL)),
        ("overview 30 days", "list_agents, 30 days", lambda: list_agents(c, month, ALL)),
        ("overview lead", "team_overview, team scope, 12 months", lambda: team_overview(c, Filters(team=team), Scope.team(team))),
        ("overview lead", "list_agents, team scope", lambda: list_agents(c, Filters(), Scope.team(team))),
        ("overview email", "team_overview, channel filter (periods without daily sums)", lambda: team_overview(c, Filters(channel="email"), ALL)),
        ("overview email", "list_agents (filter menu: never filtered)", lambda: list_agents(c, Filters(), ALL)),
        ("agents email", "list_agents, channel filter", lambda: list_agents(c, Filters(channel="email"), ALL)),
        ("overview email+agent", "team_overview, channel + agent filter", lambda: team_overview(c, Filters(channel="email", agent=agent), ALL)),
        ("scorecard", "agent_scorecard, 12 months", lambda: agent_scorecard(c, agent, Filters(), ALL)),
        ("scorecard 90 days", "agent_scorecard, 90 days, agent scope", lambda: agent_scorecard(c, agent, quarter, Scope.agent(agent))),
        ("conversations", "list_conversations, newest, page 1", lambda: list_conversations(c, Filters(), ALL)),
        ("conversations by quality", "list_conversations, quality asc, offset 5,000", lambda: list_conversations(c, Filters(), ALL, sort="quality", descending=False, offset=5000)),
        ("conversations by empathy", "list_conversations, empathy desc, page 1", lambda: list_conversations(c, Filters(), ALL, sort="empathy")),
        ("conversations team chat", "list_conversations, team scope, chat, 30 days", lambda: list_conversations(c, Filters(channel="chat", start=month.start, end=month.end), Scope.team(team))),
        ("conversations deep", "list_conversations, newest, offset 90,000", lambda: list_conversations(c, Filters(), ALL, offset=90_000)),
        ("timeline", "customer_timeline, busiest customer", lambda: customer_timeline(c, customer, ALL)),
        ("contact reasons", "ranked_reasons, last 28 days", lambda: ranked_reasons(c, Filters(), ALL)),
        ("contact reasons growth", "ranked_reasons, 12 months, by growth", lambda: ranked_reasons(c, Filters(start=last - timedelta(days=364), end=last), ALL, sort=ReasonSort.GROWTH)),
        ("contact reasons agent", "ranked_reasons, agent scope", lambda: ranked_reasons(c, Filters(), Scope.agent(agent))),
        ("(per request)", "ensure_metrics, complete run", lambda: ensure_metrics(c, 1)),
    ]  # fmt: skip


def _load() -> str:
    """The 1, 5 and 15 minute load averages (other work slows every timing)."""
    return " ".join(f"{load:.2f}" for load in os.getloadavg())


def main() -> None:
    """Time every query and print a table."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", type=Path, default=Path("/tmp/servicecoach-dashboard.db"))
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--export", action="store_true", help="also time the full CSV export")
    args = parser.parse_args()
    if not args.db.exists():
        sys.exit(f"{args.db} does not exist: run benchmarks/make_dashboard_db.py first")
    with Store.open(args.db, create=False) as store:
        began = time.perf_counter()
        with store.begin() as connection:
            ensure_metrics(connection, latest_run(connection).id)
        print(f"# ensure_metrics, latest run: {time.perf_counter() - began:.2f} s")
        _report(store, args)


def _report(store: Store, args: argparse.Namespace) -> None:
    with store.connect() as connection:
        total = connection.execute(select(func.count()).select_from(conversations)).scalar_one()
        print(f"# {total:,} conversations in {args.db}; median of {args.repeat} runs")
        print(f"# {platform.python_version()} on {platform.machine()}, SQLite")
        print(f"# load average before: {_load()}")
        print()
        print("| page | query | median ms |")
        print("|---|---|---:|")
        pages: dict[str, float] = {}
        for page, label, call in _cases(connection):
            ms = _time(call, args.repeat)
            pages[page] = pages.get(page, 0.0) + ms
            print(f"| {page} | {label} | {ms:.1f} |")
        print()
        print("| page | all its queries, ms |")
        print("|---|---:|")
        for page, ms in pages.items():
            print(f"| {page} | {ms:.1f} |")
        print(f"\n# load average after: {_load()}")
        if args.export:
            began = time.perf_counter()
            rows = write_csv(iter_conversation_rows(connection, Filters(), ALL), io.StringIO())
            seconds = time.perf_counter() - began
            print(f"\nCSV export of {rows:,} rows: {seconds:.1f} s ({rows / seconds:,.0f} rows/s)")


if __name__ == "__main__":
    main()
