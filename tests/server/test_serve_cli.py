"""``servicecoach serve``: its help, what it prints, and a real server on loopback."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import httpx
import pytest

from servicecoach.store.database import Store
from servicecoach.store.tokens import create_token
from tests.cli.helpers import run_cli
from tests.server.conftest import conversation_dict


def test_serve_help_names_the_options(capsys: pytest.CaptureFixture[str]) -> None:
    result = run_cli(capsys, "serve", "--help")
    assert result.code == 0
    for option in ("--host", "--port", "--db", "--workers", "--max-body-bytes", "--print-openapi"):
        assert option in result.out
    assert "tokens create" in result.out


@pytest.fixture
def started(monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    """Record what serve hands to uvicorn instead of serving."""
    calls: dict[str, Any] = {}

    def fake_run(app: str, **options: Any) -> None:
        calls["app"] = app
        calls.update(options)
        calls["env"] = {k: v for k, v in os.environ.items() if k.startswith("SERVICECOACH_")}

    import uvicorn

    monkeypatch.setattr(uvicorn, "run", fake_run)
    for name in list(os.environ):
        if name.startswith("SERVICECOACH_"):
            monkeypatch.delenv(name)
    return calls


def test_serve_warns_when_no_token_exists(
    capsys: pytest.CaptureFixture[str], fresh_db: str, started: dict[str, Any]
) -> None:
    result = run_cli(capsys, "serve", "--db", fresh_db, "--port", "8123", "--workers", "2")
    assert result.code == 0, result.err
    assert "http://127.0.0.1:8123" in result.err
    assert "no API token exists yet" in result.err
    assert f"servicecoach tokens create NAME --db {fresh_db}" in result.err
    assert started["app"] == "servicecoach.server.app:app_from_env"
    assert (started["factory"], started["port"], started["workers"]) == (True, 8123, 2)
    assert started["env"]["SERVICECOACH_DB"] == fresh_db


def test_serve_counts_tokens_and_passes_settings(
    capsys: pytest.CaptureFixture[str],
    fresh_db: str,
    started: dict[str, Any],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    with Store.open(fresh_db) as store, store.begin() as connection:
        create_token(connection, "a")
    monkeypatch.setenv("SERVICECOACH_CHATWOOT_SECRET", "a-long-enough-hook-secret")
    result = run_cli(
        capsys, "serve", "--db", fresh_db, "--max-body-bytes", "2048", "--fast",
        "--chatwoot-url", "https://chat.example.org/", "--no-chatwoot-notes",
    )  # fmt: skip
    assert result.code == 0, result.err
    assert "1 active API token" in result.err
    assert "no API token" not in result.err
    assert "Chatwoot hook" in result.err and "a-long-enough" not in result.err
    env = started["env"]
    assert env["SERVICECOACH_MAX_BODY_BYTES"] == "2048"
    assert env["SERVICECOACH_FAST"] == "1"
    assert env["SERVICECOACH_CHATWOOT_URL"] == "https://chat.example.org"
    assert env["SERVICECOACH_CHATWOOT_NOTES"] == "0"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--max-body-bytes", "10"], "--max-body-bytes"),
        (["--chatwoot-url", "chat.example.org"], "chatwoot_url"),
        (["--log-level", "loud"], "--log-level"),
    ],
)
def test_serve_rejects_bad_settings(
    capsys: pytest.CaptureFixture[str],
    fresh_db: str,
    started: dict[str, Any],
    args: list[str],
    message: str,
) -> None:
    result = run_cli(capsys, "serve", "--db", fresh_db, *args)
    assert result.code == 2
    assert message in result.err
    assert "app" not in started


def test_serve_rejects_a_short_hook_secret(
    capsys: pytest.CaptureFixture[str],
    fresh_db: str,
    started: dict[str, Any],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("SERVICECOACH_CHATWOOT_SECRET", "short")
    result = run_cli(capsys, "serve", "--db", fresh_db)
    assert result.code == 2
    assert "SERVICECOACH_CHATWOOT_SECRET" in result.err and "too short" in result.err


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _start_server(db: str, port: int, stdout: int) -> subprocess.Popen[bytes]:
    """``servicecoach serve --fast`` on ``port`` in a child process, once it answers."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("SERVICECOACH_")}
    server = subprocess.Popen(
        [sys.executable, "-m", "servicecoach", "serve", "--db", db,
         "--port", str(port), "--fast", "--log-level", "warning"],
        stdout=stdout, stderr=subprocess.PIPE, env=env,
    )  # fmt: skip
    deadline = time.monotonic() + 60
    while True:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                return server
        except httpx.TransportError:
            pass
        assert server.poll() is None, server.stderr.read().decode()  # type: ignore[union-attr]
        assert time.monotonic() < deadline, "the server did not start in 60 s"
        time.sleep(0.2)


