"""Empathy: recognise when the customer is upset and validate the feeling before the fix.

The skill applies when a customer message reads as upset - one of the negative emotions
(anger, frustration, anxiety, sadness, confusion, disappointment) from
:func:`~servicecoach.analysis.emotion.customer_emotions` - and an agent or bot reply
follows it. Confusion counts only when the customer says so ("I'm confused", "makes no
sense"): a plain question reads as mild confusion and needs an answer, not empathy. A
friendly "thanks again!" or "hi again" is read without its "again". Otherwise the skill
is not applicable (evidence that fired is still reported).

Signals, in the replies the customer saw (the customer's own words quoted in a reply, in
``>`` lines or in quotation marks, never count):

- ``empathy.validation`` (+1): acknowledges or validates the customer's feelings ("that
  sounds really frustrating", "I can see why that's upsetting", "I understand how worrying
  that must be", "I'd be annoyed too", "that's the last thing you need"). Leads such as
  "I can see why" count only when a feeling word follows in the same clause ("I can see
  why the payment failed" is a diagnosis); negated phrases ("I'm not sorry", "I don't
  understand why you're upset") never count. A bare apology or "sorry to hear that"
  acknowledges the customer but is not validation.
- ``empathy.personal`` (+1): uses the customer's name (from the customer record or the
  author of their messages) or their specifics: "your" followed by words the customer
  used that are not generic ("your Ridgeline tent", "your trip on Saturday"; not "your
  order"). At most one name and one specific per reply.
- ``empathy.canned`` (-1): a stock line used word for word ("we apologize for any
  inconvenience", "your call is important to us", "we understand your frustration"), or
  an empathy sentence pasted again from an earlier reply.
- ``empathy.mismatched`` (-1): an empathy phrase that does not fit: sympathy or
  validation ("sorry to hear that") replying to a customer who is thanking the agent,
  pleased or relieved.
- ``empathy.missing`` (-1): the first reply after the customer got upset neither
  validates nor apologises; placed on that reply's opening sentence, with an opener built
  from the customer's emotion and a phrase from their message ("I know your trip on
  Saturday is close - let's get this sorted today.").
- ``empathy.late`` (-1): the validation comes only after the fix in the first reply, or
  only in a later reply; placed on that validation (which also counts as
  ``empathy.validation``).

Scoring: each *episode* (an upset customer message and the replies up to the next upset
message's first reply) scores 90 when the first reply validates before any solution
sentence, 100 when a reply of the episode is also personal; 65 when the validation comes
late; 50 when the first reply only apologises or sympathises (or uses a stock line); 25
with no validation or apology. The conversation's score is the mean over its episodes,
minus 15 per canned line and 20 per mismatched phrase, clamped to 0-100. A rubric's
``[analyzers.empathy]`` table may change these numbers, and let a validation in the
first few replies count as timely
(:class:`~servicecoach.analysis.analyzers.empathy_settings.EmpathySettings`).
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import islice
from statistics import mean
from typing import ClassVar, NamedTuple, cast

from servicecoach.analysis.analyzer import Analyzer, Context
from servicecoach.analysis.analyzers.common import is_negated
from servicecoach.analysis.analyzers.empathy_settings import EmpathySettings
from servicecoach.analysis.analyzers.quoting import normalise as _normalise
from servicecoach.analysis.analyzers.quoting import own_words as _own_words
from servicecoach.analysis.emotion import NEGATIVE, Emotion, classify_emotion, customer_emotions
from servicecoach.analysis.evidence import Evidence
from servicecoach.analysis.finding import SkillFinding
from servicecoach.analysis.lexicon import Lexicon
from servicecoach.model.conversation import Conversation, Message, Role
from servicecoach.nlp.phrases import PhraseMatch, fold
from servicecoach.nlp.sentences import Sentence, sentence_index, sentences
from servicecoach.nlp.spans import SpanIndex
from servicecoach.nlp.words import WORD
from servicecoach.nlp.words import is_question as _is_question
from servicecoach.nlp.words import stem as _stem

__all__ = ["EmpathyAnalyzer"]

_POSITIVE = frozenset({"satisfaction", "gratitude", "relief"})
"""Customer emotions to which sympathy does not fit."""

_CLAUSE_STOP = re.compile(r"[.!?;:\n–—]|\s-\s")
_NAME_TOKEN = re.compile(r"^[^\W\d_][^\W\d_'’.-]*(?:['’-][^\W\d_]+)*$")


class _Token(NamedTuple):
    """A word and where it is (a tuple: made for every word of every reply, and a tuple
    is built three times faster than a frozen dataclass)."""

    start: int
    end: int
    word: str  # folded


@dataclass(frozen=True, slots=True)
class _Rules:
    """The lexicon and its word lists, read once per analysis."""

    lexicon: Lexicon
    negators: frozenset[str]
    feelings: frozenset[str]
    near: int
    far: int
    stopwords: frozenset[str]
    generic: frozenset[str]
    ambiguous: frozenset[str]
    greetings: frozenset[str]
    titles: frozenset[str]
    soon: frozenset[str]
    breaks: frozenset[str]
    not_about: frozenset[str]
    not_names: frozenset[str]

    @classmethod
    def load(cls, lexicon: Lexicon) -> _Rules:

        def words(section: str, key: str) -> frozenset[str]:
            return frozenset(fold(w) for w in lexicon.section(section).get(key, []))

        return cls(
            lexicon=lexicon,
            negators=lexicon.words("negation"),
            feelings=lexicon.words("feelings"),
            near=int(lexicon.section("lead_near").get("window", 2)),
            far=int(lexicon.section("lead_far").get("window", 6)),
            stopwords=lexicon.words("stopwords"),
            generic=words("personal", "generic"),
            ambiguous=words("personal", "ambiguous_names"),
            greetings=words("personal", "greetings"),
            titles=words("personal", "titles"),
            soon=words("openers", "soon"),
            breaks=words("openers", "breaks"),
            not_about=words("openers", "not_about"),
            not_names=words("personal", "not_names"),
        )

    def text(self, section: str, key: str) -> str:
        return str(self.lexicon.section(section).get(key, ""))


@dataclass(slots=True)
class _Episode:
    """An upset customer: the emotion, what they said until the first reply, and that reply.

    Attributes:
        emotion: the emotion of the first upset message.
        said: the customer's messages from the upset one to the first reply.
        first: the index of the first reply among all replies.
    """

    emotion: Emotion
    said: list[Message]
    first: int = 0


@dataclass(slots=True)
class _Reply:
    """What one reply does for empathy (spans index the message text)."""

    message: Message
    own: str
    validations: list[tuple[int, int]] = field(default_factory=list)
    acknowledged: bool = False  # an apology, sympathy or stock line
    solution_at: int | None = None
    personal: bool = False


class EmpathyAnalyzer(Analyzer):
    """Validates the upset customer's feelings, early, personally, and not from a template."""

    name: ClassVar[str] = "empathy"
    version: ClassVar[int] = 3
    skill: ClassVar[str] = "empathy"
    Config: ClassVar[type[EmpathySettings]] = EmpathySettings

    def analyze(self, conversation: Conversation, context: Context) -> SkillFinding:
        settings = cast(EmpathySettings, self.settings(context))
        rules = _rules(context.lexicon("empathy"))
        cues = context.lexicon("emotion")  # the team's emotion cues, as the pipeline reads
        emotions = customer_emotions(conversation, context.learned, cues)  # what leads see
        names = _customer_names(conversation, rules)
        found: list[Evidence] = []
        customer_texts: list[str] = []
        customer_words = _Stems(rules)
        customers: list[Message] = []
        last_emotion: Emotion | None = None
        anchor: _Episode | None = None  # the upset customer, not yet replied to
        episodes: list[_Episode] = []
        replies: list[_Reply] = []
        seen_sentences: set[str] = set()
        canned = mismatched = 0
        for message in conversation.messages:
            if message.role is Role.CUSTOMER:
                customers.append(message)
                customer_texts.append(_normalise(message.text))
                customer_words.add(message.text)
                last_emotion = _emotion(message, emotions, rules, cues)
                if anchor is not None:
                    anchor.said.append(message)
                elif last_emotion and _upset(last_emotion, message, rules):
                    anchor = _Episode(last_emotion, [message])
                continue
            if not message.is_reply:
                continue
            reply, evidence = _read_reply(
                message,
                _own_words(message.text, customer_texts),
                rules,
                last_emotion,
                seen_sentences,
                names,
                customer_words,
                customers[::-1][:3],
            )
            found.extend(evidence)
            canned += sum(e.signal == "empathy.canned" for e in evidence)
            mismatched += sum(e.signal == "empathy.mismatched" for e in evidence)
            if anchor is not None:
                anchor.first = len(replies)
                episodes.append(anchor)
                anchor = None
            replies.append(reply)
        if not episodes:
            return SkillFinding.not_applicable(_ordered(found, conversation))
        scores: list[int] = []
        bounds = [episode.first for episode in episodes[1:]] + [len(replies)]
        validating = context.scores("empathy.validation")
        for episode, end in zip(episodes, bounds, strict=True):
            score, evidence = _episode(episode, replies[episode.first : end], rules, settings)
            if not validating:  # experimental: the validation is shown, not scored
                score = min(score, settings.tiers["acknowledged"])
            scores.append(score)
            found.extend(evidence)
        points = settings.points
        score = round(mean(scores)) + points["canned"] * canned + points["mismatched"] * mismatched
        return SkillFinding(max(0, min(100, score)), _ordered(found, conversation))


