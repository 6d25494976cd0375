"""Active listening: show the customer's words were heard, kept, and answered.

Applies when a customer message is followed by an agent or bot reply; otherwise not
applicable. Only replies the customer saw count as the agent's words, and never the
customer's own words quoted in them (lines starting with ``>``, or text in quotation marks
copied from a customer message).

Signals:

- ``listening.acknowledgement`` (+1): shows attention or receipt ("I see", "thanks for
  explaining", "got it", "thanks for letting us know", "I hear you"); not "once you've got
  it" or "let me see". Also a backchannel opening the reply ("Okay.", "Right, so",
  "Mm-hmm"), except "yes"/"sure" answering the customer's question.

Formulaic sentences - greetings, thanks, well-wishes, bare reactions ("Oh my!"), sign-off
initials (``^FR``, ``-JM``), @handles and links (:mod:`servicecoach.nlp.formulaic`) - are
never a paraphrase or a question: they carry nothing of the customer's issue.
- ``listening.paraphrase`` (+1): restates the customer's problem in other words. Either a
  sentence with a marker ("just to confirm", "so if I understand correctly", "so what
  you're saying is", "to make sure I've got this right", "is that right?"), or a sentence
  about the customer (it says "you" or "your", gives no action, fix, offer or request -
  no "I'll", "I've", "let me", "ships", "refund", "try", "you may", "please", "could
  you" - and is not a question unless it opens with "So") that shares at least 40% of
  the content words (lower-cased; stop words, numbers, @handles and links removed;
  suffixes stripped) of the customer's last message or of one of its sentences, but is
  no copy: the word sequences are less than 80% alike and it is not a quote; two of the
  shared words must be more than names (capitalised inside a sentence: "China
  Telecom"). Markers that only work opening a sentence ("To confirm, ...") count there
  only, and a marker leading into a wh-question ("just to confirm, who is the
  carrier?") asks rather than restates. A confirmation of the request ("So that's a
  table for four at 7pm, correct?", "you'd like ...?") that shares their words restates
  too, and is then not also counted as a question. At most one per reply.
  With the learned models (not in fast mode), a sentence also counts as a paraphrase
  when the acts head (a pair head judging the sentence with the customer's latest
  message; the counselling head where it is absent) fires ``paraphrase``, it is at least
  0.3 (cosine of sentence embeddings) like a sentence of the customer's last two
  messages, it is about the customer ("you", or opening with "so", "sounds", "it") and it
  shares a content word with their last message: precision first. Same exclusions: no
  action, request or plain question, no copy.
- ``listening.question`` (+1): a clarifying or diagnostic question about the issue: a
  sentence of the agent's own ending with "?", of three words or more, that is not a
  closing check or follow-up ("Can I help with anything else?", "Did that help?"), an
  offer ("Would you like me to...?"), a question re-asking for known information, or a
  question copied from the customer; two words are enough ("What happened?"). An
  indirect question ("tell me how", "I wonder if") counts without "?". With the learned
  models, a sentence without "?" (call transcripts rarely have one) that opens like a
  question ("could you", "what", "did") counts when the acts head fires ``question``
  (the counselling head's ``thresholds.question`` where it is absent).
- ``listening.reask`` (-1): asks again for what the customer already gave: an order or
  reference number (``#5521``, ``NW-5521``, ``order 5521``: compared by their digits), an
  email address, a phone number, their name ("my name is ...", "this is Dana", a signed
  last line), or a step they already tried ("have you tried restarting?" after "I
  restarted it"). The sentence must ask (a question, a request such as "could you send",
  or an instruction) and not already contain the value ("Is your email still ...?" is a
  confirmation). The suggestion quotes where the customer gave it.
- ``listening.repeat`` (-1, on the customer's message): the customer has to repeat
  themselves ("as I said", "I already told you", "third time", "like I mentioned", or
  "again" after a telling verb or opening a sentence: "I'm asking again", "Again, it is
  broken"; never "thanks again!" or "it broke again"). One per customer message.
- ``listening.unanswered`` (-1, on the customer's question): a customer sentence ending
  with "?" (not a rhetorical one such as "are you kidding?") followed by at least one reply,
  where no later reply shares a content word with it. A question about when ("how fast",
  "when will", "how long") is answered only by a reply that gives a time ("on Thursday",
  "tomorrow", "within 2 days", "by 3pm", "12 May"): mentioning its subject is not
  answering it. A rough rule.
- ``listening.interrupt`` (-1): in call transcripts with timings (``start_s``/``end_s``,
  or ``at``/``end``), an agent turn that starts before the customer's turn just before it
  ended, or less than ``min_gap_s`` (configurable, default 0.2 s) after it; placed on the
  turn's first sentence.

Scoring: start at 70; +10 for an acknowledgement, +15 for a paraphrase, +10 for a
question (each counted once); -20 per re-ask, -10 per repeat, -15 per unanswered question
and -10 per interruption; clamped to 0-100.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from functools import lru_cache
from itertools import islice
from typing import TYPE_CHECKING, ClassVar, cast

from servicecoach.analysis.analyzer import Analyzer, Context
from servicecoach.analysis.analyzers.common import is_negated
from servicecoach.analysis.analyzers.common import span_evidence as _evidence
from servicecoach.analysis.analyzers.listening_settings import ListeningSettings
from servicecoach.analysis.analyzers.quoting import normalise as _normalise
from servicecoach.analysis.analyzers.quoting import own_words as _own_words
from servicecoach.analysis.evidence import Evidence
from servicecoach.analysis.finding import SkillFinding
from servicecoach.analysis.lexicon import Lexicon
from servicecoach.analysis.thresholds import load_thresholds
from servicecoach.model.conversation import Conversation, Message, Role
from servicecoach.nlp.formulaic import is_formulaic, strip_noise
from servicecoach.nlp.masking import QUOTE_LINE as _QUOTE_LINE
from servicecoach.nlp.masking import blank_visible
from servicecoach.nlp.phrases import PhraseMatch, fold
from servicecoach.nlp.sentences import Sentence, sentence_index, sentences
from servicecoach.nlp.spans import SpanIndex, starting_in
from servicecoach.nlp.words import WORD, at_sign_after, folded_words, has_digit, last_words
from servicecoach.nlp.words import is_question as _is_question
from servicecoach.nlp.words import stem as _stem

if TYPE_CHECKING:
    from servicecoach.analysis.learned import LearnedView

__all__ = ["ListeningAnalyzer"]

_COVER, _COPY = 0.4, 0.8
_MAX_ALIKE = 200
"""Words of a sentence beyond which the copy check takes the quick bound (see _alike)."""
_MAX_OPENING_WORDS = 8
"""Words before a marker beyond which it does not open the sentence ("so, ok, to confirm")."""
_MAX_RESTATED = 24
"""Sentences of the customer's last message a reply's sentence may restate (besides the
whole message): each reply sentence is compared with each, so the work stays linear."""
_INFO = ("order", "email", "phone", "name")

_ORDER = re.compile(
    r"\b(?:order|ref|reference|confirmation|booking)(?:\s*(?:number|no\.?|num|id))?(?:\s+is)?"
    r"\s*[:#]?\s*#?\s*"
    r"(?P<a>[a-z]{0,4}-?\d{3,}[a-z0-9-]*)\b"
    r"|(?<![\w#])#\s?(?P<b>[a-z]{0,4}-?\d{3,}[a-z0-9-]*)\b"
    r"|\b(?P<c>[a-z]{1,4}-\d{3,}[a-z0-9-]*)\b",
    re.IGNORECASE,
)
_EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
"""An address, tried only where a run of its characters begins (at every character of a
long run, the scan to its end was quadratic)."""


def _takes_into_address(character: str) -> bool:
    """What :data:`_EMAIL` takes before the ``@`` (``[\\w.+-]``)."""
    return character.isalnum() or character in "_.+-"


_PHONE = re.compile(r"(?<![\w+])(?:\+ ?)?\(?\d[\d \t().-]{5,}\d(?!\w)")
_DIGITS = re.compile(r"\d{3}")
"""What every kind of :data:`_ORDER` needs."""
_PHONE_DIGITS = re.compile(r"\d[\d \t().-]{5,}\d")
"""What :data:`_PHONE` needs."""
_SPACES = re.compile(r"\s*")
_NOT_DIGIT = re.compile(r"\D")
_NOISE = re.compile(r"(?<![\w.])@\w+|(?:https?://|www\.)\S+", re.IGNORECASE)
_HANDLE = re.compile(r"@(?<![\w.]@)\w+")
""":data:`_NOISE` where no link can be: its @handles, with the ``@`` first so that the
regex engine looks for it (tweets all have one) instead of trying the lookbehind everywhere."""
_WH = frozenset(
    {"who", "who's", "what", "what's", "which", "where", "where's", "when", "how", "why"}
)
_TIME = re.compile(
    r"\b\d+(?:\s*(?:-|to)\s*\d+)?\s*(?:business |working )?"
    r"(?:minutes?|mins?|hours?|hrs?|days?|weeks?|months?)\b"
    r"|\b\d{1,2}(?::\d{2})?\s*(?:am|pm)\b|\b\d{1,2}:\d{2}\b"
    r"|\b\d{1,2}(?:st|nd|rd|th)\b|\b\d{1,2}[/.]\d{1,2}(?:[/.]\d{2,4})?\b",
    re.IGNORECASE,
)
"""Times in a reply: "2 days", "3-5 business days", "3pm", "10:30", "the 12th", "12/05"."""
_SECOND_PERSON = frozenset({"you", "your", "you're", "you've", "you'd", "you'll", "yours"})
_MIN_SIMILARITY = 0.3
"""Cosine a learned reflection needs with the customer's recent words (precision first)."""
_INTERROGATIVE = frozenset(
    {
        "who", "what", "what's", "which", "where", "when", "how", "why", "whose",
        "can", "could", "would", "will", "do", "does", "did", "is", "are", "was", "were",
        "have", "has", "had", "may", "should", "shall", "am",
    }
)  # fmt: skip
"""Words a question opens with, for questions written without "?" (call transcripts)."""
_CONFIRM_TAIL = re.compile(
    r"(?:\bcorrect|\bright|\bis that (?:right|correct|it)|\byes|\bno)\s*\?\s*$", re.IGNORECASE
)
"""A confirmation tag closing a restatement: "..., correct?", "..., is that right?"."""
_CONFIRM_OPENING = (
    ("so",), ("you", "want"), ("you'd", "like"), ("you", "would", "like"), ("you", "need"),
    ("you're", "looking"), ("you", "are", "looking"), ("that's",), ("that", "is"),
    ("to", "confirm"), ("just", "to", "confirm"),
)  # fmt: skip
_BACKCHANNEL = re.compile(
    r"^\W*(?:ok(?:ay)?|alright|all right|right|i see|got it|gotcha|understood|noted|sure"
    r"|exactly|uh[- ]?huh|mm+[- ]?hmm+|mhm+|yeah|yes|yep|yup|i understand|makes sense"
    r"|that makes sense|fair enough|of course|certainly|absolutely|indeed)"
    r"(?:\s*(?:,\s*)?(?:ok(?:ay)?|right|sure|yeah|yes|i see|got it|thanks?|thank you))*"
    r"\s*(?:[.!,;:…-]+|$)",
    re.IGNORECASE,
)
"""A backchannel opening a reply or standing alone: "Okay.", "Right, so ...", "I see!".

Between the words: spaces, then an optional comma and spaces. A pattern that allows
spaces on both sides of an optional comma can split each space two ways, and a reply
of many lines of "ok" then took exponential time to fail."""
_OPENS_LIKE_QUESTION = 0.5
"""The acts head's question probability enough for a sentence opening like a question."""
_SUGGESTING = frozenset({"maybe", "perhaps"})
"""Openers that make a sentence with "?" a suggestion ("perhaps a walk would help?")."""
_ANSWER_WORDS = frozenset({"yes", "yeah", "yep", "yup", "sure", "certainly", "absolutely", "of"})


