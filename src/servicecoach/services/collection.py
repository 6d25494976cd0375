"""Garbage collection tuned for a long batch of analyses.

CPython's cyclic collector runs after every 700 new container objects and, every so
often, walks every live object. An analysis creates many short-lived objects and keeps
many long-lived ones (lexicons, phrase automata, caches), and the collections find
almost nothing: with these settings a ``--fast`` run of the generated corpus takes about
4% less CPU (``benchmarks/README.md``, 2026-12-05).
For the length of a batch the young generation is collected less often, and what was
loaded to analyse the first results (which lives as long as the process) is moved out of
the collector's sight with :func:`gc.freeze`. Memory stays bounded: collections still run,
just less often, and the settings are put back at the end.
"""

from __future__ import annotations

import gc
from types import TracebackType

__all__ = ["BatchCollection", "settle_worker"]

THRESHOLDS = (50_000, 20, 100)
"""Allocations before a young collection, and young (middle) collections before a middle
(full) one: measured on the rules over the generated corpus, among 700/10/10 (the
default), 10,000/10/10 and 50,000/20/20."""


class BatchCollection:
    """A context manager: fewer collections for its duration; :meth:`loaded` freezes.

    Call :meth:`loaded` once the first results are out (models and lexicons are loaded
    by then); later calls do nothing.
    """

    def __init__(self) -> None:
        self._saved = gc.get_threshold()
        self._frozen = False

    def __enter__(self) -> BatchCollection:
        self._saved = gc.get_threshold()
        gc.set_threshold(*THRESHOLDS)
        return self

    def loaded(self) -> None:
        """Move what is alive now to the permanent generation (once)."""
        if not self._frozen:
            gc.freeze()
            self._frozen = True

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        gc.set_threshold(*self._saved)
        if self._frozen:
            gc.unfreeze()


def settle_worker() -> None:
    """For a process that does nothing but analyse: the batch settings for good, and what
    it has loaded (pipeline, lexicons, models) frozen."""
    gc.set_threshold(*THRESHOLDS)
    gc.freeze()