def _emotion(
    message: Message, emotions: dict[str, Emotion], rules: _Rules, cues: Lexicon
) -> Emotion | None:
    """The message's emotion, read again (by the ``cues`` emotion lexicon) without
    courtesies such as "thanks again"."""
    emotion = emotions.get(message.id)
    if emotion is None or emotion.label not in NEGATIVE:
        return emotion
    courtesies = [m for m in rules.lexicon.matcher.find(message.text) if m.label == "courtesy"]
    if not courtesies:
        return emotion
    pieces: list[str] = []
    done = 0
    for match in courtesies:
        pieces += [message.text[done : match.start], " " * (match.end - match.start)]
        done = match.end
    reread = classify_emotion("".join(pieces) + message.text[done:], cues)
    if reread.label == "neutral" and any(fold(m.phrase).startswith("thank") for m in courtesies):
        return Emotion("gratitude", reread.score)
    return reread


def _fill(template: str, **values: str) -> str:
    """``template`` with each ``{name}`` replaced (stray braces in a lexicon are harmless)."""
    for name, value in values.items():
        template = template.replace("{" + name + "}", value)
    return template


def _upset(emotion: Emotion, message: Message, rules: _Rules) -> bool:
    """A negative emotion; confusion only when the customer says they are confused."""
    if emotion.label not in NEGATIVE:
        return False
    if emotion.label != "confusion":
        return True
    return any(m.label == "confused" for m in rules.lexicon.matcher.find(message.text))


