"""Clear communication: brief, plain, positive replies with steps and a recap.

Signals:

- ``clarity.negative_language`` (-1) - a sentence says what cannot be done ("can't",
  "unable to", "not possible", "policy doesn't allow", "out of stock", "we don't
  offer", ...) and neither it nor the next sentence of the reply offers an alternative
  ("but I can", "instead", "what I can do", "I'll", "we can", "you can", "option",
  "alternatively", ...). Questions, conditions about the customer ("if you can't find
  it"), set phrases ("I can't wait to hear") and text in quotation marks are skipped.
  One per sentence; the suggestion is a rewrite that leads with the option, built from
  the sentence where its shape is known ("X is out of stock until next week" becomes
  "X is due back next week - I can order it now so it ships the day it arrives.").
- ``clarity.jargon`` (-1) - internal words or codes: ticket keys such as ``OPS-1234``
  (order and invoice references excepted), levels ("escalated to L2", "tier 2"), "SLA",
  "RMA", "per the SOP", "backend", "P1". The suggestion gives a plain swap.
- ``clarity.too_long`` (-1) - a reply over the channel's limit (120 words; chat 80;
  social posts and SMS 50, about the 280 characters a post allows), or over 80 words and
  more than three times as long as the customer message it answers. Spans the whole
  reply.
- ``clarity.hard_to_read`` (-1) - a reply of 20+ words whose Flesch-Kincaid grade is
  above 10 (target: grade 8). Spans its hardest sentence.
- ``clarity.recap`` (+1) - a recap or next steps ("to recap", "here's what happens
  next", "next steps", or "I've done X and you'll get Y by Z" in one sentence).
- ``clarity.steps`` (+1) - two or more numbered or bulleted lines in one reply.

Only replies the customer saw count, and never the customer's own words quoted in them
(lines starting with ``>``, or text in quotation marks copied from a customer message).

Scoring (applicable when the conversation has at least one agent or bot reply): start at
85; minus 15 per negative-language sentence and 10 per jargon term; minus 10 once if any
reply is too long and 10 once if any is hard to read; plus 10 once for a recap and 5
once for steps; clamped to 0-100.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import ClassVar, cast

from servicecoach.analysis.analyzer import Analyzer, Context
from servicecoach.analysis.analyzers.clarity_settings import DEFAULT_MAX_WORDS, ClaritySettings
from servicecoach.analysis.analyzers.quoting import normalise as _normalise
from servicecoach.analysis.analyzers.quoting import own_words, quotations
from servicecoach.analysis.evidence import Evidence
from servicecoach.analysis.finding import SkillFinding
from servicecoach.analysis.lexicon import Lexicon
from servicecoach.model.conversation import Conversation, Message, Role
from servicecoach.nlp.phrases import PhraseMatch, PhraseMatcher, fold
from servicecoach.nlp.sentences import Sentence, sentence_index, sentences
from servicecoach.nlp.spans import SpanIndex, starting_in
from servicecoach.nlp.words import WORD, last_words, word_count

__all__ = ["ClarityAnalyzer", "flesch_kincaid_grade", "syllables"]

_EACH_TIME = frozenset({"negative_language", "jargon", "forbidden_phrase"})
"""Signals that count every time they fire; the others count once per conversation.
Their points, the base and the length limits are :class:`ClaritySettings`' defaults."""
_MAX_WORDS = DEFAULT_MAX_WORDS["default"]
_RELATIVE_WORDS = 80
_MAX_GRADE = 10.0
_MIN_GRADED_WORDS = 20

