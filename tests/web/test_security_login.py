"""Login throttling: failures counted by account and by client, password checks bounded."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from fastapi.testclient import TestClient

from servicecoach.server import ServiceSettings, create_app
from servicecoach.store.users import User, authenticate
from servicecoach.web.throttle import LoginBusy, LoginGuard
from tests.web.conftest import PASSWORD
from tests.web.pages.conftest import csrf_of


class Clock:
    """A monotonic clock that moves when told."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def _guard(clock: Clock, **options: Any) -> LoginGuard:
    settings: dict[str, Any] = {
        "max_failures_per_account": 3,
        "max_failures_per_client": 5,
        "window": 60.0,
        "clock": clock,
    }
    return LoginGuard(**{**settings, **options})


# (failures as (username, client) before the check, the check, seconds to wait)
GUARD_CASES = [
    ([], ("nora", "a"), 0),
    ([("nora", "a")] * 2, ("nora", "a"), 0),
    ([("nora", "a")] * 3, ("nora", "a"), 60),
    ([("nora", "a")] * 3, ("nora", "b"), 60),  # the account, from any client
    ([("nora", "a")] * 3, ("sam", "b"), 0),
    ([("NORA ", "a"), ("Nora", "b"), ("nora", "c")], ("nOrA", "d"), 60),  # folded
    ([("ghost", "a")] * 3, ("ghost", "z"), 60),  # unknown users count the same
    ([(f"user{i}", "a") for i in range(5)], ("sam", "a"), 60),  # the client, any account
    ([(f"user{i}", "a") for i in range(5)], ("sam", "b"), 0),
]


@pytest.mark.parametrize(("failures", "check", "wait"), GUARD_CASES)
def test_security_login_guard_counts_accounts_and_clients(
    failures: list[tuple[str, str]], check: tuple[str, str], wait: int
) -> None:
    guard = _guard(Clock())
    for username, client in failures:
        guard.failed(username, client)
    assert guard.retry_after(*check) == wait


def test_security_login_guard_window_slides() -> None:
    clock = Clock()
    guard = _guard(clock)
    for step in range(3):
        clock.now = 1000.0 + 10 * step
        guard.failed("nora", "a")
    assert guard.retry_after("nora", "a") == 40  # at 1020; the first failure leaves at 1060
    clock.now = 1045.5
    assert guard.retry_after("nora", "a") == 15
    clock.now = 1060.0
    assert guard.retry_after("nora", "a") == 0
    guard.failed("nora", "a")  # the 4th failure: 1010, 1020, 1060 are the last three
    assert guard.retry_after("nora", "a") == 10


def test_security_login_guard_success_clears_the_account_not_the_client() -> None:
    guard = _guard(Clock())
    for name in ("nora", "nora", "x", "y"):
        guard.failed(name, "a")
    guard.succeeded("Nora")
    guard.failed("nora", "b")
    assert guard.retry_after("nora", "b") == 0  # one failure since the success
    guard.failed("z", "a")
    assert guard.retry_after("sam", "a") == 60  # five failures from client a stand


def test_security_login_guard_memory_is_bounded() -> None:
    guard = _guard(Clock(), max_keys=100)
    for i in range(10_000):
        guard.failed(f"user{i}" + "x" * 1000, f"client{i}")
    assert len(guard._accounts) == len(guard._clients) == 100
    assert all(len(key) <= 150 for key in guard._accounts._times)


def test_security_login_guard_turns_bound_concurrency() -> None:
    guard = LoginGuard(concurrency=2, wait=5.0)
    inside = 0
    most = 0

    async def check() -> None:
        nonlocal inside, most
        async with guard.turn():
            inside += 1
            most = max(most, inside)
            await asyncio.sleep(0.01)
            inside -= 1

    async def main() -> None:
        await asyncio.gather(*(check() for _ in range(16)))

    asyncio.run(main())
    assert most == 2


def test_security_login_guard_busy_after_the_wait() -> None:
    guard = LoginGuard(concurrency=1, wait=0.05)

    async def main() -> None:
        async with guard.turn():
            with pytest.raises(LoginBusy):
                async with guard.turn():
                    pass  # pragma: no cover
        async with guard.turn():  # free again
            pass

    asyncio.run(main())


@pytest.fixture
def throttled_app(web_db: str) -> Iterator[TestClient]:
    """The app with small limits: 3 failures per account, 5 per client, in 60 s."""
    settings = ServiceSettings(
        db=web_db,
        fast=True,
        login_failures_per_account=3,
        login_failures_per_client=5,
        login_window=60,
    )
    with TestClient(create_app(settings)) as client:
        yield client


