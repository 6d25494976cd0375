"""Agent scorecards, coaching notes, customer timelines and the CSV export, on the
hand-built store of tests/store/dashboard_data.py, on every supported backend."""

from __future__ import annotations

import csv
import io
import json

import pytest

from servicecoach.analysis.skills import SKILLS
from servicecoach.errors import ConfigError, NotFoundError
from servicecoach.store.conversation_csv import CSV_COLUMNS, write_csv
from servicecoach.store.conversation_list import iter_conversation_rows
from servicecoach.store.database import Store
from servicecoach.store.filters import Filters, Granularity, Scope
from servicecoach.store.notes import add_note, delete_note, list_notes
from servicecoach.store.scorecards import agent_scorecard, list_agents
from servicecoach.store.timelines import customer_timeline
from tests.store.dashboard_data import Built, build_dashboard_store

ALL = Scope.everything()


@pytest.fixture
def built(store: Store) -> Built:
    return build_dashboard_store(store)


def test_scorecards_list_agents_with_counts(store: Store, built: Built) -> None:
    with store.connect() as connection:
        everyone = list_agents(connection, Filters(), ALL)
        north = list_agents(connection, Filters(), Scope.team("north"))
        email = list_agents(connection, Filters(channel="email"), ALL)
    assert [(a.id, a.team, a.conversations) for a in everyone] == [
        ("ana", "north", 1), ("lee", "south", 1), ("sam", "north", 2),
    ]  # fmt: skip
    sam = everyone[2]
    assert (sam.quality, sam.resolved, sam.unresolved) == (65.0, 1, 0)
    assert [a.id for a in north] == ["ana", "sam"]
    assert [(a.id, a.conversations) for a in email] == [("ana", 0), ("lee", 0), ("sam", 1)]


def test_scorecards_agent_scorecard(store: Store, built: Built) -> None:
    with store.begin() as connection:
        add_note(connection, ALL, "sam", "lead1", "Lovely apology in c1.", built.pks["c1"])
        add_note(connection, ALL, "sam", "lead1", "  Watch the email wait.  ")
    with store.connect() as connection:
        card = agent_scorecard(
            connection, "sam", Filters(team="south"), Scope.team("north"), examples=1
        )
    assert (card.run, card.agent.id, card.total.conversations) == (built.run, "sam", 2)
    skills = {c.skill: c for c in card.skills}
    assert list(skills) == list(SKILLS)
    empathy = skills["empathy"]
    assert (empathy.mean, empathy.scored) == (60.0, 2)
    assert card.granularity is Granularity.DAY  # 6 to 13 May
    trend = {p.start.day: p.mean for p in empathy.trend if p.scored}
    assert trend == {6: 80.0, 13: 40.0}
    (best,) = empathy.strongest
    (worst,) = empathy.weakest
    assert (best.external_id, best.score, best.quote, best.signal) == (
        "c1", 80, "I'm sorry to hear that", "empathy.validation",
    )  # fmt: skip
    assert (worst.external_id, worst.score, worst.quote, worst.suggestion) == (
        "c2", 40, "Thanks", "try this",
    )  # fmt: skip
    assert skills["apology"].strongest == () and skills["apology"].mean is None
    continuity = skills["continuity"]
    assert continuity.strongest == ()  # c2 scored, but nothing in it earned points
    assert [(e.external_id, e.quote) for e in continuity.weakest] == [
        ("c2", "As I told your colleague"),
    ]
    assert [n.text for n in card.notes] == ["Watch the email wait.", "Lovely apology in c1."]


def test_scorecards_examples_do_not_repeat(store: Store, built: Built) -> None:
    with store.connect() as connection:
        card = agent_scorecard(connection, "sam", Filters(), ALL, examples=3)
    empathy = next(c for c in card.skills if c.skill == "empathy")
    assert [e.external_id for e in empathy.strongest] == ["c1"]  # c2 has nothing to quote
    assert [e.external_id for e in empathy.weakest] == ["c2"]


def test_scorecards_unknown_agent(store: Store, built: Built) -> None:
    with store.connect() as connection, pytest.raises(NotFoundError, match="no agent 'bob'"):
        agent_scorecard(connection, "bob", Filters(), ALL)


