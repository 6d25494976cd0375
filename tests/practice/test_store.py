"""Practice programmes in the store, on every supported backend: assignments and results."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from servicecoach.errors import ConfigError, NotFoundError
from servicecoach.store.agents import remember_agents
from servicecoach.store.database import Store
from servicecoach.store.filters import Scope
from servicecoach.store.practice import (
    assign,
    assignments_for,
    delete_assignment,
    list_assignments,
    list_results,
    record_result,
)


@pytest.fixture
def staffed(store: Store) -> Store:
    """Agents sam and kai in team north, lee in team south."""
    with store.begin() as connection:
        remember_agents(connection, ["sam", "kai"], team="north")
        remember_agents(connection, ["lee"], team="south")
    return store


def test_store_practice_results_newest_first_apart_per_agent(store: Store) -> None:
    start = datetime(2026, 3, 2, 9, tzinfo=UTC)
    with store.begin() as connection:
        for day, score in enumerate((40, 65, 80)):
            record_result(
                connection,
                username="sam",
                agent="sam",
                scenario="late-parcel-public",
                completed=day > 0,
                turns=3,
                trained_score=score,
                satisfaction=70,
                quality=75,
                skills={"empathy": score, "apology": None},
                finished_at=start + timedelta(days=day),
            )
        record_result(
            connection,
            username="nora",
            agent=None,
            scenario="vague-app-crash",
            completed=True,
            turns=2,
            trained_score=None,
            satisfaction=None,
            quality=None,
            skills={},
        )
    with store.connect() as connection:
        sam = list_results(connection, agent="sam")
        assert [r.trained_score for r in sam] == [80, 65, 40]
        assert sam[0].skills == {"empathy": 80, "apology": None}
        assert sam[0].finished_at == start + timedelta(days=2)
        assert [r.completed for r in sam] == [True, True, False]
        assert [r.scenario for r in list_results(connection, username="nora")] == [
            "vague-app-crash"
        ]
        assert len(list_results(connection, agent="sam", limit=1)) == 1
        with pytest.raises(ConfigError):
            list_results(connection)


def test_store_practice_assignments_follow_the_scope(staffed: Store) -> None:
    lead = Scope.team("north")
    with staffed.begin() as connection:
        one = assign(connection, lead, "late-parcel-public", "nora", agent="sam")
        team = assign(connection, lead, "vague-app-crash", "nora", team="north")
        other = assign(connection, Scope.everything(), "pause-not-cancel", "root", team="south")
        with pytest.raises(NotFoundError, match="no agent 'lee' in your view"):
            assign(connection, lead, "late-parcel-public", "nora", agent="lee")
        with pytest.raises(NotFoundError, match="no team 'south'"):
            assign(connection, lead, "late-parcel-public", "nora", team="south")
        with pytest.raises(NotFoundError, match="no agent 'ghost'"):
            assign(connection, lead, "late-parcel-public", "nora", agent="ghost")
        with pytest.raises(ConfigError, match="one agent or to one team"):
            assign(connection, lead, "late-parcel-public", "nora", agent="sam", team="north")
        with pytest.raises(ConfigError, match="not a scenario id"):
            assign(connection, lead, "../etc", "nora", agent="sam")
    with staffed.connect() as connection:
        assert {a.id for a in list_assignments(connection, lead)} == {one.id, team.id}
        assert {a.id for a in list_assignments(connection, Scope.everything())} == {
            one.id,
            team.id,
            other.id,
        }
        assert [a.id for a in list_assignments(connection, Scope.agent("sam"))] == [one.id]
        mine = assignments_for(connection, "sam", {"north"})
        assert {a.scenario for a in mine} == {"late-parcel-public", "vague-app-crash"}
        assert [a.scenario for a in assignments_for(connection, "kai", {"north"})] == [
            "vague-app-crash"
        ]
        assert assignments_for(connection, None, set()) == []
    with staffed.begin() as connection:
        with pytest.raises(NotFoundError):
            delete_assignment(connection, lead, other.id)
        with pytest.raises(NotFoundError):
            delete_assignment(connection, Scope.agent("sam"), one.id)
        delete_assignment(connection, lead, one.id)
    with staffed.connect() as connection:
        assert {a.id for a in list_assignments(connection, lead)} == {team.id}
