"""Closing: close when the issue is solved and the customer is ready, warmly, without dragging on.

Applies when an agent or bot replied to the customer and the conversation looks finished:
the customer's last message thanks the agent, says the problem is solved or says they are
done, or the last message is the agent's close (a check, a sign-off or a warm close).
Otherwise (an ongoing conversation) the skill is not applicable.

Each customer message is read as *open* (reports a problem that is not solved, asks a
question, or "thanks, but..."), *done* ("that's all", "no thanks", "all good now"),
*resolved* ("that worked"), *thanks*, or neutral; an open problem stays open until a
reply addresses it or the customer says it is settled or thanks the agent. A reply
*addresses* it when one of its sentences, apart from the checks and sign-offs, gives
something: a fix, an action taken, a step or an answer ("I've refunded it", "try
restarting", "yes, ..."), or simply says more than an acknowledgement, apology, greeting
or "let me check" - a question back to the customer does not address it.

Signals, in the agent's and bot's replies (text quoted from the customer, in ``>`` lines
or double quotes, is skipped):

- ``closing.check`` (+1): checks whether anything else is needed ("is there anything else
  I can help with?", "let me know if you need anything else"). Reported wherever it is
  asked; it earns score only when it is neither premature nor dragging on (those
  signals are reported on the same words).
- ``closing.premature`` (-1): such a check, or a push to close ("I'll close this
  ticket", "have a great day", "goodbye"), in a reply that does not address the
  customer's problem or question while it is still open (no reply has addressed it yet).
- ``closing.warm`` (+1): a warm close ("have a great day", "take care", "happy to help"),
  once the problem is settled or in the last reply ("Happy to help!" opening a reply to
  a new problem is not a close).
- ``closing.recap`` (+1): a recap of what was agreed or of the next steps ("to recap",
  "as agreed", "next steps").
- ``closing.drag`` (-1): after the customer said they are done, the reply asks another
  question or makes a pitch (one per reply, on the sentence).

Scoring: start at 60; +20 when there is a check that is not premature, +15 for a warm
close, +10 for a recap (each counted once); -35 per premature check or close (at most one
per reply) and -20 per reply that drags; clamped to 0-100. A rubric's
``[analyzers.closing]`` table may change these numbers
(:class:`~servicecoach.analysis.analyzers.closing_settings.ClosingSettings`).
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable
from dataclasses import dataclass
from typing import ClassVar, cast

from servicecoach.analysis.analyzer import Analyzer, Context
from servicecoach.analysis.analyzers.closing_settings import ClosingSettings
from servicecoach.analysis.analyzers.common import is_negated
from servicecoach.analysis.analyzers.common import span_evidence as _evidence
from servicecoach.analysis.evidence import Evidence
from servicecoach.analysis.finding import SkillFinding
from servicecoach.analysis.lexicon import Lexicon
from servicecoach.model.conversation import Conversation, Message, Role
from servicecoach.nlp.masking import QUOTE_LINE as _LINE_QUOTE
from servicecoach.nlp.masking import QUOTED as _QUOTED
from servicecoach.nlp.masking import mask
from servicecoach.nlp.phrases import PhraseMatch
from servicecoach.nlp.sentences import Sentence, sentences
from servicecoach.nlp.spans import SpanIndex, starting_in
from servicecoach.nlp.words import WORD

__all__ = ["ClosingAnalyzer"]

_OPEN, _DONE, _RESOLVED, _THANKS, _NEUTRAL = "open", "done", "resolved", "thanks", "neutral"
_FINISHED = frozenset({_DONE, _RESOLVED, _THANKS})
_PUSH = frozenset({"check", "close", "signoff"})
_CLOSING = frozenset({"check", "close", "signoff", "warm", "recap"})
_WARM = frozenset({"signoff", "warm"})

_HANDLE = re.compile(r"@(?<![\w.]@)\w+")
"""An @handle: ``@`` first, then the lookbehind, so the regex engine looks for the ``@``."""
_LINK = re.compile(r"(?:https?://|www\.)\S+", re.IGNORECASE)
_BUT = re.compile(r"\b(?:but|however|although|though|except|still)\b", re.IGNORECASE)
_DECLINED = re.compile(
    r"\b(?:nothing (?:else|more)|that'?s (?:all|everything|it)|that is (?:all|everything|it)"
    r"|no(?:,)? thanks?|no thank you|no more|no further|that will be all|that'?ll be all)\b",
    re.IGNORECASE,
)
_LOOKBACK = 80  # characters read before a phrase to see whether it is negated


class ClosingAnalyzer(Analyzer):
    """Checks for anything else once the issue is solved, closes warmly, and doesn't drag on."""

    name: ClassVar[str] = "closing"
    version: ClassVar[int] = 2
    skill: ClassVar[str] = "closing"
    Config: ClassVar[type[ClosingSettings]] = ClosingSettings

    def analyze(self, conversation: Conversation, context: Context) -> SkillFinding:
        settings = cast(ClosingSettings, self.settings(context))
        lexicon = context.lexicon("closing")
        negators = lexicon.words("negation")
        found: list[Evidence] = []
        is_open = False  # a customer problem or question no reply has addressed yet
        drag_eligible = False  # the customer said they are done; the agent should stop
        seen_customer = replied = False
        said = ""  # the customer's last message
        last_kind: str | None = None  # the last customer message's reading
        last_is_close = False  # the last message is a reply with a closing phrase
        checks = premature = drags = 0
        warm = recap = False
        replies = [i for i, m in enumerate(conversation.messages) if m.is_reply]
        last_reply = replies[-1] if replies else -1
        for index, message in enumerate(conversation.messages):
            if message.role is Role.CUSTOMER:
                last_kind = _read_customer(lexicon, message.text, negators)
                seen_customer, last_is_close = True, False
                is_open = last_kind == _OPEN or (is_open and last_kind == _NEUTRAL)
                drag_eligible = last_kind == _DONE
                said = message.text
                continue
            if not message.is_reply:
                continue
            replied = replied or seen_customer
            reply = _read_reply(lexicon, message, needs_substance=is_open)
            last_is_close = bool(reply.closing)
            early = is_open and not reply.substantive
            # Asking "anything else?" again drags on only after the customer has said
            # there is nothing else; after "thanks, bye" it is a courtesy. (Read only for
            # a reply that may drag on after a customer who is done.)
            if (
                drag_eligible
                and reply.drag is not None
                and (not reply.drag_is_check or _DECLINED.search(said) is not None)
            ):
                found.append(
                    _evidence(
                        message,
                        *reply.drag,
                        "closing.drag",
                        -1,
                        lexicon.text("suggestions", "drag"),
                    )
                )
                drags += 1
            elif reply.pushes and early:
                push = reply.pushes[0]
                found.append(
                    _evidence(
                        message,
                        push.start,
                        push.end,
                        "closing.premature",
                        -1,
                        lexicon.text("suggestions", "premature"),
                    )
                )
                premature += 1
            else:
                checks += any(match.label == "check" for match in reply.pushes)
            # A check is a check whenever it is asked (the act a reviewer labels); it
            # earns score only when well timed, and premature or drag says when it is not.
            for match in reply.pushes:
                if match.label == "check":
                    found.append(_evidence(message, match.start, match.end, "closing.check", 1))
            # Warm words count at the close: once the problem is settled, or in the last reply.
            # A sign-off ("goodbye", "have a great day") is a close wherever it is said;
            # it earns score only at the right time (premature says when it is not).
            at_close = not early and (not is_open or index == last_reply)
            for match in reply.closing:
                if match.label in _WARM and (at_close or match.label == "signoff"):
                    found.append(_evidence(message, match.start, match.end, "closing.warm", 1))
                    warm = warm or at_close
            for match in reply.closing:
                if match.label == "recap":
                    found.append(_evidence(message, match.start, match.end, "closing.recap", 1))
                    recap = True
            if reply.substantive:
                is_open = False
        if found:  # the messages' order, read only when there is evidence to sort
            order = {m.id: i for i, m in reversed(list(enumerate(conversation.messages)))}
            found.sort(key=lambda e: (order[e.message], e.start, e.end, e.signal))
        finished = last_is_close or last_kind in _FINISHED
        if not (replied and finished):
            return SkillFinding.not_applicable(tuple(found))
        scores = context.scores
        checks *= scores("closing.check")
        warm = warm and scores("closing.warm")
        recap = recap and scores("closing.recap")
        premature *= scores("closing.premature")
        drags *= scores("closing.drag")
        points = settings.points
        score = (
            settings.start
            + points["check"] * bool(checks)
            + points["warm"] * warm
            + points["recap"] * recap
            + points["premature"] * premature
            + points["drag"] * drags
        )
        return SkillFinding(max(0, min(100, score)), tuple(found))


