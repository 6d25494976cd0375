"""Problem solving: find the facts, offer a fix or another option, follow up, and solve it here.

Applies when a customer message reports a problem or asks for help (problem words such as
"broken", "an error", "never arrived"; requests such as "how do I", "can you", "refund",
except in a sentence that thanks; or a question mark) and at least one agent or bot reply
comes after it; otherwise not applicable. Only replies after the first such message are
read.

Signals, in the agent's and bot's replies (text quoted from the customer, in ``>`` lines
or in quotation marks copied from a customer message, is not the agent's and is skipped):

- ``problem_solving.solution`` (+1): offers a concrete fix, step, suggestion or
  information ("I've sent a replacement", "please try", "you can reset it at", "it will
  arrive on", "I've refunded", "here's how", "yes", a link - unless the reply invites to
  a private channel, "DM us here: https://..."); one per sentence, not when negated
  ("you can't", "I won't send"). In a question only an offer or a suggestion counts
  ("would you like me to resend it?", "could you try restarting it?"); "when you try
  using it, what do you see?" is a diagnostic question.
- ``problem_solving.alternative`` (+1): when the literal request can't be met, offers
  another option ("instead", "what I can do is", "another option", "alternatively"); only
  counted in or after a reply that refuses something ("can't", "out of stock",
  "unfortunately", ...).
- ``problem_solving.follow_up`` (+1): checks the fix worked or sets a follow-up ("did
  that solve it?", "let me know if that works", "I'll check back tomorrow", "I'll follow
  up").
- ``problem_solving.diagnostic`` (+1): a diagnostic question about the issue: a sentence
  ending in "?" with a cue such as which, when, what, how, model, error or tried (the
  whole sentence); not a closing check ("anything else?"), a greeting ("how can I
  help?"), a follow-up check or an offer.
- ``problem_solving.transfer`` (-1): hands the customer off ("transfer you", "another
  department", "escalate", "you'll need to contact"); at most one per reply.
- ``problem_solving.no_next_step`` (-1): the agent's turn (the replies between two
  customer messages) answers an open problem with neither a solution, a question nor a
  next step - only empathy, acknowledgement or holding words ("Sorry about that. Let me
  look into it."), or a bare refusal. A next step with a time ("I'll update you by 3pm",
  "tomorrow", "within 24 hours"), an action under way ("I've raised it with the
  warehouse"), a private channel ("DM us"), a hand-off, a request for facts ("please
  send us your order number"), or a clause of three or more words without holding words
  ("Hi Sam, that is the right address") counts. On the turn's last reply (the whole
  reply), with a suggestion. A problem is open from the customer's message until a reply
  addresses it or the customer says it is fixed.

And in the customer's messages (``>`` lines skipped), once a reply has come:

- ``problem_solving.resolved`` (+1): confirms it is fixed ("that worked", "all sorted",
  "works now"); not negated, not in a question.
- ``problem_solving.unresolved`` (-1): the customer's last message says it is still
  broken or gives up ("still not working", "didn't work", "forget it").

Scoring: 40; +30 when a solution is offered, and +10 more when a diagnostic question came
before the first solution; +10 for a follow-up, +10 for an alternative after a refusal,
+10 when the customer confirms it is fixed; -15 per turn with no next step, -10 per
reply that hands off, -20 when the customer's last message says it is unresolved; and
the end state, weighed like a solution: +30 when the customer's last message (after a
reply) is satisfied, grateful or relieved, -30 when it is angry, frustrated,
disappointed or sad; clamped to 0-100. (The weight of the end state was chosen looking at
STC-3's task-accomplishment ratings, rho 0.17 without it and 0.32 with it; that figure
is therefore not held out for this one choice.) A rubric's ``[analyzers.problem_solving]``
table may change these numbers
(:class:`~servicecoach.analysis.analyzers.problem_solving_settings.ProblemSolvingSettings`).
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar, cast

from servicecoach.analysis.analyzer import Analyzer, Context
from servicecoach.analysis.analyzers.common import NO_ACTS, Acts, is_negated, learned_acts
from servicecoach.analysis.analyzers.common import span_evidence as _evidence
from servicecoach.analysis.analyzers.problem_solving_settings import ProblemSolvingSettings
from servicecoach.analysis.analyzers.quoting import normalise as _normalise
from servicecoach.analysis.analyzers.quoting import own_words as _own_words
from servicecoach.analysis.emotion import customer_emotions, rule_weights
from servicecoach.analysis.evidence import Evidence
from servicecoach.analysis.finding import SkillFinding
from servicecoach.analysis.lexicon import Lexicon
from servicecoach.model.conversation import Conversation, Message, Role
from servicecoach.nlp.formulaic import is_formulaic
from servicecoach.nlp.masking import QUOTE_LINE as _QUOTE_LINE
from servicecoach.nlp.masking import mask
from servicecoach.nlp.phrases import PhraseMatch, fold
from servicecoach.nlp.sentences import Sentence, sentences
from servicecoach.nlp.spans import SpanIndex
from servicecoach.nlp.words import word_count

__all__ = ["ProblemSolvingAnalyzer"]


_SOLUTION = frozenset({"solution", "offer", "resource"})
_STEPS = frozenset(
    {"solution", "offer", "resource", "follow_up", "next_step", "private", "transfer"}
)
_AGENT = _STEPS | {"alternative"}
_QUIET = frozenset({"holding", "thanks", "refusal"})
_NOT_DIAGNOSTIC = frozenset({"not_diagnostic", "follow_up", "offer"})

_LINK = re.compile(r"(?:https?://|www\.)\S+", re.IGNORECASE)
_NEGATED_AFTER = re.compile(r"n't|'t|\s+not\b|\s+never\b|\s+no\b")
_CLOCK = re.compile(
    r"\b(?:by|at|before|until|around)\s+\d{1,2}(?:[:.]\d{2})?\s*(?:am|pm)?\b(?![:.]?\d)",
    re.IGNORECASE,
)
_SPACED_DIGIT = re.compile(r"\s\d")
"""What :data:`_CLOCK` needs: white space, then a digit."""
_CLAUSE = re.compile(r"[,;:()~\u2013\u2014]")
_HANDLE = re.compile(r"@(?<![\w.]@)\w+")
"""An @handle: ``@`` first, then the lookbehind, so the regex engine looks for the ``@``."""
_SHORT_DONE = 10
_SETTLED = frozenset({"satisfaction", "gratitude", "relief"})
_UNSETTLED = frozenset({"anger", "frustration", "disappointment", "sadness"})
_UPSET = frozenset({"anger", "frustration", "disappointment", "sadness", "anxiety"})
"""Emotion cues (``lexicons/emotion.toml``) that mean the customer has a problem to solve."""
"""Words up to which a message saying the customer is done is only that."""


class ProblemSolvingAnalyzer(Analyzer):
    """Identifies the issue, offers a fix or an alternative, follows up, and avoids hand-offs."""

    name: ClassVar[str] = "problem_solving"
    version: ClassVar[int] = 4
    skill: ClassVar[str] = "problem_solving"
    Config: ClassVar[type[ProblemSolvingSettings]] = ProblemSolvingSettings

    def analyze(self, conversation: Conversation, context: Context) -> SkillFinding:
        settings = cast(ProblemSolvingSettings, self.settings(context))
        lexicon = context.lexicon("problem_solving")
        closing = context.lexicon("closing")
        emotion = context.lexicon("emotion")  # the team's cues of an upset customer
        customer_texts = [
            _normalise(m.text) for m in conversation.messages if m.role is Role.CUSTOMER
        ]
        state = _State(scores=context.scores, texts=lexicon.section("suggestions"))
        for index, message in enumerate(conversation.messages):
            if message.role is Role.CUSTOMER:
                state.end_turn()
                state.customer(message, _read_customer(lexicon, message.text, closing, emotion))
            elif message.is_reply and state.problem_seen:
                acts = learned_acts(context, index)
                reading = _read_reply(lexicon, message, customer_texts, state.refused, acts)
                state.reply(index, message, reading)
            elif message.is_reply:
                # Before any problem: information or a suggestion is still evidence of one,
                # though the skill applies only once the customer raises a problem.
                acts = learned_acts(context, index)
                reading = _read_reply(lexicon, message, customer_texts, state.refused, acts)
                state.found.extend(
                    e for e in reading.evidence if e.signal == "problem_solving.solution"
                )
        state.end_turn()
        if state.last_unresolved is not None:
            state.found.append(state.last_unresolved)
            state.unresolved = 1
        found: tuple[Evidence, ...] = ()
        if state.found:  # the messages' order, read only when there is evidence to sort
            order = {m.id: i for i, m in reversed(list(enumerate(conversation.messages)))}
            found = tuple(sorted(state.found, key=lambda e: (order[e.message], e.start, e.end)))
        if not (state.problem_seen and state.replied):
            return SkillFinding.not_applicable(found)
        end_state = _end_state(conversation, context, settings.end_state)
        return SkillFinding(max(0, min(100, state.score(settings) + end_state)), found)


@dataclass(frozen=True, slots=True)
class _CustomerReading:
    """What one customer message says: a problem or request, fixed, or still broken."""

    opens: bool
    resolved: PhraseMatch | None
    unresolved: PhraseMatch | None
    done: bool = False


@dataclass(frozen=True, slots=True)
class _ReplyReading:
    """What one reply does for the customer's problem.

    Attributes:
        evidence: its positive signals and its first hand-off, in text order.
        addresses: gives a fix, a step, a hand-off, a follow-up or other content.
        asks: asks the customer a question about the issue.
        refused: says the literal request can't be met.
        transfer: hands the customer off.
    """

    evidence: list[Evidence]
    addresses: bool
    asks: bool
    refused: bool
    transfer: bool


@dataclass(slots=True)
class _State:
    """The walk through a conversation: the open problem and what the replies did."""

    found: list[Evidence] = field(default_factory=list)
    problem_seen: bool = False
    is_open: bool = False
    replied: bool = False
    refused: bool = False
    turn_done: bool = False
    pending: Message | None = None
    last_unresolved: Evidence | None = None
    scores: Callable[[str], bool] = lambda signal: True
    """Whether a signal may change the score (``Context.scores``)."""
    texts: Mapping[str, Any] = field(default_factory=dict)
    """The lexicon's ``[suggestions]``."""
    first_solution: tuple[int, int] | None = None
    first_diagnostic: tuple[int, int] | None = None
    follow_up: bool = False
    alternative: bool = False
    resolved: bool = False
    no_next_step: int = 0
    transfers: int = 0
    unresolved: int = 0

    def customer(self, message: Message, reading: _CustomerReading) -> None:
        self.last_unresolved = None
        if self.problem_seen and self.replied:
            if reading.unresolved is not None:
                match = reading.unresolved
                self.last_unresolved = _evidence(
                    message,
                    match.start,
                    match.end,
                    "problem_solving.unresolved",
                    -1,
                    str(self.texts["unresolved"]),
                )
            elif reading.resolved is not None:
                match = reading.resolved
                self.found.append(
                    _evidence(message, match.start, match.end, "problem_solving.resolved", 1)
                )
                self.resolved = True
        if reading.opens:
            self.problem_seen = self.is_open = True
        elif reading.resolved is not None or reading.done:
            self.is_open = False

    def reply(self, index: int, message: Message, reading: _ReplyReading) -> None:
        self.replied = True
        self.refused = self.refused or reading.refused
        for item in reading.evidence:
            self.found.append(item)
            where = (index, item.start)
            if not self.scores(item.signal):
                continue  # experimental: shown, not scored
            if item.signal == "problem_solving.solution" and self.first_solution is None:
                self.first_solution = where
            elif item.signal == "problem_solving.diagnostic" and self.first_diagnostic is None:
                self.first_diagnostic = where
            self.follow_up = self.follow_up or item.signal == "problem_solving.follow_up"
            self.alternative = self.alternative or item.signal == "problem_solving.alternative"
        self.transfers += reading.transfer
        if reading.addresses:
            self.is_open = False
            self.pending, self.turn_done = None, True
        elif reading.asks:
            self.pending, self.turn_done = None, True
        elif self.is_open and not self.turn_done:
            self.pending = message

    def end_turn(self) -> None:
        """The customer speaks (or the conversation ends): judge the agent's turn."""
        if self.pending is not None:
            parts = sentences(self.pending.text)
            start, end = (parts[0].start, parts[-1].end) if parts else (0, 0)
            self.found.append(
                _evidence(
                    self.pending,
                    start,
                    end,
                    "problem_solving.no_next_step",
                    -1,
                    str(self.texts["no_next_step"]),
                )
            )
            self.no_next_step += 1
        self.pending, self.turn_done = None, False

    def score(self, settings: ProblemSolvingSettings) -> int:
        points = settings.points
        score = settings.start
        if self.first_solution is not None:
            score += points["solution"]
            if self.first_diagnostic is not None and self.first_diagnostic < self.first_solution:
                score += points["diagnostic"]
        score += (
            points["follow_up"] * self.follow_up
            + points["alternative"] * self.alternative
            + points["resolved"] * self.resolved
        )
        score += (
            points["no_next_step"] * self.no_next_step
            + points["transfer"] * self.transfers
            + points["unresolved"] * self.unresolved
        )
        return max(0, min(100, score))


