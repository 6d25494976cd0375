"""Helpers shared by the built-in analysers."""

from __future__ import annotations

import re
from collections.abc import Iterator

from servicecoach.analysis.evidence import Evidence
from servicecoach.analysis.lexicon import Lexicon
from servicecoach.model.conversation import Conversation, Message, Role
from servicecoach.nlp.phrases import PhraseMatch

__all__ = ["customer_messages", "evidence", "is_negated", "matches", "replies"]

_WORD = re.compile(r"[\w']+")
_CLAUSE_END = re.compile(r"[,.;:!?()\-–—]")


def replies(conversation: Conversation) -> Iterator[Message]:
    """Agent and bot messages the customer saw, in order."""
    return (m for m in conversation.messages if m.is_reply)


def customer_messages(conversation: Conversation) -> Iterator[Message]:
    """The customer's messages, in order."""
    return (m for m in conversation.messages if m.role is Role.CUSTOMER)


def matches(lexicon: Lexicon, message: Message, section: str) -> list[PhraseMatch]:
    """The phrases of one lexicon section found in a message."""
    return [m for m in lexicon.matcher.find(message.text) if m.label == section]


def is_negated(text: str, start: int, negators: frozenset[str], window: int = 2) -> bool:
    """True when one of the ``window`` words before ``start``, in the same clause, negates it.

    ``I'm not sorry`` is negated; ``Oh no, I'm sorry`` is not (the comma ends the clause).
    """
    clause = _CLAUSE_END.split(text[:start])[-1]
    before = _WORD.findall(clause.lower().replace("’", "'"))[-window:]
    return any(word in negators or word.endswith("n't") for word in before)


def evidence(
    message: Message, match: PhraseMatch, signal: str, polarity: int, suggestion: str | None = None
) -> Evidence:
    """Evidence for a phrase match in a message."""
    return Evidence(message.id, match.start, match.end, signal, polarity, match.phrase, suggestion)
