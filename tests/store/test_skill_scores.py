"""Skill scores as rows (``skill_scores``, ``daily_skill_scores``, migration 0013), on
every supported backend: the migration keeps every score and daily sum both ways, and a
skill no column was made for (a plugin's) is stored and shown by every page's query."""

from __future__ import annotations

import csv
import io
from datetime import date
from typing import Any

import pytest
from alembic import command
from alembic.config import Config
from sqlalchemy import Connection, and_, delete, func, inspect, select, text

from servicecoach.analysis.evidence import Evidence
from servicecoach.analysis.result import Outcome
from servicecoach.analysis.skills import skill_names
from servicecoach.errors import ConfigError
from servicecoach.store import scores as store_scores
from servicecoach.store.analyses import finish_run, save_results, start_run
from servicecoach.store.conversation_csv import CSV_COLUMNS, write_csv
from servicecoach.store.conversation_list import SORTS, iter_conversation_rows, list_conversations
from servicecoach.store.daily import has_daily
from servicecoach.store.database import Store
from servicecoach.store.disputes import raise_dispute
from servicecoach.store.filters import Filters, Scope
from servicecoach.store.metrics import ensure_metrics
from servicecoach.store.periods import period_table
from servicecoach.store.reader import iter_conversations
from servicecoach.store.schema import (
    channel_daily,
    channel_skill_scores,
    daily_skill_scores,
    metrics_daily,
    skill_scores,
)
from servicecoach.store.scorecards import agent_scorecard, agent_skill_means
from tests.store.dashboard_data import Built, build_dashboard_store, result

ALL = Scope.everything()
BUILT_IN = (
    "active_listening", "clear_communication", "empathy", "problem_solving", "patience",
    "responsiveness", "public_to_private", "apology", "extra_mile", "closing", "persuasion",
    "continuity",
)  # fmt: skip
"""The skills that had columns before migration 0013."""


def _alembic(store: Store, revision: str, *, down: bool = False) -> None:
    with store.engine.begin() as connection:
        config = Config()
        config.set_main_option("script_location", "servicecoach.store:migrations")
        config.attributes["connection"] = connection
        (command.downgrade if down else command.upgrade)(config, revision)


def _rows(connection: Connection, run: int) -> list[tuple[Any, ...]]:
    s = skill_scores.c
    query = select(s.conversation_id, s.skill, s.score, s.applicable).where(s.run_id == run)
    return sorted(tuple(row) for row in connection.execute(query))


def _daily(connection: Connection, run: int) -> list[tuple[Any, ...]]:
    d, s = metrics_daily.c, daily_skill_scores.c
    query = (
        select(d.started_day, d.agent, s.skill, s.score_sum, s.scored)
        .select_from(metrics_daily.join(daily_skill_scores, s.daily_id == d.id))
        .where(d.run_id == run)
    )
    return sorted(tuple(row) for row in connection.execute(query))


def _pages(connection: Connection) -> tuple[Any, ...]:
    return (
        period_table(connection, 1, Filters(), ALL),
        period_table(connection, 1, Filters(channel="chat"), ALL),
        agent_skill_means(connection, Filters(), ALL),
        agent_scorecard(connection, "sam", Filters(), ALL).skills,
        list_conversations(connection, Filters(), ALL, sort="empathy").rows,
    )


@pytest.fixture
def built(store: Store) -> Built:
    return build_dashboard_store(store)


def test_skill_scores_migration_keeps_every_score_both_ways(store: Store, built: Built) -> None:
    with store.connect() as connection:
        rows, daily, pages = _rows(connection, 1), _daily(connection, 1), _pages(connection)
    assert (built.pks["c1"], "empathy", 80, True) in rows
    assert (built.pks["c1"], "apology", None, False) in rows
    assert len(rows) == 5 * len(BUILT_IN)
    _alembic(store, "0012", down=True)
    with store.connect() as connection:
        assert "score_empathy" in {c["name"] for c in inspect(connection).get_columns(
            "conversation_metrics"
        )}  # fmt: skip
        columns = ", ".join(f"score_{skill}" for skill in BUILT_IN)
        restored = sorted(
            (pk, skill, score, score is not None)
            for pk, *values in connection.execute(
                text(f"SELECT conversation_id, {columns} FROM conversation_metrics")
            )
            for skill, score in zip(BUILT_IN, values, strict=True)
        )
        assert restored == rows
        sums = ", ".join(f"sum_{skill}, n_{skill}" for skill in BUILT_IN)
        restored_daily = sorted(
            (str(day), agent, skill, values[2 * i], values[2 * i + 1])
            for day, agent, *values in connection.execute(
                text(f"SELECT started_day, agent, {sums} FROM metrics_daily")
            )
            for i, skill in enumerate(BUILT_IN)
        )
        assert restored_daily == [(str(day), *rest) for day, *rest in daily]
        old = connection.execute(text("SELECT conversation_id, skill, score FROM skill_scores"))
        assert sorted(tuple(r) for r in old) == [r[:3] for r in rows if r[3]]
    _alembic(store, "head")
    with store.connect() as connection:
        assert (_rows(connection, 1), _daily(connection, 1)) == (rows, daily)
        assert _pages(connection) == pages
        assert Store.current_revision(connection) == store.head_revision()