@dataclass(frozen=True, slots=True)
class _Rules:
    """The lexicon and its word lists, read once per analysis."""

    lexicon: Lexicon
    stopwords: frozenset[str]
    negators: frozenset[str]
    again_verbs: tuple[str, ...]
    introduces: frozenset[str]
    signoffs: frozenset[str]

    @classmethod
    def load(cls, lexicon: Lexicon) -> _Rules:
        give = lexicon.section("give_name")
        return cls(
            lexicon=lexicon,
            stopwords=lexicon.words("stopwords"),
            negators=frozenset({"not", "never", "no", "n't", "without"}),
            again_verbs=tuple(fold(w) for w in lexicon.section("again").get("verbs", [])),
            introduces=frozenset(fold(p) for p in give.get("introduces", [])),
            signoffs=frozenset(fold(p) for p in give.get("signoffs", [])),
        )

    def suggestion(self, key: str) -> str:
        return str(self.lexicon.section("suggestions").get(key, ""))


@dataclass(frozen=True, slots=True)
class _Given:
    """Information the customer gave: its kind, a comparable key and where it was."""

    kind: str  # "order", "email", "phone", "name", or a step such as "restart"
    key: str
    message: str  # which customer message, in words: "their second message"
    quote: str


@dataclass(slots=True)
class _Question:
    """A customer question, and whether a later reply shared a content word with it."""

    message: Message
    sentence: Sentence
    words: frozenset[str]
    about_time: bool = False
    replied: bool = False
    answered: bool = False


