"""Street addresses in free text, precision first: a house number, a name and a street type.

What counts (types from :mod:`servicecoach.privacy.street_types`):

- English, number first: ``12 Baker Street``, ``221B Baker St``, ``350 5th Ave``,
  ``1600 Pennsylvania Avenue NW``, optionally followed by a unit (``Apt 4B``), a city
  after a comma, and a US ZIP code (``CA 95014``) or UK postcode (``NW1 6XE``). A weak
  type ("Drive", "Way", "Court") needs a unit or a code after it. Written in lower
  case, the name words must not be ordinary ones (:data:`~servicecoach.privacy.street_types.NOT_NAMES`: "3 days on the
  road", "a 2 way street"); and a type that starts a noun ("road bikes", "Road Trips",
  :data:`~servicecoach.privacy.street_types.NOT_AFTER`) is no address. A cue right before the number ("I live at",
  "ship to", "address:") is enough on its own: "my address is 12 oak drive".
- German, Dutch and Nordic, name first: ``Hauptstraße 5``, ``Hauptstr. 5a``,
  ``Berliner Straße 12, 10115 Berlin``, ``Kerkstraat 12``.
- French, number first: ``12 rue de la Paix, 75002 Paris``.
- Spanish, Italian, Portuguese, type first: ``Calle Mayor 5``, ``Via Roma 10``, where
  the number ends the address (a comma, a full stop, the end of the line or a postcode
  follows).
- Post-office boxes: ``PO Box 123``.

A ZIP code or postcode on its own is not an address here. Numbers in ordinary support
text ("I waited 3 days", "order 12345", "version 2 drive", "2 Hard Drive") are not.
Every pattern reads a bounded number of words from each place it starts, and the
match starts only where a number or a capitalised word starts, so time is linear in
the text's length.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Final

from servicecoach.privacy.street_types import (
    AFTER_NAME,
    ARTICLES,
    CUES,
    NOT_AFTER,
    NOT_NAMES,
    NUMBER_FIRST,
    STRONG,
    SUFFIXES,
    TYPE_FIRST,
    UNITS,
    WEAK,
)

__all__ = ["find_addresses"]


def _either(words: Iterable[str]) -> str:
    """An alternation of ``words``, longest first (so "Street" is tried before "St")."""
    return "|".join(re.escape(w) for w in sorted(set(words), key=lambda w: (-len(w), w)))


_CAP = r"[A-ZÀ-ÖØ-Þ]"  # an upper-case Latin letter
_WORD = r"[\w'’-]"
_ARTICLE = rf"(?:(?:{_either(ARTICLES)})[ \t]*)"
_UK_POSTCODE = r"[A-Z]{1,2}\d[A-Z\d]?[ \t]?\d[ABD-HJLNP-UW-Z]{2}"
_US_ZIP = r"(?:[A-Z]{2}[ \t]+)?\d{5}(?:-\d{4})?"
_CODE = rf"(?:{_US_ZIP}|{_UK_POSTCODE})(?![\w-])"
_CITY = rf"{_CAP}[\w'’.-]*(?:[ \t]+{_CAP}[\w'’.-]*){{0,2}}"
_END = r"(?=[ \t]*(?:[,.;:!?)\r\n]|\Z))"
_NUMBER_START = r"(?<![\w.,/:#$£€%-])"

_ENGLISH: Final = re.compile(
    rf"""
    {_NUMBER_START}
    \d{{1,5}}[A-Za-z]?(?:[ \t]?[-–/][ \t]?\d{{1,5}}[A-Za-z]?)?  # 12, 221B, 12-14, 47 - 53
    ,?[ \t]+
    (?P<name>(?:(?:[^\W\d_]{_WORD}*\.?|\d{{1,3}}(?:st|nd|rd|th))[ \t]+){{1,3}})
    (?P<type>(?i:{_either((*STRONG, *WEAK))}))\b
    (?:\.(?=,|[ \t]+(?:{_either(UNITS)}|\#)))?
    (?:[ \t]+(?:NE|NW|SE|SW|N|S|E|W)(?=[,\s]|\Z))?         # Avenue NW
    (?P<unit>,?[ \t]+(?:(?i:{_either(UNITS)})\b\.?[ \t]*\#?[ \t]*|\#[ \t]*)[A-Za-z0-9-]{{1,6}}\b)?
    (?:,[ \t]*{_CITY}(?={_END}|,?[ \t]+{_CODE}))?            # , Springfield
    (?P<code>,?[ \t]+{_CODE})?
    """,
    re.VERBOSE,
)
_NAME_FIRST: Final = re.compile(
    rf"""
    (?<![\w-])
    (?:{_CAP}{_WORD}*?(?i:{_either(SUFFIXES)})\.?             # Hauptstraße, Hauptstr.
      |{_CAP}{_WORD}*[ \t]+(?:{_either(AFTER_NAME)})\.?)      # Berliner Straße
    [ \t]+\d{{1,4}}[a-zA-Z]?(?:[-/]\d{{1,4}}[a-zA-Z]?)?(?![\w-])
    (?:,?[ \t]+\d{{4,5}}[ \t]+{_CAP}[\w-]*)?                    # 10115 Berlin
    """,
    re.VERBOSE,
)
_FRENCH: Final = re.compile(
    rf"""
    {_NUMBER_START}
    \d{{1,4}}(?:[ \t]?(?:bis|ter)\b)?,?[ \t]+
    (?i:{_either(NUMBER_FIRST)})\.?[ \t]+
    {_ARTICLE}?{_CAP}{_WORD}*(?:[ \t]+{_ARTICLE}?{_CAP}{_WORD}*){{0,3}}
    (?:,?[ \t]+\d{{5}}[ \t]+{_CAP}[\w-]*)?                      # 75002 Paris
    """,
    re.VERBOSE,
)
_TYPE_FIRST: Final = re.compile(
    rf"""
    (?<![\w-])
    (?:{_either(TYPE_FIRST)})\.?[ \t]+
    {_ARTICLE}?{_CAP}{_WORD}*(?:[ \t]+{_ARTICLE}?{_CAP}{_WORD}*){{0,2}}
    ,?[ \t]+(?:n[º°o]\.?[ \t]*)?\d{{1,4}}[a-zA-Z]?(?![\w-])
    (?:{_END}|(?=,?[ \t]+\d{{4,5}}[ \t]+{_CAP}))
    (?:,?[ \t]+\d{{4,5}}[ \t]+{_CAP}[\w-]*)?                    # 00184 Roma
    """,
    re.VERBOSE,
)
_PO_BOX: Final = re.compile(
    r"(?<![\w-])(?i:P\.?[ \t]?O\.?[ \t]?Box|Post[ \t]+Office[ \t]+Box)[ \t]+\d{1,6}(?![\w-])"
)
_CUE: Final = re.compile(rf"(?i:\b(?:{'|'.join(CUES)}))[ \t]*[:,-]?[ \t]*\Z")
_CUE_WINDOW = 40
_NEXT_WORD: Final = re.compile(r"[ \t]+(\w+)")
_STRONG = frozenset(w.lower() for w in STRONG)


def _has_cue(text: str, start: int) -> bool:
    """True when words right before ``start`` say an address follows ("I live at")."""
    return _CUE.search(text[max(0, start - _CUE_WINDOW) : start]) is not None


def _english(text: str) -> Iterable[tuple[int, int]]:
    position = 0
    while match := _ENGLISH.search(text, position):
        start, end = match.span()
        kind = match["type"]
        names = match["name"].split()
        capitalised = kind[0].isupper() and all(w[0].isupper() or w[0].isdigit() for w in names)
        confirmed = kind.lower() in _STRONG or bool(match["unit"] or match["code"])
        plain = all(w.lower().rstrip(".") not in NOT_NAMES for w in names)
        after = _NEXT_WORD.match(text, match.end("type"))
        noun = after is not None and after[1].lower() in NOT_AFTER  # "road bikes"
        if _has_cue(text, start) or (confirmed and (capitalised or plain) and not noun):
            yield start, end
            position = end
        else:
            position = start + 1  # a shorter address may start inside a rejected match


_DIGIT_RUN: Final = re.compile(r"\d+")
_NOT_BEFORE_NUMBER = frozenset(".,/:#$£€%-")
"""With the word characters, what :data:`_NUMBER_START` rules out before a number."""
_SPACE = frozenset(" \t")
_BEFORE_TYPE_FIRST_NUMBER = frozenset(" \tº°o.")
"""What may come right before the number of a :data:`_TYPE_FIRST` address ("nº5", "no. 5")."""


def _house_numbers(text: str) -> tuple[bool, bool, bool]:
    """Whether ``text`` has a number each kind of pattern could start its address with.

    The patterns try their lookbehind at every character, which took most of their time;
    on social media nearly every reply has digits, but in an @handle (after an "@", and
    longer than a house number). A run of digits is the house number of:

    - :data:`_ENGLISH` and :data:`_FRENCH` (first value): five digits at most, after no
      word character nor one of :data:`_NOT_BEFORE_NUMBER` (or at the start);
    - :data:`_NAME_FIRST` and :data:`_PO_BOX` (second): six at most, after a space or tab;
    - :data:`_TYPE_FIRST` (third): four at most, after one of
      :data:`_BEFORE_TYPE_FIRST_NUMBER`.

    Each pattern takes all of a run (what follows its digits is no digit), so a text
    without such a run has no match of it.
    """
    free = spaced = marked = False
    for run in _DIGIT_RUN.finditer(text):
        start = run.start()
        length = run.end() - start
        before = text[start - 1] if start else ""
        # \w is what str.isalnum() says of one character, and "_"
        if length <= 5 and not (before.isalnum() or before == "_" or before in _NOT_BEFORE_NUMBER):
            free = True
        if length <= 6 and before in _SPACE:
            spaced = True
        if length <= 4 and before in _BEFORE_TYPE_FIRST_NUMBER:
            marked = True
    return free, spaced, marked


def find_addresses(text: str) -> list[tuple[int, int]]:
    """The half-open spans of street addresses in ``text``, in order, never overlapping."""
    free, spaced, marked = _house_numbers(text)
    found = list(_english(text)) if free else []
    for pattern, possible in (
        (_NAME_FIRST, spaced),
        (_FRENCH, free),
        (_TYPE_FIRST, marked),
        (_PO_BOX, spaced),
    ):
        if possible:
            found += [m.span() for m in pattern.finditer(text)]
    found.sort(key=lambda span: (span[0], -span[1]))
    kept: list[tuple[int, int]] = []
    for start, end in found:
        if kept and start < kept[-1][1]:
            continue
        kept.append((start, end))
    return kept
