"""Sentence spans: half-open character ranges into a message's stored text."""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["Sentence", "sentences"]

# A sentence ends at . ! ? (repeated, optionally closed by quotes or brackets) followed by
# space, or at a line break. Common abbreviations and decimals do not end one.
_END = re.compile(r"(?<=[.!?…])[\"')\]]*\s+|\n+")
_ABBREVIATIONS = frozenset(
    {"mr", "mrs", "ms", "dr", "st", "vs", "etc", "e.g", "i.e", "no", "approx", "dept", "inc", "ltd"}
)


@dataclass(frozen=True, slots=True)
class Sentence:
    """One sentence: its span and text."""

    start: int
    end: int
    text: str


def sentences(text: str) -> list[Sentence]:
    """Split ``text`` into sentences whose spans index ``text`` itself."""
    found: list[Sentence] = []
    start = 0
    for match in _END.finditer(text):
        candidate = text[start : match.start()]
        last_word = (
            candidate.rsplit(maxsplit=1)[-1].rstrip(".").lower() if candidate.strip() else ""
        )
        # "no." abbreviates "number" only before a number: "Oh no. It broke" ends one.
        number_sign = last_word != "no" or text[match.end() : match.end() + 1].isdigit()
        if "\n" not in match.group() and last_word in _ABBREVIATIONS and number_sign:
            continue
        _add(found, text, start, match.start())
        start = match.end()
    _add(found, text, start, len(text))
    return found


def _add(found: list[Sentence], text: str, start: int, end: int) -> None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if end > start:
        found.append(Sentence(start, end, text[start:end]))