@dataclass(slots=True)
class _Waiting:
    """The customer's questions, and which are still waiting for a reply or an answer.

    A reply answers the questions that share a content word with it: each question is
    filed under its words, and a reply takes out the files of its own words, so that no
    question is compared with every reply (replies x questions work).
    """

    questions: list[_Question] = field(default_factory=list)
    unreplied: list[_Question] = field(default_factory=list)
    by_word: dict[str, list[_Question]] = field(default_factory=dict)
    about_time: list[_Question] = field(default_factory=list)

    def add(self, question: _Question) -> None:
        self.questions.append(question)
        self.unreplied.append(question)
        if question.about_time:
            self.about_time.append(question)
        else:
            for word in question.words:
                self.by_word.setdefault(word, []).append(question)

    def reply(self, own: str, rules: _Rules) -> None:
        """A reply with these words of the agent's own (read only for questions waiting)."""
        for question in self.unreplied:
            question.replied = True
        self.unreplied = []
        if self.about_time and _gives_time(own, rules):
            # "When will my refund arrive?" is answered by a time, not by a reply that
            # merely mentions the refund.
            for question in self.about_time:
                question.answered = True
            self.about_time = []
        if self.by_word:
            for word in _content(own, rules):
                for question in self.by_word.pop(word, ()):
                    question.answered = True


class _Candidate:
    """The customer's last message, or one of its sentences, as a restatement is compared.

    Its names and its words in order are read on first use: only a sentence that shares
    enough content words with it needs them.
    """

    __slots__ = ("_names", "_tokens", "part", "words")

    def __init__(self, part: str, rules: _Rules) -> None:
        self.part = part
        self.words = _content(part, rules, numbers=False)
        self._names: frozenset[str] | None = None
        self._tokens: tuple[str, ...] | None = None

    @property
    def names(self) -> frozenset[str]:
        """Stems of its capitalised words inside sentences (see :func:`_names`)."""
        if self._names is None:
            self._names = frozenset(_names(self.part))
        return self._names

    @property
    def tokens(self) -> tuple[str, ...]:
        """Its words, folded, in order (@handles and links left out)."""
        if self._tokens is None:
            self._tokens = folded_words(_without_noise(self.part))
        return self._tokens


