"""Dashboard data layer on a hand-built store with known answers (tests/store/dashboard_data.py),
on every supported backend."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import delete, func, select

from servicecoach.errors import ConfigError, NotFoundError
from servicecoach.store.agents import get_agent, set_agent_display_name, set_agent_team
from servicecoach.store.analyses import finish_run, save_results, start_run
from servicecoach.store.daily import has_daily
from servicecoach.store.dashboard import response_targets, team_overview
from servicecoach.store.database import Store
from servicecoach.store.filters import Filters, Granularity, Scope, bucket, choose_granularity
from servicecoach.store.metrics import backfill_metrics, ensure_metrics
from servicecoach.store.reader import iter_conversations
from servicecoach.store.schema import (
    conversation_metrics,
    daily_skill_scores,
    metrics_daily,
    skill_scores,
)
from tests.store.dashboard_data import Built, build_dashboard_store

ALL = Scope.everything()


@pytest.fixture
def built(store: Store) -> Built:
    return build_dashboard_store(store)


def _metrics(store: Store, run: int) -> dict[int, dict[str, object]]:
    """Each conversation's metrics row, with its skill score rows as ``score_<skill>``."""
    with store.connect() as connection:
        rows = connection.execute(
            select(conversation_metrics).where(conversation_metrics.c.run_id == run)
        )
        found = {row.conversation_id: dict(row._mapping) for row in rows}
        scores = connection.execute(select(skill_scores).where(skill_scores.c.run_id == run))
        for score in scores:
            assert score.applicable is (score.score is not None)
            found[score.conversation_id][f"score_{score.skill}"] = score.score
        return found


def test_dashboard_save_results_fills_metrics(store: Store, built: Built) -> None:
    rows = _metrics(store, built.run)
    by_id = {key: rows[pk] for key, pk in built.pks.items()}
    c1, c2, c3, c4, c5 = (by_id[k] for k in ("c1", "c2", "c3", "c4", "c5"))
    assert (c1["agent"], c2["agent"], c3["agent"], c4["agent"], c5["agent"]) == (
        "sam", "sam", "ana", "lee", None,
    )  # fmt: skip
    assert (c1["team"], c3["team"], c4["team"], c5["team"]) == ("north", "north", "south", None)
    assert (c1["first_response_s"], c1["median_response_s"]) == (60.0, 120.0)
    assert (c2["first_response_s"], c2["median_response_s"]) == (7200.0, 3900.0)
    assert (c3["first_response_s"], c5["first_response_s"]) == (180.0, 30.0)
    assert (c1["messages"], c1["customer_messages"], c3["messages"]) == (4, 2, 2)
    assert [r["first_response_within_target"] for r in (c1, c2, c3, c4)] == [
        True, True, False, None,
    ]  # fmt: skip
    assert (c1["emotion_start"], c1["emotion_end"], c1["resolved"]) == (
        "frustration", "gratitude", True,
    )  # fmt: skip
    assert (c1["satisfaction"], c1["quality"], c5["quality"]) == (90, 80, None)
    assert (c2["retold"], c1["retold"]) == (True, False)
    assert (c1["score_empathy"], c1["score_responsiveness"], c1.get("score_apology")) == (
        80, 100, None,
    )  # fmt: skip
    assert c1["started_day"] == date(2024, 5, 6)
    assert (c4["channel"], c4["public"]) == ("social", True)
    assert c1["customer_id"] == built.customers["c1"]


def test_dashboard_overview_totals(store: Store, built: Built) -> None:
    with store.connect() as connection:
        overview = team_overview(connection, Filters(), ALL)
    total = overview.total
    assert overview.run == built.run
    assert total.conversations == 5
    assert total.skills["empathy"] == 70.0
    assert total.scored["empathy"] == 4
    assert total.skills["apology"] is None
    assert total.quality == 70.0
    assert (total.resolved, total.unresolved, total.resolution_rate) == (2, 2, 0.5)
    assert (total.within_target, total.over_target) == (2, 1)
    assert total.within_target_rate == pytest.approx(2 / 3)
    assert overview.emotions.start == {"anger": 1, "confusion": 1, "frustration": 1, "neutral": 2}
    assert overview.emotions.end["satisfaction"] == 1
    assert (overview.emotions.improved, overview.emotions.worsened) == (1, 0)
    assert overview.emotions.unchanged == 4


