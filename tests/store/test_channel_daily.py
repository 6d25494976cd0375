"""``channel_daily`` (the waits and emotions kept per day, agent and channel) answers
exactly like ``conversation_metrics``, on a generated store with several conversations
per day, agent and channel, on every supported backend; migration 0011 upgrades and
downgrades, and a run summed before it is rebuilt by ``ensure_metrics``."""

from __future__ import annotations

import dataclasses
import random
import struct
from datetime import UTC, date, datetime, timedelta

import pytest
from alembic import command
from alembic.config import Config
from sqlalchemy import delete, func, inspect, select

from servicecoach.analysis.emotion import EMOTIONS
from servicecoach.analysis.result import Outcome
from servicecoach.model.conversation import Channel, Conversation, Customer
from servicecoach.store.agents import set_agent_team
from servicecoach.store.analyses import finish_run, save_results, start_run
from servicecoach.store.daily import has_daily, pack_waits, unpack_waits
from servicecoach.store.dashboard import (
    Overview,
    daily_first_reply_waits,
    first_reply_waits,
    team_overview,
)
from servicecoach.store.database import Store
from servicecoach.store.filters import Filters, Scope, metrics_conditions
from servicecoach.store.metrics import ensure_metrics
from servicecoach.store.reader import iter_conversations
from servicecoach.store.schema import channel_daily, channel_skill_scores
from servicecoach.store.writer import ConversationWriter
from tests.store.dashboard_data import conversation, result

ALL = Scope.everything()
AGENTS = {"sam": "north", "ana": "north", "lee": "south"}
FIRST_DAY = date(2024, 5, 6)


def _generated() -> list[tuple[Conversation, Outcome]]:
    """Sixty conversations over four days, three channels and three agents (so several
    share a day, agent and channel), with fractional and tied waits, a bot-only one
    (no agent) and one without times (no day, no wait)."""
    rng = random.Random(18)
    made: list[tuple[Conversation, Outcome]] = []
    for index in range(60):
        channel = rng.choice([Channel.CHAT, Channel.EMAIL, Channel.SOCIAL])
        agent = rng.choice(sorted(AGENTS))
        start = datetime(2024, 5, 6, 8, tzinfo=UTC) + timedelta(days=rng.randrange(4))
        wait = rng.choice([2.0, 2.0, 30.0, rng.uniform(0.1, 600.0), rng.uniform(60, 3000)])
        turns = [
            ("customer", "Kim", 0.0, "Where is my order?"),
            ("agent", agent, wait, "Let me look."),
            ("customer", "Kim", wait + 5, "Thanks."),
        ]
        chat = conversation(f"g{index}", channel, start, turns, Customer(id=f"k{index}"))
        first, last = rng.choice(EMOTIONS), rng.choice(EMOTIONS)
        made.append((chat, Outcome(first, last, rng.choice([True, False, None]), 50, 60)))
    bot = conversation(
        "bot",
        Channel.CHAT,
        datetime(2024, 5, 7, 9, tzinfo=UTC),
        [("customer", "Ken", 0, "reset my password"), ("bot", "helpbot", 0.5, "Here.")],
        Customer(id="ken"),
    )
    timeless = conversation(
        "timeless",
        Channel.EMAIL,
        datetime(2024, 5, 7, 9, tzinfo=UTC),
        [("customer", "Ivy", 0, "hello?"), ("agent", "ana", 3, "Hi Ivy.")],
        Customer(id="ivy"),
    )
    timeless = dataclasses.replace(
        timeless, messages=tuple(dataclasses.replace(m, at=None) for m in timeless.messages)
    )
    made += [(bot, Outcome("confusion", "relief", True, 70, None))]
    made += [(timeless, Outcome("anger", "neutral", None, 50, 50))]
    return made


def _build(store: Store) -> int:
    made = _generated()
    with store.begin() as connection:
        ConversationWriter(connection).write([chat for chat, _ in made])
        stored = {s.conversation.id: s for s in iter_conversations(connection)}
        run = start_run(connection, {}, {})
        save_results(
            connection,
            run,
            [(stored[chat.id].pk, result(chat, {}, outcome)) for chat, outcome in made],
        )
        for agent, team in AGENTS.items():
            set_agent_team(connection, agent, team)
        finish_run(connection, run, len(made))
    return run


@pytest.fixture
def run(store: Store) -> int:
    return _build(store)


def _alembic(store: Store, revision: str, *, down: bool = False) -> None:
    with store.engine.begin() as connection:
        config = Config()
        config.set_main_option("script_location", "servicecoach.store:migrations")
        config.attributes["connection"] = connection
        (command.downgrade if down else command.upgrade)(config, revision)


