"""Patience: the agent stays calm and courteous, above all when the customer is angry.

Signals (all negative, each with a calm alternative as its suggestion):

- ``patience.blame`` - puts the fault on the customer ("you should have", "as I already
  said", "like I said", "you didn't read", or a challenge such as "why did you...?" or
  "did you even...?"; not "you should have received it", an expectation; "obviously"
  only when it leads into "you", "as" or "it says", never in "you'll obviously get a
  full refund").
- ``patience.dismissive`` - brushes the concern aside ("calm down", "just relax" or a
  sentence opening with "Relax," when the sentence is not friendly, "Whatever." alone,
  "that's not my problem", "it is what it is", "nothing I can do").
- ``patience.shouting`` - a sentence mostly in capitals (at least 3 words of 2+ letters
  in capitals and more than half of its words, ignoring acronyms such as DM, ID, UPS,
  FAQ, OK, PIN), or one with "!!" or more that tells the customer off or orders them
  about ("Stop emailing us!!", "You need to read it!!") and is not friendly; "!!" alone
  is delight as often as a raised voice ("Help has arrived!!").
- ``patience.defensive`` - defends instead of helping ("not my fault", "not my
  department", "I just work here", "that's not on us").
- ``patience.sarcasm`` - a small, conservative set ("good luck with that", "if you say
  so", "yeah right"); thanking the customer for their patience never counts.
- ``patience.impolite`` - insults, swearing and contempt ("stupid", "shut up", "damn",
  "what's wrong with you", "that's nonsense"); not inside a kind phrase ("there are no
  stupid questions") or one about the agent ("silly me", "I feel like an idiot").
- ``patience.degrading`` - the tone gets worse as the customer gets angrier: after at
  least one clean reply, the customer shows anger (capitals, "!!!", "ridiculous",
  "unacceptable", ...) and a later reply carries any of the signals above. Placed once,
  on the worst such reply (the whole reply).

Only replies the customer saw count, and never the customer's own words quoted in them
(lines starting with ``>``, or text in quotation marks copied from a customer message).

Scoring: 100, minus 30 per impolite, blame, dismissive or defensive signal, 25 per shouting
sentence, 20 per sarcasm and 20 for degrading; never below 0. Patience is tested only
when the customer is angry or frustrated (their message shows anger as above, or its
emotion - the trained model's where loaded - is anger or frustration) or the agent's tone
slipped (any signal above): then an agent who stays clean scores 100 however angry the
customer is. A calm conversation with a calm agent says nothing about patience, so the
skill is not applicable there rather than a constant 100. A rubric's
``[analyzers.patience]`` table may change the start and the costs
(:class:`~servicecoach.analysis.analyzers.patience_settings.PatienceSettings`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import ClassVar, cast

from servicecoach.analysis.analyzer import Analyzer, Context
from servicecoach.analysis.analyzers.patience_settings import PatienceSettings
from servicecoach.analysis.analyzers.quoting import normalise as _normalise
from servicecoach.analysis.analyzers.quoting import own_words as _own_words
from servicecoach.analysis.emotion import customer_emotions
from servicecoach.analysis.evidence import Evidence
from servicecoach.analysis.finding import SkillFinding
from servicecoach.analysis.lexicon import LEXICON_BOOK, Lexicon
from servicecoach.model.conversation import Conversation, Message, Role
from servicecoach.nlp.phrases import PhraseMatch, PhraseMatcher, fold
from servicecoach.nlp.sentences import Sentence, sentence_index, sentences
from servicecoach.nlp.spans import SpanIndex
from servicecoach.nlp.words import WORD, last_words

__all__ = ["PatienceAnalyzer"]

_CAPITAL = re.compile(r"[A-Z]")
_BANGS = re.compile(r"!{2,}")
_CUSTOMER_BANGS = re.compile(r"!{3,}")
_LOOKAHEAD = 64
"""Characters read after "obviously" for the words that make it blame ("obviously you")."""


@dataclass(frozen=True, slots=True)
class _Rules:
    """The lexicon's word lists, read once per analysis."""

    lexicon: Lexicon
    acronyms: frozenset[str]
    obviously_after: tuple[str, ...]
    benign_after_you: tuple[str, ...]
    calm_subjects: frozenset[str]
    expected: frozenset[str]
    benign: PhraseMatcher
    bang_cues: PhraseMatcher

    @classmethod
    def load(cls, lexicon: Lexicon) -> _Rules:
        section = lexicon.section("obviously")
        return cls(
            lexicon=lexicon,
            acronyms=lexicon.words("shouting"),
            obviously_after=tuple(fold(w) for w in section.get("after", [])),
            benign_after_you=tuple(fold(w) for w in section.get("benign_after_you", [])),
            calm_subjects=frozenset(
                fold(w) for w in lexicon.section("dismissive").get("calm_subjects", [])
            ),
            expected=frozenset(fold(w) for w in lexicon.section("blame").get("expected", [])),
            benign=PhraseMatcher.from_lists(
                {"benign": lexicon.section("impolite").get("benign", [])}, book=LEXICON_BOOK
            ),
            bang_cues=PhraseMatcher.from_lists(
                {"cue": lexicon.section("bangs").get("cues", [])}, book=LEXICON_BOOK
            ),
        )