def test_serve_really_serves_on_loopback(fresh_db: str) -> None:
    with Store.open(fresh_db) as store, store.begin() as connection:
        secret = create_token(connection, "e2e").secret
    port = _free_port()
    server = _start_server(fresh_db, port, subprocess.PIPE)
    try:
        base = f"http://127.0.0.1:{port}"
        answer = httpx.post(
            f"{base}/v1/analyze",
            content=json.dumps(conversation_dict()),
            headers={"Authorization": f"Bearer {secret}", "Content-Type": "application/json"},
            timeout=30,
        )
        assert answer.status_code == 200, answer.text
        assert answer.json()["conversation"] == "web-2291"
        assert httpx.post(f"{base}/v1/analyze", json={}, timeout=30).status_code == 401
    finally:
        server.terminate()
        server.wait(timeout=30)
        for stream in (server.stdout, server.stderr):
            if stream is not None:
                stream.close()


def test_serve_rejects_a_bad_rubric_before_starting(
    capsys: pytest.CaptureFixture[str], fresh_db: str, started: dict[str, Any], tmp_path: Path
) -> None:
    rubric = tmp_path / "team.toml"
    rubric.write_text("[weights]\nempathy = 'lots'\n", encoding="utf-8")
    result = run_cli(capsys, "serve", "--db", fresh_db, "--rubric", str(rubric))
    assert result.code == 2
    assert "weights.empathy" in result.err
    assert "app" not in started


def test_serve_stops_promptly_on_sigterm_during_an_assist_request(fresh_db: str) -> None:
    """SIGTERM ends the server in seconds, even with a draft at the cap being checked.

    The check runs on a worker thread, so the event loop sees the signal at once, and
    requests in progress get at most 10 seconds (``timeout_graceful_shutdown``). Before,
    the check blocked the loop and a long draft kept the server alive for minutes.
    """
    with Store.open(fresh_db) as store, store.begin() as connection:
        secret = create_token(connection, "sigterm").secret
    port = _free_port()
    server = _start_server(fresh_db, port, subprocess.DEVNULL)
    answers: list[int | str] = []
    try:
        base = f"http://127.0.0.1:{port}"
        conversation = conversation_dict()
        conversation["messages"] = conversation["messages"][:1]
        body = {"conversation": conversation, "draft": ("ok\n" * 6667)[:20_000]}

        def ask() -> None:
            try:
                answer = httpx.post(
                    f"{base}/v1/assist",
                    json=body,
                    headers={"Authorization": f"Bearer {secret}"},
                    timeout=60,
                )
                answers.append(answer.status_code)
            except httpx.TransportError as exc:
                answers.append(type(exc).__name__)

        request = threading.Thread(target=ask)
        request.start()
        time.sleep(0.3)  # the request is being read or checked
        started = time.monotonic()
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
        stopped_after = time.monotonic() - started
        request.join(timeout=30)
    finally:
        if server.poll() is None:
            server.kill()
            server.wait()
        if server.stderr is not None:
            server.stderr.close()
    assert stopped_after < 15, f"SIGTERM took {stopped_after:.1f} s"
    assert answers and answers[0] != 500  # answered, or cut off: never an error