@dataclass(frozen=True, slots=True)
class _Said:
    """The customer's last message, read once for every sentence of the reply."""

    normalised: str
    words: frozenset[str]
    candidates: tuple[_Candidate, ...]

    @classmethod
    def read(cls, text: str, rules: _Rules) -> _Said:
        parts = [text, *(s.text for s in sentences(text)[:_MAX_RESTATED])]
        candidates = tuple(_Candidate(part, rules) for part in parts)
        return cls(_normalise(text), candidates[0].words, candidates)


@dataclass(slots=True)
class _State:
    """What the analysis has seen so far."""

    given: dict[str, _Given] = field(default_factory=dict)
    """The latest information of each kind the customer gave."""
    customer_texts: list[str] = field(default_factory=list)
    customer_said: str = ""
    """Each of ``customer_texts`` after a line break (they have none): searched at once."""
    waiting: _Waiting = field(default_factory=_Waiting)
    last_customer: str | None = None
    said: _Said | None = None
    """``last_customer`` read for restatements (on first use)."""
    learned: LearnedView | None = None
    customer_rows: list[list[int]] = field(default_factory=list)
    """Rows of the learned view holding each customer message's sentences."""
    texts: dict[int, str] = field(default_factory=dict)
    """The text of each message by its index (to read a learned row's sentence)."""


class ListeningAnalyzer(Analyzer):
    """Acknowledges, restates and asks about the issue; never re-asks or leaves questions hanging."""

    name: ClassVar[str] = "listening"
    version: ClassVar[int] = 3
    skill: ClassVar[str] = "active_listening"

    Config: ClassVar[type[ListeningSettings]] = ListeningSettings

    def analyze(self, conversation: Conversation, context: Context) -> SkillFinding:
        rules = _rules(context.lexicon("listening"))
        settings = cast(ListeningSettings, self.settings(context))
        min_gap = settings.min_gap_s
        names = _customer_names(conversation)
        state = _State(
            learned=context.learned,
            texts={i: m.text for i, m in enumerate(conversation.messages)},
        )
        found: list[Evidence] = []
        previous: Message | None = None
        applicable = False
        customers = 0
        for index, message in enumerate(conversation.messages):
            if message.role is Role.CUSTOMER:
                text = message.text
                if ">" in text:  # what a quoted line needs
                    text = blank_visible(_QUOTE_LINE, text)
                for item in _given(text, rules, names, customers):
                    state.given[item.kind] = item  # the latest of each kind is quoted
                repeat = _repeat(message, text, rules)
                if repeat is not None:
                    found.append(repeat)
                for question in _questions(message, text, rules):
                    state.waiting.add(question)
                normalised = _normalise(message.text)
                state.customer_texts.append(normalised)
                state.customer_said += "\n" + normalised
                state.last_customer, state.said = text, None
                customers += 1
                if state.learned is not None:
                    state.customer_rows.append(state.learned.rows(index))
                previous = message
                continue
            if not message.is_reply:
                continue
            applicable = applicable or state.last_customer is not None
            own = _own_words(message.text, state.customer_texts)
            found.extend(_read_reply(message, index, own, rules, state))
            if previous is not None and previous.role is Role.CUSTOMER:
                gap = _gap(previous, message)
                if gap is not None and gap < min_gap:
                    found.append(_interrupt(message, own, rules))
            state.waiting.reply(own, rules)
            previous = message
        for question in state.waiting.questions:
            if question.replied and not question.answered:
                found.append(
                    _evidence(
                        question.message,
                        question.sentence.start,
                        question.sentence.end,
                        "listening.unanswered",
                        -1,
                        rules.suggestion("unanswered"),
                    )
                )
        evidence = _ordered(found, conversation)
        if not applicable:
            return SkillFinding.not_applicable(evidence)
        signals = [e.signal for e in evidence if context.scores(e.signal)]
        return SkillFinding(settings.score(signals), evidence)


