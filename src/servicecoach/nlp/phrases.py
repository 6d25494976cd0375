"""Phrase matching with Aho-Corasick: every phrase of a lexicon found in one pass.

Matching is case-insensitive, treats typographic apostrophes as ``'``, and only accepts
matches on word boundaries, so ``dm`` does not match inside ``admin``. Offsets index the
original text.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

import ahocorasick

if TYPE_CHECKING:
    from servicecoach.nlp.phrasebook import PhraseBook

__all__ = [
    "PhraseMatch",
    "PhraseMatcher",
    "by_position",
    "fold",
    "fold_words",
    "join_overlaps",
    "on_word_bounds",
]

_FOLD = str.maketrans({"’": "'", "‘": "'", "`": "'", "“": '"', "”": '"'})


def fold(text: str) -> str:
    """Lower-case ``text`` and straighten quotes, keeping every character's offset."""
    # str.translate looks every character up: five membership tests are 25 times cheaper
    if "’" in text or "‘" in text or "`" in text or "“" in text or "”" in text:
        text = text.translate(_FOLD)
    folded = text.lower()
    # str.lower can change lengths (e.g. 'İ'); fall back per character to keep offsets.
    if len(folded) != len(text):
        folded = "".join(c.lower() if len(c.lower()) == 1 else c for c in text)
    return folded


def fold_words(pattern: re.Pattern[str], text: str) -> list[str]:
    """``[fold(w) for w in pattern.findall(text)]``, folding the text once instead of per word.

    Folding first is the same for any word pattern that takes ``’`` as it takes ``'``;
    ``‘`` and a backtick become ``'`` and could join words, so text holding them is
    folded word by word as before.
    """
    if "‘" in text or "`" in text:
        return [fold(w) for w in pattern.findall(text)]
    return pattern.findall(fold(text))


@lru_cache(maxsize=4096)
def _fold_text(text: str) -> str:
    """:func:`fold`, remembered: every analyser's matcher reads the same messages."""
    return fold(text)


def _is_word(char: str) -> bool:
    return char.isalnum() or char == "_"


@dataclass(frozen=True, slots=True)
class PhraseMatch:
    """One phrase found in a text."""

    start: int
    end: int
    phrase: str
    label: str


class PhraseMatcher:
    """Finds labelled phrases in text in one pass over it.

    Args:
        phrases: phrase to label, e.g. ``{"i'm sorry": "apology.apology"}``.
        book: share one automaton with the book's other matchers, so that a text is
            walked once for all of them (:mod:`servicecoach.nlp.phrasebook`); for
            matchers made once, such as the lexicons'.
    """

    def __init__(self, phrases: Mapping[str, str], *, book: PhraseBook | None = None) -> None:
        labels: dict[str, str] = {}
        for phrase, label in phrases.items():
            key = fold(phrase.strip())
            if key:
                labels[key] = label  # a later spelling of one folded phrase wins
        self.labels: Mapping[str, str] = labels
        """Each folded phrase and its label."""
        self.size = len(labels)
        self._book = book if labels else None
        self._slot = book.join(self) if book is not None and labels else -1
        self._automaton = ahocorasick.Automaton()
        if labels:
            for key, label in labels.items():
                # the phrase, its label, and whether it starts and ends with a word character
                # (then the text must not continue the word there)
                self._automaton.add_word(
                    key, (len(key), label, _is_word(key[0]), _is_word(key[-1]))
                )
            self._automaton.make_automaton()

    @classmethod
    def from_lists(
        cls, lists: Mapping[str, Iterable[str]], *, book: PhraseBook | None = None
    ) -> PhraseMatcher:
        """A matcher from label to phrases (the shape of the lexicon files)."""
        return cls(
            {phrase: label for label, phrases in lists.items() for phrase in phrases}, book=book
        )

    def find(self, text: str, *, longest: bool = True) -> list[PhraseMatch]:
        """Every phrase in ``text`` on word boundaries, in order of position.

        Args:
            text: the text to search.
            longest: join overlapping matches of one label into one span ("I'm so sorry"
                and "sorry about" give "I'm so sorry about").
        """
        if not self.size or not text:
            return []
        if self._book is not None:
            shared = self._book.matches(self._slot, text, longest=longest)
            if shared is not None:
                return list(shared)
        found = self._search(text)
        if len(found) < 2:
            return found  # nothing to order or join
        found.sort(key=by_position)
        return join_overlaps(found, text) if longest else found

    def _search(self, text: str) -> list[PhraseMatch]:
        """The matches on word boundaries, in the automaton's order (a matcher of its own)."""
        folded = _fold_text(text)
        found: list[PhraseMatch] = []
        for end_index, (length, label, word_start, word_end) in self._automaton.iter(folded):
            end = end_index + 1
            start = end - length
            if not on_word_bounds(folded, start, end, word_start, word_end):
                continue
            found.append(PhraseMatch(start, end, text[start:end], label))
        return found


def on_word_bounds(folded: str, start: int, end: int, word_start: bool, word_end: bool) -> bool:
    """Whether a phrase found at ``folded[start:end]`` stands on word boundaries: a phrase
    that starts (ends) with a word character must not continue a word before (after) it,
    so "refund" is not found in "refunds" nor "art" in "start"."""
    if word_start and start > 0:
        before = folded[start - 1]
        if before.isalnum() or before == "_":
            return False
    if word_end and end < len(folded):
        after = folded[end]
        if after.isalnum() or after == "_":
            return False
    return True


def by_position(match: PhraseMatch) -> tuple[int, int]:
    """The order :meth:`PhraseMatcher.find` returns matches in: by start, the longest first."""
    return (match.start, -match.end)


def join_overlaps(found: Sequence[PhraseMatch], text: str) -> list[PhraseMatch]:
    """``found`` (in :func:`by_position` order) with overlapping matches of one label joined.

    "I'm so sorry" and "sorry about" give "I'm so sorry about"; ``text`` is the text they
    were found in, for the joined span's words.
    """
    merged: list[PhraseMatch] = []
    last_of_label: dict[str, int] = {}  # label -> index in merged of its last span
    for match in found:
        index = last_of_label.get(match.label)
        if index is not None and match.start < merged[index].end:
            last = merged[index]
            if match.end > last.end:  # overlapping phrases of one label: one span
                merged[index] = PhraseMatch(
                    last.start, match.end, text[last.start : match.end], match.label
                )
            continue
        last_of_label[match.label] = len(merged)
        merged.append(match)
    return merged
