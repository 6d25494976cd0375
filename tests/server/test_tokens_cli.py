"""``servicecoach tokens create|list|revoke``: the secret is shown once, only its hash is kept."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from servicecoach.store.database import Store
from servicecoach.store.schema import api_tokens
from servicecoach.store.tokens import hash_secret
from tests.cli.helpers import run_cli


def test_tokens_cli_create_prints_the_secret_once(
    capsys: pytest.CaptureFixture[str], fresh_db: str
) -> None:
    created = run_cli(capsys, "tokens", "create", "helpdesk sidebar", "--db", fresh_db)
    assert created.code == 0, created.err
    secret = created.out.strip()
    assert secret.startswith("sc_") and "\n" not in secret
    assert "will not be shown again" in created.err
    with Store.open(fresh_db) as store, store.connect() as connection:
        row = connection.execute(select(api_tokens)).one()
    assert row.token_hash == hash_secret(secret)
    assert secret not in {str(value) for value in row}
    listed = run_cli(capsys, "tokens", "list", "--db", fresh_db)
    assert listed.code == 0
    assert "helpdesk sidebar" in listed.out and row.prefix in listed.out
    assert secret not in listed.out + listed.err
    as_json = run_cli(capsys, "tokens", "list", "--db", fresh_db, "--json")
    [entry] = json.loads(as_json.out)
    assert entry["name"] == "helpdesk sidebar" and entry["active"] is True
    assert secret not in as_json.out


def test_tokens_cli_create_json_has_the_token(
    capsys: pytest.CaptureFixture[str], fresh_db: str
) -> None:
    result = run_cli(capsys, "tokens", "create", "bot", "--db", fresh_db, "--json")
    data = json.loads(result.out)
    assert data["token"].startswith(data["prefix"])
    assert data["name"] == "bot"


@pytest.mark.parametrize("by", ["id", "prefix"])
def test_tokens_cli_revoke(capsys: pytest.CaptureFixture[str], fresh_db: str, by: str) -> None:
    data = json.loads(run_cli(capsys, "tokens", "create", "old", "--db", fresh_db, "--json").out)
    ref = str(data["id"]) if by == "id" else data["prefix"]
    revoked = run_cli(capsys, "tokens", "revoke", ref, "--db", fresh_db)
    assert revoked.code == 0, revoked.err
    assert "revoked" in revoked.err
    active = run_cli(capsys, "tokens", "list", "--db", fresh_db)
    assert "no active tokens" in active.err
    every = json.loads(run_cli(capsys, "tokens", "list", "--all", "--db", fresh_db, "--json").out)
    assert every[0]["revoked_at"] is not None


def test_tokens_cli_revoke_unknown_exits_4(
    capsys: pytest.CaptureFixture[str], fresh_db: str
) -> None:
    run_cli(capsys, "tokens", "create", "x", "--db", fresh_db)
    result = run_cli(capsys, "tokens", "revoke", "sc_nothing", "--db", fresh_db)
    assert result.code == 4
    assert "tokens list" in result.err


def test_tokens_cli_bad_name_exits_2(capsys: pytest.CaptureFixture[str], fresh_db: str) -> None:
    result = run_cli(capsys, "tokens", "create", "   ", "--db", fresh_db)
    assert result.code == 2
    assert "token name" in result.err


def test_tokens_cli_list_without_a_database_exits_4(
    capsys: pytest.CaptureFixture[str], fresh_db: str
) -> None:
    assert run_cli(capsys, "tokens", "list", "--db", fresh_db).code == 4