def test_dashboard_overview_periods_and_targets(store: Store, built: Built) -> None:
    with store.connect() as connection:
        overview = team_overview(connection, Filters(), ALL)
        by_day = team_overview(
            connection,
            Filters(start=date(2024, 5, 6), end=date(2024, 5, 8)),
            ALL,
        )
    assert (overview.start, overview.end) == (date(2024, 5, 6), date(2024, 6, 10))
    assert overview.granularity is Granularity.WEEK
    weeks = [(p.start, p.conversations) for p in overview.periods]
    assert weeks == [
        (date(2024, 5, 6), 3), (date(2024, 5, 13), 1), (date(2024, 5, 20), 0),
        (date(2024, 5, 27), 0), (date(2024, 6, 3), 0), (date(2024, 6, 10), 1),
    ]  # fmt: skip
    assert overview.periods[0].skills["empathy"] == 70.0  # c1 80, c3 60
    response = {r.channel: r for r in overview.response}
    chat = response["chat"]
    assert (chat.conversations, chat.measured, chat.mean_first_response_s) == (3, 3, 90.0)
    assert (chat.within_target, chat.over_target, chat.target_s) == (1, 1, 120.0)
    assert chat.within_target_rate == 0.5
    assert response["email"].target_s == 1440 * 60
    assert response["social"].mean_first_response_s == 1800.0
    assert by_day.granularity is Granularity.DAY
    assert [(p.start.day, p.conversations) for p in by_day.periods] == [(6, 1), (7, 1), (8, 1)]


@pytest.mark.parametrize(
    ("scope", "filters", "expected"),
    [
        (Scope.agent("sam"), Filters(), {"c1", "c2"}),
        (Scope.agent("ana"), Filters(), {"c3"}),
        (Scope.team("north"), Filters(), {"c1", "c2", "c3"}),
        (Scope.team("south"), Filters(), {"c4"}),
        (Scope.nothing(), Filters(), set()),
        (Scope.team("north"), Filters(team="south"), set()),
        (Scope.agent("sam"), Filters(agent="ana"), set()),
        (ALL, Filters(channel="chat"), {"c1", "c3", "c5"}),
        (ALL, Filters(agent="lee"), {"c4"}),
        (ALL, Filters(start=date(2024, 5, 7), end=date(2024, 5, 13)), {"c2", "c3", "c5"}),
        (Scope.team("north"), Filters(channel="email"), {"c2"}),
    ],
)
def test_dashboard_scope_and_filters_select_rows(
    store: Store, built: Built, scope: Scope, filters: Filters, expected: set[str]
) -> None:
    from servicecoach.store.conversation_list import iter_conversation_rows, list_conversations

    with store.connect() as connection:
        page = list_conversations(connection, filters, scope, limit=500)
        streamed = list(iter_conversation_rows(connection, filters, scope, batch_size=2))
        overview = team_overview(connection, filters, scope)
    names = {r.external_id for r in page.rows}
    assert names == expected
    assert {r.external_id for r in streamed} == expected
    assert page.total == len(expected) == overview.total.conversations


def test_dashboard_agent_scope_never_sees_other_agents(store: Store, built: Built) -> None:
    from servicecoach.store.conversation_list import iter_conversation_rows
    from servicecoach.store.scorecards import agent_scorecard, list_agents

    scope = Scope.agent("ana")
    with store.connect() as connection:
        rows = list(iter_conversation_rows(connection, Filters(), scope))
        agents = list_agents(connection, Filters(), scope)
        with pytest.raises(NotFoundError, match="in your view"):
            agent_scorecard(connection, "sam", Filters(), scope)
        with pytest.raises(NotFoundError, match="in your view"):
            agent_scorecard(connection, "lee", Filters(), Scope.team("north"))
    assert {r.agent for r in rows} == {"ana"}
    assert [a.id for a in agents] == ["ana"]