@dataclass(frozen=True, slots=True)
class _Reply:
    """What one reply does towards closing.

    Attributes:
        closing: its check, close, warm and recap phrases.
        pushes: its checks and pushes to close, in order.
        substantive: a sentence other than the pushes gives a fix, an action, a step or
            an answer (read only while a problem is open: false otherwise).
        drag: the span of its first question or pitch, if any.
    """

    closing: list[PhraseMatch]
    pushes: list[PhraseMatch]
    substantive: bool
    drag: tuple[int, int] | None
    drag_is_check: bool = False
    """The first question is a check ("What else can I help with?"), not a new topic."""


def _read_reply(lexicon: Lexicon, message: Message, *, needs_substance: bool = True) -> _Reply:
    """What one reply does towards closing.

    ``needs_substance``: whether it matters that the reply gives something (a customer
    problem or question is open; after that, whether the reply is early and whether it
    closes the problem read nothing else); without it, ``substantive`` is left false and
    the reply's sentences are not read for it.
    """
    text = message.text
    quotes = ">" in text or '"' in text or "“" in text  # what _QUOTED needs
    masked = mask(_QUOTED, text) if quotes else text
    found = _without_exceptions(lexicon.matcher.find(masked))
    parts = sentences(masked)
    starts = [sentence.start for sentence in parts]

    def sentence_of(position: int) -> int:
        number = bisect_right(starts, position) - 1
        return number if number >= 0 and position < parts[number].end else -1

    closing = [m for m in found if m.label in _CLOSING]
    pushes = [m for m in closing if m.label in _PUSH]
    push_sentences = {sentence_of(m.start) for m in pushes}
    substantive = needs_substance and _substantive(
        len(masked), found, parts, pushes, push_sentences, sentence_of
    )
    pitches = {sentence_of(m.start) for m in found if m.label == "pitch"}
    drag: tuple[int, int] | None = None
    check_only = False
    for number, sentence in enumerate(parts):
        if number in pitches or _is_question(sentence):
            drag = (sentence.start, sentence.end)
            check_only = number in push_sentences and number not in pitches
            break
    return _Reply(closing, pushes, substantive, drag, check_only)