def _read_reply(
    message: Message, index: int, own: str, rules: _Rules, state: _State
) -> list[Evidence]:
    """The listening evidence in reply number ``index`` (spans index the message text)."""
    matches = rules.lexicon.matcher.find(own)
    parts = sentences(own)
    found: list[Evidence] = []
    blocked = SpanIndex((m.start, m.end) for m in matches if m.label == "not_acknowledgement")
    for match in matches:
        if (
            match.label == "acknowledgement"
            and not blocked.covers(match.start, match.end)
            and not is_negated(own, match.start, rules.negators)
        ):
            found.append(_evidence(message, match.start, match.end, "listening.acknowledgement", 1))
    if not any(e.signal == "listening.acknowledgement" for e in found):
        backchannel = _backchannel(own, state)
        if backchannel is not None:
            found.append(_evidence(message, *backchannel, "listening.acknowledgement", 1))
    paraphrased = False
    for sentence in parts:
        if is_formulaic(sentence.text):
            continue  # "Have a great day!", "^FR", "Oh my!": no content to restate or ask about
        inside = starting_in(matches, sentence.start, sentence.end)
        labels = {m.label for m in inside}
        reask = _reask(sentence, inside, rules, state.given)
        if reask is not None:
            given, is_step = reask
            template = rules.suggestion("reask_step" if is_step else "reask")
            suggestion = template.replace("{message}", given.message).replace(
                "{quote}", given.quote
            )
            found.append(
                _evidence(message, sentence.start, sentence.end, "listening.reask", -1, suggestion)
            )
            continue
        row = None if state.learned is None else state.learned.row_at(index, *_span(sentence))
        if not paraphrased and (
            _marked(sentence, inside, "paraphrase")
            or _opens(sentence, inside, "paraphrase_opening")
            or (
                state.last_customer is not None
                and not labels & {"action", "request"}
                and (
                    _restates(sentence.text, state, rules) or _reflects(sentence, row, state, rules)
                )
            )
        ):
            found.append(
                _evidence(message, sentence.start, sentence.end, "listening.paraphrase", 1)
            )
            paraphrased = True
            continue  # a restatement checked back ("..., correct?") is not a new question
        # whether it asks without "?" matters only for a sentence without one
        asks = (
            not _is_question(sentence.text)
            and "not_diagnostic" not in labels
            and ("indirect_question" in labels or _asks(row, state))
        )
        if _diagnostic(sentence, labels, state.customer_said, asks):
            found.append(_evidence(message, sentence.start, sentence.end, "listening.question", 1))
    return found


def _said(state: _State, rules: _Rules) -> _Said:
    """The customer's last message read for restatements, once per message."""
    if state.said is None:
        state.said = _Said.read(state.last_customer or "", rules)
    return state.said


def _marked(sentence: Sentence, inside: Sequence[PhraseMatch], label: str) -> bool:
    """A marker that leads into a restatement, not into a wh-question ("to confirm, who...")."""
    for match in inside:
        if match.label == label:
            after = WORD.search(sentence.text, match.end - sentence.start)
            if after is None or fold(after.group()) not in _WH:
                return True
    return False


def _opens(sentence: Sentence, inside: Sequence[PhraseMatch], label: str) -> bool:
    """A marker of ``label`` opening the sentence ("To confirm, ...", "So, to confirm")."""
    for match in inside:
        if match.label == label:
            words = WORD.finditer(sentence.text, 0, match.start - sentence.start)
            before = [fold(w.group()) for w in islice(words, _MAX_OPENING_WORDS + 1)]
            opening = len(before) <= _MAX_OPENING_WORDS and all(
                word in ("so", "ok", "okay", "right", "and", "just") for word in before
            )
            if opening and _marked(sentence, [match], label):
                return True
    return False


def _backchannel(own: str, state: _State) -> tuple[int, int] | None:
    """The span of a backchannel opening the reply ("Okay.", "I see,", "Right, so"), if any.

    "Yes" and "sure" answering a customer's question are answers, not acknowledgements.
    """
    start = len(own) - len(own.lstrip())
    match = _BACKCHANNEL.match(own, start)
    if match is None:
        return None
    first = WORD.findall(fold(match.group()))
    asked = state.last_customer is not None and "?" in state.last_customer
    if first and first[0] in _ANSWER_WORDS and asked:
        return None
    end = match.end()
    while end > start and not own[end - 1].isalnum():
        end -= 1
    return (start, end) if end > start else None


def _confirms(text: str, tokens: Sequence[str]) -> bool:
    """A confirmation of what the customer asked: "So that's a table for four, correct?"."""
    if _CONFIRM_TAIL.search(text):
        return True
    return _is_question(text) and any(
        tuple(tokens[: len(opening)]) == opening for opening in _CONFIRM_OPENING
    )


def _span(sentence: Sentence) -> tuple[int, int]:
    return sentence.start, sentence.end


def _reflects(sentence: Sentence, row: int | None, state: _State, rules: _Rules) -> bool:
    """The learned judgement: a reflection, like what the customer recently said, no copy."""
    learned = state.learned
    if learned is None or row is None or not state.customer_rows:
        return False
    if _is_question(sentence.text) and not fold(sentence.text).startswith("so"):
        return False
    limits = load_thresholds()
    if "acts" in learned.heads:
        if not learned.fires("acts", "paraphrase", row):
            return False
    elif learned.probability("counselling", "reflection", row) < limits.reflection:
        return False
    recent = [r for rows in state.customer_rows[-2:] for r in rows]
    if learned.similarity(row, recent) < max(limits.similarity, _MIN_SIMILARITY):
        return False
    said = _said(state, rules)
    if _normalise(sentence.text) in said.normalised:
        return False
    # Precision first: a reflection is about the customer or what they said, in words that
    # share something with theirs ("so the jacket tore after a week" after "my jacket tore").
    tokens = folded_words(_without_noise(sentence.text))
    about = _SECOND_PERSON.intersection(tokens) or tokens[:1] in (("so",), ("sounds",), ("it",))
    shared = _content(sentence.text, rules, numbers=False) & said.words
    return bool(about and shared)