def _is_shouting(text: str, acronyms: frozenset[str]) -> bool:
    """True when ``text`` is mostly capitals: 3+ capitalised words, over half of them.

    Words need two or more letters; words with digits (order codes) and the ``acronyms``
    are ignored.
    """
    if text.isascii():
        if len(_CAPITAL.findall(text)) < 6:
            return False  # in ASCII every letter is cased: three such words need six
    elif sum(map(str.isupper, text)) < 3:
        return False  # three capitalised words need three capitals at the very least
    words = 0
    caps = 0
    for chunk in WORD.findall(text):
        if chunk.isalpha():
            letters = chunk
        elif any(c.isdigit() for c in chunk):
            continue
        else:
            letters = "".join(c for c in chunk if c.isalpha())
        # letters only, so lower() is fold() for the (ASCII) acronyms
        if len(letters) < 2 or letters.lower() in acronyms:
            continue
        words += 1
        if letters.isupper():
            caps += 1
    return caps >= 3 and caps * 2 > words


_ANGRY = frozenset({"anger", "impolite"})
"""Lexicon sections whose words show anger in a customer's message."""

_TESTING = frozenset({"anger", "frustration"})
"""Customer emotions that put the agent's patience to the test."""


class PatienceAnalyzer(Analyzer):
    """Calm, courteous tone: no blame, dismissal, shouting, defensiveness or sarcasm."""

    name: ClassVar[str] = "patience"
    version: ClassVar[int] = 4
    skill: ClassVar[str] = "patience"
    Config: ClassVar[type[PatienceSettings]] = PatienceSettings

    def analyze(self, conversation: Conversation, context: Context) -> SkillFinding:
        settings = cast(PatienceSettings, self.settings(context))
        rules = _rules(context.lexicon("patience"))
        found: list[Evidence] = []
        customer_texts: list[str] = []
        replied = False
        clean_seen = False
        anger_after_clean = False
        worst: tuple[int, Message] | None = None
        angry = _Anger(rules)
        for message in conversation.messages:
            if message.role is Role.CUSTOMER:
                customer_texts.append(_normalise(message.text))
                if clean_seen and angry(message):
                    anger_after_clean = True
                continue
            if not message.is_reply:
                continue
            replied = True
            signals = _reply_signals(message, customer_texts, rules)
            found.extend(signals)
            if not signals:
                clean_seen = True
            elif anger_after_clean:
                cost = sum(settings.cost(e.signal) for e in signals)
                if worst is None or cost > worst[0]:
                    worst = (cost, message)
        if not replied:
            return SkillFinding.not_applicable()
        if not found and not _tested(conversation, context, angry):
            return SkillFinding.not_applicable()
        if worst is not None:
            found.append(_whole(worst[1], rules))
        score = settings.start - sum(settings.cost(e.signal) for e in found)
        return SkillFinding(max(0, score), tuple(found))