_LETTER_WORD = re.compile(r"[A-Za-z]+(?:'[A-Za-z]+)*")
_LINK = re.compile(r"(?<!\S)\S[^\s@]*@\S+|https?://\S+|www\.\S+")
"""An address or a link. The address is tried only where a word begins, and up to its
first ``@``: ``\\S+@\\S+`` tried at every character of a long word took quadratic time."""
_CLAUSE_END = re.compile(r"[,.;:!?()\-–—]")
_TICKET = re.compile(r"\b([A-Z][A-Z0-9]{1,9})-\d{2,}\b")
_STEP_LINE = re.compile(r"(?m)^[ \t]*(?:\d{1,2}[.)]|[-*•‣])[ \t]+\S.*$")
_HAVE_DONE = re.compile(r"\b(?:i|we)(?:'ve| have)\b")
_YOU_WILL = re.compile(r"\byou(?:'ll| will)\b")
_BY = re.compile(r"\b(?:by|within|before|in the next)\b")
_NO_OPTION = frozenset({"no", "any", "without", "nothing", "not"})
_NOT_AFTER = re.compile(r"(?:'t|n't|\s+not\b|\s+never\b)")
_VOWELS = re.compile(r"[aeiouy]+")
_VOICED_ENDINGS = ("ted", "ded", "ses", "zes", "ces", "ges", "xes", "shes", "ches")

_LEAD_IN = r"^(?>(?:(?:unfortunately|sorry|i'm afraid|i am afraid|at the moment|right now)[,\s]+)*)"
"""Atomic, and the subject ends on a non-space: else every split of the lead-in words
and of the spaces before the verb was tried again, quadratic in a long sentence."""
_STOCK = re.compile(
    _LEAD_IN + r"(?P<subject>[^,;:]*?[^,;:\s])\s*(?P<verb>\bis\b|\bare\b|'s\b)\s+"
    r"(?:currently\s+|temporarily\s+|now\s+|still\s+)?out of stock"
    r"(?:\s+(?:until|till|til)\s+(?P<when>[^.,;!?]+))?",
    re.IGNORECASE,
)
_GONE = re.compile(
    _LEAD_IN + r"(?P<subject>[^,;:]*?[^,;:\s])\s*(?:\bis\b|\bare\b|'s\b)\s+no longer available",
    re.IGNORECASE,
)
_NOT_OFFERED = re.compile(
    r"\bwe (?:don't|do not) (?:offer|provide) (?P<what>[^.,;!?]+)", re.IGNORECASE
)
_POLICY = re.compile(
    r"\bpolicy (?:doesn't|does not|won't) allow (?P<what>[^.,;!?]+)", re.IGNORECASE
)


@dataclass(frozen=True, slots=True)
class _Rules:
    """The lexicon and its word lists, read once per analysis."""

    lexicon: Lexicon
    conditional: frozenset[str]
    customer_codes: frozenset[str]
    plain: dict[str, str]

    @classmethod
    def load(cls, lexicon: Lexicon) -> _Rules:
        jargon = lexicon.section("jargon")
        return cls(
            lexicon=lexicon,
            conditional=lexicon.words("conditional"),
            customer_codes=frozenset(fold(c) for c in jargon.get("customer_codes", [])),
            plain={fold(k): str(v) for k, v in jargon.get("plain", {}).items()},
        )


@lru_cache(maxsize=65536)
def syllables(word: str) -> int:
    """A heuristic syllable count for an English word (at least 1).

    Counts vowel groups, then drops a silent final ``e`` (but not ``-le`` after a
    consonant), the silent ``e`` of ``-es``/``-ed`` endings and of ``-ely``.
    """
    w = fold(word).strip("'")
    w = re.sub(r"[^a-z]", "", w)
    if not w:
        return 0
    if len(w) <= 3:
        return 1
    count = len(_VOWELS.findall(w))
    silent_e = w.endswith("e") and not (w.endswith("le") and w[-3] not in "aeiouy")
    silent_ending = w.endswith(("es", "ed")) and not w.endswith(_VOICED_ENDINGS)
    if silent_e or silent_ending or w.endswith("ely"):  # "make", "closed", "lately"
        count -= 1
    return max(1, count)


def flesch_kincaid_grade(sentence_words: Sequence[Sequence[str]]) -> float:
    """The Flesch-Kincaid grade level of sentences given as lists of words."""
    counted = [words for words in sentence_words if words]
    total = sum(len(words) for words in counted)
    if not total:
        return 0.0
    syllable_total = sum(syllables(w) for words in counted for w in words)
    return 0.39 * total / len(counted) + 11.8 * syllable_total / total - 15.59


