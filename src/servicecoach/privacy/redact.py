"""Redacting free text: personal data replaced by a placeholder that says what it was.

:func:`redact_text` replaces, in this order of precedence where two overlap:

- email addresses with ``[email]`` (role mailboxes such as ``support@`` are kept when
  asked, see :func:`~servicecoach.privacy.emails.is_role_mailbox`);
- card numbers that pass the Luhn check with ``[card]``;
- phone numbers with ``[phone]`` (business lines such as 0800 and 1-800 are kept);
- street addresses with ``[address]``.

Redacting twice changes nothing more: placeholders hold no digits or ``@``, and passes
repeat until one finds nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, fields
from typing import Final

from servicecoach.privacy.addresses import find_addresses
from servicecoach.privacy.cards import find_cards
from servicecoach.privacy.emails import find_emails, is_role_mailbox
from servicecoach.privacy.phones import find_phones

__all__ = ["MAX_PASSES", "PLACEHOLDERS", "RedactionCounts", "redact_text"]

PLACEHOLDERS: Final = {
    "email": "[email]",
    "phone": "[phone]",
    "card": "[card]",
    "address": "[address]",
    "name": "[name]",
}
"""What each kind of personal data is replaced with."""
MAX_PASSES: Final = 4
"""Passes over one text at most; the second almost always finds nothing."""


@dataclass(frozen=True, slots=True)
class RedactionCounts:
    """How many of each kind were replaced (text) or hashed (identifiers)."""

    email: int = 0
    phone: int = 0
    card: int = 0
    address: int = 0
    name: int = 0
    identifier: int = 0

    def __add__(self, other: RedactionCounts) -> RedactionCounts:
        return RedactionCounts(
            *(getattr(self, f.name) + getattr(other, f.name) for f in fields(self))
        )

    @property
    def total(self) -> int:
        """Everything replaced or hashed."""
        return sum(getattr(self, f.name) for f in fields(self))

    def to_dict(self) -> dict[str, int]:
        """A JSON-ready summary, e.g. for an import report."""
        return {f.name: getattr(self, f.name) for f in fields(self)}


def redact_text(
    text: str, *, region: str = "US", keep_role_addresses: bool = False
) -> tuple[str, RedactionCounts]:
    """``text`` with emails, phone numbers, card numbers and street addresses replaced.

    Each kind is found in the text that the kinds before it left (emails, then cards,
    then phones, then addresses), so a number run on from a card or an address written
    against a phone number is still found. Passes repeat until one finds nothing (at
    most :data:`MAX_PASSES`), so redacting the result again changes nothing.

    Args:
        text: any text.
        region: the ISO country code assumed for phone numbers written without ``+``.
        keep_role_addresses: leave shared mailboxes (``support@brand.example``) in
            place, as in an agent's reply where they are the brand's channel.

    Returns:
        The redacted text and how many of each kind were replaced.
    """
    total = RedactionCounts()
    for _ in range(MAX_PASSES):
        text, counts = _redact_once(text, region, keep_role_addresses)
        if not counts.total:
            break
        total += counts
    return text, total


def _redact_once(text: str, region: str, keep_roles: bool) -> tuple[str, RedactionCounts]:
    counts = dict.fromkeys(PLACEHOLDERS, 0)
    finders: tuple[tuple[str, Callable[[str], list[tuple[int, int]]]], ...] = (
        ("email", lambda t: _emails(t, keep_roles)),
        ("card", find_cards),
        ("phone", lambda t: find_phones(t, region)),
        ("address", find_addresses),
    )
    for kind, find in finders:
        spans = find(text) if text else []
        if spans:
            text = _replace(text, spans, PLACEHOLDERS[kind])
            counts[kind] += len(spans)
    return text, RedactionCounts(**counts)


def _emails(text: str, keep_roles: bool) -> list[tuple[int, int]]:
    spans = find_emails(text)
    if keep_roles:
        spans = [(s, e) for s, e in spans if not is_role_mailbox(text[s:e])]
    return spans


def _replace(text: str, spans: list[tuple[int, int]], placeholder: str) -> str:
    """``text`` with each of ``spans`` (in order, not overlapping) replaced."""
    parts: list[str] = []
    position = 0
    for start, end in spans:
        parts += [text[position:start], placeholder]
        position = end
    parts.append(text[position:])
    return "".join(parts)
