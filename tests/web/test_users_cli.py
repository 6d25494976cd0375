"""``servicecoach users``: create, list, disable, enable, set-password."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from servicecoach.store.database import Store
from servicecoach.store.users import authenticate
from tests.cli.helpers import run_cli

PASSWORD = "correct horse battery"


@pytest.fixture
def db(tmp_path: Path) -> str:
    path = str(tmp_path / "cli.db")
    Store.open(path).close()
    return path


def _stdin(monkeypatch: pytest.MonkeyPatch, text: str) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO(text))


def test_users_cli_create_list_disable_enable(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, db: str
) -> None:
    _stdin(monkeypatch, PASSWORD + "\n")
    result = run_cli(
        capsys, "users", "create", "nora", "--role", "lead", "--team", "north",
        "--display-name", "Nora Lind", "--password-stdin", "--db", db, "--json",
    )  # fmt: skip
    assert result.code == 0, result.err
    assert json.loads(result.out)["team"] == "north"
    listed = run_cli(capsys, "users", "list", "--db", db, "--json")
    assert [u["username"] for u in json.loads(listed.out)] == ["nora"]
    assert PASSWORD not in listed.out
    assert run_cli(capsys, "users", "disable", "nora", "--db", db).code == 0
    assert json.loads(run_cli(capsys, "users", "list", "--db", db, "--json").out)[0]["disabled"]
    assert run_cli(capsys, "users", "enable", "nora", "--db", db).code == 0
    with Store.open(db) as store, store.begin() as connection:
        assert authenticate(connection, "nora", PASSWORD) is not None


def test_users_cli_prompts_twice(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, db: str
) -> None:
    answers = iter([PASSWORD, PASSWORD + "x"])
    monkeypatch.setattr("typer.prompt", lambda *_a, **_k: next(answers))
    result = run_cli(capsys, "users", "create", "ada", "--role", "admin", "--db", db)
    assert result.code == 2 and "differ" in result.err
    answers = iter([PASSWORD, PASSWORD])
    result = run_cli(capsys, "users", "create", "ada", "--role", "admin", "--db", db)
    assert result.code == 0, result.err
    table = run_cli(capsys, "users", "list", "--db", db)
    assert "ada" in table.out and "admin" in table.out


def test_users_cli_set_password(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, db: str
) -> None:
    _stdin(monkeypatch, PASSWORD + "\n")
    run_cli(capsys, "users", "create", "sam", "--role", "agent", "--agent", "sam",
            "--password-stdin", "--db", db)  # fmt: skip
    _stdin(monkeypatch, "a brand new password\n")
    result = run_cli(capsys, "users", "set-password", "sam", "--password-stdin", "--db", db)
    assert result.code == 0, result.err
    with Store.open(db) as store, store.begin() as connection:
        assert authenticate(connection, "sam", "a brand new password") is not None


@pytest.mark.parametrize(
    ("args", "stdin", "code", "message"),
    [
        (["create", "x", "--role", "boss"], PASSWORD, 2, "unknown role"),
        (["create", "x", "--role", "lead"], PASSWORD, 2, "--team"),
        (["create", "x", "--role", "admin"], "short", 2, "too short"),
        (["create", "x", "--role", "admin"], "", 2, "no password"),
        (["disable", "nobody"], "", 4, "no user"),
        (["set-password", "nobody"], PASSWORD, 4, "no user"),
    ],
)
def test_users_cli_explains_mistakes(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    db: str,
    args: list[str],
    stdin: str,
    code: int,
    message: str,
) -> None:
    _stdin(monkeypatch, stdin + "\n" if stdin else "")
    extra = ["--password-stdin"] if args[0] in ("create", "set-password") else []
    result = run_cli(capsys, "users", *args, *extra, "--db", db)
    assert result.code == code, result.err
    assert message in result.err


def test_users_cli_serve_hints_without_users(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, db: str
) -> None:
    import os

    import uvicorn

    monkeypatch.setattr(uvicorn, "run", lambda *_a, **_k: None)
    monkeypatch.setattr(os, "environ", {k: v for k, v in os.environ.items()
                                        if not k.startswith("SERVICECOACH_")})  # fmt: skip
    result = run_cli(capsys, "serve", "--db", db)
    assert result.code == 0, result.err
    assert "servicecoach users create" in result.err