class ClarityAnalyzer(Analyzer):
    """Brief, plain, positive replies; steps as lists; a recap of what happens next."""

    name: ClassVar[str] = "clarity"
    version: ClassVar[int] = 3
    skill: ClassVar[str] = "clear_communication"

    Config: ClassVar[type[ClaritySettings]] = ClaritySettings

    def analyze(self, conversation: Conversation, context: Context) -> SkillFinding:
        rules = _rules(context.lexicon("clarity"))
        settings = cast(ClaritySettings, self.settings(context))
        team = _team_phrases(settings.forbid, settings.encourage)
        found: list[Evidence] = []
        customer_texts: list[str] = []
        last_customer: Message | None = None
        replied = False
        limit = settings.limit(conversation.channel)
        for message in conversation.messages:
            if message.role is Role.CUSTOMER:
                customer_texts.append(_normalise(message.text))
                last_customer = message
                continue
            if not message.is_reply:
                continue
            replied = True
            found.extend(_reply_signals(message, customer_texts, last_customer, rules, limit))
            for match in team.find(message.text):
                forbidden = match.label == "forbid"
                found.append(
                    Evidence(
                        message.id,
                        match.start,
                        match.end,
                        "clarity.forbidden_phrase" if forbidden else "clarity.encouraged_phrase",
                        -1 if forbidden else 1,
                        match.phrase,
                        rules.lexicon.text("suggestions", "forbidden") if forbidden else None,
                    )
                )
        if not replied:
            return SkillFinding.not_applicable()
        counts: dict[str, int] = {}
        for evidence in found:
            signal = evidence.signal.removeprefix("clarity.")
            if signal in _EACH_TIME or signal not in counts:
                counts[signal] = counts.get(signal, 0) + 1
        return SkillFinding(settings.score(counts), tuple(found))


def _reply_signals(
    message: Message,
    customer_texts: list[str],
    answers: Message | None,
    rules: _Rules,
    limit: int = _MAX_WORDS,
) -> list[Evidence]:
    """Every clarity signal in one reply, in text order."""
    text = message.text
    own, quotes = own_words(text, customer_texts), quotations(text)
    parts = sentences(own)
    quoted = SpanIndex(quotes)
    matches = [m for m in rules.lexicon.matcher.find(own) if not quoted.covers(m.start, m.end)]
    found: list[Evidence] = []
    found.extend(_negative_language(message, own, parts, matches, rules))
    found.extend(_jargon(message, own, matches, quoted, rules))
    found.extend(_length_and_grade(message, own, parts, answers, limit, rules.lexicon))
    found.extend(_recap_and_steps(message, own, parts, matches))
    found.sort(key=lambda e: (e.start, e.end, e.signal))
    return found


def _negative_language(
    message: Message,
    own: str,
    parts: list[Sentence],
    matches: list[PhraseMatch],
    rules: _Rules,
) -> list[Evidence]:
    if not any(m.label == "negative" for m in matches):
        return []  # most replies: nothing to read the clauses and options for
    benign = SpanIndex((m.start, m.end) for m in matches if m.label == "benign")
    alternatives = [m for m in matches if m.label == "alternative" and _real_option(own, m)]
    conditions = _Conditions(own, rules)
    flagged: set[int] = set()
    found: list[Evidence] = []
    for match in matches:
        if match.label != "negative":
            continue
        if benign.covers(match.start, match.end):
            continue  # "I can't wait to hear how it goes"
        index = sentence_index(parts, match.start)
        if index is None or index in flagged:
            continue
        sentence = parts[index]
        if sentence.text.rstrip().endswith("?") or conditions.before(sentence, match):
            continue
        window = parts[index : index + 2]
        if any(starting_in(alternatives, s.start, s.end) for s in window):
            continue
        flagged.add(index)
        quote = message.text[sentence.start : sentence.end]
        suggestion = _rewrite(quote, rules.lexicon) or rules.lexicon.suggestion("negative")
        found.append(
            Evidence(
                message.id,
                sentence.start,
                sentence.end,
                "clarity.negative_language",
                -1,
                quote,
                suggestion,
            )
        )
    return found


def _real_option(own: str, match: PhraseMatch) -> bool:
    """False for "but I can't", "no other option", "nothing more we can do"."""
    if _NOT_AFTER.match(own, match.end):
        return False
    before = last_words(own, match.start, 2, WORD, fold=fold)
    return not any(word in _NO_OPTION for word in before)