def _asks(row: int | None, state: _State) -> bool:
    """The learned judgement that a sentence is a question, with or without "?"."""
    if state.learned is None or row is None:
        return False
    learned = state.learned
    if "acts" in learned.heads:
        # The head at its tuned threshold; a sentence that opens like a question ("did you
        # ice it") needs less of it (its words read only then: most sentences get neither).
        return learned.fires("acts", "question", row) or (
            learned.probability("acts", "question", row) >= _OPENS_LIKE_QUESTION
            and _opens_like_question(row, learned, state)
        )
    if not _opens_like_question(row, learned, state):
        return False  # without "?", only a sentence that opens like a question ("could you ...")
    return learned.probability("counselling", "question", row) >= load_thresholds().question


def _opens_like_question(row: int, learned: LearnedView, state: _State) -> bool:
    """Whether the sentence in ``row`` opens with an interrogative word ("could", "did")."""
    span = learned.spans[row]
    text = state.texts.get(span.message, "")[span.start : span.end]
    words = WORD.findall(fold(strip_noise(text)))
    return bool(words) and words[0] in _INTERROGATIVE


def _diagnostic(
    sentence: Sentence, labels: set[str], customer_said: str, asks: bool = False
) -> bool:
    """A question about the issue, not a check, offer, greeting or the customer's own words.

    ``customer_said`` is the customer's messages, normalised, each after a line break.
    """
    if not (_is_question(sentence.text) or asks) or "not_diagnostic" in labels:
        return False
    words = WORD.findall(fold(sentence.text))
    if len(words) < 2:
        return False  # "Really?" reacts; "What happened?" asks
    if words[0] in _SUGGESTING:
        return False  # "Maybe she could take the bus?" suggests; it does not ask
    asked = _normalise(sentence.text.split(":")[-1]).strip(" \"'")
    return not (customer_said and asked in customer_said)  # a question copied from them


def _reask(
    sentence: Sentence, inside: Sequence[PhraseMatch], rules: _Rules, given: Mapping[str, _Given]
) -> tuple[_Given, bool] | None:
    """What the sentence asks for again, and whether it is a step tried, or ``None``."""
    if not given:
        return None  # the customer gave nothing to ask for again (most conversations)
    labels = {m.label for m in inside}
    asks = _is_question(sentence.text) or "request" in labels
    opens_at = len(sentence.text) - len(sentence.text.lstrip(" -–—,"))
    values = _Values(sentence.text)
    for match in inside:
        prefix, _, kind = match.label.partition("_")
        if prefix not in ("ask", "try") or (prefix == "ask") != (kind in _INFO):
            continue
        if is_negated(sentence.text, match.start - sentence.start, rules.negators, window=3):
            continue  # "no need to restart it"
        opening = match.start - sentence.start <= opens_at
        if not (asks or (prefix == "try" and opening)):
            continue
        known = given.get(kind)
        if known is None or (prefix == "ask" and values.contains(known)):
            continue
        return known, prefix == "try"
    return None


class _Values:
    """What a sentence states, read once for every value it is checked against."""

    def __init__(self, text: str) -> None:
        self.text = text
        self._digits: str | None = None
        self._folded: str | None = None
        self._words: frozenset[str] | None = None

    def contains(self, given: _Given) -> bool:
        """True when the text already states the value (a confirmation, not a re-ask)."""
        if given.kind in ("order", "phone"):
            if self._digits is None:
                self._digits = _NOT_DIGIT.sub("", self.text)
            return given.key in self._digits
        if given.kind == "email":
            if self._folded is None:
                self._folded = fold(self.text)
            return given.key in self._folded
        if self._words is None:
            self._words = frozenset(folded_words(self.text))
        return given.key in self._words


def _which(number: int, rules: _Rules) -> str:
    """Customer message ``number`` (0 first) as a lead reads it: "their second message".

    Not its id: an imported ticket's message ids mean nothing to a reader.
    """
    texts = rules.lexicon.section("suggestions")
    ordinals = texts["ordinals"]
    if number < len(ordinals):
        return rules.lexicon.text("suggestions", "nth_message", ordinal=str(ordinals[number]))
    return rules.lexicon.text("suggestions", "numbered_message", number=str(number + 1))


def _given(text: str, rules: _Rules, names: Sequence[str], number: int) -> Iterable[_Given]:
    """The information a customer message (their ``number``-th, 0 first) gives: numbers,
    addresses, name, steps tried."""
    worded: list[str] = []

    def which() -> str:
        """ "their second message", worded once something was found (most give nothing)."""
        if not worded:
            worded.append(_which(number, rules))
        return worded[0]

    taken: list[tuple[int, int]] = []
    # what the patterns need, found by patterns that start with a digit (the regex engine
    # skips to one) before those that try a lookbehind or a word boundary everywhere
    numbered = has_digit(text)
    for match in _ORDER.finditer(text) if numbered and _DIGITS.search(text) else ():
        code = match.group("a") or match.group("b") or match.group("c") or ""
        taken.append(match.span())
        yield _Given("order", re.sub(r"\D", "", code), which(), match.group().strip())
    for match in _EMAIL.finditer(text) if at_sign_after(text, _takes_into_address) else ():
        taken.append(match.span())
        yield _Given("email", fold(match.group()), which(), match.group())
    for match in _PHONE.finditer(text) if numbered and _PHONE_DIGITS.search(text) else ():
        digits = re.sub(r"\D", "", match.group())
        overlaps = any(s < match.end() and match.start() < e for s, e in taken)
        plus = match.group().lstrip().startswith("+")
        if not overlaps and (len(digits) >= 9 or (plus and len(digits) >= 7)):
            yield _Given("phone", digits[-7:], which(), match.group().strip())
    matches = rules.lexicon.matcher.find(text)
    parts = sentences(text)
    for phrase in matches:
        prefix, _, kind = phrase.label.partition("_")
        if prefix == "tried" and not is_negated(text, phrase.start, rules.negators, window=3):
            yield _Given(kind, kind, which(), _sentence_at(text, parts, phrase.start))
    name = _name_given(text, matches, rules, names)
    if name is not None:
        yield _Given("name", fold(name[0]), which(), name[1])


