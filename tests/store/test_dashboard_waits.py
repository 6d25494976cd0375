"""First-reply waits as a distribution (median, 90th percentile, buckets), on the
hand-built store of tests/store/dashboard_data.py, on every supported backend."""

from __future__ import annotations

import math

import pytest

from servicecoach.store.dashboard import (
    WAIT_BUCKETS,
    first_reply_waits,
    team_overview,
    wait_distribution,
)
from servicecoach.store.database import Store
from servicecoach.store.filters import Filters, Scope, metrics_conditions
from servicecoach.store.scorecards import agent_scorecard
from tests.store.dashboard_data import Built, build_dashboard_store

ALL = Scope.everything()
HOUR = 3600.0


@pytest.fixture
def built(store: Store) -> Built:
    return build_dashboard_store(store)


@pytest.mark.parametrize(
    ("waits", "median", "p90", "counts"),
    [
        ([], None, None, [0, 0, 0, 0]),
        ([600.0], 600.0, 600.0, [1, 0, 0, 0]),
        # a mean of 2.1 days from one week-long wait, though most replies came within hours
        ([600, 1800, 2 * HOUR, 3 * HOUR, 5 * HOUR, 7 * 24 * HOUR], 2.5 * HOUR, 86.5 * HOUR, [2, 2, 1, 1]),
        # the bucket edges: a wait of exactly 1 h is in "1-4 h", of exactly 1 day "over 1 day"
        ([HOUR - 1, HOUR, 4 * HOUR, 24 * HOUR], 2.5 * HOUR, 0.7 * 24 * HOUR + 0.3 * 4 * HOUR, [1, 1, 1, 1]),
    ],
)  # fmt: skip
def test_dashboard_wait_distribution(
    waits: list[float], median: float | None, p90: float | None, counts: list[int]
) -> None:
    found = wait_distribution(waits)
    assert found.measured == len(waits)
    assert found.median_s == (None if median is None else pytest.approx(median))
    assert found.p90_s == (None if p90 is None else pytest.approx(p90))
    assert [b.count for b in found.buckets] == counts
    assert [b.name for b in found.buckets] == [name for name, _ in WAIT_BUCKETS]
    assert math.isclose(sum(b.share for b in found.buckets), 1.0 if waits else 0.0)


def test_dashboard_overview_has_the_wait_distribution(store: Store, built: Built) -> None:
    with store.connect() as connection:
        overview = team_overview(connection, Filters(), ALL)
    waits = overview.waits  # first replies: 60, 7200, 180, 1800 and 30 seconds
    assert (waits.measured, waits.median_s) == (5, 180.0)
    assert waits.p90_s == pytest.approx(1800 + 0.6 * (7200 - 1800))
    assert waits.mean_s == pytest.approx(overview.total.mean_first_response_s)
    assert [(b.name, b.count) for b in waits.buckets] == [
        ("under 1 h", 4), ("1-4 h", 1), ("4-24 h", 0), ("over 1 day", 0),
    ]  # fmt: skip
    by_channel = {r.channel: r.waits for r in overview.response}
    assert {c: (w.measured, w.median_s) for c, w in by_channel.items() if w} == {
        "chat": (3, 60.0), "email": (1, 7200.0), "social": (1, 1800.0),
    }  # fmt: skip


def test_dashboard_waits_follow_scope_and_filters(store: Store, built: Built) -> None:
    with store.connect() as connection:
        north = team_overview(connection, Filters(), Scope.team("north")).waits
        email = team_overview(connection, Filters(channel="email"), ALL).waits
        card = agent_scorecard(connection, "sam", Filters(), ALL)
        overall, _ = first_reply_waits(connection, metrics_conditions(built.run, Filters(), ALL))
    assert (north.measured, north.median_s) == (3, 180.0)  # sam's c1 and c2, ana's c3
    assert (email.measured, email.median_s) == (1, 7200.0)
    assert (card.waits.measured, card.waits.median_s) == (2, (60 + 7200) / 2)
    assert overall.measured == 5
