"""Helpers shared by the built-in analysers."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING

from servicecoach.analysis.evidence import Evidence
from servicecoach.analysis.lexicon import Lexicon
from servicecoach.model.conversation import Conversation, Message, Role
from servicecoach.nlp.phrases import PhraseMatch
from servicecoach.nlp.words import WORD, last_words

if TYPE_CHECKING:
    from servicecoach.analysis.analyzer import Context

Acts = Callable[[int, int, str], bool]
"""``acts(start, end, label)``: the learned acts head fires ``label`` on that sentence."""

__all__ = [
    "NO_ACTS",
    "Acts",
    "customer_messages",
    "evidence",
    "is_negated",
    "learned_acts",
    "matches",
    "replies",
    "span_evidence",
]

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
    Reads back only as far as those words, so it costs the same at any ``start``.
    """
    before = last_words(text, start, window, WORD, stop=_CLAUSE_END, fold=_fold)
    return any(word in negators or word.endswith("n't") for word in before)


def _fold(text: str) -> str:
    return text.lower().replace("’", "'")


def evidence(
    message: Message, match: PhraseMatch, signal: str, polarity: int, suggestion: str | None = None
) -> Evidence:
    """Evidence for a phrase match in a message, quoting the message's exact words (the
    match may have been found in a folded or masked copy of its text)."""
    return span_evidence(message, match.start, match.end, signal, polarity, suggestion)


def span_evidence(
    message: Message,
    start: int,
    end: int,
    signal: str,
    polarity: int,
    suggestion: str | None = None,
) -> Evidence:
    """Evidence for the span ``[start, end)`` of a message, quoting its exact words."""
    return Evidence(message.id, start, end, signal, polarity, message.text[start:end], suggestion)


def _never(start: int, end: int, label: str) -> bool:
    return False


NO_ACTS: Acts = _never
"""What :func:`learned_acts` answers without the acts head: never. An analyser may skip
reading the sentences that only the head would judge when it is given this one."""


def learned_acts(context: Context, index: int) -> Acts:
    """What the learned ``acts`` head says of the sentences of message number ``index``.

    The returned function answers, for a span of the message, whether the head fires a
    label on the sentence overlapping it most; always ``False`` in fast mode or when the
    view has no ``acts`` head (so rules alone decide).
    """
    view = context.learned
    if view is None or "acts" not in view.heads:
        return NO_ACTS

    def acts(start: int, end: int, label: str) -> bool:
        row = view.row_at(index, start, end)
        return row is not None and view.fires("acts", label, row)

    return acts