def test_dashboard_list_sorts_and_pages(store: Store, built: Built) -> None:
    from servicecoach.store.conversation_list import list_conversations

    with store.connect() as connection:
        newest = list_conversations(connection, Filters(), ALL, limit=2)
        second = list_conversations(connection, Filters(), ALL, limit=2, offset=2)
        last = list_conversations(connection, Filters(), ALL, limit=2, offset=4)
        by_empathy = list_conversations(
            connection, Filters(), ALL, sort="empathy", descending=False
        )
        by_quality = list_conversations(connection, Filters(), ALL, sort="quality")
    assert [r.external_id for r in newest.rows] == ["c4", "c2"]
    assert [r.external_id for r in second.rows] == ["c5", "c3"]
    assert [r.external_id for r in last.rows] == ["c1"]
    assert (newest.total, newest.has_next, last.has_next) == (5, True, False)
    # rows without a value come last, whichever the direction
    assert [r.external_id for r in by_empathy.rows] == ["c2", "c3", "c1", "c4", "c5"]
    assert [r.external_id for r in by_quality.rows][-1] == "c5"
    row = newest.rows[1]
    assert (row.customer_name, row.scores["continuity"], row.retold) == ("Dana Reyes", 30, True)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"sort": "password"}, "cannot sort by"),
        ({"limit": 0}, "1 to 500 rows"),
        ({"limit": 501}, "1 to 500 rows"),
        ({"offset": -1}, "cannot be negative"),
    ],
)
def test_dashboard_list_rejects_bad_options(
    store: Store, built: Built, kwargs: dict[str, object], message: str
) -> None:
    from servicecoach.store.conversation_list import list_conversations

    with store.connect() as connection, pytest.raises(ConfigError, match=message):
        list_conversations(connection, Filters(), ALL, **kwargs)  # type: ignore[arg-type]


def test_dashboard_filters_check_the_period() -> None:
    with pytest.raises(ConfigError, match="swap the dates"):
        Filters(start=date(2024, 5, 2), end=date(2024, 5, 1))


def test_dashboard_nothing_analysed_is_not_found(store: Store) -> None:
    with store.connect() as connection, pytest.raises(NotFoundError, match="nothing analysed"):
        team_overview(connection, Filters(), ALL)


def test_dashboard_unknown_run_is_not_found(store: Store, built: Built) -> None:
    with store.connect() as connection, pytest.raises(NotFoundError, match="no analysis run 99"):
        team_overview(connection, Filters(run=99), ALL)


def test_dashboard_team_change_follows_the_agent(store: Store, built: Built) -> None:
    with store.begin() as connection:
        set_agent_team(connection, "ana", "south")
        record = set_agent_display_name(connection, "ana", "Ana Lopez")
    assert (record.name, record.team) == ("Ana Lopez", "south")
    with store.connect() as connection:
        south = team_overview(connection, Filters(), Scope.team("south"))
        assert get_agent(connection, "ana").team == "south"
    assert south.total.conversations == 2  # c3 (ana) and c4 (lee)
    with store.begin() as connection:
        set_agent_team(connection, "ana", None)
        with pytest.raises(NotFoundError, match="agents list"):
            set_agent_team(connection, "nobody", "north")
        with pytest.raises(ConfigError, match="1 to 100 characters"):
            set_agent_team(connection, "ana", "  ")


def test_dashboard_new_run_takes_the_agents_team(store: Store, built: Built) -> None:
    from tests.store.dashboard_data import _conversations, _results

    chats = {c.id: c for c in _conversations()}
    with store.begin() as connection:
        stored = {s.conversation.id: s for s in iter_conversations(connection)}
        run = start_run(connection, {}, {})
        save_results(connection, run, [(stored["c1"].pk, _results(chats)["c1"])])
        finish_run(connection, run, 1)
    rows = _metrics(store, run)
    assert [(r["agent"], r["team"]) for r in rows.values()] == [("sam", "north")]
    with store.connect() as connection:
        latest = team_overview(connection, Filters(), ALL)
        first = team_overview(connection, Filters(run=built.run), ALL)
    assert (latest.run, latest.total.conversations) == (run, 1)
    assert first.total.conversations == 5


def test_dashboard_backfill_fills_old_runs(store: Store, built: Built) -> None:
    before = _metrics(store, built.run)
    with store.begin() as connection:
        connection.execute(delete(conversation_metrics))
        assert ensure_metrics(connection, built.run) == 5
        assert ensure_metrics(connection, built.run) == 0
        assert backfill_metrics(connection, built.run) == 0
        count = connection.execute(
            select(func.count()).select_from(conversation_metrics)
        ).scalar_one()
    assert count == 5
    assert _metrics(store, built.run) == before


def test_dashboard_backfill_completes_a_partial_run(store: Store, built: Built) -> None:
    with store.begin() as connection:
        connection.execute(
            delete(conversation_metrics).where(
                conversation_metrics.c.conversation_id == built.pks["c4"]
            )
        )
        assert ensure_metrics(connection, built.run) == 1
    assert len(_metrics(store, built.run)) == 5


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        (date(2024, 5, 1), date(2024, 5, 31), Granularity.DAY),
        (date(2024, 5, 1), date(2024, 6, 1), Granularity.WEEK),
        (date(2024, 1, 1), date(2024, 7, 1), Granularity.WEEK),
        (date(2024, 1, 1), date(2024, 12, 31), Granularity.MONTH),
    ],
)
def test_dashboard_choose_granularity(start: date, end: date, expected: Granularity) -> None:
    assert choose_granularity(start, end) is expected


