"""Practice sessions in progress in the store, on every supported backend: one per owner,
owner-checked, compare-and-set, bounded and expiring."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from servicecoach.errors import InputError
from servicecoach.store import practice_sessions as sessions
from servicecoach.store.database import Store
from servicecoach.store.practice_sessions import (
    IDLE,
    MAX_STATE_BYTES,
    get_session,
    purge_sessions,
    save_session,
    start_session,
)

T0 = datetime(2026, 3, 2, 9, tzinfo=UTC)


def test_store_practice_session_one_per_owner_with_a_random_id(store: Store) -> None:
    with store.begin() as connection:
        first = start_session(connection, "user:1:sam", "late-parcel-public", {"n": 1}, now=T0)
        again = start_session(connection, "user:1:sam", "vague-app-crash", {"n": 2}, now=T0)
        other = start_session(connection, "user:2:nora", "vague-app-crash", {"n": 3}, now=T0)
        assert len({first.id, again.id, other.id}) == 3 and len(first.id) >= 40
        found = get_session(connection, "user:1:sam", now=T0)
        assert found is not None and found.id == again.id and found.state == {"n": 2}
        assert save_session(connection, first, {"n": 9}, now=T0) is None  # the replaced one


def test_store_practice_session_is_read_and_written_only_by_its_owner(store: Store) -> None:
    with store.begin() as connection:
        sam = start_session(connection, "user:1:sam", "late-parcel-public", {"n": 1}, now=T0)
        assert get_session(connection, "user:2:nora", now=T0) is None
        # nora's own request, carrying sam's session id, cannot write it
        forged = sessions.SavedSession(sam.id, "user:2:nora", sam.scenario, 0, {}, T0, T0)
        assert save_session(connection, forged, {"n": "nora"}, now=T0) is None
        found = get_session(connection, "user:1:sam", now=T0)
        assert found is not None and found.state == {"n": 1}


def test_store_practice_session_compare_and_set(store: Store) -> None:
    with store.begin() as connection:
        read = start_session(connection, "user:1:sam", "late-parcel-public", {"n": 0}, now=T0)
        won = save_session(connection, read, {"n": 1}, now=T0)
        lost = save_session(connection, read, {"n": 2}, now=T0)  # the same form, again
        assert won is not None and won.revision == 1 and lost is None
        found = get_session(connection, "user:1:sam", now=T0)
        assert found is not None and found.state == {"n": 1} and found.revision == 1


def test_store_practice_session_expires_after_two_idle_hours(store: Store) -> None:
    with store.begin() as connection:
        read = start_session(connection, "user:1:sam", "late-parcel-public", {"n": 0}, now=T0)
        # each use moves the deadline on
        assert get_session(connection, "user:1:sam", now=T0 + IDLE - timedelta(minutes=1))
        later = T0 + 2 * IDLE - timedelta(minutes=2)
        assert get_session(connection, "user:1:sam", now=later) is not None
        gone = later + IDLE
        assert save_session(connection, read, {"n": 1}, now=gone) is None
        assert get_session(connection, "user:1:sam", now=gone) is None
        assert get_session(connection, "user:1:sam", now=T0) is None  # deleted, not hidden


def test_store_practice_sessions_purged_when_another_starts(store: Store) -> None:
    with store.begin() as connection:
        start_session(connection, "user:1:sam", "late-parcel-public", {}, now=T0)
        start_session(connection, "user:2:nora", "late-parcel-public", {}, now=T0 + IDLE)
        assert get_session(connection, "user:1:sam", now=T0) is None  # purged by nora's start
        assert purge_sessions(connection, now=T0 + 3 * IDLE) == 1


def test_store_practice_sessions_bounded_in_number_and_size(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sessions, "MAX_SESSIONS", 2)
    with store.begin() as connection:
        for minute, owner in enumerate(("user:1:a", "user:2:b", "user:3:c")):
            start_session(connection, owner, "x", {}, now=T0 + timedelta(minutes=minute))
        now = T0 + timedelta(minutes=5)
        assert get_session(connection, "user:1:a", now=now) is None  # least recently used
        assert get_session(connection, "user:3:c", now=now) is not None
        big = {"reply": "é" * (MAX_STATE_BYTES // 2)}  # two bytes a character in UTF-8
        with pytest.raises(InputError, match="at most 1,000,000"):
            start_session(connection, "user:4:d", "x", big, now=now)
        kept = get_session(connection, "user:3:c", now=now)
        assert kept is not None
        with pytest.raises(InputError, match="start the scenario again"):
            save_session(connection, kept, big, now=now)