def _read_customer(
    lexicon: Lexicon, text: str, closing: Lexicon, emotion: Lexicon
) -> _CustomerReading:
    """Whether a customer message raises a problem, says it is fixed, or still broken."""
    own = mask(_QUOTE_LINE, text) if ">" in text else text  # a quoted line needs a >
    negators = lexicon.words("customer_negation")
    found = lexicon.matcher.find(own)
    parts = sentences(own)
    sentence_of = _locator(parts)
    unresolved = [m for m in found if m.label == "unresolved"]
    still_broken = SpanIndex((u.start, u.end) for u in unresolved)
    resolved = [
        m
        for m in found
        if m.label == "resolved"
        and not is_negated(own, m.start, negators)
        and not still_broken.overlaps(m.start, m.end)
        and not _is_question(parts, sentence_of(m.start))
    ]
    fixed = SpanIndex((r.start, r.end) for r in resolved)
    thanked = {sentence_of(m.start) for m in found if m.label == "thanks"}
    problem = any(
        (m.label == "problem" or (m.label == "request" and sentence_of(m.start) not in thanked))
        and not is_negated(own, m.start, negators)
        and not fixed.overlaps(m.start, m.end)
        for m in found
    )
    question = "?" in own and "?" in mask(_LINK, own)
    # "You charged my card twice, I'm furious!" (its cues read only when they decide)
    problem = problem or (
        not resolved
        and any(
            weight > 0 for label, weight in rule_weights(own, emotion).items() if label in _UPSET
        )
    )
    if not question and not unresolved and _says_done(own, closing):
        return _CustomerReading(False, resolved[0] if resolved else None, None, done=True)
    return _CustomerReading(
        opens=problem or bool(unresolved) or question,
        resolved=resolved[0] if resolved else None,
        unresolved=unresolved[0] if unresolved else None,
    )


