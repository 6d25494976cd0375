"""Users in the store: hashing, authentication, roles, disabling."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

import servicecoach.store.users as users_module
from servicecoach.errors import ConfigError, NotFoundError
from servicecoach.store.database import Store
from servicecoach.store.schema import users
from servicecoach.store.secrets_store import get_or_create_secret
from servicecoach.store.users import (
    authenticate,
    create_user,
    disable_user,
    enable_user,
    end_sessions,
    get_session_user,
    get_user,
    list_users,
    set_password,
    user_count,
)

PASSWORD = "correct horse battery"
# ``store`` is tests/conftest.py's: every test runs on SQLite and on PostgreSQL.


def test_users_hash_never_stores_the_password(store: Store) -> None:
    with store.begin() as connection:
        user = create_user(connection, "maren", PASSWORD, "admin", display_name="Maren O")
        stored = connection.execute(select(users.c.password_hash)).scalar_one()
    assert PASSWORD not in stored and stored.startswith("$argon2id$")
    assert user.name == "Maren O" and "password" not in str(user.to_dict())


@pytest.mark.parametrize(
    ("username", "password", "found"),
    [
        ("maren", PASSWORD, True),
        ("maren", PASSWORD + "!", False),
        ("maren", "", False),
        ("nobody", PASSWORD, False),
        ("x" * 400, PASSWORD, False),
    ],
)
def test_users_authenticate(store: Store, username: str, password: str, found: bool) -> None:
    with store.begin() as connection:
        create_user(connection, "maren", PASSWORD, "lead", team="north")
        user = authenticate(connection, username, password)
    assert (user is not None) is found
    if user is not None:
        assert (user.username, user.role, user.team) == ("maren", "lead", "north")


def test_users_disabled_cannot_log_in_until_enabled(store: Store) -> None:
    with store.begin() as connection:
        create_user(connection, "sam", PASSWORD, "agent", agent="sam")
        assert disable_user(connection, "sam").disabled
        assert authenticate(connection, "sam", PASSWORD) is None
        assert not enable_user(connection, "sam").disabled
        assert authenticate(connection, "sam", PASSWORD) is not None


def test_users_set_password_replaces_the_password(store: Store) -> None:
    with store.begin() as connection:
        create_user(connection, "sam", PASSWORD, "agent", agent="sam")
        set_password(connection, "sam", "another long password")
        assert authenticate(connection, "sam", PASSWORD) is None
        assert authenticate(connection, "sam", "another long password") is not None


@pytest.mark.parametrize(
    ("change", "ends"),
    [
        ("nothing", False),
        ("end_sessions", True),
        ("set_password", True),
        ("disable", True),
        ("disable_enable", True),
        ("enable", False),
        ("rehash_on_login", False),
    ],
)
def test_users_session_epoch_ends_sessions(store: Store, change: str, ends: bool) -> None:
    with store.begin() as connection:
        user = create_user(connection, "sam", PASSWORD, "agent", agent="sam")
        assert get_session_user(connection, user.id, user.session_epoch) == user
        if change == "end_sessions":
            end_sessions(connection, user.id)
        elif change == "set_password":
            set_password(connection, "sam", "another long password")
        elif change in ("disable", "disable_enable"):
            disable_user(connection, "sam")
        if change in ("disable_enable", "enable"):
            enable_user(connection, "sam")
        if change == "rehash_on_login":
            connection.execute(users.update().values(password_hash=_old_params_hash()))
            assert authenticate(connection, "sam", PASSWORD) is not None
        found = get_session_user(connection, user.id, user.session_epoch)
        assert (found is None) is ends
        assert get_session_user(connection, 999, 0) is None
        fresh = get_user(connection, "sam")
        if not fresh.disabled:  # a new login gets the new epoch and works
            assert get_session_user(connection, user.id, fresh.session_epoch) is not None


def _old_params_hash() -> str:
    from argon2 import PasswordHasher

    return PasswordHasher(time_cost=1, memory_cost=8192).hash(PASSWORD)


@pytest.mark.parametrize(
    ("username", "password", "role", "options", "message"),
    [
        ("ok", PASSWORD, "boss", {}, "unknown role 'boss'"),
        ("ok", PASSWORD, "lead", {}, "a lead needs a team"),
        ("ok", PASSWORD, "agent", {"team": "north"}, "needs an agent id"),
        ("ok", "short", "admin", {}, "too short"),
        ("ok", "x" * 2000, "admin", {}, "too long"),
        ("has space", PASSWORD, "admin", {}, "is not valid"),
        ("", PASSWORD, "admin", {}, "is not valid"),
        ("taken", PASSWORD, "admin", {}, "exists already"),
    ],
)
def test_users_create_explains_mistakes(
    store: Store,
    username: str,
    password: str,
    role: str,
    options: dict[str, str],
    message: str,
) -> None:
    with store.begin() as connection:
        create_user(connection, "taken", PASSWORD, "admin")
    with pytest.raises(ConfigError, match=message), store.begin() as connection:
        create_user(connection, username, password, role, **options)


def test_users_list_get_and_count(store: Store) -> None:
    with store.begin() as connection:
        assert user_count(connection) == 0
        create_user(connection, "zed", PASSWORD, "admin")
        create_user(connection, "ana", PASSWORD, "agent", agent="ana")
        disable_user(connection, "zed")
        assert [u.username for u in list_users(connection)] == ["ana", "zed"]
        assert [u.username for u in list_users(connection, include_disabled=False)] == ["ana"]
        assert get_user(connection, "ana").agent == "ana"
        assert user_count(connection) == 2
        with pytest.raises(NotFoundError, match="users list"):
            get_user(connection, "nobody")
        with pytest.raises(NotFoundError):
            disable_user(connection, "nobody")


def test_users_app_secret_is_made_once(store: Store) -> None:
    first = get_or_create_secret(store, "session_key")
    assert len(first) >= 40
    assert get_or_create_secret(store, "session_key") == first
    assert get_or_create_secret(store, "other") != first


class _CountingHasher:
    """Wraps the store's hasher and counts password verifications."""

    def __init__(self, real: Any) -> None:
        self.real = real
        self.verified = 0

    def verify(self, encoded: str, password: str) -> bool:
        self.verified += 1
        return bool(self.real.verify(encoded, password))

    def __getattr__(self, name: str) -> Any:
        return getattr(self.real, name)


@pytest.mark.parametrize(
    ("username", "password", "hashes"),
    [
        ("maren", "a wrong password", 1),
        ("nobody", PASSWORD, 1),  # an unknown user costs the same hash
        ("gone", PASSWORD, 1),  # a disabled user too
        ("x" * 400, PASSWORD, 1),
        ("maren", "x" * 2000, 0),  # too long for anyone: refused unhashed, known or not
        ("nobody", "x" * 2000, 0),
    ],
)
def test_users_wrong_logins_cost_the_same(
    store: Store, monkeypatch: pytest.MonkeyPatch, username: str, password: str, hashes: int
) -> None:
    """No user enumeration by work: every refusal does the same hashing."""
    with store.begin() as connection:
        create_user(connection, "maren", PASSWORD, "admin")
        create_user(connection, "gone", PASSWORD, "admin")
        disable_user(connection, "gone")
    counting = _CountingHasher(users_module._HASHER)
    monkeypatch.setattr(users_module, "_HASHER", counting)
    with store.begin() as connection:
        assert authenticate(connection, username, password) is None
    assert counting.verified == hashes