def _substantive(
    size: int,
    found: list[PhraseMatch],
    parts: list[Sentence],
    pushes: list[PhraseMatch],
    push_sentences: set[int],
    sentence_of: Callable[[int], int],
) -> bool:
    """Whether a sentence other than the pushes gives a fix, an action, a step or an answer
    (``size``: the length of the text; the other arguments: its reading in _read_reply)."""
    # "Admission is 5 pounds, anything else?": the words before the check still answer.
    leads = [
        Sentence(parts[n].start, m.start, parts[n].text[: m.start - parts[n].start])
        for m in pushes
        if (n := sentence_of(m.start)) >= 0 and m.start > parts[n].start
    ]
    in_ack = bytearray(size)
    for match in found:
        if match.label == "ack":
            in_ack[match.start : match.end] = b"\x01" * (match.end - match.start)
    labels: dict[int, set[str]] = {}
    for match in found:
        if match.label == "solution" and in_ack[match.start]:
            continue  # "please hold" is not a step
        labels.setdefault(sentence_of(match.start), set()).add(match.label)
    return any(
        _addresses(sentence, labels.get(number, set()))
        for number, sentence in enumerate(parts)
        if number not in push_sentences
    ) or any(_addresses(lead, _labels_in(found, lead) - _CLOSING) for lead in leads)


def _labels_in(found: list[PhraseMatch], part: Sentence) -> set[str]:
    """The labels of the phrases that start inside ``part`` (``found`` is in text order)."""
    return {m.label for m in starting_in(found, part.start, part.end)}


def _without_exceptions(found: list[PhraseMatch]) -> list[PhraseMatch]:
    """The matches that no ``not_closing`` phrase ("take care of") covers."""
    spans = SpanIndex((m.start, m.end) for m in found if m.label == "not_closing")
    return [m for m in found if m.label != "not_closing" and not spans.covers(m.start, m.end)]


def _addresses(sentence: Sentence, labels: set[str]) -> bool:
    """True when a (non-closing) sentence gives a fix, an action, a step or an answer."""
    if _is_question(sentence):
        return False  # still gathering facts
    if "solution" in labels:
        return True
    text = mask(_HANDLE, sentence.text) if "@" in sentence.text else sentence.text
    words = [w for w in WORD.findall(text) if w.isalpha()]
    return "ack" not in labels and len(words) >= 3


def _read_customer(lexicon: Lexicon, text: str, negators: frozenset[str]) -> str:
    """Whether a customer message is open, done, resolved, thanks or neutral."""
    masked = mask(_LINE_QUOTE, text) if ">" in text else text  # a quoted line needs a >
    found = lexicon.matcher.find(masked)
    # "can't wait", "all I need": words of an open problem that do not open one
    covers = SpanIndex((m.start, m.end) for m in found if m.label == "not_open")
    labels = {
        m.label
        for m in found
        if m.label != "not_open"
        and (m.label not in ("open", "problem") or not _negated(masked, m, negators))
        and not (m.label in ("open", "problem") and covers.covers(m.start, m.end))
    }
    asks = "?" in masked and "?" in mask(_LINK, masked)
    if "open" in labels or asks:
        return _OPEN
    if "problem" in labels and _RESOLVED not in labels:
        return _OPEN
    for kind in (_DONE, _RESOLVED, _THANKS):
        if kind in labels:
            return kind
    return _NEUTRAL


def _negated(text: str, match: PhraseMatch, negators: frozenset[str]) -> bool:
    if any(w in negators or w.endswith("n't") for w in WORD.findall(match.phrase.lower())):
        return False  # the phrase carries its own negation ("doesn't work")
    before = text[max(0, match.start - _LOOKBACK) : match.start]
    return is_negated(before, len(before), negators)


def _is_question(sentence: Sentence) -> bool:
    return sentence.text.rstrip("\"')]}*~^ ").endswith("?")
