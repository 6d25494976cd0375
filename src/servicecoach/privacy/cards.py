"""Payment card numbers in free text: 13 to 19 digits, as cards print them, passing Luhn.

A card number is written in one run (``4111111111111111``) or in groups of two to six
digits split by one kind of separator, a space or a dash (``4111 1111 1111 1111``,
``3782-822463-10005``). A run of numbers that goes on past 19 digits, or that fails
the Luhn check, is not a card: that keeps order numbers, dates and phone numbers out.
Groups that run on from other digit groups with the same separators ("0134 4111 1111
1111 1111") are not read as a card: where the card starts cannot be told.
"""

from __future__ import annotations

import re
from typing import Final

__all__ = ["find_cards", "luhn_valid"]

_MIN_DIGITS: Final = 13
_MAX_DIGITS: Final = 19
_CANDIDATE: Final = re.compile(
    r"(?<![\w.,/-])"
    r"(?:\d{13,19}(?![\w-]|[.,/]\d)"  # one run of digits
    r"|(?<!\d[ -])\d{2,6}(?:[ -]\d{2,6}){1,8}(?![\w-]|[ -]\d|[.,/]\d))"  # groups, all of them
)


def luhn_valid(digits: str) -> bool:
    """True when ``digits`` (digits only) pass the Luhn checksum."""
    if not digits.isdigit():
        return False
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = int(char)
        if index % 2 == 1:
            value = value * 2 - 9 if value > 4 else value * 2
        total += value
    return total % 10 == 0


def find_cards(text: str) -> list[tuple[int, int]]:
    """The half-open spans of card numbers in ``text`` (13-19 digits that pass Luhn)."""
    found: list[tuple[int, int]] = []
    for match in _CANDIDATE.finditer(text):
        value = match.group()
        separators = {c for c in value if not c.isdigit()}
        if len(separators) > 1:
            continue
        digits = value.replace(" ", "").replace("-", "")
        if _MIN_DIGITS <= len(digits) <= _MAX_DIGITS and luhn_valid(digits):
            found.append((match.start(), match.end()))
    return found
