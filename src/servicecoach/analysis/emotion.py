"""Customer emotion per message: a trained model where loaded, the emotion lexicon always.

Every customer message gets one of the FORMAT.md labels (``anger``, ``frustration``,
``anxiety``, ``sadness``, ``confusion``, ``disappointment``, ``neutral``,
``satisfaction``, ``gratitude``, ``relief``) and a confidence.

- Rules (fast mode, and a second opinion): cues are counted per label (weighted),
  shouting (capitals, ``!!``) adds to anger, and the label with most weight wins; with
  no cue the message is neutral. The cues are the ``emotion`` lexicon's: the shipped one,
  or a team's merged one where its rubric overrides it (every function here takes it, so
  the pipeline, the analysers and live assist read the same team's cues).
- Learned: the ``emotion`` head (trained on GoEmotions, src/servicecoach/model_files/README.md)
  gives each sentence a probability per label; a message takes, per emotional label, its
  most confident sentence. The rule cues are added with weight :data:`RULE_WEIGHT` (they
  know service talk such as "third time I'm writing" that Reddit comments lack), and the
  message is neutral unless an emotional label reaches :data:`MIN_EMOTION`. Short
  formulaic sentences ("Thanks, Dana", "Hi there") are left out of a message that has
  others: a polite sign-off does not make a frustrated message grateful.
- In context (both modes): a message that answers an agent reply is then re-read beside
  it and the customer's earlier messages (:mod:`servicecoach.analysis.emotion_context`,
  :mod:`servicecoach.analysis.emotion_context_reading`): "Great." after a refusal is
  sarcasm, "ok thanks" after one is resignation, a repeated or corrected request is
  frustration, "that's all" after "anything else?" is neutral.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

from servicecoach.analysis.emotion_context import turn_contexts
from servicecoach.analysis.emotion_context_reading import reread
from servicecoach.analysis.lexicon import Lexicon, load_lexicon
from servicecoach.model.conversation import Conversation, Role
from servicecoach.nlp.formulaic import is_formulaic
from servicecoach.nlp.sentences import sentences
from servicecoach.nlp.words import WORD

if TYPE_CHECKING:
    from servicecoach.analysis.learned import LearnedView

__all__ = [
    "EMOTIONS",
    "MIN_EMOTION",
    "MIN_UNCUED_POSITIVE",
    "NEGATIVE",
    "RULE_WEIGHT",
    "Emotion",
    "classify_emotion",
    "customer_emotions",
    "rule_weights",
]

EMOTIONS = (
    "anger", "frustration", "anxiety", "sadness", "confusion", "disappointment",
    "neutral", "satisfaction", "gratitude", "relief",
)  # fmt: skip
NEGATIVE = frozenset({"anger", "frustration", "anxiety", "sadness", "confusion", "disappointment"})
"""Labels that mean the customer is upset or stuck: empathy is due."""
_POSITIVE = frozenset({"satisfaction", "gratitude", "relief"})

_COURTESY_OPENERS = frozenset(
    {"thanks", "thank", "thx", "cheers", "ty", "many", "hi", "hello", "hey", "regards", "best"}
)
_SHOUT = re.compile(r"\b[A-Z]{3,}\b(?:\W+\b[A-Z]{2,}\b){2,}")
_BANGS = re.compile(r"!\?*!")
"""Two "!" in one run of "!" and "?" ("!!", "?!?!"): ``[!?]*![!?]*!+``, as it was, took
quadratic time to fail on a long run of "?"."""
_WISH = re.compile(
    r"\b(?:have|enjoy|had|wish you) (?:a|an|your|the rest of your) "
    r"(?:(?:great|good|nice|lovely|wonderful|fantastic|brilliant|safe|happy|pleasant) )?\w+",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class Emotion:
    """One message's emotion label and confidence (0-1)."""

    label: str
    score: float

    def to_dict(self) -> dict[str, object]:
        """The FORMAT.md shape."""
        return {"label": self.label, "score": round(self.score, 2)}


MIN_UNCUED_POSITIVE = 0.5
"""The model probability a positive label needs when no rule cue of thanks or praise backs it."""
RULE_WEIGHT = 0.35
"""How much a message's rule cues (shares of their weight) add to the model's probabilities."""
MIN_EMOTION = 0.35
"""The combined score an emotional label needs; below it the message is neutral."""


def rule_weights(text: str, lexicon: Lexicon | None = None) -> dict[str, float]:
    """The weight of each emotion's cues in ``text`` (empty: no cue).

    Well-wishes ("have a great day") are no cue: they are courtesy, not the customer's mood.
    A customer message is read twice (its emotion, and problem solving's upset check), so
    the last texts' weights are kept, per lexicon object (two rubrics never mix).

    Args:
        text: one customer message (or part of one).
        lexicon: the ``emotion`` lexicon to read (a team's merged one); ``None``: the
            shipped one.
    """
    return dict(_rule_weights(text, _emotion_lexicon(lexicon)))


