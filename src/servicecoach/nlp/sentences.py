"""Sentence spans: half-open character ranges into a message's stored text."""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

__all__ = ["Sentence", "sentence_index", "sentences"]

# A sentence ends at . ! ? (repeated, optionally closed by quotes or brackets) followed by
# space, or at a line break. Common abbreviations and decimals do not end one.
_END = re.compile(r"[.!?…\n](?:(?<=\n)\n*|(?<=[.!?…])[\"')\]]*\s+)")
"""The end of a sentence, from its end mark on (one class first, so that the regex engine
skips to the next mark instead of trying a lookbehind at every character, three times
faster); the sentence keeps its mark (:func:`_split`)."""
_ABBREVIATIONS = frozenset(
    {"mr", "mrs", "ms", "dr", "st", "vs", "etc", "e.g", "i.e", "no", "approx", "dept", "inc", "ltd"}
)

_CACHED = 64
"""Texts whose sentences are kept: every analyser splits the same messages."""


@dataclass(frozen=True, slots=True)
class Sentence:
    """One sentence: its span and text."""

    start: int
    end: int
    text: str


def sentences(text: str) -> list[Sentence]:
    """Split ``text`` into sentences whose spans index ``text`` itself.

    Linear in the length of ``text``, even when abbreviations keep a sentence open
    for thousands of characters ("Mr. Mr. Mr. ..."). The analysers split the same
    message again and again, so the last splits are kept (a fresh list is returned).
    """
    return list(_split(text))


@lru_cache(maxsize=_CACHED)
def _split(text: str) -> tuple[Sentence, ...]:
    found: list[Sentence] = []
    start = 0
    for match in _END.finditer(text):
        end = match.start() if text[match.start()] == "\n" else match.start() + 1
        last_word = _last_word(text, start, end).rstrip(".").lower()
        # "no." abbreviates "number" only before a number: "Oh no. It broke" ends one.
        number_sign = last_word != "no" or text[match.end() : match.end() + 1].isdigit()
        if "\n" not in match.group() and last_word in _ABBREVIATIONS and number_sign:
            continue
        _add(found, text, start, end)
        start = match.end()
    _add(found, text, start, len(text))
    return tuple(found)


def sentence_index(parts: Sequence[Sentence], position: int) -> int | None:
    """The index of the sentence of ``parts`` that holds ``position``, if one does.

    ``parts`` are the sentences of one text, in order (as :func:`sentences` gives them);
    a binary search, so asking for every phrase of a long text stays fast.
    """
    index = bisect_right(parts, position, key=_start) - 1
    return index if index >= 0 and position < parts[index].end else None


def _start(sentence: Sentence) -> int:
    return sentence.start


_WINDOW = 64
"""Characters read back at first for the last word of a sentence (doubled as needed)."""


def _last_word(text: str, start: int, end: int) -> str:
    """The last whitespace-separated word of ``text[start:end]`` ("" when there is none).

    Equal to ``text[start:end].rsplit(maxsplit=1)[-1]``, reading back only as far as
    the word begins rather than copying the whole span (which made abbreviations
    quadratic).
    """
    window = _WINDOW
    while True:
        low = max(start, end - window)
        chunk = text[low:end]
        words = chunk.rsplit(maxsplit=1)
        if low == start:
            return words[-1] if words else ""
        if len(words) == 2 or (words and (chunk[0].isspace() or text[low - 1].isspace())):
            return words[-1]  # the word begins inside the window
        window *= 2


def _add(found: list[Sentence], text: str, start: int, end: int) -> None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if end > start:
        found.append(Sentence(start, end, text[start:end]))