def test_skill_scores_upgrade_copies_the_columns_of_a_0012_store(
    store: Store, built: Built
) -> None:
    """A store written at 0012 (scores in columns) upgrades with its own figures."""
    _alembic(store, "0012", down=True)
    c4 = built.pks["c4"]
    with store.engine.begin() as connection:
        connection.execute(
            text("UPDATE conversation_metrics SET score_patience = 77 WHERE conversation_id = :pk"),
            {"pk": c4},
        )
        connection.execute(
            text("UPDATE metrics_daily SET sum_patience = 77, n_patience = 1 WHERE agent = 'lee'")
        )
    _alembic(store, "head")
    with store.connect() as connection:
        assert (c4, "patience", 77, True) in _rows(connection, 1)
        assert (c4, "closing", None, False) in _rows(connection, 1)
        assert [r[2:] for r in _daily(connection, 1) if r[1] == "lee" and r[2] == "patience"] == [
            ("patience", 77, 1)
        ]
        means = agent_skill_means(connection, Filters(), ALL)
    assert means["lee"]["patience"] == (1, 77.0)


def _evidence(chat_text: str, words: str, polarity: int) -> Evidence:
    start = chat_text.index(words)
    return Evidence("m2", start, start + len(words), "upsell.offer", polarity, words, None)


def _plugin_run(store: Store) -> tuple[int, dict[str, int]]:
    """A second run whose results carry ``upsell``, a skill no column was made for."""
    upsell = {"c1": 90, "c2": 20, "c3": 55}
    with store.begin() as connection:
        stored = {s.conversation.id: s for s in iter_conversations(connection)}
        run = start_run(connection, {"upsell": "upsell.v1"}, {})
        results = []
        for key, score in upsell.items():
            chat = stored[key].conversation
            reply = next(m.text for m in chat.messages if m.id == "m2")
            words = reply.split()[0]
            evidence = _evidence(reply, words, 1 if score > 50 else -1)
            outcome = Outcome("neutral", "neutral", None, 50, 50)
            results.append((stored[key].pk, result(chat, {"upsell": (score, [evidence])}, outcome)))
        c4 = stored["c4"]  # no upsell row at all
        results.append(
            (c4.pk, result(c4.conversation, {}, Outcome("neutral", "neutral", None, 50, 50)))
        )
        save_results(connection, run, results)
        finish_run(connection, run, len(results))
    return run, {k: stored[k].pk for k in (*upsell, "c4")}


def test_skill_scores_keep_a_skill_nobody_registered(store: Store, built: Built) -> None:
    run, pks = _plugin_run(store)
    with store.connect() as connection:
        assert (pks["c1"], "upsell", 90, True) in _rows(connection, run)
        page = list_conversations(connection, Filters(), ALL)
        card = agent_scorecard(connection, "sam", Filters(), ALL)
        means = agent_skill_means(connection, Filters(channel="email"), ALL)
    by_id = {row.conversation_id: row for row in page.rows}
    assert by_id[pks["c1"]].scores["upsell"] == 90
    assert list(by_id[pks["c1"]].scores)[: len(skill_names())] == list(skill_names())
    assert [c.skill for c in card.skills][-1] == "upsell"
    assert (card.skills[-1].mean, card.skills[-1].scored) == (55.0, 2)
    assert means["sam"]["upsell"] == (1, 20.0)
    assert "upsell" not in SORTS
    with store.connect() as connection, pytest.raises(ConfigError, match="cannot sort by"):
        list_conversations(connection, Filters(), ALL, sort="upsell")


@pytest.fixture
def registered(monkeypatch: pytest.MonkeyPatch) -> None:
    """``upsell`` registered by a plugin (the store reads the registry through
    ``store.scores``)."""
    names = (*skill_names(), "upsell")
    monkeypatch.setattr(store_scores, "skill_names", lambda: names)