def _login(client: TestClient, username: str, password: str) -> Any:
    client.cookies.clear()
    token = csrf_of(client.get("/login").text)
    return client.post(
        "/login",
        data={"username": username, "password": password, "csrf_token": token, "next": "/"},
        follow_redirects=False,
    )


@pytest.mark.parametrize("username", ["nora", "nobody"])
def test_security_login_is_throttled_per_account(
    throttled_app: TestClient, username: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A known and an unknown username are throttled alike (nothing tells them apart)."""
    statuses = [_login(throttled_app, username, "wrong password!").status_code for _ in range(3)]
    assert statuses == [400, 400, 400]
    checked: list[str] = []
    real = authenticate

    def counting(connection: Any, name: str, password: str) -> User | None:
        checked.append(name)
        return real(connection, name, password)

    monkeypatch.setattr("servicecoach.web.pages.login.authenticate", counting)
    answer = _login(throttled_app, username, PASSWORD)  # even the right password
    assert answer.status_code == 429
    wait = int(answer.headers["retry-after"])
    assert 0 < wait <= 60
    # The window is a minute from the first failure: on a slow machine the three wrong
    # logins above take seconds, so the wait may be under a minute, said in seconds.
    in_words = "1 minute" if wait == 60 else f"{wait} second{'s' if wait != 1 else ''}"
    assert f"Too many failed logins: try again in {in_words}." in answer.text
    assert 'role="alert"' in answer.text and 'name="username"' in answer.text
    assert checked == []  # refused before any password check
    assert _login(throttled_app, "sam", PASSWORD).status_code == 303  # others log in


def test_security_login_is_throttled_per_client(web_db: str) -> None:
    settings = ServiceSettings(db=web_db, fast=True, login_failures_per_client=4)
    app = create_app(settings)
    with TestClient(app) as client:
        for name in ("a1", "a2", "a3", "a4"):
            assert _login(client, name, "wrong password!").status_code == 400
        assert _login(client, "sam", PASSWORD).status_code == 429
    with TestClient(app, client=("198.51.100.7", 50000)) as other:
        assert _login(other, "sam", PASSWORD).status_code == 303


def test_security_login_success_clears_the_account(throttled_app: TestClient) -> None:
    for _ in range(2):
        assert _login(throttled_app, "nora", "wrong password!").status_code == 400
    assert _login(throttled_app, "nora", PASSWORD).status_code == 303
    for _ in range(2):
        assert _login(throttled_app, "nora", "wrong password!").status_code == 400
    assert _login(throttled_app, "nora", PASSWORD).status_code == 303


def test_security_login_bounds_parallel_password_checks(
    web_db: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """16 wrong logins at once: at most 2 password checks (64 MiB each) run together.

    The check itself is a short sleep here, not Argon2: the bound is what is tested, and
    16 real hashes on a loaded 2-core machine can outlast the 5 s a login waits (503).
    """
    lock = threading.Lock()
    inside = 0
    most = 0

    def watched(connection: Any, name: str, password: str) -> User | None:
        nonlocal inside, most
        with lock:
            inside += 1
            most = max(most, inside)
        try:
            time.sleep(0.05)
            return None  # a wrong password
        finally:
            with lock:
                inside -= 1

    monkeypatch.setattr("servicecoach.web.pages.login.authenticate", watched)
    settings = ServiceSettings(db=web_db, fast=True, login_failures_per_client=100)
    with TestClient(create_app(settings)) as client:
        token = csrf_of(client.get("/login").text)

        def attempt(i: int) -> int:
            answer = client.post(
                "/login",
                data={"username": f"user{i}", "password": "wrong password!", "csrf_token": token},
                follow_redirects=False,
            )
            return answer.status_code

        with ThreadPoolExecutor(16) as pool:
            statuses = list(pool.map(attempt, range(16)))
    assert statuses == [400] * 16
    assert most == 2


def test_security_login_busy_answers_503(web_db: str, monkeypatch: pytest.MonkeyPatch) -> None:
    settings = ServiceSettings(db=web_db, fast=True)
    with TestClient(create_app(settings)) as client:
        from servicecoach.web.throttle import login_guard

        guard = login_guard(client.app.state.service)  # type: ignore[attr-defined]
        guard.wait = 0.0
        guard.concurrency = 0  # no turn is ever free
        answer = _login(client, "nora", PASSWORD)
    assert answer.status_code == 503
    assert answer.headers["retry-after"] == "5"
    assert "your password was not checked" in answer.text