def _tested(conversation: Conversation, context: Context, angry: _Anger) -> bool:
    """True when a customer message is angry or frustrated: the agent's patience was tested."""
    if any(angry(m) for m in conversation.messages if m.role is Role.CUSTOMER):
        return True
    emotions = customer_emotions(conversation, context.learned, context.lexicon("emotion"))
    return any(e.label in _TESTING for e in emotions.values())


class _Anger:
    """Whether each customer message is angry (:func:`_is_angry`), read once per
    analysis: the reply loop and :func:`_tested` ask about the same messages."""

    __slots__ = ("_known", "_rules")

    def __init__(self, rules: _Rules) -> None:
        self._rules = rules
        self._known: dict[int, bool] = {}  # by the message object's identity

    def __call__(self, message: Message) -> bool:
        found = self._known.get(id(message))
        if found is None:
            found = self._known[id(message)] = _is_angry(message.text, self._rules)
        return found


def _is_angry(text: str, rules: _Rules) -> bool:
    if _CUSTOMER_BANGS.search(text):
        return True
    if any(m.label in _ANGRY for m in rules.lexicon.matcher.find(text)):
        return True
    return any(_is_shouting(s.text, rules.acronyms) for s in sentences(text))


def _whole(message: Message, rules: _Rules) -> Evidence:
    text = message.text
    start = len(text) - len(text.lstrip())
    end = len(text.rstrip())
    return Evidence(
        message.id,
        start,
        max(start, end),
        "patience.degrading",
        -1,
        text[start : max(start, end)],
        rules.lexicon.suggestion("degrading"),
    )


def _reply_signals(message: Message, customer_texts: list[str], rules: _Rules) -> list[Evidence]:
    """Every negative patience signal in one reply, in text order."""
    text = message.text
    own = _own_words(text, customer_texts)
    parts = sentences(own)
    found: list[Evidence] = []

    def add(start: int, end: int, signal: str, section: str) -> None:
        found.append(
            Evidence(
                message.id,
                start,
                end,
                signal,
                -1,
                text[start:end],
                rules.lexicon.suggestion(section),
            )
        )

    phrase_spans: list[tuple[int, int]] = []
    matches = rules.lexicon.matcher.find(own)
    direct = {"blame", "dismissive", "defensive", "sarcasm", "impolite"}
    kind = SpanIndex((m.start, m.end) for m in rules.benign.find(own))
    for match in matches:
        if match.label == "blame" and _expectation(own, match, rules):
            continue  # "you should have received it by now"
        if match.label == "impolite" and kind.covers(match.start, match.end):
            continue  # "there are no stupid questions"
        if match.label in direct:
            add(match.start, match.end, f"patience.{match.label}", match.label)
            phrase_spans.append((match.start, match.end))
        elif match.label == "challenge":
            add(match.start, match.end, "patience.blame", "challenge")
            phrase_spans.append((match.start, match.end))
    counted = SpanIndex(phrase_spans)
    friendly = SpanIndex((m.start, m.end) for m in matches if m.label == "friendly")
    for match in matches:
        if counted.covers(match.start, match.end):
            continue  # "just relax", "whatever you say": already counted
        if match.label == "obviously":
            end = _obviously_blame(own, match, rules)
            if end is not None:
                add(match.start, end, "patience.blame", "obviously")
        elif match.label == "relax" and _bare_relax(own, match, parts, friendly):
            add(match.start, match.end, "patience.dismissive", "relax")
        elif match.label == "whatever" and _bare_whatever(own, match):
            add(match.start, match.end, "patience.dismissive", "whatever")
    for sentence in parts:
        if _is_shouting(sentence.text, rules.acronyms) or (
            _BANGS.search(sentence.text)
            and not _friendly(sentence, friendly)
            and rules.bang_cues.find(sentence.text)
        ):
            add(sentence.start, sentence.end, "patience.shouting", "shouting")
    found = [e for e in found if not _calm_about_things(own, e, rules)]
    return _merge(found, text)


