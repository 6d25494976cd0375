"""Practice sessions held by a server for its users: one per user, bounded, expiring.

A web practice session lives in the server's memory between requests (the session
cookie is small and signed; a conversation does not belong in it). What one user can
make the server hold is bounded: one session per owner (starting another replaces it),
at most :data:`MAX_TURNS` replies of at most ``MAX_REPLY_CHARS`` characters each (the
session enforces both), at most ``max_sessions`` owners (the least recently used is
dropped first) and ``idle_seconds`` without a request before a session is forgotten.
Sessions are per process: behind several workers, route a user to one worker or accept
that a session started on one worker is unknown to the others.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field

from servicecoach.practice.debrief import Debrief
from servicecoach.practice.scenario import MAX_TURNS
from servicecoach.practice.session import PracticeSession

__all__ = ["MAX_TURNS", "PracticeBoard", "Seat"]


@dataclass(slots=True)
class Seat:
    """One owner's session, the lock that serialises their replies, and the debrief once over.

    Attributes:
        session: the session.
        lock: held while a reply is checked (a second submission waits, then sees the
            turn has moved on).
        stopped: the trainee ended the session before the scenario did.
        debrief: computed once, when the session is over.
        recorded: the result has been stored (once per session).
        touched: the clock's time of the last request.
    """

    session: PracticeSession
    lock: threading.Lock = field(default_factory=threading.Lock)
    stopped: bool = False
    debrief: Debrief | None = None
    recorded: bool = False
    touched: float = 0.0

    @property
    def over(self) -> bool:
        """Whether no more replies are taken (the scenario ended, or the trainee stopped)."""
        return self.stopped or self.session.finished

    def finish(self) -> Debrief:
        """The debrief (computed on the first call)."""
        if self.debrief is None:
            self.debrief = self.session.debrief()
        return self.debrief


class PracticeBoard:
    """The practice sessions of one server, by owner (e.g. ``"user:42"``).

    Args:
        max_sessions: most owners held at once; the least recently used goes first.
        idle_seconds: a session not used for this long is forgotten.
        clock: seconds, monotonic (tests pass a fake one).
    """

    def __init__(
        self,
        *,
        max_sessions: int = 256,
        idle_seconds: float = 2 * 3600,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.max_sessions = max_sessions
        self.idle_seconds = idle_seconds
        self.clock = clock
        self._seats: OrderedDict[str, Seat] = OrderedDict()
        self._lock = threading.Lock()

    def __len__(self) -> int:
        with self._lock:
            self._expire()
            return len(self._seats)

    def start(self, owner: str, session: PracticeSession) -> Seat:
        """Seat ``owner`` at ``session``, replacing any session they had."""
        seat = Seat(session, touched=self.clock())
        with self._lock:
            self._expire()
            self._seats.pop(owner, None)
            self._seats[owner] = seat
            while len(self._seats) > self.max_sessions:
                self._seats.popitem(last=False)
        return seat

    def get(self, owner: str) -> Seat | None:
        """``owner``'s session, or ``None`` (never started, replaced, dropped or expired)."""
        with self._lock:
            self._expire()
            seat = self._seats.get(owner)
            if seat is not None:
                seat.touched = self.clock()
                self._seats.move_to_end(owner)
            return seat

    def drop(self, owner: str) -> None:
        """Forget ``owner``'s session."""
        with self._lock:
            self._seats.pop(owner, None)

    def _expire(self) -> None:
        deadline = self.clock() - self.idle_seconds
        while self._seats:
            owner, seat = next(iter(self._seats.items()))
            if seat.touched > deadline:
                break
            del self._seats[owner]