class _Conditions:
    """Where a reply's clauses begin and its conditional words ("if", "unless") are.

    Read once per reply, so that each negative phrase is checked with two binary
    searches instead of reading its clause again (quadratic in a long sentence).
    """

    def __init__(self, own: str, rules: _Rules) -> None:
        self._stops = [m.start() for m in _CLAUSE_END.finditer(own)]
        words = WORD.finditer(fold(own))  # fold keeps offsets; "’" joins a word as "'"
        spans = [(w.start(), w.end()) for w in words if w.group() in rules.conditional]
        self._starts = [start for start, _ in spans]
        self._ends = [end for _, end in spans]

    def before(self, sentence: Sentence, match: PhraseMatch) -> bool:
        """True for "if you can't find it, ...": a conditional word earlier in the clause."""
        stop = bisect_left(self._stops, match.start) - 1
        clause = max(sentence.start, self._stops[stop] + 1 if stop >= 0 else 0)
        last = bisect_right(self._ends, match.start) - 1
        return last >= 0 and self._starts[last] >= clause


def _rewrite(sentence: str, lexicon: Lexicon) -> str | None:
    """A rewrite of ``sentence`` that leads with the option, when its shape is known (the
    lexicon's ``[suggestions]`` texts, filled with the sentence's words)."""
    if stock := _STOCK.search(sentence):
        subject = stock.group("subject").strip()
        plural = fold(stock.group("verb")) == "are"
        be, it = ("are", "them") if plural else ("is", "it")
        ships, arrives = ("they ship", "they arrive") if plural else ("it ships", "it arrives")
        when = stock.group("when")
        if when:
            return lexicon.text(
                "suggestions",
                "stock_due",
                Subject=_capital(subject),
                be=be,
                due=_due(when.strip()),
                it=it,
                ships=ships,
                arrives=arrives,
            )
        return lexicon.text("suggestions", "stock_notify", subject=_lower(subject), be=be)
    if gone := _GONE.search(sentence):
        subject = _lower(gone.group("subject").strip())
        return lexicon.text("suggestions", "gone", subject=subject)
    if offered := _NOT_OFFERED.search(sentence):
        return lexicon.text("suggestions", "not_offered", what=offered.group("what").strip())
    if policy := _POLICY.search(sentence):
        return lexicon.text("suggestions", "policy", what=policy.group("what").strip())
    return None


def _due(when: str) -> str:
    lowered = fold(when)
    if lowered.startswith("the end"):
        return f"by {when}"
    if lowered.startswith("the "):
        return f"on {when}"
    return when


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def _lower(text: str) -> str:
    if fold(text) in ("it", "they"):
        return fold(text)
    if len(text) > 1 and text[1].isupper():
        return text  # an acronym or a name
    return text[:1].lower() + text[1:]


def _jargon(
    message: Message,
    own: str,
    matches: list[PhraseMatch],
    quoted: SpanIndex,
    rules: _Rules,
) -> list[Evidence]:
    generic = rules.lexicon.suggestion("jargon")
    found: list[Evidence] = []
    for match in matches:
        if match.label != "jargon":
            continue
        plain = rules.plain.get(fold(match.phrase))
        suggestion = (
            rules.lexicon.text("suggestions", "jargon_swap", plain=plain, phrase=match.phrase)
            if plain
            else generic
        )
        found.append(
            Evidence(
                message.id,
                match.start,
                match.end,
                "clarity.jargon",
                -1,
                message.text[match.start : match.end],
                suggestion,
            )
        )
    tickets = [
        ticket
        for ticket in _TICKET.finditer(own)
        if fold(ticket.group(1)) not in rules.customer_codes
        and not quoted.covers(ticket.start(), ticket.end())
    ]
    codes = SpanIndex(ticket.span() for ticket in tickets)
    found = [e for e in found if not codes.holds(e.start)]  # "RMA" inside "RMA-1234"
    for ticket in tickets:
        found.append(
            Evidence(
                message.id,
                ticket.start(),
                ticket.end(),
                "clarity.jargon",
                -1,
                message.text[ticket.start() : ticket.end()],
                rules.lexicon.text("suggestions", "ticket_code"),
            )
        )
    return found


