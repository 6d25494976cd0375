"""A short GIL switch interval while the sentence model runs beside the analysers.

The model threads hold the interpreter's lock only for a moment after each batch (to hand
over its vectors and take the next one), but while the analysing thread runs Python they
must ask for it, and CPython makes a thread that asks wait for the switch interval (5 ms
by default) before the holder lets go. A batch of 16 short sentences takes 15-30 ms, so
the model thread idled a fifth of the time, and a core with it. With 100 µs the hand-over
is prompt: on the Twitter sample a full pass took 6.21-6.34 s against 6.74 s (medians of
4-5 interleaved runs, 2026-12-05), on less CPU. The lock is only ever asked for by the
model threads here, so the analysers are interrupted no more often than that.

The interval is the interpreter's, shared by every thread: :func:`quick_handoff` lowers
it while at least one caller is inside and puts back what it found when the last leaves
(unless someone changed it meanwhile).
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["INTERVAL", "quick_handoff"]

INTERVAL = 1e-4
"""The switch interval, in seconds, while the model and the analysers share the lock."""

_lock = threading.Lock()
_inside = 0
_found: float | None = None
"""The interval before the first caller came in, when it lowered it (else ``None``)."""
_set = INTERVAL
"""The interval as the interpreter reports it once set (whole microseconds)."""


@contextmanager
def quick_handoff() -> Iterator[None]:
    """Lower the interpreter's switch interval to :data:`INTERVAL` inside the block."""
    global _inside, _found, _set
    with _lock:
        if _inside == 0:
            current = sys.getswitchinterval()
            _found = current if current > INTERVAL else None
            if _found is not None:
                sys.setswitchinterval(INTERVAL)
                _set = sys.getswitchinterval()
        _inside += 1
    try:
        yield
    finally:
        with _lock:
            _inside -= 1
            if _inside == 0 and _found is not None:
                if sys.getswitchinterval() == _set:  # still ours to put back
                    sys.setswitchinterval(_found)
                _found = None
