"""Disputes waiting for the viewer, in the store on every backend: a lead's or admin's
open disputes, an agent's decisions not marked read; marking read (the agent's own
only, idempotent); migration 0012 up and down."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from alembic import command
from alembic.config import Config
from sqlalchemy import Connection, inspect

from servicecoach.errors import NotFoundError
from servicecoach.store.database import Store
from servicecoach.store.disputes import (
    get_dispute,
    list_disputes,
    mark_seen,
    raise_dispute,
    resolve_dispute,
    unread_count,
)
from servicecoach.store.filters import Scope
from tests.store.dashboard_data import Built

SAM, LEE, ANA = Scope.agent("sam"), Scope.agent("lee"), Scope.agent("ana")
NORTH, SOUTH, ALL = Scope.team("north"), Scope.team("south"), Scope.everything()


def _raise(connection: Connection, built: Built, agent: str, chat: str, skill: str) -> int:
    return raise_dispute(
        connection, Scope.agent(agent), conversation_id=built.pks[chat], skill=skill,
        reason=f"My {skill} was better than that.", raised_by=agent, proposed_score=80,
    ).id  # fmt: skip


def _disputed(store: Store, built: Built) -> dict[str, int]:
    """sam disputes c1 and c2 (north), lee c4 (south); all open."""
    with store.begin() as connection:
        return {
            "sam-c1": _raise(connection, built, "sam", "c1", "empathy"),
            "sam-c2": _raise(connection, built, "sam", "c2", "continuity"),
            "lee-c4": _raise(connection, built, "lee", "c4", "empathy"),
        }


def _decide(store: Store, ids: dict[str, int]) -> None:
    """The north lead accepts sam's c1; the south lead rejects lee's c4."""
    with store.begin() as connection:
        resolve_dispute(connection, NORTH, ids["sam-c1"], accept=True, resolved_by="nora")
        resolve_dispute(
            connection, SOUTH, ids["lee-c4"], accept=False, resolved_by="sol", reply="It stands."
        )


UNREAD = [
    # scope, all open, after the decisions
    (ALL, 3, 1),
    (NORTH, 2, 1),
    (SOUTH, 1, 0),
    (Scope.team("east"), 0, 0),
    (SAM, 0, 1),
    (LEE, 0, 1),
    (ANA, 0, 0),
    (Scope.nothing(), 0, 0),
]


@pytest.mark.parametrize(("scope", "open_", "decided"), UNREAD)
def test_dispute_unread_counts_per_role_and_scope(
    store: Store, built: Built, scope: Scope, open_: int, decided: int
) -> None:
    ids = _disputed(store, built)
    with store.connect() as connection:
        assert unread_count(connection, scope) == open_
    _decide(store, ids)
    with store.connect() as connection:
        assert unread_count(connection, scope) == decided


def test_dispute_unread_marking_read_is_the_agents_own_and_idempotent(
    store: Store, built: Built
) -> None:
    ids = _disputed(store, built)
    _decide(store, ids)
    first = datetime(2026, 12, 4, 9, tzinfo=UTC)
    with store.begin() as connection:
        assert [d.is_new for d in list_disputes(connection, SAM)] == [False, True]  # open first
        assert mark_seen(connection, SAM, ids["sam-c2"]) == 0  # open: nothing to read yet
        assert get_dispute(connection, SAM, ids["sam-c2"]).seen_at is None
        for scope, dispute in ((LEE, "sam-c1"), (NORTH, "sam-c1"), (ALL, "lee-c4")):
            with pytest.raises(NotFoundError):
                mark_seen(connection, scope, ids[dispute])
        with pytest.raises(NotFoundError):
            mark_seen(connection, NORTH)
        assert mark_seen(connection, SAM, ids["sam-c1"], at=first) == 1
        assert mark_seen(connection, SAM, ids["sam-c1"]) == 0
        assert mark_seen(connection, SAM) == 0
        read = get_dispute(connection, SAM, ids["sam-c1"])
        assert (read.seen_at, read.is_new, read.to_dict()["seen_at"]) == (
            first,
            False,
            first.isoformat(),
        )
        assert unread_count(connection, SAM) == 0
        assert unread_count(connection, LEE) == 1  # lee's answer is still new to lee
        assert mark_seen(connection, LEE) == 1
        assert unread_count(connection, LEE) == 0
        assert unread_count(connection, NORTH) == 1  # sam's c2 still waits for the lead


def test_dispute_unread_a_new_decision_is_new_again(store: Store, built: Built) -> None:
    ids = _disputed(store, built)
    with store.begin() as connection:
        assert mark_seen(connection, SAM) == 0
        resolve_dispute(connection, NORTH, ids["sam-c2"], accept=False, resolved_by="nora",
                        reply="The customer had not told us before.")  # fmt: skip
        assert get_dispute(connection, SAM, ids["sam-c2"]).is_new
        assert unread_count(connection, SAM) == 1


def _alembic(store: Store, revision: str, *, down: bool = False) -> None:
    with store.engine.begin() as connection:
        config = Config()
        config.set_main_option("script_location", "servicecoach.store:migrations")
        config.attributes["connection"] = connection
        (command.downgrade if down else command.upgrade)(config, revision)


def test_dispute_unread_migration_upgrades_and_downgrades(store: Store, built: Built) -> None:
    ids = _disputed(store, built)
    _decide(store, ids)  # the acceptance writes review_changes rows that refer to a dispute
    _alembic(store, "0011", down=True)
    with store.connect() as connection:
        columns = {c["name"] for c in inspect(connection).get_columns("disputes")}
        assert "seen_at" not in columns and "status" in columns
        assert Store.current_revision(connection) == "0011"
    _alembic(store, "head")
    with store.connect() as connection:
        assert Store.current_revision(connection) == store.head_revision()
        found = {d.id: d for d in list_disputes(connection, ALL)}
        # decided before the migration: read (when decided); open: nothing to read
        for key in ("sam-c1", "lee-c4"):
            assert found[ids[key]].seen_at == found[ids[key]].resolved_at is not None
        assert found[ids["sam-c2"]].seen_at is None
        assert unread_count(connection, SAM) == unread_count(connection, LEE) == 0
        assert unread_count(connection, NORTH) == 1