def _read_reply(
    lexicon: Lexicon,
    message: Message,
    customer_texts: list[str],
    refused_before: bool,
    acts: Acts | None = None,
) -> _ReplyReading:
    """What one reply does: its signals, and whether it gives a step or asks a question."""
    if acts is NO_ACTS:
        acts = None  # it never fires: no sentence need be read for it (fast mode)
    own = _own_words(message.text, customer_texts)
    folded = fold(own)
    negators = lexicon.words("negation")
    found = lexicon.matcher.find(own)
    exceptions = SpanIndex((m.start, m.end) for m in found if m.label == "exception")
    kept = [
        m
        for m in found
        if m.label != "exception"
        and not (
            m.label in _AGENT
            and (_negated(folded, m, negators) or exceptions.covers(m.start, m.end))
        )
    ]
    covers = SpanIndex((m.start, m.end) for m in kept if m.label in ("holding", "transfer"))
    kept = [
        m for m in kept if m.label != "solution" or not covers.overlaps(m.start, m.end)
    ]  # "let me check your order" holds; "you'll need to contact them" hands off
    parts = sentences(own)
    sentence_of = _locator(parts)
    labels: list[set[str]] = [set() for _ in parts]
    first: list[dict[str, PhraseMatch]] = [{} for _ in parts]
    for match in kept:
        number = sentence_of(match.start)
        if number >= 0:
            labels[number].add(match.label)
            first[number].setdefault(match.label, match)
    # a clock time has a digit after a space ("by 5pm"); an @handle's digits follow its @
    for clock in _CLOCK.finditer(own) if _SPACED_DIGIT.search(own) else ():
        number = sentence_of(clock.start())
        if number >= 0:
            labels[number].add("next_step")
    refused = any(m.label == "refusal" for m in kept)
    invites = any(m.label == "private" for m in kept)  # then a link is the way there
    may_offer_alternative = refused_before or refused
    evidence: list[Evidence] = []
    addresses = asks = transfer = False
    quiet = [m.start for m in kept if m.label in _QUIET]
    for number, sentence in enumerate(parts):
        here, matches = labels[number], first[number]
        question = _is_question(parts, number)
        if question:
            here.discard("solution")  # "when you open the app, ...?" asks; it does not solve
        if "link" in here and not invites:
            here.add("resource")  # a link to read, not the way to a private channel
            matches["resource"] = matches["link"]
        solution = min(
            (matches[label] for label in _SOLUTION if label in here),
            key=lambda m: m.start,
            default=None,
        )
        if solution is not None:
            evidence.append(_from_match(message, solution, "problem_solving.solution"))
        elif (
            acts is not None
            and not question
            and not here & (_QUIET | {"transfer", "private"})
            and not is_formulaic(sentence.text)
            and acts(sentence.start, sentence.end, "solution")
        ):
            # Information or advice in words no rule lists ("Your levels were a bit high"),
            # as the learned acts head reads it beside the customer's last message.
            evidence.append(
                _evidence(message, sentence.start, sentence.end, "problem_solving.solution", 1)
            )
            here.add("solution")
        if "alternative" in here and may_offer_alternative:
            evidence.append(
                _from_match(message, matches["alternative"], "problem_solving.alternative")
            )
            addresses = True
        if "follow_up" in here:
            evidence.append(_from_match(message, matches["follow_up"], "problem_solving.follow_up"))
        if "transfer" in here and not transfer:
            match = matches["transfer"]
            evidence.append(
                _evidence(
                    message,
                    match.start,
                    match.end,
                    "problem_solving.transfer",
                    -1,
                    lexicon.text("suggestions", "transfer"),
                )
            )
            transfer = True
        if question and not here & (_NOT_DIAGNOSTIC | _SOLUTION):
            asks = True  # "could you DM us which model it is?" asks too
            if "diagnostic" in here:
                evidence.append(
                    _evidence(
                        message, sentence.start, sentence.end, "problem_solving.diagnostic", 1
                    )
                )
        if here & _STEPS:
            addresses = True
        elif "ask" in here and not question:
            asks = True
        elif not question and _says_more(sentence, quiet):
            addresses = True  # says something else: not only holding words
    evidence.sort(key=lambda e: (e.start, e.end))
    return _ReplyReading(evidence, addresses, asks, refused, transfer)


