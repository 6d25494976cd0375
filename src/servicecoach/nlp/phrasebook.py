"""Phrase matching once per text for many matchers: their phrases in one automaton.

The analysers search every message with a dozen lexicons, and several rules of one
analyser search the same message again. With one automaton per lexicon, each search
walked the whole text and paid pyahocorasick's per-call cost: 136k searches per 10k
messages, 0.28 s of automaton iteration, against 0.03 s for one walk per distinct text
over all the phrases at once. A :class:`PhraseBook` holds the phrases of every matcher
that joins it; a text is walked once, and the matches of each matcher are kept for the
last texts (the analysers read the same messages one after another).

Each matcher still sees exactly its own phrases with its own labels, so what
:meth:`~servicecoach.nlp.phrases.PhraseMatcher.find` returns does not change.
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Callable, Mapping, Sequence
from functools import lru_cache
from itertools import count
from typing import TYPE_CHECKING

import ahocorasick

from servicecoach.nlp.phrases import PhraseMatch, by_position, fold, join_overlaps

if TYPE_CHECKING:
    from servicecoach.nlp.phrases import PhraseMatcher

__all__ = ["PhraseBook"]

_CACHED = 64
"""Texts whose hits are kept: a conversation's messages, their masked forms, sentences.
More keeps more objects alive for the garbage collector to walk; 4,096 cost more in
collections than the repeats across conversations saved."""

_Owners = tuple[tuple[int, str], ...]
"""The matchers (by slot) holding one phrase, each with its label."""
_Entry = tuple[int, bool, bool, _Owners]
"""A phrase's length, whether it starts and ends with a word character, and its owners."""

_SLOTS = count()


def _is_word(char: str) -> bool:
    return char.isalnum() or char == "_"


class _Compiled:
    """The automaton over the members' phrases at one time, and its scans of the last texts."""

    __slots__ = ("automaton", "scan", "searchable", "slots")

    def __init__(self, members: Sequence[tuple[int, Mapping[str, str]]]) -> None:
        owners: dict[str, list[tuple[int, str]]] = {}
        for slot, labels in members:
            for phrase, label in labels.items():
                owners.setdefault(phrase, []).append((slot, label))
        self.automaton = ahocorasick.Automaton()
        for phrase, holders in owners.items():
            entry: _Entry = (len(phrase), _is_word(phrase[0]), _is_word(phrase[-1]), tuple(holders))
            self.automaton.add_word(phrase, entry)
        self.searchable = bool(owners)
        if owners:
            self.automaton.make_automaton()
        self.slots = frozenset(slot for slot, _ in members)
        self.scan: Callable[[str], _Found] = lru_cache(maxsize=_CACHED)(self._scan)

    def _scan(self, text: str) -> _Found:
        found: dict[int, list[_Hit]] = {}
        if not self.searchable:
            return _Found(text, found)
        folded = fold(text)
        size = len(folded)
        for end_index, (length, word_start, word_end, owners) in self.automaton.iter(folded):
            end = end_index + 1
            start = end - length
            # phrases.on_word_bounds(folded, start, end, word_start, word_end), inlined: it is
            # asked for every phrase found in every text
            if word_start and start > 0:
                before = folded[start - 1]
                if before.isalnum() or before == "_":
                    continue
            if word_end and end < size:
                after = folded[end]
                if after.isalnum() or after == "_":
                    continue
            for slot, label in owners:
                held = found.get(slot)
                if held is None:
                    found[slot] = [(start, end, label)]
                else:
                    held.append((start, end, label))
        return _Found(text, found)


_Hit = tuple[int, int, str]
"""Where a phrase was found and its label: plain tuples, which the garbage collector
stops tracking, so the kept scans do not make every collection longer."""


class _Found:
    """One text's hits by matcher slot; a matcher's matches are made on its first request.

    Matches are made only for the matchers that ask (most texts are asked about by a few),
    ordered by position and, for ``longest``, joined, then kept for the next request.
    """

    __slots__ = ("_hits", "_made", "_text")

    def __init__(self, text: str, hits: dict[int, list[_Hit]]) -> None:
        self._text = text
        self._hits = hits
        self._made: dict[tuple[int, bool], list[PhraseMatch]] = {}

    def get(self, slot: int, longest: bool) -> Sequence[PhraseMatch]:
        hits = self._hits.get(slot)
        if hits is None:
            return ()
        made = self._made.get((slot, longest))
        if made is None:
            text = self._text
            made = [PhraseMatch(start, end, text[start:end], label) for start, end, label in hits]
            if len(made) > 1:
                made.sort(key=by_position)
                if longest:
                    made = join_overlaps(made, text)
            self._made[(slot, longest)] = made
        return made


_SETTLE = 1024
"""Searches by matchers that joined since the automaton was built, answered by their own
automata, before it is rebuilt with them: analysers load their lexicons one by one as the
first conversation is read, and a rebuild for each would cost more than it saves."""


class PhraseBook:
    """Matchers that share one automaton, so each text is walked once for all of them.

    A matcher joins with ``PhraseMatcher(phrases, book=...)``. One that joined after the
    automaton was built searches with its own until :data:`_SETTLE` such searches have
    been made; then the automaton is rebuilt with every member. A book is thus for
    matchers made once (a process's lexicons), not one per request. Members are held
    weakly: a matcher that is no longer used leaves the book at the next rebuild.
    """

    def __init__(self) -> None:
        self._members: list[tuple[int, weakref.ref[PhraseMatcher]]] = []
        self._lock = threading.Lock()
        self._compiled: _Compiled | None = None
        self._outside = 0
        """Searches by members not in the automaton since it was built."""

    def join(self, matcher: PhraseMatcher) -> int:
        """Add ``matcher``'s phrases to the book; returns the slot its matches are kept under."""
        slot = next(_SLOTS)
        with self._lock:
            self._members.append((slot, weakref.ref(matcher)))
        return slot

    def matches(self, slot: int, text: str, *, longest: bool) -> Sequence[PhraseMatch] | None:
        """What the member in ``slot`` finds in ``text`` (:meth:`PhraseMatcher.find`), or
        ``None`` while the member is not yet in the automaton (it searches alone then).

        The sequence is shared by every request for the text: not to be changed.
        """
        compiled = self._compiled
        if compiled is None or slot not in compiled.slots:
            self._outside += 1
            if compiled is not None and self._outside < _SETTLE:
                return None
            compiled = self._compile()
        return compiled.scan(text).get(slot, longest)

    def _compile(self) -> _Compiled:
        with self._lock:
            members = []
            alive = []
            for slot, ref in self._members:
                matcher = ref()
                if matcher is not None:
                    alive.append((slot, ref))
                    members.append((slot, matcher.labels))
            self._members = alive
            self._compiled = _Compiled(members)
            self._outside = 0
            return self._compiled