def _episode(
    episode: _Episode, window: Sequence[_Reply], rules: _Rules, settings: EmpathySettings
) -> tuple[int, list[Evidence]]:
    """The score of one upset episode and its missing/late evidence.

    Timely: a validation in one of the first ``settings.early_replies`` replies (the first
    one by default), before any fix of the episode.
    """
    first = window[0]
    found: list[Evidence] = []
    personal = any(reply.personal for reply in window)
    for early in window[: settings.early_replies]:
        if early.validations:
            start, end = early.validations[0]
            if early.solution_at is None or start < early.solution_at:
                return settings.tiers["timely"] + settings.points["personal"] * personal, found
        if early.solution_at is not None:
            break  # the fix came first: a validation from here on is late
    if not (first.validations or first.acknowledged):
        found.append(_missing(first, episode, rules))
    late = next(((r.message, r.validations[0]) for r in window if r.validations), None)
    if late is not None:
        message, (start, end) = late
        found.append(
            Evidence(
                message.id,
                start,
                end,
                "empathy.late",
                -1,
                message.text[start:end],
                rules.text("suggestions", "late"),
            )
        )
        return settings.tiers["late"], found
    return settings.tiers["acknowledged" if first.acknowledged else "missing"], found


def _missing(reply: _Reply, episode: _Episode, rules: _Rules) -> Evidence:
    """``empathy.missing`` on the reply's opening sentence, with an opener that fits."""
    label = episode.emotion.label
    phrase = _phrase_from(episode.said, rules)
    if phrase is None:
        opener = rules.text("openers", f"{label}_plain")
    else:
        close = "is close" if _soon(phrase, rules) else "matters to you"
        opener = _fill(rules.text("openers", label), phrase=phrase, close=close)
    suggestion = rules.lexicon.text("suggestions", "missing", opener=opener)
    opening = sentences(reply.own)[:1]
    start, end = (opening[0].start, opening[0].end) if opening else (0, 0)
    text = reply.message.text
    return Evidence(
        reply.message.id, start, end, "empathy.missing", -1, text[start:end], suggestion
    )