def _emotion_lexicon(lexicon: Lexicon | None) -> Lexicon:
    """``lexicon``, or the shipped ``emotion`` lexicon for ``None``: one object for the
    shipped cues whether a caller passes it or not, so the caches below hit either way."""
    return load_lexicon("emotion") if lexicon is None else lexicon


@lru_cache(maxsize=256)
def _rule_weights(text: str, lexicon: Lexicon) -> tuple[tuple[str, float], ...]:
    """Cached by text and lexicon object (lexicons hash by identity, so two rubrics'
    merged lexicons never share an entry)."""
    text = _WISH.sub(lambda m: " " * len(m.group()), text)
    weights: dict[str, float] = {}
    matches = lexicon.matcher.find(text, longest=True)
    upset = any(m.label in _COMPLAINT for m in matches)
    thanked = any(m.label in _POSITIVE for m in matches)
    for match in matches:
        if upset and match.label in _POSITIVE and _sarcastic(text, match.start, match.end):
            continue  # "Still not here. Lovely.": praise beside a complaint is sarcasm
        label = match.label
        if (
            label == "anxiety"
            and thanked
            and _PAST.search(text[max(0, match.start - 24) : match.start])
        ):
            label = "relief"  # "Thank you! I was so worried": the worry is over
        weight = float(lexicon.sections.get(match.label, {}).get("weight", 1.0))
        weights[label] = weights.get(label, 0.0) + weight
    if _SHOUT.search(text):
        weights["anger"] = weights.get("anger", 0.0) + 1.5
    if _BANGS.search(text) and any(k in weights for k in NEGATIVE):
        weights["anger"] = weights.get("anger", 0.0) + 0.5
    return tuple(weights.items())


_PAST = re.compile(
    r"\b(?:was|were|had been|i'd been|we'd been)(?: (?:so|really|very|a bit|quite))? *$",
    re.IGNORECASE,
)
"""A worry put in the past tense right before its word ("I was so worried")."""
_COMPLAINT = frozenset({"anger", "frustration", "disappointment"})
"""Cues of a complaint, beside which praise reads as sarcasm (worry beside thanks is relief)."""
_SARCASTIC_LEAD = re.compile(r"\b(?:oh|just|so|how|well)\W*$", re.IGNORECASE)
_SHORT = 3
"""Words of a sentence that is nothing but a reaction ("Brilliant.", "Thanks a lot.")."""


def _sarcastic(text: str, start: int, end: int) -> bool:
    """Praise or thanks that is only a bare reaction or follows "oh", "just", "how"...

    Called only when the same message also complains: "Not even a sorry? Brilliant.",
    "Oh great, it's broken again", "Thanks a lot. Now I've lost the whole day".
    """
    if _SARCASTIC_LEAD.search(text[max(0, start - 12) : start]):
        return True
    for sentence in sentences(text):
        if sentence.start <= start and end <= sentence.end:
            return len(WORD.findall(sentence.text.lower())) <= _SHORT
    return False


def classify_emotion(text: str, lexicon: Lexicon | None = None) -> Emotion:
    """The emotion of one customer message by the rules alone (``lexicon``: see
    :func:`rule_weights`)."""
    weights = rule_weights(text, lexicon)
    if not weights:
        return Emotion("neutral", 0.6)
    label = max(weights, key=lambda k: (weights[k], -EMOTIONS.index(k)))
    total = sum(weights.values())
    confidence = 0.4 + 0.5 * (weights[label] / total) * min(1.0, weights[label] / 2)
    return Emotion(label, min(0.95, confidence))


def customer_emotions(
    conversation: Conversation,
    learned: LearnedView | None = None,
    lexicon: Lexicon | None = None,
) -> dict[str, Emotion]:
    """The emotion of every customer message, by message id (learned when ``learned``).

    The pipeline and three analysers ask for the same conversation's emotions in a row,
    so the last answer of each thread is kept (by identity of all three arguments, which
    it holds on to). Treat the mapping as read-only.

    Args:
        conversation: the conversation.
        learned: its learned view; ``None``: the rules alone.
        lexicon: the ``emotion`` lexicon whose cues the rules count (a team's merged one,
            ``Context.lexicon("emotion")``); ``None``: the shipped one.
    """
    lexicon = _emotion_lexicon(lexicon)
    last: _Last | None = getattr(_LAST, "value", None)
    if last is not None and last[0] is conversation and last[1] is learned and last[2] is lexicon:
        return last[3]
    found = _in_context(conversation, learned, _customer_emotions(conversation, learned, lexicon))
    _LAST.value = (conversation, learned, lexicon, found)
    return found


_Last = tuple["Conversation", "LearnedView | None", Lexicon, dict[str, Emotion]]
_LAST = threading.local()
"""Per thread: the last (conversation, learned view, lexicon, emotions) computed."""


