"""What the rewrites need to know about the customer: their emotion and their own words.

A rewrite is fitted to the conversation, not stock: the empathy opener names the emotion
the customer shows and what they report, in their words turned to the second person
("my jacket arrived with a torn zip" -> "your jacket arrived with a torn zip"), with a
detail that makes it worse ("especially after waiting two weeks"). These are pure
functions of the conversation; whether a suggestion is made is decided by the analysers.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import islice

from servicecoach.analysis.emotion import NEGATIVE, Emotion, classify_emotion
from servicecoach.analysis.lexicon import Lexicon, load_lexicon
from servicecoach.assist.templates import Templates
from servicecoach.model.conversation import Channel, Conversation, Message, Role
from servicecoach.nlp.masking import QUOTE_LINE as _QUOTE_LINE
from servicecoach.nlp.phrases import PhraseMatcher, fold
from servicecoach.nlp.sentences import sentences
from servicecoach.nlp.words import WORD

__all__ = ["Facts", "gather_facts", "second_person"]

_CLAUSE = re.compile(r"[,;:()]|\s[-–—]\s")
_ASIDE = re.compile(r"(?<!\s)\s*\([^()]*\)")
"""An aside in brackets with the spaces before it (tried where the spaces begin)."""
_HANDLE = re.compile(r"(?<![\w.])@\w+[:,]?\s*")


@dataclass(frozen=True, slots=True)
class Facts:
    """What is known about the customer side when the draft is checked.

    Attributes:
        emotion: the emotion of the customer message the draft answers (the first upset
            one of their latest turn), or ``None``.
        report: what they report, in their words in the second person, or ``None``.
        especially: a detail that makes it worse ("after waiting two weeks"), or ``None``.
        thing: a short phrase about their specifics ("your jacket"), or ``None``.
        channel: the conversation's channel.
        public: whether the thread is public.
        lexicons: the team's merged lexicons (its rubric's ``[lexicons]``), by name; the
            rewrites read lexicons through :meth:`lexicon`, as the analysers do.
    """

    emotion: str | None = None
    report: str | None = None
    especially: str | None = None
    thing: str | None = None
    channel: Channel = Channel.OTHER
    public: bool = False
    lexicons: Mapping[str, Lexicon] = field(default_factory=dict, compare=False, repr=False)

    def lexicon(self, name: str) -> Lexicon:
        """The team's merged lexicon ``name`` where its rubric overrides it, else the shipped one."""
        found = self.lexicons.get(name)
        return found if found is not None else load_lexicon(name)


def gather_facts(
    conversation: Conversation,
    draft_id: str,
    emotions: Mapping[str, Emotion],
    templates: Templates,
    lexicons: Mapping[str, Lexicon] | None = None,
) -> Facts:
    """The facts about the customer that the draft (message ``draft_id``) answers
    (``lexicons``: the team's merged ones, :attr:`Facts.lexicons`)."""
    facts = Facts(lexicons=lexicons or {})
    before = [m for m in conversation.messages if m.id != draft_id]
    said = [m for m in before if m.role is Role.CUSTOMER]
    turn: list[Message] = []
    for message in reversed(before):
        if message.is_reply:
            break
        if message.role is Role.CUSTOMER:
            turn.insert(0, message)
    turn = turn or said[-1:]
    return Facts(
        emotion=_emotion(turn, said, emotions, facts.lexicon("emotion")),
        report=_report(turn + said[::-1], templates, facts.lexicon("apology")),
        especially=_especially(said[::-1], templates),
        thing=_thing(turn + said[::-1], facts.lexicon("empathy")),
        channel=conversation.channel,
        public=conversation.public,
        lexicons=facts.lexicons,
    )


def second_person(text: str, swaps: Mapping[str, str]) -> str:
    """``text`` with first-person words turned to the second person ("my" -> "your")."""

    def swap(match: re.Match[str]) -> str:
        word = match.group()
        replacement = swaps.get(fold(word))
        if replacement is None:
            return word
        return replacement

    return WORD.sub(swap, text)


def _emotion(
    turn: Sequence[Message],
    said: Sequence[Message],
    emotions: Mapping[str, Emotion],
    cues: Lexicon,
) -> str | None:
    """The first negative emotion of their latest turn (else of any message, newest first).

    The pipeline's emotions come first (learned when the models are loaded); the rules
    are the second opinion, as the analysers that decided the customer is upset may have
    used them (``cues``: the team's emotion lexicon, as theirs).
    """
    for messages in (turn, said[::-1]):
        for message in messages:
            emotion = emotions.get(message.id)
            if emotion is not None and emotion.label in NEGATIVE:
                return emotion.label
        for message in messages:
            emotion = classify_emotion(message.text, cues)
            if emotion.label in NEGATIVE:
                return emotion.label
    return None


@lru_cache(maxsize=8)
def _problem_matcher(lexicon: Lexicon) -> PhraseMatcher:
    """The apology lexicon's problem phrases (once per lexicon object)."""
    return PhraseMatcher.from_lists({"problem": lexicon.section("problem")["phrases"]})