def _read_reply(
    message: Message,
    own: str,
    rules: _Rules,
    last_emotion: Emotion | None,
    seen_sentences: set[str],
    names: Sequence[str],
    customer_words: _Stems,
    recent: Sequence[Message],
) -> tuple[_Reply, list[Evidence]]:
    """One reply's empathy facts and the evidence it carries.

    ``recent``: the customer's last three messages, the latest first; a canned phrase's
    suggestion names their specifics (:func:`_phrase_from`, read only for such a reply).
    """
    text = message.text
    reply = _Reply(message, own)
    found: list[Evidence] = []

    def add(start: int, end: int, signal: str, polarity: int, suggestion: str | None) -> None:
        found.append(
            Evidence(message.id, start, end, signal, polarity, text[start:end], suggestion)
        )

    matches = rules.lexicon.matcher.find(own)
    parts = sentences(own)
    stock = [(m.start, m.end) for m in matches if m.label == "canned"]
    if stock:
        phrase = _phrase_from(recent, rules)
        if phrase:
            canned_suggestion = _fill(rules.text("suggestions", "canned"), phrase=phrase)
        else:
            canned_suggestion = rules.text("suggestions", "canned_plain")
        for start, end in stock:
            add(start, end, "empathy.canned", -1, canned_suggestion)
    reply.acknowledged = bool(stock)

    stock_index = SpanIndex(stock)

    def free(start: int, end: int) -> bool:
        inside = stock_index.covers(start, end)
        return not inside and not is_negated(own, start, rules.negators)

    validations = [v for v in _validations(own, matches, parts, rules) if free(*v)]
    sympathy = [(m.start, m.end) for m in matches if m.label == "sympathy" and free(m.start, m.end)]
    apologies = [m for m in matches if m.label == "apology" and free(m.start, m.end)]
    apology_starts = [m.start for m in apologies]
    validations = [_widen(span, apologies, apology_starts) for span in validations]
    reply.acknowledged = reply.acknowledged or bool(apologies or sympathy)
    if last_emotion is not None and last_emotion.label in _POSITIVE:
        key = "mismatched_thanks" if last_emotion.label == "gratitude" else "mismatched_happy"
        for start, end in _merge(validations + sympathy):
            add(start, end, "empathy.mismatched", -1, rules.text("suggestions", key))
        validations = []
    else:
        empathic = {sentence_index(parts, start) for start, _ in validations + sympathy}
        repeated: set[int] = set()
        for number, sentence in enumerate(parts):
            if number not in empathic:
                continue
            key = _normalise(sentence.text).strip(" .!?,")
            if key in seen_sentences:
                add(
                    sentence.start,
                    sentence.end,
                    "empathy.canned",
                    -1,
                    rules.text("suggestions", "repeated"),
                )
                reply.acknowledged = True
                repeated.add(number)
            seen_sentences.add(key)
        if repeated:
            validations = [v for v in validations if sentence_index(parts, v[0]) not in repeated]
            sympathy = [v for v in sympathy if sentence_index(parts, v[0]) not in repeated]
        # Sympathy ("I'm so sorry to hear that") acknowledges the customer's feelings, so it
        # is evidence of empathy.validation as FORMAT.md defines it; it scores as the
        # generic 50 tier, below a validation that names the feeling.
        named = SpanIndex(validations)
        for start, end in _merge(sympathy):
            if not (named.holds(start) or named.starts_in(start, end)):
                add(start, end, "empathy.validation", 1, None)
    for start, end in validations:
        add(start, end, "empathy.validation", 1, None)
    reply.validations = validations
    solutions = [m.start for m in matches if m.label == "solution"]
    reply.solution_at = min(solutions) if solutions else None
    for start, end in _personal(own, names, customer_words, rules):
        add(start, end, "empathy.personal", 1, None)
        reply.personal = True
    return reply, found


def _validations(
    own: str, matches: Sequence[PhraseMatch], parts: Sequence[Sentence], rules: _Rules
) -> list[tuple[int, int]]:
    """Spans that validate a feeling: set phrases, and leads completed by a feeling word."""
    spans: list[tuple[int, int]] = []
    for match in matches:
        if match.label == "validation":
            spans.append((match.start, match.end))
            continue
        if match.label not in ("lead_near", "lead_far"):
            continue
        number = sentence_index(parts, match.start)
        # A sentence starts on a non-space, so only a lead opening it has nothing before it.
        if (
            number is not None
            and _is_question(parts[number].text)
            and (match.start == parts[number].start)
        ):
            continue  # "How urgent is this?" asks; it does not validate
        window = rules.near if match.label == "lead_near" else rules.far
        for token in _clause_tokens(own, match.end, window):
            if token.word in rules.negators or token.word.endswith("n't"):
                break  # "that sounds not too bad"
            if token.word in rules.feelings:
                spans.append((match.start, token.end))
                break
    return _merge(spans)