def _merge(found: list[Evidence], text: str) -> list[Evidence]:
    """Overlapping spans of one signal as one ("Obviously you didn't read": one blame)."""
    merged: list[Evidence] = []
    last_of_signal: dict[str, int] = {}  # signal -> index in merged of its last span
    for item in sorted(found, key=lambda e: (e.start, e.end)):
        index = last_of_signal.get(item.signal)
        if index is not None and item.start < merged[index].end:
            last = merged[index]
            if item.end > last.end:
                merged[index] = replace(last, end=item.end, quote=text[last.start : item.end])
            continue
        last_of_signal[item.signal] = len(merged)
        merged.append(item)
    return merged


def _obviously_blame(own: str, match: PhraseMatch, rules: _Rules) -> int | None:
    """The end of "obviously you" / "obviously, as" when it is blame, else ``None``.

    Reads only the words after the phrase (folding the whole reply for each phrase was
    quadratic); the lexicon's words are shorter than ``_LOOKAHEAD``.
    """
    index = match.end
    while index < len(own) and own[index] in " ,":
        index += 1
    rest = fold(own[index : index + _LOOKAHEAD])
    for lead in rules.obviously_after:
        if not rest.startswith(lead):
            continue
        end = index + len(lead)
        if end < len(own) and (fold(own[end]).isalnum() or fold(own[end]) in "'_"):
            continue  # "you'll", "assume": not the word itself
        if lead == "you":
            at = end
            while at < len(own) and own[at].isspace():
                at += 1
            after = fold(own[at : at + _LOOKAHEAD])
            if any(
                after.startswith(benign)
                and (at + len(benign) == len(own) or not fold(own[at + len(benign)]).isalnum())
                for benign in rules.benign_after_you
            ):
                return None
        return end
    return None


def _bare_relax(own: str, match: PhraseMatch, parts: list[Sentence], friendly: SpanIndex) -> bool:
    """ "Just relax", or "Relax," opening a sentence, in a sentence that is not friendly."""
    number = sentence_index(parts, match.start)
    if number is None or _friendly(parts[number], friendly):
        return False  # "Just relax and enjoy your trip!"
    sentence = parts[number]
    if fold(match.phrase) != "relax":
        return True
    opening = own[sentence.start : match.start]
    after = own[match.end : sentence.end].lstrip()
    return not any(c.isalnum() for c in opening) and (not after or after[0] in ",.!-–—")


def _expectation(own: str, match: PhraseMatch, rules: _Rules) -> bool:
    """ "You should have received it": what the customer can expect, not blame."""
    if not fold(match.phrase).startswith("you should"):
        return False
    after = WORD.search(own, match.end)
    return after is not None and fold(after.group()) in rules.expected


def _bare_whatever(own: str, match: PhraseMatch) -> bool:
    """ "Whatever." on its own, not "whatever you need"."""
    index = match.end
    while index < len(own) and own[index] in " \t":
        index += 1
    return index == len(own) or not (own[index].isalnum() or own[index] == "'")


def _friendly(sentence: Sentence, friendly: SpanIndex) -> bool:
    """A friendly phrase lies inside the sentence ("Just relax and enjoy your trip!")."""
    return friendly.within(sentence.start, sentence.end)


def _calm_about_things(own: str, evidence: Evidence, rules: _Rules) -> bool:
    """ "calm down" about things, not the customer ("once things calm down")."""
    if evidence.signal != "patience.dismissive" or fold(evidence.quote) != "calm down":
        return False
    before = last_words(own, evidence.start, 1, WORD, fold=fold)
    return bool(before) and before[-1] in rules.calm_subjects


@lru_cache(maxsize=8)
def _rules(lexicon: Lexicon) -> _Rules:
    """The rules built from ``lexicon``, once per lexicon object: the shipped one's once per
    process, a team's merged one's once per rubric (``Context.lexicon``)."""
    return _Rules.load(lexicon)