def _customer_emotions(
    conversation: Conversation, learned: LearnedView | None, lexicon: Lexicon
) -> dict[str, Emotion]:
    found: dict[str, Emotion] = {}
    table: list[list[float]] | None = None  # the emotion head's rows as plain floats
    for index, message in enumerate(conversation.messages):
        if message.role is not Role.CUSTOMER:
            continue
        rows = learned.rows(index) if learned is not None else []
        if learned is None or not rows:
            found[message.id] = classify_emotion(message.text, lexicon)
            continue
        cue_text = message.text
        if len(rows) > 1:  # "Thanks, Dana" closing an angry message says nothing of the mood
            kept = [r for r in rows if not _courtesy(message.text, learned, r)]
            if kept:
                rows = kept
                cue_text = " ".join(
                    message.text[learned.spans[r].start : learned.spans[r].end] for r in kept
                )
        cues = rule_weights(cue_text, lexicon)
        settled = False
        if cue_text is not message.text and "anxiety" in cues:
            # "Thank you! I was so worried it was lost.": the thanks set aside as courtesy
            # is what puts the worry in the past, so read the cues of the whole message.
            whole = rule_weights(message.text, lexicon)
            settled = "relief" in whole and "anxiety" not in whole
            if settled:
                cues, rows = whole, learned.rows(index)
        if table is None:
            table = learned.heads["emotion"].tolist()
        found[message.id] = _combined(learned.labels["emotion"], table, rows, cues, settled=settled)
    return found


def _in_context(
    conversation: Conversation, learned: LearnedView | None, found: dict[str, Emotion]
) -> dict[str, Emotion]:
    """``found`` with each customer message that answers a reply re-read in its context
    (:mod:`servicecoach.analysis.emotion_context_reading`): no model pass, the view's
    embeddings and heads and the words alone."""
    messages = conversation.messages
    for index, context in turn_contexts(conversation, learned).items():
        message = messages[index]
        emotion = found.get(message.id)
        if emotion is None:
            continue
        label, score, reading = reread(
            message.text, emotion.label, emotion.score, context, fast=learned is None
        )
        if reading is not None:
            found[message.id] = Emotion(label, float(min(0.95, score)))
    return found


def _courtesy(text: str, learned: LearnedView, row: int) -> bool:
    """A formulaic sentence: thanks, a greeting, a well-wish ("Thanks, Dana", "Have a good day")."""
    span = learned.spans[row]
    sentence = text[span.start : span.end]
    words = WORD.findall(sentence.lower())
    return (0 < len(words) <= 3 and words[0] in _COURTESY_OPENERS) or is_formulaic(sentence)


def _combined(
    labels: tuple[str, ...],
    table: list[list[float]],
    rows: list[int],
    cues: dict[str, float],
    *,
    settled: bool = False,
) -> Emotion:
    """Model probabilities (most confident sentence per label) plus the rule cues.

    ``table``: the emotion head's outputs as lists (one ``tolist`` per conversation): the
    numpy indexing and reduction this took per message on vectors of ten cost more than
    the rest of the function. The maxima are the same floats. ``settled``: the worry the
    model reads in a sentence is over (the message thanks for it), so the model's anxiety
    does not count.
    """
    if len(rows) == 1:
        scores = dict(zip(labels, table[rows[0]], strict=True))
    else:
        scores = dict(zip(labels, map(max, *(table[row] for row in rows)), strict=True))
    if settled:
        scores["anxiety"] = 0.0
    total = sum(cues.values())
    negative_cue = positive_cue = False
    for label, weight in cues.items():
        scores[label] = scores.get(label, 0.0) + RULE_WEIGHT * weight / total
        if weight > 0:
            negative_cue = negative_cue or label in NEGATIVE
            positive_cue = positive_cue or label in _POSITIVE
    upset = [label for label in cues if label in NEGATIVE]
    if len(upset) > 1:
        # "Had enough of this. Never buying from you again!": anger and frustration cues
        # agree that the customer is upset and differ only on how; split between the
        # two, neither reached MIN_EMOTION and the message read as neutral. The upset
        # cues' whole share goes to the upset label the model and cues favour.
        best = max(upset, key=lambda k: (scores[k], -EMOTIONS.index(k)))
        for label in upset:
            if label != best:
                scores[best] += RULE_WEIGHT * cues[label] / total
    if negative_cue and not positive_cue:
        # "I'm so done with this company!": a complaint cue and no word of thanks or
        # praise; the model's reading of it as satisfied is not to be trusted.
        for label in _POSITIVE:
            scores[label] = 0.0
    elif not positive_cue:
        # Without a word of thanks or praise, "I'd like a table" is a request, not delight.
        for label in _POSITIVE:
            if scores.get(label, 0.0) < MIN_UNCUED_POSITIVE:
                scores[label] = 0.0
    label, best_score = "", 0.0
    for candidate, score in scores.items():  # the highest; of equal ones, the first in EMOTIONS
        rank = _RANK.get(candidate)
        if rank is None:  # neutral, or a label that is no emotion
            continue
        if not label or score > best_score or (score == best_score and rank < _RANK[label]):
            label, best_score = candidate, score
    if best_score < MIN_EMOTION:
        return Emotion("neutral", float(min(0.95, max(scores.get("neutral", 0.5), 0.5))))
    return Emotion(label, float(min(0.95, best_score)))


_RANK = {label: rank for rank, label in enumerate(EMOTIONS) if label != "neutral"}
"""Each emotional label's place in EMOTIONS, which breaks ties between equal scores."""