def _clause_tokens(text: str, start: int, count: int) -> list[_Token]:
    """The first ``count`` words from ``start``, up to the end of the clause.

    Reads no further than those words: to the end of the clause, as it did, a long
    sentence without punctuation was read once per phrase.
    """
    words = list(islice(WORD.finditer(text, start), count))
    if not words:
        return []
    clause = _CLAUSE_STOP.search(text, start, words[-1].end() + 2)
    limit = clause.start() if clause else len(text)
    return [_Token(w.start(), w.end(), fold(w.group())) for w in words if w.end() <= limit]


def _widen(
    span: tuple[int, int], apologies: Sequence[PhraseMatch], starts: Sequence[int]
) -> tuple[int, int]:
    """Start a validation at the apology it grows out of ("I'm so sorry you've had to...").

    ``apologies`` are in order and apart (one label's phrases never overlap), so only
    the last one starting before the validation can hold its start; ``starts`` are theirs.
    """
    start, end = span
    before = bisect_left(starts, start) - 1
    if before >= 0 and apologies[before].start < start < apologies[before].end:
        start = apologies[before].start
    return start, end


def _personal(
    own: str, names: Sequence[str], customer_words: _Stems, rules: _Rules
) -> list[tuple[int, int]]:
    """The first use of the customer's name and the first "your <their words>" in a reply."""
    folded_names = {fold(n) for n in names}
    found: list[tuple[int, int]] = []
    if not folded_names and "your" not in own.lower():
        return found  # no name to find and no "your": its words need not be read
    tokens = _tokens(own, 0, len(own))
    for index, token in enumerate(tokens):
        if token.word not in folded_names:
            continue
        if token.word in rules.ambiguous:
            before = tokens[index - 1].word if index else ""
            after = own[token.end : token.end + 1]
            if not own[token.start].isupper() or not (before in rules.greetings or after in ",!"):
                continue  # "Will you..." is not a name
        found.append((token.start, token.end))
        break
    for index, token in enumerate(tokens):
        if token.word != "your" or index + 1 >= len(tokens):
            continue
        if tokens[index + 1].word in rules.stopwords:
            continue
        last: int | None = None
        previous = token
        for offset, following in enumerate(tokens[index + 1 : index + 5], start=index + 1):
            gap = own[previous.end : following.start]
            if _CLAUSE_STOP.search(gap) or "," in gap:
                break
            previous = following
            word = following.word
            if word in ("and", "or", "but"):
                break
            if (
                word not in rules.stopwords
                and word not in rules.generic
                and (len(word) >= 3 or any(c.isdigit() for c in word))
                and _stem(word) in customer_words
            ):
                last = offset
        if last is not None:
            found.append((token.start, tokens[last].end))
            break
    return found


def _customer_names(conversation: Conversation, rules: _Rules) -> list[str]:
    """The customer's first name (or surname after a title) from the record and authors."""
    candidates: list[str | None] = [conversation.customer.name]
    candidates += [m.author for m in conversation.messages if m.role is Role.CUSTOMER]
    not_names = rules.not_names
    names: list[str] = []
    for full in candidates:
        if not full or "@" in full:
            continue
        parts = full.split()
        if len(parts) > 1 and fold(parts[0]).rstrip(".") in rules.titles:
            chosen = [parts[1], parts[-1]]  # "Mrs Dana Reyes": Dana, and Reyes
        else:
            chosen = parts[:1]
        for part in chosen:
            word = part.strip(",.")
            if (
                len(word) >= 2
                and _NAME_TOKEN.match(word)
                and fold(word) not in not_names
                and word not in names
            ):
                names.append(word)
    return names