@pytest.mark.parametrize(
    ("day", "granularity", "expected"),
    [
        (date(2024, 5, 8), Granularity.DAY, date(2024, 5, 8)),
        (date(2024, 5, 8), Granularity.WEEK, date(2024, 5, 6)),
        (date(2024, 5, 12), Granularity.WEEK, date(2024, 5, 6)),
        (date(2024, 5, 13), Granularity.WEEK, date(2024, 5, 13)),
        (date(2024, 5, 31), Granularity.MONTH, date(2024, 5, 1)),
    ],
)
def test_dashboard_bucket(day: date, granularity: Granularity, expected: date) -> None:
    assert bucket(day, granularity) == expected


@pytest.mark.parametrize(
    ("role", "team", "agent", "expected"),
    [
        ("admin", None, None, Scope.everything()),
        ("lead", "north", None, Scope.team("north")),
        ("lead", None, None, Scope.nothing()),
        ("agent", "north", "sam", Scope.agent("sam")),
        ("agent", "north", None, Scope.nothing()),
    ],
)
def test_dashboard_scope_for_user(
    role: str, team: str | None, agent: str | None, expected: Scope
) -> None:
    assert Scope.for_user(role, team, agent) == expected


def test_dashboard_scope_for_unknown_role() -> None:
    with pytest.raises(ConfigError, match="unknown role"):
        Scope.for_user("owner")


@pytest.mark.parametrize(
    ("scope", "filters"),
    [
        (ALL, Filters()),
        (Scope.team("north"), Filters()),
        (Scope.agent("sam"), Filters(start=date(2024, 5, 6), end=date(2024, 5, 31))),
        (ALL, Filters(team="south")),
        (Scope.nothing(), Filters()),
    ],
)
def test_dashboard_daily_sums_answer_like_the_metrics(
    store: Store, built: Built, scope: Scope, filters: Filters
) -> None:
    from servicecoach.store.scorecards import list_agents

    with store.connect() as connection:
        assert has_daily(connection, built.run)
        summed = (
            team_overview(connection, filters, scope),
            list_agents(connection, filters, scope),
        )
    with store.begin() as connection:
        connection.execute(delete(daily_skill_scores))
        connection.execute(delete(metrics_daily))
    with store.connect() as connection:
        raw = (team_overview(connection, filters, scope), list_agents(connection, filters, scope))
    assert summed == raw
    with store.begin() as connection:
        assert ensure_metrics(connection, built.run) == 0  # rebuilds the daily sums only
        assert has_daily(connection, built.run)


def test_dashboard_daily_sums_follow_team_changes(store: Store, built: Built) -> None:
    with store.begin() as connection:
        set_agent_team(connection, "lee", "north")
    with store.connect() as connection:
        north = team_overview(connection, Filters(), Scope.team("north"))
        rows = connection.execute(
            select(metrics_daily.c.team).where(metrics_daily.c.agent == "lee")
        ).scalars()
        assert set(rows) == {"north"}
    assert north.total.conversations == 4


@pytest.mark.parametrize(
    ("recorded", "chat_s", "email_s"),
    [
        ({}, 120.0, 86400.0),  # the default rubric records no responsiveness table
        (
            {
                "responsiveness": {
                    "targets_minutes": {"chat": 5.0, "email": 240.0},
                    "business_hours": {"timezone": "UTC", "days": [0], "start": "09:00"},
                    "tiers": {"double": 60},
                }
            },
            300.0,
            14400.0,
        ),
        # a run recorded by a newer servicecoach (a key this one does not know): the defaults
        ({"responsiveness": {"targets_minutes": {"chat": 5.0}, "reply_sla": 1}}, 120.0, 86400.0),
    ],
)
def test_dashboard_targets_read_the_runs_recorded_config(
    store: Store, recorded: dict[str, object], chat_s: float, email_s: float
) -> None:
    with store.begin() as connection:
        run = start_run(connection, {}, recorded)
    with store.connect() as connection:
        targets = response_targets(connection, run)
    assert (targets["chat"], targets["email"], targets["social"]) == (chat_s, email_s, 3600.0)