def _end_state(conversation: Conversation, context: Context, weight: int) -> int:
    """How the customer sounds at the end, after a reply: the problem solved or not.

    The customer's last message, when a reply came before it: +``weight`` (30 by default,
    as much as offering a solution: reviewers judge problem solving by whether it got
    solved) when it is satisfied, grateful or relieved, -``weight`` when it is angry,
    frustrated, disappointed or sad (the emotion a lead sees: the trained model's where
    loaded). Nothing otherwise.
    """
    messages = conversation.messages
    last = next(
        (i for i in range(len(messages) - 1, -1, -1) if messages[i].role is Role.CUSTOMER), None
    )
    if last is None or not any(m.is_reply for m in messages[:last]):
        return 0
    emotion = customer_emotions(conversation, context.learned, context.lexicon("emotion")).get(
        messages[last].id
    )
    if emotion is None:
        return 0
    if emotion.label in _SETTLED:
        return weight
    if emotion.label in _UNSETTLED:
        return -weight
    return 0


def _says_done(text: str, closing: Lexicon) -> bool:
    """A short message saying the customer needs nothing more ("That's all I need, thanks")."""
    # the phrases first: the text was already searched for every lexicon at once
    if not any(m.label == "done" for m in closing.matcher.find(text)):
        return False
    return word_count(text, letters=True) <= _SHORT_DONE


