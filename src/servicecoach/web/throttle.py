"""Login throttling: failed logins counted by account and by client, password checks bounded.

Each password check costs an Argon2id hash: 64 MiB of memory and tens of milliseconds
of CPU. Without a bound, 16 wrong logins at once took the server from 315 to 1,277 MiB.
:class:`LoginGuard` keeps, per server process:

- the times of the latest failed logins per **account** (the username as typed, folded
  to lower case; unknown usernames count like known ones, so the throttle reveals
  nothing about who exists) and per **client** (the address the request came from);
  once either holds ``max_failures`` within ``window`` seconds, logins for it are
  refused with the seconds until the oldest of them leaves the window (``Retry-After``),
  before any password is checked;
- a semaphore that lets ``concurrency`` password checks run at once; the others wait
  up to ``wait`` seconds for a turn, then are told to try again (:class:`LoginBusy`).

The counters live in memory (per worker process, lost on restart) and hold at most
``max_keys`` accounts and clients each, forgetting the least recently failed first.
"""

from __future__ import annotations

import asyncio
import math
import threading
import time
from collections import OrderedDict, deque
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager

from servicecoach.server.settings import ServiceSettings
from servicecoach.server.state import ServiceState

__all__ = ["LoginBusy", "LoginGuard", "login_guard"]

_EXTRAS_KEY = "web.login_guard"
_MAX_KEY = 150  # the longest username; longer input is cut to this for counting


class LoginBusy(Exception):
    """No turn to check a password came within the wait: the server is busy with logins."""


class _Failures:
    """The latest failure times per key, at most ``limit`` per key and ``max_keys`` keys."""

    def __init__(self, limit: int, window: float, max_keys: int) -> None:
        self.limit = limit
        self.window = window
        self.max_keys = max_keys
        self._times: OrderedDict[str, deque[float]] = OrderedDict()

    def wait(self, key: str, now: float) -> float:
        """Seconds until ``key`` may try again (0: now)."""
        times = self._times.get(key)
        if times is None or len(times) < self.limit:
            return 0.0
        return max(0.0, times[0] + self.window - now)

    def add(self, key: str, now: float) -> None:
        times = self._times.get(key)
        if times is None:
            times = deque(maxlen=self.limit)
            self._times[key] = times
            while len(self._times) > self.max_keys:
                self._times.popitem(last=False)
        self._times.move_to_end(key)
        times.append(now)

    def forget(self, key: str) -> None:
        self._times.pop(key, None)

    def __len__(self) -> int:
        return len(self._times)


class LoginGuard:
    """Throttles failed logins by account and by client, and bounds password checks.

    Args:
        max_failures_per_account: failed logins of one username within ``window``
            before its logins are refused.
        max_failures_per_client: failed logins from one client address within
            ``window`` before its logins are refused.
        window: seconds over which failures are counted.
        concurrency: password checks that may run at once.
        wait: seconds a login waits for a turn before :class:`LoginBusy`.
        max_keys: accounts (and clients) remembered at most.
        clock: monotonic seconds (tests pass a fake).
    """

    def __init__(
        self,
        *,
        max_failures_per_account: int = 10,
        max_failures_per_client: int = 30,
        window: float = 900.0,
        concurrency: int = 2,
        wait: float = 5.0,
        max_keys: int = 10_000,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.concurrency = concurrency
        self.wait = wait
        self._accounts = _Failures(max_failures_per_account, window, max_keys)
        self._clients = _Failures(max_failures_per_client, window, max_keys)
        self._clock = clock
        self._lock = threading.Lock()
        self._slots: asyncio.Semaphore | None = None

    @classmethod
    def from_settings(cls, settings: ServiceSettings) -> LoginGuard:
        """The guard configured by the service's ``login_*`` settings."""
        return cls(
            max_failures_per_account=settings.login_failures_per_account,
            max_failures_per_client=settings.login_failures_per_client,
            window=float(settings.login_window),
            concurrency=settings.login_concurrency,
        )

    @staticmethod
    def account_key(username: str) -> str:
        """How failures of ``username`` are counted: stripped, case-folded, cut to 150."""
        return username.strip().casefold()[:_MAX_KEY]

    def retry_after(self, username: str, client: str) -> int:
        """Whole seconds until a login for ``username`` from ``client`` may be tried
        (0: it may be tried now)."""
        now = self._clock()
        with self._lock:
            wait = max(
                self._accounts.wait(self.account_key(username), now),
                self._clients.wait(client, now),
            )
        return math.ceil(wait)

    def failed(self, username: str, client: str) -> None:
        """Count a failed login (a wrong password, an unknown or disabled user)."""
        now = self._clock()
        with self._lock:
            self._accounts.add(self.account_key(username), now)
            self._clients.add(client, now)

    def succeeded(self, username: str) -> None:
        """Forget the account's failures (the client's stay: one good login among many
        guesses does not clear the address)."""
        with self._lock:
            self._accounts.forget(self.account_key(username))

    @asynccontextmanager
    async def turn(self) -> AsyncIterator[None]:
        """Hold one of the ``concurrency`` turns to check a password.

        Raises:
            LoginBusy: no turn came within ``wait`` seconds.
        """
        if self._slots is None:
            self._slots = asyncio.Semaphore(self.concurrency)
        slots = self._slots
        try:
            await asyncio.wait_for(slots.acquire(), timeout=self.wait)
        except TimeoutError:
            raise LoginBusy() from None
        try:
            yield
        finally:
            slots.release()


def login_guard(state: ServiceState) -> LoginGuard:
    """The login guard of the running service (built from its settings once, then kept)."""
    found = state.extras.get(_EXTRAS_KEY)
    if isinstance(found, LoginGuard):
        return found
    guard = LoginGuard.from_settings(state.settings)
    state.extras[_EXTRAS_KEY] = guard
    return guard