def _name_given(
    text: str, matches: Sequence[PhraseMatch], rules: _Rules, names: Sequence[str]
) -> tuple[str, str] | None:
    """The name a customer gives ("my name is Dana", "this is Dana", a signed last line)."""
    known = {fold(n) for n in names}
    for match in matches:
        if match.label != "give_name":
            continue
        following = WORD.match(text, _after_spaces(text, match.end))
        if following is None or not following.group()[0].isupper():
            continue
        word = following.group()
        if fold(match.phrase) in rules.introduces or fold(word) in known:
            return word, text[match.start : following.end()]
    if not known:
        return None  # a signed last line is told by a name the customer is known by
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    if len(lines) < 2:
        return None
    last = lines[-1].lstrip("-–— ").rstrip(".!")
    lowered = fold(last)
    for signoff in sorted(rules.signoffs, key=len, reverse=True):
        if lowered.startswith(signoff):
            last = last[len(signoff) :].lstrip(" ,")
            break
    words = last.split()
    if words and len(words) <= 3 and fold(words[0]) in known:
        return words[0], lines[-1]
    return None


def _repeat(message: Message, text: str, rules: _Rules) -> Evidence | None:
    """The first place a customer message says they are repeating themselves."""
    parts: list[Sentence] | None = None
    for match in rules.lexicon.matcher.find(text):
        if match.label == "repeat":
            return _evidence(
                message,
                match.start,
                match.end,
                "listening.repeat",
                -1,
                rules.lexicon.suggestion("repeat"),
            )
        if match.label != "again":
            continue
        parts = sentences(text) if parts is None else parts
        sentence = _sentence_start(parts, match.start)
        if _again_repeats(text, sentence, match, rules):
            start, end = _again_span(text, sentence, match, rules)
            return _evidence(
                message, start, end, "listening.repeat", -1, rules.lexicon.suggestion("repeat")
            )
    return None


def _again_repeats(text: str, sentence: int, match: PhraseMatch, rules: _Rules) -> bool:
    """ "asking again", "I'll say it again", "Again, ..." - not "thanks again" or "broke again".

    ``sentence`` is where the sentence holding the match starts.
    """
    before = last_words(text, match.start, 3, WORD, start=sentence, fold=fold)
    if not before:
        return text[match.end : match.end + 1] in (",", ":", "-", "–", "—")
    return any(word.startswith(rules.again_verbs) for word in before)


def _again_span(text: str, sentence: int, match: PhraseMatch, rules: _Rules) -> tuple[int, int]:
    """From the telling verb to "again" ("asking again"), or "Again" alone."""
    for word in list(WORD.finditer(text, sentence, match.start))[-3:]:
        if fold(word.group()).startswith(rules.again_verbs):
            return word.start(), match.end
    return match.start, match.end


def _questions(message: Message, text: str, rules: _Rules) -> Iterable[_Question]:
    matches = rules.lexicon.matcher.find(text)
    for sentence in sentences(text):
        if not _is_question(sentence.text):
            continue
        inside = starting_in(matches, sentence.start, sentence.end)
        if any(m.label == "rhetorical" for m in inside):
            continue
        words = _content(sentence.text, rules)
        if words:
            about_time = any(m.label == "time_question" for m in inside)
            yield _Question(message, sentence, words, about_time)


def _gives_time(text: str, rules: _Rules) -> bool:
    """True when ``text`` names a time: a day, a date, a clock time or a number of days."""
    if has_digit(text) and _TIME.search(text):  # every time _TIME knows has a digit
        return True
    return any(m.label == "time_answer" for m in rules.lexicon.matcher.find(text))


def _restates(text: str, state: _State, rules: _Rules) -> bool:
    """A sentence about the customer that shares enough of their words without copying.

    The customer's last message is read for restatements (:func:`_said`) only once a
    sentence passes the cheap tests: four in five do not, and reading it was a quarter
    of the analyser's time.
    """
    tokens = folded_words(_without_noise(text))
    confirms = _confirms(text, tokens)
    if not (_SECOND_PERSON.intersection(tokens) or confirms):
        return False
    if _is_question(text) and tokens[:1] != ("so",) and not confirms:
        return False  # "Are you able to update your games?" asks; "So the pole broke?" restates
    words = _content(text, rules, numbers=False)
    if len(words) < 2:
        return False  # no message of theirs can share two words with it
    said = _said(state, rules)
    for candidate in said.candidates:
        theirs = candidate.words
        shared = words & theirs
        if len(theirs) < 3 or len(shared) < 2 or len(shared) / len(theirs) < _COVER:
            continue
        if len(shared - candidate.names) < 2:
            continue  # "China Telecom" alone is no restatement
        if _alike(tokens, candidate.tokens) < _COPY and (
            _normalise(text).strip(" .!?") not in said.normalised
        ):
            return True
    return False