def test_scorecards_notes_respect_scope(store: Store, built: Built) -> None:
    with store.begin() as connection:
        note = add_note(connection, Scope.team("north"), "ana", "lead1", "Great refund handling")
        with pytest.raises(NotFoundError, match="in your view"):
            add_note(connection, Scope.team("north"), "lee", "lead1", "Not my team")
        with pytest.raises(NotFoundError, match="in your view"):
            list_notes(connection, Scope.agent("sam"), "ana")
        with pytest.raises(ConfigError, match="1 to 10,000 characters"):
            add_note(connection, ALL, "ana", "lead1", "   ")
        with pytest.raises(NotFoundError, match="no conversation 999"):
            add_note(connection, ALL, "ana", "lead1", "x", 999)
        assert [n.id for n in list_notes(connection, Scope.agent("ana"), "ana")] == [note.id]
        with pytest.raises(NotFoundError, match="in your view"):
            delete_note(connection, Scope.team("south"), note.id)
        delete_note(connection, Scope.team("north"), note.id)
        assert list_notes(connection, ALL, "ana") == []
        with pytest.raises(NotFoundError, match="no coaching note"):
            delete_note(connection, ALL, note.id)


def test_scorecards_timeline_flags_repeat_story(store: Store, built: Built) -> None:
    with store.connect() as connection:
        timeline = customer_timeline(connection, built.customers["c1"], ALL)  # type: ignore[arg-type]
    assert timeline.run == built.run
    assert [e.stored.conversation.id for e in timeline.entries] == ["c1", "c2"]
    c1, c2 = timeline.entries
    assert (c1.retold, c2.retold, c2.channel_switch, c1.channel_switch) == (
        False, True, True, False,
    )  # fmt: skip
    (quote,) = c2.retells
    assert (quote.message, quote.quote, quote.start) == ("m1", "As I told your colleague", 0)
    assert c2.metrics is not None and c2.metrics.agent == "sam"
    assert timeline.retold == 1 and timeline.hidden == 0
    assert timeline.customer.name == "Dana Reyes"


def test_scorecards_timeline_respects_scope(store: Store, built: Built) -> None:
    customer = built.customers["c1"]
    assert customer is not None
    with store.connect() as connection:
        mine = customer_timeline(connection, customer, Scope.agent("sam"))
        assert len(mine.entries) == 2
        with pytest.raises(NotFoundError, match="in your view"):
            customer_timeline(connection, customer, Scope.agent("ana"))
        with pytest.raises(NotFoundError, match="in your view"):
            customer_timeline(connection, customer, Scope.team("south"))
        with pytest.raises(NotFoundError, match="no customer 999"):
            customer_timeline(connection, 999, ALL)


def test_scorecards_timeline_without_analysis(store: Store) -> None:
    built = build_dashboard_store(store, teams=False)
    with store.connect() as connection:
        timeline = customer_timeline(connection, built.customers["c3"], ALL, run=None)  # type: ignore[arg-type]
    assert [e.stored.conversation.id for e in timeline.entries] == ["c3"]


def test_scorecards_csv_export(store: Store, built: Built) -> None:
    handle = io.StringIO(newline="")
    with store.connect() as connection:
        count = write_csv(iter_conversation_rows(connection, Filters(), ALL), handle)
    assert count == 5
    handle.seek(0)
    table = list(csv.reader(handle))
    assert tuple(table[0]) == CSV_COLUMNS
    assert CSV_COLUMNS[-12:] == SKILLS
    rows = {r[2]: dict(zip(CSV_COLUMNS, r, strict=True)) for r in table[1:]}
    c1 = rows["c1"]
    assert (c1["channel"], c1["agent"], c1["team"], c1["public"]) == (
        "chat",
        "sam",
        "north",
        "false",
    )
    assert (c1["first_response_s"], c1["resolved"], c1["empathy"], c1["apology"]) == (
        "60.0", "true", "80", "",
    )  # fmt: skip
    assert c1["started_at"] == "2024-05-06T09:00:00+00:00"
    assert rows["c2"]["resolved"] == "" and rows["c5"]["agent"] == ""


def test_scorecards_csv_escapes_commas_quotes_and_formulas(store: Store, built: Built) -> None:
    from servicecoach.store.agents import set_agent_team

    with store.begin() as connection:
        set_agent_team(connection, "lee", '=HYPERLINK("x"), "south"')
    handle = io.StringIO(newline="")
    with store.connect() as connection:
        write_csv(iter_conversation_rows(connection, Filters(agent="lee"), ALL), handle)
    text = handle.getvalue()
    assert '"\'=HYPERLINK(""x""), ""south"""' in text
    (row,) = list(csv.DictReader(io.StringIO(text)))
    assert row["team"] == '\'=HYPERLINK("x"), "south"'


def test_scorecards_json_rows_are_json_ready(store: Store, built: Built) -> None:
    with store.connect() as connection:
        rows = [r.to_dict() for r in iter_conversation_rows(connection, Filters(), ALL)]
    data = json.loads(json.dumps(rows))
    assert list(data[0]) == list(CSV_COLUMNS)
    assert {r["external_id"]: r["retold"] for r in data}["c2"] is True
