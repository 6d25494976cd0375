"""Web page benchmark: every page rendered through the real app on 100k conversations.

Uses the store of ``benchmarks/make_dashboard_db.py`` (100k analysed conversations in
SQLite): a copy of ``/tmp/servicecoach-dashboard.db`` when it exists, else a new one is
generated (minutes). Users of each role are added to the copy, and the latest run's
metrics and daily sums are ensured (``ensure_metrics``, which the app runs on its first
request: a copy made before migration 0011 gets its ``channel_daily`` here, once). Each
page is requested through the whole app (FastAPI, session cookie, templates, charts)
with Starlette's TestClient, logged in through the real login form: once to warm up,
then ``--repeat`` times; the median and the maximum are printed in milliseconds, with
the load average before and after (other work on the machine slows every page).
Target: every page's median at most 250 ms.

Usage: python benchmarks/web_bench.py [--db /tmp/servicecoach-web-bench.db] [--repeat 20]
       [--source /tmp/servicecoach-dashboard.db]
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import shutil
import statistics
import sys
import time
from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import func, select

from servicecoach.server import ServiceSettings, create_app
from servicecoach.store.analyses import latest_run
from servicecoach.store.database import Store
from servicecoach.store.metrics import ensure_metrics
from servicecoach.store.schema import conversation_metrics
from servicecoach.store.users import create_user, user_count

PASSWORD = "benchmark password"
TARGET_MS = 250.0
_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def _prepare(db: Path, source: Path) -> None:
    if db.exists():
        return
    if source.exists():
        print(f"copying {source} to {db}", file=sys.stderr)
        shutil.copyfile(source, db)
    else:
        sys.path.insert(0, str(Path(__file__).parent))
        from make_dashboard_db import generate

        generate(db, 100_000, 7, "hashing")
    with Store.open(db) as store, store.begin() as connection:
        if user_count(connection) == 0:
            create_user(connection, "ada", PASSWORD, "admin")
            create_user(connection, "lena", PASSWORD, "lead", team="north")
            create_user(connection, "sam", PASSWORD, "agent", agent="Sam", team="north")


def _ensure(db: Path) -> None:
    """Fill what the app would fill on its first request, so that no page times it."""
    began = time.perf_counter()
    with Store.open(db) as store, store.begin() as connection:
        ensure_metrics(connection, latest_run(connection).id)
    print(f"ensure_metrics, latest run: {time.perf_counter() - began:.2f} s", file=sys.stderr)


def _samples(db: Path) -> tuple[int, int, int]:
    """Conversations and the busiest customer, to open their pages."""
    m = conversation_metrics.c
    with Store.open(db) as store, store.connect() as connection:
        total = connection.execute(select(func.count()).select_from(conversation_metrics)).one()[0]
        conversation = connection.execute(
            select(m.conversation_id).where(m.agent == "Sam").order_by(m.messages.desc()).limit(1)
        ).scalar_one()
        customer = connection.execute(
            select(m.customer_id)
            .where(m.customer_id.is_not(None))
            .group_by(m.customer_id)
            .order_by(func.count().desc())
            .limit(1)
        ).scalar_one()
    return int(total), int(conversation), int(customer)


def _login(client: TestClient, username: str) -> None:
    client.cookies.clear()
    found = _CSRF.search(client.get("/login").text)
    assert found is not None
    answer = client.post(
        "/login",
        data={"username": username, "password": PASSWORD, "csrf_token": found.group(1)},
        follow_redirects=False,
    )
    assert answer.status_code == 303, answer.text


def _time(client: TestClient, path: str, repeat: int) -> tuple[float, float, float]:
    started = time.perf_counter()
    answer = client.get(path)
    first = (time.perf_counter() - started) * 1000
    assert answer.status_code == 200, f"{path}: {answer.status_code}"
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        answer = client.get(path)
        times.append((time.perf_counter() - started) * 1000)
        assert answer.status_code == 200
    return first, statistics.median(times), max(times)


def _load() -> str:
    """The 1, 5 and 15 minute load averages (other work slows every timing)."""
    return " ".join(f"{load:.2f}" for load in os.getloadavg())


def main() -> None:
    """Prepare the store, log in as each role and time every page."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", type=Path, default=Path("/tmp/servicecoach-web-bench.db"))
    parser.add_argument("--source", type=Path, default=Path("/tmp/servicecoach-dashboard.db"))
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    _prepare(args.db, args.source)
    _ensure(args.db)
    total, conversation, customer = _samples(args.db)
    pages = {
        "ada": [
            "/login",
            "/",
            "/?channel=email",
            "/?start=2026-10-01&end=2026-10-31",
            "/agents",
            "/agents?channel=email",
            "/agents/Sam",
            "/agents/Sam?channel=email",
            "/conversations",
            "/conversations?sort=empathy&order=asc",
            "/conversations?sort=closing&channel=chat",
            "/conversations?page=200",
            f"/conversations/{conversation}",
            f"/customers/{customer}",
            "/reasons",
            "/reasons?sort=growth",
            "/import",
        ],
        "lena": [
            "/",
            "/?channel=chat",
            "/agents",
            "/conversations",
            "/conversations?sort=empathy",
            "/reasons",
        ],
        "sam": [
            "/",
            "/?channel=chat",
            "/agents/Sam",
            "/conversations",
            f"/conversations/{conversation}",
        ],
    }
    print(
        f"{total:,} conversations · Python {platform.python_version()} · "
        f"{platform.machine()} · SQLite · {args.repeat} requests per page after one warm-up · "
        f"load average {_load()}\n"
    )
    print("| viewer | page | first (ms) | median (ms) | max (ms) |")
    print("|---|---|---:|---:|---:|")
    worst = 0.0
    over: list[str] = []
    with TestClient(create_app(ServiceSettings(db=str(args.db), fast=True))) as client:
        for user, paths in pages.items():
            client.cookies.clear()
            logged_in = False
            for path in paths:
                if path != "/login" and not logged_in:
                    _login(client, user)
                    logged_in = True
                first, median, top = _time(client, path, args.repeat)
                worst = max(worst, top)
                shown = path.replace(str(conversation), "{id}").replace(str(customer), "{id}")
                print(f"| {user} | `{shown}` | {first:.0f} | {median:.0f} | {top:.0f} |")
                if median > TARGET_MS:
                    over.append(f"{user} {shown} ({median:.0f} ms)")
    print(f"\nslowest request: {worst:.0f} ms")
    print(f"medians over {TARGET_MS:.0f} ms: {', '.join(over) or 'none'}")
    print(f"load average after: {_load()}")


if __name__ == "__main__":
    main()