def _alike(tokens: Sequence[str], theirs: Sequence[str]) -> float:
    """How alike two word sequences are (difflib's ratio, 1 for the same words).

    Beyond ``_MAX_ALIKE`` words on both sides, the quick upper bound of the ratio (the
    words in common, in any order) stands in for it: the exact ratio can take time
    quadratic in the words, and taking the bound only ever calls a copy what may not be
    one (precision first).
    """
    total = len(tokens) + len(theirs)
    bound = 2 * min(len(tokens), len(theirs)) / total if total else 1.0
    if bound < _COPY:
        return bound  # lengths too far apart (checked before reading the long side)
    alike = SequenceMatcher(None, tokens, theirs)
    quick = alike.quick_ratio()
    if quick < _COPY or min(len(tokens), len(theirs)) > _MAX_ALIKE:
        return quick
    return alike.ratio()


def _names(text: str) -> set[str]:
    """Stems of capitalised words inside sentences (brand and place names)."""
    found: set[str] = set()
    for sentence in sentences(_without_noise(text)):
        for word in WORD.findall(sentence.text)[1:]:
            if word[0].isupper():
                found.add(_stem(fold(word)))
    return found


def _interrupt(message: Message, own: str, rules: _Rules) -> Evidence:
    opening = sentences(own)[:1]
    start, end = (opening[0].start, opening[0].end) if opening else (0, 0)
    return _evidence(message, start, end, "listening.interrupt", -1, rules.suggestion("interrupt"))


def _gap(previous: Message, reply: Message) -> float | None:
    """Seconds from the end of the customer's turn to the start of the reply, if known."""
    if previous.end_s is not None and reply.start_s is not None:
        return reply.start_s - previous.end_s
    if previous.end is not None and reply.at is not None:
        return (reply.at - previous.end).total_seconds()
    return None


def _customer_names(conversation: Conversation) -> list[str]:
    """The customer's first names, from the record and the authors of their messages."""
    names: list[str] = []
    candidates = [conversation.customer.name]
    candidates += [m.author for m in conversation.messages if m.role is Role.CUSTOMER]
    for full in candidates:
        if full and "@" not in full:
            first = full.split()[0].strip(",.") if full.split() else ""
            if first.isalpha() and len(first) >= 2 and first not in names:
                names.append(first)
    return names


def _content(text: str, rules: _Rules, *, numbers: bool = True) -> frozenset[str]:
    """Content words: lower-cased, stop words, handles and links removed, suffixes stripped.

    With ``numbers=False``, words with digits (order numbers, codes) are left out too.
    """
    words = set(folded_words(_without_noise(text)))  # each distinct word read once
    words -= rules.stopwords
    return frozenset(
        _stem(word)
        for word in words
        if (len(word) > 1 or word.isdigit())
        and (numbers or word.isalpha() or not any(c.isdigit() for c in word))
    )  # isalpha first: letters only is no digit, tested in C


def _sentence_at(text: str, parts: Sequence[Sentence], position: int) -> str:
    """The sentence of ``text`` (split into ``parts``) around ``position`` (for quoting it)."""
    index = sentence_index(parts, position)
    return parts[index].text if index is not None else text.strip()


def _sentence_start(parts: Sequence[Sentence], position: int) -> int:
    """Where the sentence holding ``position`` starts (``position`` when none holds it)."""
    index = sentence_index(parts, position)
    return parts[index].start if index is not None else position


def _after_spaces(text: str, start: int) -> int:
    """The first offset at or after ``start`` that is not a space."""
    spaces = _SPACES.match(text, start)
    return spaces.end() if spaces else start


def _without_noise(text: str) -> str:
    """``text`` with its @handles and links blanked out (most texts have neither)."""
    linked = "://" in text or "www." in text.lower()
    if not linked:  # what _NOISE's links need: "http(s)://" or "www." in any case
        return blank_visible(_HANDLE, text) if "@" in text else text
    return blank_visible(_NOISE, text)


def _ordered(found: list[Evidence], conversation: Conversation) -> tuple[Evidence, ...]:
    if not found:
        return ()  # no evidence: the order of the messages need not be read
    order = {m.id: i for i, m in reversed(list(enumerate(conversation.messages)))}
    return tuple(sorted(found, key=lambda e: (order.get(e.message, 0), e.start, e.end, e.signal)))


@lru_cache(maxsize=8)
def _rules(lexicon: Lexicon) -> _Rules:
    """The rules built from ``lexicon``, once per lexicon object: the shipped one's once per
    process, a team's merged one's once per rubric (``Context.lexicon``)."""
    return _Rules.load(lexicon)