def _report(messages: Sequence[Message], templates: Templates, apology: Lexicon) -> str | None:
    """The first clause of ``messages`` that says what went wrong, in the second person."""
    skip = templates.words("report", "skip")
    breaks = templates.words("report", "breaks")
    openers = templates.words("report", "openers")
    subjects = templates.words("report", "subjects")
    section = templates.table("report")
    low, high = int(section.get("min_words", 3)), int(section.get("max_words", 16))
    swaps = {str(k): str(v) for k, v in section.get("swap", {}).items()}
    for message in messages:
        text = _QUOTE_LINE.sub(lambda m: " " * len(m.group()), message.text)
        for sentence in sentences(text):
            if sentence.text.rstrip().endswith("?"):
                continue
            plain = _HANDLE.sub("", _ASIDE.sub("", sentence.text))  # "(order #5521)", "@brand"
            clauses = _Clauses(plain, breaks)
            tried: set[tuple[int, int]] = set()
            for cue in _problem_matcher(apology).find(plain):
                if fold(cue.phrase) in skip:
                    continue
                span = clauses.around(cue.start)
                if span in tried:
                    continue  # another cue of a clause already read
                tried.add(span)
                clause = plain[span[0] : span[1]].strip()
                words = WORD.finditer(clause)
                first = next(words, None)
                while first is not None and fold(first.group()) in openers:
                    clause = clause[first.end() :].lstrip(" ,")
                    words = WORD.finditer(clause)
                    first = next(words, None)
                if first is None or not low <= 1 + len(list(islice(words, high))) <= high:
                    continue
                word = first.group()
                if fold(word) in subjects or (word[0].isupper() and fold(word) != "i"):
                    return second_person(clause.strip(" .!,;:"), swaps)
    return None


class _Clauses:
    """Where the clauses of a sentence begin and end: at punctuation and at joining words.

    Read once per sentence, so that finding the clause around each problem word is two
    binary searches (reading the sentence up to each word was quadratic).
    """

    def __init__(self, text: str, breaks: frozenset[str]) -> None:
        self._length = len(text)
        marks = list(_CLAUSE.finditer(text))
        self._mark_starts = [m.start() for m in marks]
        self._mark_ends = [m.end() for m in marks]
        joins = [w for w in WORD.finditer(text) if fold(w.group()) in breaks]
        self._join_starts = [w.start() for w in joins]
        self._join_ends = [w.end() for w in joins]

    def around(self, at: int) -> tuple[int, int]:
        """The clause holding offset ``at``, as ``(start, end)`` (not yet stripped)."""
        before = bisect_right(self._mark_ends, at) - 1
        left = self._mark_ends[before] if before >= 0 else 0
        after = bisect_right(self._mark_starts, at)
        right = self._mark_starts[after] if after < len(self._mark_starts) else self._length
        join = bisect_right(self._join_ends, at) - 1  # the last joining word before ``at``
        if join >= 0 and self._join_starts[join] >= left:
            left = self._join_ends[join]
        join = bisect_right(self._join_starts, at)  # the first one after it
        if join < len(self._join_starts) and self._join_starts[join] < right:
            right = self._join_starts[join]
        return left, right


def _especially(said: Sequence[Message], templates: Templates) -> str | None:
    for message in said:
        for pattern in templates.especially:
            match = pattern.search(message.text)
            if match is None:
                continue
            values = {k: (v or "") for k, v in match.groupdict().items()}
            text = pattern.template
            for key, value in values.items():
                text = text.replace("{" + key + "}", value)
            return " ".join(text.split())
    return None


@lru_cache(maxsize=8)
def _breaks(lexicon: Lexicon) -> tuple[frozenset[str], frozenset[str]]:
    section = lexicon.section("openers")
    breaks = frozenset(fold(w) for w in section.get("breaks", []))
    not_about = frozenset(fold(w) for w in section.get("not_about", []))
    return breaks, not_about


def _thing(messages: Sequence[Message], empathy: Lexicon) -> str | None:
    """ "my Ridgeline jacket" -> "your Ridgeline jacket": the first such phrase in their words."""
    breaks, not_about = _breaks(empathy)
    for message in messages:
        text = message.text
        words = list(WORD.finditer(text))
        for index, word in enumerate(words):
            if fold(word.group()) not in ("my", "our"):
                continue
            taken: list[re.Match[str]] = []
            for following in words[index + 1 : index + 4]:
                folded = fold(following.group())
                gap = text[(taken[-1] if taken else word).end() : following.start()]
                if gap.strip() or folded in breaks or folded.endswith("n't"):
                    break
                if len(folded) > 4 and folded.endswith("ed"):
                    break
                taken.append(following)
            if not taken or {fold(t.group()) for t in taken} & not_about:
                continue
            return "your " + text[taken[0].start() : taken[-1].end()]
    return None