def _without_links(text: str) -> str:
    """``text`` with addresses and links replaced by a space (most sentences have none)."""
    if "@" not in text and "://" not in text and "www." not in text:
        return text  # what each of _LINK's three kinds needs
    return _LINK.sub(" ", text)


def _length_and_grade(
    message: Message,
    own: str,
    parts: list[Sentence],
    answers: Message | None,
    limit: int,
    lexicon: Lexicon,
) -> list[Evidence]:
    text = message.text
    found: list[Evidence] = []
    words = word_count(own)
    if words > limit or (
        words > _RELATIVE_WORDS and answers is not None and words > 3 * word_count(answers.text)
    ):  # the customer's words counted only for a long reply
        start = len(text) - len(text.lstrip())
        end = max(start, len(text.rstrip()))
        found.append(
            Evidence(
                message.id,
                start,
                end,
                "clarity.too_long",
                -1,
                text[start:end],
                lexicon.text(
                    "suggestions",
                    "too_long",
                    words=str(words),
                    aim=str(min(limit, _RELATIVE_WORDS)),
                ),
            )
        )
    graded = [(s, _LETTER_WORD.findall(_without_links(s.text))) for s in parts]
    graded = [(s, w) for s, w in graded if w]
    if sum(len(w) for _, w in graded) >= _MIN_GRADED_WORDS:
        grade = flesch_kincaid_grade([w for _, w in graded])
        if grade > _MAX_GRADE:
            hardest = max(graded, key=lambda item: flesch_kincaid_grade([item[1]]))[0]
            found.append(
                Evidence(
                    message.id,
                    hardest.start,
                    hardest.end,
                    "clarity.hard_to_read",
                    -1,
                    text[hardest.start : hardest.end],
                    lexicon.text("suggestions", "hard_to_read", grade=f"{grade:.0f}"),
                )
            )
    return found


def _recap_and_steps(
    message: Message, own: str, parts: list[Sentence], matches: list[PhraseMatch]
) -> list[Evidence]:
    text = message.text
    found = [
        Evidence(message.id, m.start, m.end, "clarity.recap", 1, text[m.start : m.end])
        for m in matches
        if m.label == "recap"
    ]
    phrases = SpanIndex((e.start, e.end) for e in found)
    for sentence in parts:
        if phrases.starts_in(sentence.start, sentence.end):
            continue
        # "I've" or "we have" first: "ve" in any case, before the sentence is folded
        if "ve" in sentence.text.lower() and _done_and_next(fold(sentence.text)):
            found.append(
                Evidence(
                    message.id,
                    sentence.start,
                    sentence.end,
                    "clarity.recap",
                    1,
                    text[sentence.start : sentence.end],
                )
            )
    steps = list(_STEP_LINE.finditer(own)) if "\n" in own else []  # two lines at least
    if len(steps) >= 2:
        start, end = steps[0].start(), steps[-1].end()
        start += len(own[start:end]) - len(own[start:end].lstrip())
        end = start + len(own[start:end].rstrip())
        found.append(Evidence(message.id, start, end, "clarity.steps", 1, text[start:end]))
    return found


def _done_and_next(text: str) -> bool:
    """ "I've ..., you'll ... by ...": the three in this order on one line.

    Three searches, each from where the last one ended: one pattern with ``.*?`` between
    the three took cubic time on a long line that almost matched.
    """
    for line in text.split("\n"):
        done = _HAVE_DONE.search(line)
        then = _YOU_WILL.search(line, done.end()) if done else None
        if then and _BY.search(line, then.end()):
            return True
    return False


@lru_cache(maxsize=8)
def _rules(lexicon: Lexicon) -> _Rules:
    """The rules built from ``lexicon``, once per lexicon object: the shipped one's once per
    process, a team's merged one's once per rubric (``Context.lexicon``)."""
    return _Rules.load(lexicon)


@lru_cache(maxsize=16)
def _team_phrases(forbid: tuple[str, ...], encourage: tuple[str, ...]) -> PhraseMatcher:
    """A matcher for the rubric's phrases (built once per rubric)."""
    return PhraseMatcher(
        {**dict.fromkeys(encourage, "encourage"), **dict.fromkeys(forbid, "forbid")}
    )
