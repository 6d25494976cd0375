"""API tokens in the store, on every supported backend."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from servicecoach.errors import ConfigError, NotFoundError
from servicecoach.store import tokens
from servicecoach.store.database import Store
from servicecoach.store.schema import api_tokens


def test_tokens_create_stores_only_the_hash(store: Store) -> None:
    with store.begin() as connection:
        new = tokens.create_token(connection, "helpdesk sidebar")
    assert new.secret.startswith("sc_")
    assert len(new.secret) >= 40
    assert new.token.prefix == new.secret[: tokens.PREFIX_LENGTH]
    with store.connect() as connection:
        row = connection.execute(select(api_tokens)).one()
    assert row.token_hash == tokens.hash_secret(new.secret)
    assert new.secret not in {str(value) for value in row}
    assert row.name == "helpdesk sidebar"


def test_tokens_secrets_are_unique(store: Store) -> None:
    with store.begin() as connection:
        secrets = {tokens.create_token(connection, f"t{i}").secret for i in range(20)}
    assert len(secrets) == 20


def test_tokens_verify_accepts_the_secret_and_records_the_use(store: Store) -> None:
    with store.begin() as connection:
        new = tokens.create_token(connection, "bench")
    with store.begin() as connection:
        found = tokens.verify_token(connection, new.secret)
    assert found is not None and found.id == new.token.id
    with store.connect() as connection:
        [listed] = tokens.list_tokens(connection)
    assert listed.last_used_at is not None


def test_tokens_last_use_is_written_at_most_once_per_interval(store: Store) -> None:
    with store.begin() as connection:
        new = tokens.create_token(connection, "busy client")
    with store.begin() as connection:
        first = tokens.verify_token(connection, new.secret, touch_seconds=3600)
    with store.begin() as connection:
        second = tokens.verify_token(connection, new.secret, touch_seconds=3600)
    assert first is not None and second is not None
    assert first.last_used_at == second.last_used_at


@pytest.mark.parametrize(
    "presented",
    ["", "sc_", "sc_wrong-secret-of-the-right-shape-0000000000000", "Bearer x", "x" * 500],
)
def test_tokens_verify_rejects_wrong_secrets(store: Store, presented: str) -> None:
    with store.begin() as connection:
        tokens.create_token(connection, "real")
        assert tokens.verify_token(connection, presented) is None


@pytest.mark.parametrize("by", ["id", "prefix", "secret"])
def test_tokens_revoke_by_id_prefix_or_secret(store: Store, by: str) -> None:
    with store.begin() as connection:
        new = tokens.create_token(connection, "old laptop")
        kept = tokens.create_token(connection, "kept")
    ref = {"id": str(new.token.id), "prefix": new.token.prefix, "secret": new.secret}[by]
    with store.begin() as connection:
        revoked = tokens.revoke_token(connection, ref)
    assert not revoked.active
    with store.begin() as connection:
        assert tokens.verify_token(connection, new.secret) is None
        assert tokens.verify_token(connection, kept.secret) is not None
        assert tokens.active_token_count(connection) == 1
        assert [t.name for t in tokens.list_tokens(connection, include_revoked=False)] == ["kept"]
        assert len(tokens.list_tokens(connection)) == 2


def test_tokens_revoke_twice_keeps_the_first_date(store: Store) -> None:
    with store.begin() as connection:
        new = tokens.create_token(connection, "twice")
        first = tokens.revoke_token(connection, str(new.token.id))
        second = tokens.revoke_token(connection, str(new.token.id))
    assert first.revoked_at == second.revoked_at


def test_tokens_revoke_unknown_names_the_fix(store: Store) -> None:
    with store.begin() as connection, pytest.raises(NotFoundError, match="tokens list"):
        tokens.revoke_token(connection, "sc_nothere")


def test_tokens_revoke_ambiguous_prefix_asks_for_the_id(store: Store) -> None:
    with store.begin() as connection:
        a = tokens.create_token(connection, "a")
        b = tokens.create_token(connection, "b")
        connection.execute(
            api_tokens.update().where(api_tokens.c.id == b.token.id).values(prefix=a.token.prefix)
        )
        with pytest.raises(ConfigError, match="by its id"):
            tokens.revoke_token(connection, a.token.prefix)


@pytest.mark.parametrize("name", ["", "   ", "x" * 201])
def test_tokens_create_rejects_bad_names(store: Store, name: str) -> None:
    with store.begin() as connection, pytest.raises(ConfigError, match="token name"):
        tokens.create_token(connection, name)


def test_tokens_to_dict_has_no_secret(store: Store) -> None:
    with store.begin() as connection:
        new = tokens.create_token(connection, "listed")
    data = new.token.to_dict()
    assert new.secret not in str(data)
    assert set(data) == {
        "id", "name", "prefix", "created_at", "last_used_at", "revoked_at", "active",
    }  # fmt: skip