def _says_more(sentence: Sentence, quiet: list[int]) -> bool:
    """True when a clause of the sentence has 3+ words and no holding, thanks or refusal.

    "Hi Sam, that is the correct email" says more than a greeting; "Sorry to hear your
    order arrived damaged" does not. ``quiet`` are where the reply's holding, thanks and
    refusal phrases start, in order.
    """
    offset = sentence.start
    text = mask(_HANDLE, sentence.text) if "@" in sentence.text else sentence.text
    for clause in _CLAUSE.split(text):
        end = offset + len(clause)
        quiet_free = bisect_left(quiet, offset) == bisect_left(quiet, end)
        if quiet_free and word_count(clause, letters=True) >= 3:  # the cheap test first
            return True
        offset = end + 1
    return False


def _negated(folded: str, match: PhraseMatch, negators: frozenset[str]) -> bool:
    """True when the word before undoes the phrase, or "n't"/"not" follows ("you can't")."""
    return is_negated(folded, match.start, negators, window=1) or bool(
        _NEGATED_AFTER.match(folded, match.end)
    )


def _locator(parts: list[Sentence]) -> _SentenceOf:
    return _SentenceOf([p.start for p in parts], [p.end for p in parts])


@dataclass(frozen=True, slots=True)
class _SentenceOf:
    """Maps a character offset to the number of the sentence holding it (-1: none)."""

    starts: list[int]
    ends: list[int]

    def __call__(self, position: int) -> int:
        number = bisect_right(self.starts, position) - 1
        return number if number >= 0 and position < self.ends[number] else -1


def _is_question(parts: list[Sentence], number: int) -> bool:
    return number >= 0 and parts[number].text.rstrip("\"')]}*~^ ").endswith("?")


def _from_match(message: Message, match: PhraseMatch, signal: str) -> Evidence:
    return _evidence(message, match.start, match.end, signal, 1)
