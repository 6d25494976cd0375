"""One trainee's seat at a practice session: the session, its reply lock and its debrief.

The web page rebuilds a seat from the database on each request
(:mod:`servicecoach.practice.saved`, :mod:`servicecoach.store.practice_sessions`), so that
any worker of ``servicecoach serve --workers N`` can continue a session.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

from servicecoach.practice.debrief import Debrief
from servicecoach.practice.session import PracticeSession

__all__ = ["Seat"]


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