CASES = [
    (ALL, Filters()),
    (ALL, Filters(channel="email")),
    (ALL, Filters(channel="chat", start=FIRST_DAY + timedelta(days=1))),
    (ALL, Filters(channel="phone")),  # a channel nobody used
    (ALL, Filters(team="north")),
    (ALL, Filters(agent="lee", channel="social")),
    (ALL, Filters(start=FIRST_DAY, end=FIRST_DAY + timedelta(days=1))),
    (Scope.team("north"), Filters(channel="chat")),
    (Scope.agent("sam"), Filters(end=FIRST_DAY + timedelta(days=2))),
    (Scope.nothing(), Filters()),
]


@pytest.mark.parametrize(("scope", "filters"), CASES)
def test_channel_daily_waits_equal_the_raw_waits(
    store: Store, run: int, scope: Scope, filters: Filters
) -> None:
    with store.connect() as connection:
        assert has_daily(connection, run)
        daily = daily_first_reply_waits(connection, run, filters, scope)
        raw = first_reply_waits(connection, metrics_conditions(run, filters, scope))
    assert daily == raw  # every figure, to the last bit: the same waits


def _figures(overview: Overview) -> tuple[object, ...]:
    """What the overview takes from this store: waits, response per channel, emotions.

    (Its periods come from ``store.periods``, whose means of daily sums may differ from
    the raw ones in the last bit: float sums in another order.)
    """
    return overview.waits, overview.response, overview.emotions


@pytest.mark.parametrize(("scope", "filters"), CASES)
def test_channel_daily_overview_equals_the_raw_overview(
    store: Store, run: int, scope: Scope, filters: Filters
) -> None:
    with store.connect() as connection:
        summed = _figures(team_overview(connection, filters, scope))
    with store.begin() as connection:
        connection.execute(delete(channel_skill_scores))
        connection.execute(delete(channel_daily))
        assert not has_daily(connection, run)  # so everything reads conversation_metrics
    with store.connect() as connection:
        raw = _figures(team_overview(connection, filters, scope))
    assert summed == raw
    with store.begin() as connection:
        assert ensure_metrics(connection, run) == 0  # rebuilds the daily sums only
        assert has_daily(connection, run)
        assert _figures(team_overview(connection, filters, scope)) == raw


def test_channel_daily_holds_every_measured_wait(store: Store, run: int) -> None:
    with store.connect() as connection:
        cells = connection.execute(select(channel_daily.c.waits)).scalars().all()
        overview = team_overview(connection, Filters(), ALL)
    waits = [wait for cell in cells if cell is not None for wait in unpack_waits(cell)]
    assert len(waits) == overview.waits.measured == 61  # all but the timeless one
    assert len(cells) < len(waits)  # several conversations share a day, agent and channel


def test_channel_daily_run_from_before_the_migration(store: Store, run: int) -> None:
    with store.connect() as connection:
        before = [_figures(team_overview(connection, f, scope)) for scope, f in CASES]
    _alembic(store, "0010", down=True)  # as if the run had been summed before 0011
    _alembic(store, "head")
    with store.connect() as connection:
        assert connection.execute(select(func.count()).select_from(channel_daily)).scalar() == 0
        assert not has_daily(connection, run)
        raw = [_figures(team_overview(connection, f, scope)) for scope, f in CASES]
    assert raw == before
    with store.begin() as connection:
        assert ensure_metrics(connection, run) == 0
        assert has_daily(connection, run)
        again = [_figures(team_overview(connection, f, scope)) for scope, f in CASES]
    assert again == before


def test_channel_daily_migration_upgrades_and_downgrades(store: Store) -> None:
    with store.connect() as connection:
        assert "channel_daily" in inspect(connection).get_table_names()
    _alembic(store, "0010", down=True)
    with store.connect() as connection:
        assert "channel_daily" not in inspect(connection).get_table_names()
        assert Store.current_revision(connection) == "0010"
    _alembic(store, "head")
    with store.connect() as connection:
        indexes = {i["name"] for i in inspect(connection).get_indexes("channel_daily")}
        assert indexes == {"ix_channel_daily_selection"}
        assert Store.current_revision(connection) == store.head_revision()


def test_channel_daily_follows_team_changes(store: Store, run: int) -> None:
    with store.begin() as connection:
        set_agent_team(connection, "lee", "north")
        teams = connection.execute(
            select(channel_daily.c.team).where(channel_daily.c.agent == "lee")
        ).scalars()
        assert set(teams) == {"north"}
        north = Filters(team="north", channel="social")
        assert daily_first_reply_waits(connection, run, north, ALL) == first_reply_waits(
            connection, metrics_conditions(run, north, ALL)
        )


@pytest.mark.parametrize(
    "waits",
    [[], [5.0], [3600.0, 0.1, 1e-9, 2.0, 2.0, 86400.5, 1 / 3]],
)
def test_channel_daily_packs_waits_exactly(waits: list[float]) -> None:
    packed = pack_waits(waits)
    if not waits:
        assert packed is None
        return
    assert packed is not None
    assert unpack_waits(packed) == sorted(waits)
    assert list(struct.unpack(f"<{len(waits)}d", packed)) == sorted(waits)  # little-endian
    assert unpack_waits(packed + packed) == sorted(waits) * 2  # cells join by concatenation
