"""Span lookups in logarithmic time, so that analysers stay linear in a message's length.

An analyser often asks, for each phrase it found, "is it inside one of these other
spans?" or "which sentence holds it?". Asked by scanning every span, that is
phrases x spans work: quadratic in the length of a long draft. :class:`SpanIndex` and
:func:`starting_in` answer the same questions with a binary search over spans sorted
once. The answers are exactly those of the scans they replace.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Sequence
from itertools import accumulate
from typing import Protocol, TypeVar

__all__ = ["SpanIndex", "Starting", "starting_in"]


class Starting(Protocol):
    """Anything with a start offset (a phrase match, a sentence, evidence)."""

    @property
    def start(self) -> int: ...


_S = TypeVar("_S", bound=Starting)


def starting_in(items: Sequence[_S], start: int, end: int) -> Sequence[_S]:
    """The items whose ``start`` is in ``[start, end)``, in their order.

    Equal to ``[i for i in items if start <= i.start < end]`` when ``items`` is sorted by
    ``start`` (as :meth:`~servicecoach.nlp.phrases.PhraseMatcher.find` and
    :func:`~servicecoach.nlp.sentences.sentences` return them).
    """
    low = bisect_left(items, start, key=_start)
    high = bisect_left(items, end, lo=low, key=_start)
    return items[low:high]


def _start(item: Starting) -> int:
    return item.start


class SpanIndex:
    """Half-open spans ``(start, end)``, possibly overlapping, indexed by start.

    Each query is equal to an ``any(...)`` over the spans (given in its docstring) and
    takes O(log n) instead of O(n).
    """

    __slots__ = ("_least", "_reach", "_starts")

    def __init__(self, spans: Iterable[tuple[int, int]]) -> None:
        ordered = sorted(spans)
        if not ordered:  # most indexes of a reply are empty: 80k per 10k messages
            self._starts: list[int] = []
            self._reach: list[int] = []
            self._least: list[int] = []
            return
        self._starts = [start for start, _ in ordered]
        # _reach[i]: the furthest end among the first i + 1 spans (by start).
        self._reach = list(accumulate((end for _, end in ordered), max))
        # _least[i]: the nearest end among the spans from the i-th on (by start).
        self._least = list(accumulate((end for _, end in reversed(ordered)), min))[::-1]

    def __len__(self) -> int:
        return len(self._starts)

    def _furthest(self, count: int) -> int | None:
        """The furthest end among the ``count`` spans that start first."""
        return self._reach[count - 1] if count else None

    def covers(self, start: int, end: int) -> bool:
        """``any(s <= start and end <= e for s, e in spans)``."""
        furthest = self._furthest(bisect_right(self._starts, start))
        return furthest is not None and end <= furthest

    def holds(self, position: int) -> bool:
        """``any(s <= position < e for s, e in spans)``."""
        furthest = self._furthest(bisect_right(self._starts, position))
        return furthest is not None and position < furthest

    def within(self, start: int, end: int) -> bool:
        """``any(start <= s and e <= end for s, e in spans)``."""
        low = bisect_left(self._starts, start)
        return low < len(self._starts) and self._least[low] <= end

    def starts_in(self, start: int, end: int) -> bool:
        """``any(start <= s < end for s, e in spans)``."""
        return bisect_left(self._starts, start) < bisect_left(self._starts, end)

    def overlaps(self, start: int, end: int) -> bool:
        """``any(s < end and start < e for s, e in spans)``."""
        furthest = self._furthest(bisect_left(self._starts, end))
        return furthest is not None and start < furthest
