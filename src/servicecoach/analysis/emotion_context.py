"""What a customer message answers: the agent's reply before it and the customer's own
earlier words, read from what the pipeline already has (no extra model pass).

A sentence alone cannot say that "Great." is sarcasm or that a question is asked for the
third time; its place in the conversation can. For every customer message that follows
an agent (or bot) reply, :func:`turn_contexts` records

- what that reply did: said it cannot help (``refusal``: "I'm afraid we can't ...",
  "unfortunately ...", "no availability", with no alternative offered), offered or proposed something
  (``offer``), asked whether there is anything else (``closing_check``), or reported a
  fix or an answer (``solution``). Refusals and offers are read from the reply's words;
  with the learned view, the ``acts`` head's ``solution`` and ``closing_check`` (already
  computed for the listening and closing analysers) count as well;
- how much the message repeats the customer's earlier ones (``repetition``): the highest
  cosine of one of its sentences with a sentence of an earlier customer message that an
  agent reply has answered since (the embeddings of the learned view), or, in fast mode,
  the share of its words (beyond stop words and courtesies) an earlier one already used.

`servicecoach.analysis.emotion_context_reading` turns these and the message's own cues into
the emotion read in context.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING

from servicecoach.analysis.stopwords import stop_words
from servicecoach.model.conversation import Conversation, Role
from servicecoach.nlp.formulaic import is_formulaic
from servicecoach.nlp.words import WORD

if TYPE_CHECKING:
    from servicecoach.analysis.learned import LearnedView

__all__ = ["MAX_EARLIER", "MIN_REPEAT_WORDS", "TurnContext", "is_refusal", "turn_contexts"]

MAX_EARLIER = 20
"""Earlier answered customer messages a message is compared with (the latest ones): a
repeat is of something recent, and it bounds the work of a very long conversation."""
MIN_REPEAT_WORDS = 3
"""Content words a message (or an earlier one) needs before its repetition is measured:
"yes" after "yes" is an answer, not a repeated request."""

_INABILITY = re.compile(
    r"\b(?:(?:i|we) (?:can'?t|cannot|can not|couldn'?t|could not|won'?t be able|am unable"
    r"|are unable|was unable|were unable|am not able|are not able|have no|had no"
    r"|don'?t have|do not have|don'?t offer|do not offer|no longer)"
    r"|(?:i'?m|i am|we'?re|we are) (?:afraid|unable|not able)|unfortunately|not possible"
    r"|no (?:results?|availability|matches)|nothing (?:i|we) can do|(?:i|we)'?ve no"
    r"|out of stock|sold out|fully booked)"
)
"""Words of a reply in which the helper says they cannot help (first person, or
"unfortunately", "sold out"): "they don't allow pets" answers a question, it refuses nothing."""
_ALTERNATIVE = re.compile(
    r"\b(?:but (?:i|we) (?:can|could|do|have)|instead|alternatively|how about|what about"
    r"|would you (?:like|prefer)|(?:i|we) (?:can|could) (?:offer|suggest|try|book|send)"
    r"|another option|other options?|shall i|should i)\b"
)
"""Words of a reply that offers something in place of what it cannot do, or proposes."""
_CLOSING_CHECK = re.compile(
    r"\b(?:anything else|something else|any other|else (?:i|we) can|help with anything"
    r"|is that all|will that be all|all for today)\b"
)
_SOLUTION = re.compile(
    r"\b(?:(?:i|we)'?ve (?:\w+ed|sent|done|made|set|put|issued|booked)|(?:i|we) have "
    r"(?:\w+ed|sent|done|made|set|put|issued|booked)|(?:is|are|has been|have been) "
    r"(?:\w+ed|done|sent|fixed|sorted|resolved|booked|confirmed)|here is|here'?s"
    r"|your (?:reference|booking|confirmation|order|tracking) (?:number|code)"
    r"|should (?:now )?(?:work|see|receive|arrive)|you (?:can|will) now)\b"
)
"""Words of a reply that reports a fix or an answer ("I've refunded it", "here's the link")."""


@dataclass(frozen=True, slots=True)
class TurnContext:
    """What one customer message answers (all false and 0 without an agent reply before it).

    Attributes:
        after_reply: an agent (or bot) message came after the customer's previous one.
        refusal: that reply says it cannot help and offers no alternative.
        offer: it offers, proposes or asks to confirm something.
        closing_check: it asks whether there is anything else.
        solution: it reports a fix or gives an answer.
        repetition: how much the message repeats the customer's earlier, already answered
            messages (0-1: a cosine with the learned view, a word share in fast mode).
    """

    after_reply: bool = False
    refusal: bool = False
    offer: bool = False
    closing_check: bool = False
    solution: bool = False
    repetition: float = 0.0


def is_refusal(text: str) -> bool:
    """True when an agent's reply says it cannot help and offers nothing in place.

    "I'm afraid there is no table left" is; "We can't refund it, but I can send a
    voucher" is not (an alternative is an offer).
    """
    lowered = _lower(text)
    return _INABILITY.search(lowered) is not None and _ALTERNATIVE.search(lowered) is None


def _lower(text: str) -> str:
    """``text`` lower-cased with straight apostrophes: the patterns here are written for it
    (matching without IGNORECASE costs a third as much)."""
    return text.lower().replace("’", "'")


def turn_contexts(
    conversation: Conversation, learned: LearnedView | None = None
) -> dict[int, TurnContext]:
    """The context of every customer message that follows an agent reply, by message index.

    Args:
        conversation: the conversation.
        learned: its learned view (embeddings and the ``acts`` head); ``None``: words only.
    """
    found: dict[int, TurnContext] = {}
    said = _Said(conversation, learned)
    reply: int | None = None  # the latest agent message after the customer's last one
    answered: list[int] = []  # customer messages an agent reply has followed
    pending: list[int] = []  # customer messages not yet answered
    for index, message in enumerate(conversation.messages):
        if message.role is not Role.CUSTOMER:
            if message.is_reply and message.text.strip():  # not a note or a system notice
                reply = index
                answered.extend(pending)
                pending = []
            continue
        if reply is not None:
            recent = answered[-MAX_EARLIER:]
            found[index] = _context(conversation, learned, reply, said.repetition(index, recent))
        reply = None
        pending.append(index)
    return found


def _context(
    conversation: Conversation, learned: LearnedView | None, reply: int, repetition: float
) -> TurnContext:
    text = _lower(conversation.messages[reply].text)
    closing = _CLOSING_CHECK.search(text) is not None
    solution = _SOLUTION.search(text) is not None
    if learned is not None and "acts" in learned.thresholds:
        rows = learned.rows(reply)
        closing = closing or any(learned.fires("acts", "closing_check", r) for r in rows)
        solution = solution or any(learned.fires("acts", "solution", r) for r in rows)
    offer = _ALTERNATIVE.search(text) is not None
    refusal = _INABILITY.search(text) is not None and not offer
    return TurnContext(
        after_reply=True,
        refusal=refusal,
        offer=offer,
        closing_check=closing,
        solution=solution and not refusal,
        repetition=repetition,
    )


class _Said:
    """What each customer message says, worked out once per conversation: its words
    beyond courtesies and stop words, and (with the learned view) the rows of its
    sentences that say something ("Thanks!" and "Hi" repeat nothing)."""

    def __init__(self, conversation: Conversation, learned: LearnedView | None) -> None:
        self.messages = conversation.messages
        self.learned = learned
        self._words: dict[int, set[str]] = {}
        self._rows: dict[int, list[int]] = {}

    def words(self, index: int) -> set[str]:
        if index not in self._words:
            self._words[index] = _meaningful(self.messages[index].text)
        return self._words[index]

    def rows(self, index: int) -> list[int]:
        if index not in self._rows:
            learned, text = self.learned, self.messages[index].text
            assert learned is not None
            self._rows[index] = [
                row
                for row in learned.rows(index)
                if len(_meaningful(text[learned.spans[row].start : learned.spans[row].end]))
                >= MIN_REPEAT_WORDS
                and not is_formulaic(text[learned.spans[row].start : learned.spans[row].end])
            ]
        return self._rows[index]

    def repetition(self, index: int, earlier: list[int]) -> float:
        """How much message ``index`` repeats the ``earlier`` customer messages (0 if none)."""
        if not earlier or len(self.words(index)) < MIN_REPEAT_WORDS:
            return 0.0
        learned = self.learned
        if learned is not None and learned.rows(index):
            own = self.rows(index)
            if not own:
                return 0.0  # before reading the earlier messages' sentences
            before = [row for other in earlier for row in self.rows(other)]
            if not before:
                return 0.0
            return max(learned.similarity(row, before) for row in own)
        words, best = self.words(index), 0.0
        for other in earlier:
            seen = self.words(other)
            if len(seen) >= MIN_REPEAT_WORDS:
                best = max(best, len(words & seen) / len(words))
        return best


def _meaningful(text: str) -> set[str]:
    """The words of ``text`` beyond stop words and courtesies ("yes that is right": none).

    The stop words of contact-reason labels already hold thanks and greetings; a plain
    word split and a set lookup cost a fifth of :func:`content_words`'s formula pattern.
    """
    return set(WORD.findall(_lower(text))).difference(_not_meaningful())


@cache
def _not_meaningful() -> frozenset[str]:
    """The stop words and :data:`_COURTESY` in one set, made once: :func:`stop_words` makes
    a new union per call, and :func:`_meaningful` reads every customer message's sentences."""
    return stop_words("en") | _COURTESY


_COURTESY = frozenset(
    {"great", "good", "nice", "right", "bye", "goodbye", "day", "ok", "okay", "fine", "sure"}
)
"""Courtesy and assent words the stop words lack."""