def _phrase_from(messages: Sequence[Message], rules: _Rules) -> str | None:
    """A short phrase about the customer's specifics: "my Ridgeline tent" -> "your Ridgeline tent".

    A phrase with a specific word wins over a generic one ("your order").
    """
    breaks, not_about = rules.breaks, rules.not_about
    fallback: str | None = None
    for message in messages:
        text = message.text
        lowered = text.lower()
        if "my" not in lowered and "our" not in lowered:
            continue  # no "my" or "our" to start a phrase (cheaper than reading its words)
        tokens = _tokens(text, 0, len(text))
        for index, token in enumerate(tokens):
            if token.word not in ("my", "our"):
                continue
            end: int | None = None
            cursor = index + 1
            while (
                cursor < len(tokens)
                and cursor <= index + 3
                and _joined(text, tokens[cursor - 1], tokens[cursor])
                and _nounish(tokens[cursor].word, breaks)
            ):
                end = cursor
                cursor += 1
            if end is None:
                continue
            end = _tail(text, tokens, end, rules)
            words = {t.word for t in tokens[index + 1 : end + 1]}
            if words & not_about:
                continue  # "my wife", "my street": not what went wrong
            phrase = "your " + text[tokens[index + 1].start : tokens[end].end]
            if words - rules.generic - rules.stopwords:
                return phrase
            fallback = fallback or phrase
    return fallback


def _tail(text: str, tokens: Sequence[_Token], end: int, rules: _Rules) -> int:
    """Extend a phrase with "on Saturday", "this weekend" or "for the 12th", when present."""
    cursor = end + 1
    if cursor >= len(tokens) or tokens[cursor].word not in ("on", "for", "at", "this", "next"):
        return end
    if (
        tokens[cursor].word in ("on", "for", "at")
        and cursor + 1 < len(tokens)
        and tokens[cursor + 1].word in ("this", "next", "the")
    ):
        cursor += 1
    target = cursor + 1
    if target >= len(tokens) or not all(
        _joined(text, tokens[i], tokens[i + 1]) for i in range(end, target)
    ):
        return end
    candidate = tokens[target]
    if (
        text[candidate.start].isupper()
        or any(c.isdigit() for c in candidate.word)
        or candidate.word in rules.soon
    ):
        return target
    return end


def _nounish(word: str, breaks: frozenset[str]) -> bool:
    """A word that can continue a noun phrase: not a break word, a verb in -ed or an -ly adverb."""
    if word in breaks or word.endswith("n't"):
        return False
    return not (len(word) > 4 and (word.endswith("ed") or word.endswith("ly")))


def _joined(text: str, left: _Token, right: _Token) -> bool:
    """True when nothing but spaces separates two tokens (same clause, no comma)."""
    return not text[left.end : right.start].strip()


def _soon(phrase: str, rules: _Rules) -> bool:
    return any(t.word in rules.soon for t in _tokens(phrase, 0, len(phrase)))


def _tokens(text: str, start: int, end: int) -> Sequence[_Token]:
    if start == 0 and end == len(text):
        return _all_tokens(text)
    return _find_tokens(text, start, end)


@lru_cache(maxsize=4096)
def _all_tokens(text: str) -> tuple[_Token, ...]:
    """Every word of ``text``: the customer's messages are read by several rules."""
    return tuple(_find_tokens(text, 0, len(text)))


_new_token = tuple.__new__
"""``_new_token(_Token, (start, end, word))`` is ``_Token(start, end, word)`` without the
named tuple's Python-level ``__new__``: a quarter less time to tokenise a text."""


def _find_tokens(text: str, start: int, end: int) -> list[_Token]:
    folded = fold(text)  # fold keeps offsets: fold once, slice per word
    if "‘" in text or "`" in text:  # fold makes these "'", which WORD takes into a word
        return [
            _new_token(_Token, (m.start(), m.end(), folded[m.start() : m.end()]))
            for m in WORD.finditer(text, start, end)
        ]
    # otherwise WORD finds the same words in the folded text (case and ’ are alike to it)
    return [
        _new_token(_Token, (m.start(), m.end(), m.group()))
        for m in WORD.finditer(folded, start, end)
    ]


def _content_stems(text: str, rules: _Rules) -> set[str]:
    return {_stem(t.word) for t in _tokens(text, 0, len(text)) if t.word not in rules.stopwords}


class _Stems:
    """The content stems of the customer's messages so far, read when first asked about:
    only a reply with "your" and a content word after it asks (few do)."""

    __slots__ = ("_pending", "_rules", "_stems")

    def __init__(self, rules: _Rules) -> None:
        self._rules = rules
        self._pending: list[str] = []
        self._stems: set[str] = set()

    def add(self, text: str) -> None:
        """A customer message."""
        self._pending.append(text)

    def __contains__(self, stem: str) -> bool:
        if self._pending:
            for text in self._pending:
                self._stems.update(_content_stems(text, self._rules))
            self._pending.clear()
        return stem in self._stems


def _merge(spans: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start < merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


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