@pytest.mark.usefixtures("registered")
def test_skill_scores_show_a_plugin_skill_everywhere(store: Store, built: Built) -> None:
    run, pks = _plugin_run(store)
    with store.connect() as connection:
        ascending = list_conversations(connection, Filters(), ALL, sort="upsell", descending=False)
        descending = list_conversations(connection, Filters(), ALL, sort="upsell")
        card = agent_scorecard(connection, "sam", Filters(), ALL)
        handle = io.StringIO(newline="")
        write_csv(iter_conversation_rows(connection, Filters(), ALL), handle)
    assert [r.conversation_id for r in ascending.rows][:3] == [pks["c2"], pks["c3"], pks["c1"]]
    assert [r.conversation_id for r in descending.rows][:3] == [pks["c1"], pks["c3"], pks["c2"]]
    assert [r.conversation_id for r in ascending.rows][3:] == [pks["c4"]]  # none: last
    assert [r.conversation_id for r in descending.rows][3:] == [pks["c4"]]
    upsell = next(c for c in card.skills if c.skill == "upsell")
    assert [e.conversation_id for e in upsell.strongest] == [pks["c1"]]
    assert [e.conversation_id for e in upsell.weakest] == [pks["c2"]]
    assert upsell.strongest[0].quote
    table = list(csv.reader(io.StringIO(handle.getvalue())))
    assert table[0][-1] == "upsell" and tuple(table[0]) == CSV_COLUMNS
    cells = {row[0]: row[-1] for row in table[1:]}
    assert (cells[str(pks["c1"])], cells[str(pks["c4"])]) == ("90", "")
    with store.begin() as connection:
        dispute = raise_dispute(
            connection, Scope.agent("sam"), conversation_id=pks["c2"], skill="upsell",
            reason="I did offer the upgrade", raised_by="sam",
        )  # fmt: skip
    assert (dispute.skill, dispute.disputed_score, dispute.run) == ("upsell", 20, run)


def test_skill_scores_a_dispute_needs_a_known_skill(store: Store, built: Built) -> None:
    with store.begin() as connection, pytest.raises(ConfigError, match="is not a skill"):
        raise_dispute(
            connection, Scope.agent("sam"), conversation_id=built.pks["c1"], skill="upsell",
            reason="no", raised_by="sam",
        )  # fmt: skip


def test_skill_scores_sorting_by_a_skill_reads_its_rows(store: Store, built: Built) -> None:
    with store.connect() as connection:
        rows = list_conversations(connection, Filters(), ALL, sort="empathy").rows
        ids = [r.conversation_id for r in rows]
        s = skill_scores.c
        empathy = dict(
            connection.execute(
                select(s.conversation_id, s.score).where(and_(s.run_id == 1, s.skill == "empathy"))
            ).all()
        )
    assert [empathy[pk] for pk in ids] == [100, 80, 60, 40, None]


SUM_CASES = [
    (ALL, Filters()),
    (ALL, Filters(channel="chat")),
    (ALL, Filters(channel="email", team="north")),
    (ALL, Filters(channel="social", start=date(2024, 6, 1))),
    (Scope.team("north"), Filters(channel="chat")),
    (Scope.agent("sam"), Filters(agent="sam", channel="email")),
]


def _sums(connection: Connection, scope: Scope, filters: Filters) -> tuple[Any, ...]:
    table = period_table(connection, 1, filters, scope)
    return table.total, table.periods, agent_skill_means(connection, filters, scope)


@pytest.mark.parametrize(("scope", "filters"), SUM_CASES)
def test_skill_scores_daily_sums_equal_the_rows(
    store: Store, built: Built, scope: Scope, filters: Filters
) -> None:
    """With or without a channel, the daily skill sums answer as the score rows do."""
    with store.connect() as connection:
        assert has_daily(connection, 1)
        summed = _sums(connection, scope, filters)
    with store.begin() as connection:
        for table in (channel_skill_scores, daily_skill_scores, channel_daily, metrics_daily):
            connection.execute(delete(table))
        assert not has_daily(connection, 1)  # every figure from skill_scores
    with store.connect() as connection:
        assert _sums(connection, scope, filters) == summed
    with store.begin() as connection:
        ensure_metrics(connection, 1)
        assert has_daily(connection, 1)
    with store.connect() as connection:
        assert _sums(connection, scope, filters) == summed


def test_skill_scores_channel_sums_wait_for_ensure_metrics(store: Store, built: Built) -> None:
    """A run summed before 0013 has no sums by channel: pages read the rows until
    ``ensure_metrics`` builds them."""
    with store.begin() as connection:
        connection.execute(delete(channel_skill_scores))
        assert not has_daily(connection, 1)
        ensure_metrics(connection, 1)
        assert has_daily(connection, 1)
        counted = connection.execute(select(func.count()).select_from(channel_skill_scores))
        assert counted.scalar_one() > 0


@pytest.mark.usefixtures("registered")
@pytest.mark.parametrize(
    ("descending", "limit", "offset", "expected"),
    [
        (False, 2, 0, ["c2", "c3"]),
        (False, 2, 2, ["c1", "c4"]),  # the page runs past the scored ones
        (False, 2, 3, ["c4"]),
        (True, 3, 1, ["c3", "c2", "c4"]),
        (True, 2, 4, []),
    ],
)
def test_skill_scores_sorted_pages_end_with_the_unscored(
    store: Store, built: Built, descending: bool, limit: int, offset: int, expected: list[str]
) -> None:
    _, pks = _plugin_run(store)
    with store.connect() as connection:
        page = list_conversations(
            connection, Filters(), ALL, sort="upsell", descending=descending, limit=limit,
            offset=offset,
        )  # fmt: skip
    assert [r.conversation_id for r in page.rows] == [pks[k] for k in expected]
    assert page.total == 4
