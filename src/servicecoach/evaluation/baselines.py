"""Trivial baselines: what a keyword list, a "?" or a length rule gets on the same labels.

``servicecoach eval`` reports every signal, emotion and score figure beside the figure a
one-line rule gets on the same labelled items, and the lift over it. A signal that does
not beat its baseline on the sets that test it is not trusted to change scores by default
(``analysis/experimental.toml``). Every rule here is written down in docs/eval.md ("What
the baselines are"); change both together.

The rules read only the labelled message's text (and, for the signal rules, its role: they
fire on agent messages only) or, for conversation scores, the customer's last message.
They are deliberately simple: they say what a team would get without servicecoach.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

from servicecoach.evaluation.labels import LabelSet
from servicecoach.model.conversation import Conversation

__all__ = [
    "CRITERION_BASELINE",
    "EMOTION_KEYWORDS",
    "NEGATIVE_WORDS",
    "POSITIVE_WORDS",
    "SCORE_BASELINES",
    "SIGNAL_BASELINES",
    "LabelledTexts",
    "SignalBaseline",
    "emotion_by_keywords",
    "labelled_texts",
    "lift",
    "majority_label",
    "score_by_keywords",
    "sentiment_by_keywords",
    "signal_baseline",
    "signal_baseline_fires",
    "signal_rule",
]


def _words(*phrases: str) -> re.Pattern[str]:
    """A pattern matching any phrase at word boundaries (a trailing ``*`` is a prefix)."""
    parts = [
        re.escape(p[:-1]) + r"\w*" if p.endswith("*") else re.escape(p) + r"\b" for p in phrases
    ]
    return re.compile(r"\b(?:" + "|".join(parts) + ")")


def _normal(text: str) -> str:
    """Lower case, with typographic apostrophes made plain."""
    return text.lower().replace("\u2019", "'").replace("\u2018", "'")


def _word_count(text: str) -> int:
    return len(re.findall(r"[\w']+", text))


@dataclass(frozen=True, slots=True)
class SignalBaseline:
    """A trivial rule standing in for one signal.

    Attributes:
        rule: the rule in words (docs/eval.md and the reports show it).
        fires: whether the rule fires on a message text (already lower-cased).
    """

    rule: str
    fires: Callable[[str], bool]


_ACKNOWLEDGEMENT = re.compile(
    r"^\W*(?:okay|ok|right|i see|got it|sure|yes|yeah|exactly|alright|uh-huh|mm+|great)\b"
)
_PARAPHRASE = _words(
    "so you", "you said", "you mentioned", "if i understand", "just to confirm", "you want",
    "you'd like", "you're looking for", "to confirm",
)  # fmt: skip
_VALIDATION = _words("sorry", "understand*", "frustrat*", "must be", "sounds", "that's hard")
_APOLOGY = _words("sorry", "apolog*")
_SOLUTION = re.compile(r"\b(?:you can|try|here is|here's|i have|i've)\b|http")
_CHECK = _words("anything else")
_WARM = re.compile(r"\b(?:bye|goodbye|have a (?:great|nice|good)|take care|enjoy)\b")
_REASON = _words("because", "so that", "that way", "benefit*", "will help", "you'll get")
_INVITE = _words(
    "dm", "direct message", "email us", "call us", "private message", "reach out",
)  # fmt: skip
_RUDE = _words(
    "stupid", "idiot*", "dumb", "shut up", "ridiculous", "nonsense", "obviously", "whatever",
    "damn", "crap", "wtf", "useless", "calm down", "your fault", "you should have",
    "as i said", "seriously",
)  # fmt: skip

_RUDE_RULE = (
    "contains a rude word or phrase (stupid, idiot, dumb, shut up, ridiculous, nonsense, "
    "obviously, whatever, damn, crap, wtf, useless, calm down, your fault, you should have, "
    "as i said, seriously) or '!!'"
)


def _rude(text: str) -> bool:
    return "!!" in text or _RUDE.search(text) is not None


def _solution(text: str) -> bool:
    return ("?" not in text and _word_count(text) >= 8) or _SOLUTION.search(text) is not None


SIGNAL_BASELINES: dict[str, SignalBaseline] = {
    "listening.question": SignalBaseline("contains '?'", lambda t: "?" in t),
    "listening.acknowledgement": SignalBaseline(
        "starts with okay, ok, right, i see, got it, sure, yes, yeah, exactly, alright, "
        "uh-huh, mm or great",
        lambda t: _ACKNOWLEDGEMENT.search(t) is not None,
    ),
    "listening.paraphrase": SignalBaseline(
        "contains so you, you said, you mentioned, if i understand, just to confirm, you want, "
        "you'd like, you're looking for or to confirm",
        lambda t: _PARAPHRASE.search(t) is not None,
    ),
    "empathy.validation": SignalBaseline(
        "contains sorry, understand*, frustrat*, must be, sounds or that's hard",
        lambda t: _VALIDATION.search(t) is not None,
    ),
    "apology.apology": SignalBaseline(
        "contains sorry or apolog*", lambda t: _APOLOGY.search(t) is not None
    ),
    "problem_solving.solution": SignalBaseline(
        "a statement (no '?') of 8+ words, or contains you can, try, here is, here's, i have, "
        "i've or http",
        _solution,
    ),
    "closing.check": SignalBaseline(
        "contains anything else", lambda t: _CHECK.search(t) is not None
    ),
    "closing.warm": SignalBaseline(
        "contains bye, goodbye, have a great/nice/good, take care or enjoy",
        lambda t: _WARM.search(t) is not None,
    ),
    "persuasion.reason": SignalBaseline(
        "contains because, so that, that way, benefit*, will help or you'll get",
        lambda t: _REASON.search(t) is not None,
    ),
    "private.invite": SignalBaseline(
        "contains dm, direct message, email us, call us, private message or reach out",
        lambda t: _INVITE.search(t) is not None,
    ),
    **{
        f"patience.{name}": SignalBaseline(_RUDE_RULE, _rude)
        for name in ("impolite", "dismissive", "blame", "sarcasm", "shouting", "defensive")
    },
}
"""Signal id to its trivial rule, applied to the labelled agent message."""

CRITERION_BASELINE = SignalBaseline(
    "every agent message (a team's criterion has no keyword rule)", lambda t: True
)
"""The baseline of every ``criteria.NAME`` key: always yes (precision = how common it is)."""


def _baseline_of(signal: str) -> SignalBaseline | None:
    if signal.startswith("criteria."):
        return CRITERION_BASELINE
    return SIGNAL_BASELINES.get(signal)


def signal_baseline(key: str) -> SignalBaseline | None:
    """The baseline of a labels-file signal key; ``a|b`` is the OR of both rules.

    ``None`` when some signal of the key has no baseline (it is reported as such).
    """
    parts = [_baseline_of(part) for part in key.split("|")]
    if not parts or any(p is None for p in parts):
        return None
    rules = [p for p in parts if p is not None]
    if len(rules) == 1:
        return rules[0]
    unique = list(dict.fromkeys(r.rule for r in rules))
    return SignalBaseline(" OR ".join(unique), lambda text: any(rule.fires(text) for rule in rules))


def signal_rule(key: str) -> str | None:
    """The rule of ``key``'s baseline in words, or ``None`` when it has none."""
    baseline = signal_baseline(key)
    return baseline.rule if baseline is not None else None


def signal_baseline_fires(key: str, role: str, text: str) -> bool | None:
    """Whether ``key``'s baseline fires on a message (``None``: no baseline).

    Signal rules stand for agent evidence: they never fire on other messages.
    """
    baseline = signal_baseline(key)
    if baseline is None:
        return None
    return role == "agent" and baseline.fires(_normal(text))


# --------------------------------------------------------------------------- emotion, sentiment

POSITIVE_WORDS = (
    "thank*", "great", "love*", "good", "happy", "awesome", "excellent", "amazing",
    "perfect", "glad", "nice", "best", "wonderful", "appreciate*", "fantastic",
)  # fmt: skip
"""The keyword sentiment rule's positive words (``*``: any ending)."""
NEGATIVE_WORDS = (
    "bad", "terrible", "awful", "worst", "hate*", "angry", "annoy*", "frustrat*",
    "disappoint*", "sad", "upset", "problem*", "issue*", "broken", "never", "delay*", "late",
    "cancel*", "fail*", "wrong", "horrible", "useless", "ridiculous", "sorry",
)  # fmt: skip
"""The keyword sentiment rule's negative words."""
_POSITIVE = _words(*POSITIVE_WORDS)
_NEGATIVE = _words(*NEGATIVE_WORDS)

EMOTION_KEYWORDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("gratitude", ("thank*", "appreciate*")),
    ("anger", ("angry", "furious", "outrage*", "ridiculous", "mad", "hate*")),
    ("frustration", ("frustrat*", "annoy*", "again", "still")),
    ("anxiety", ("worried", "worry", "scared", "afraid", "nervous", "anxious")),
    ("sadness", ("sad", "cry*", "heartbroken", "miss*", "lost")),
    ("confusion", ("confus*", "don't understand", "why", "how come")),
    ("disappointment", ("disappoint*", "let down", "expected better")),
    ("relief", ("relief", "relieved", "finally")),
    ("satisfaction", ("great", "love*", "awesome", "happy", "glad", "perfect", "amazing")),
)
"""The keyword emotion rule: the first emotion whose words the message contains, else neutral."""
_EMOTIONS = tuple((label, _words(*words)) for label, words in EMOTION_KEYWORDS)


def _balance(text: str) -> int:
    """Positive minus negative keyword occurrences."""
    text = _normal(text)
    return len(_POSITIVE.findall(text)) - len(_NEGATIVE.findall(text))


def sentiment_by_keywords(text: str) -> str:
    """``positive`` / ``negative`` by more positive / negative words, else ``neutral``."""
    balance = _balance(text)
    return "positive" if balance > 0 else "negative" if balance < 0 else "neutral"


def emotion_by_keywords(text: str) -> str:
    """The first emotion of :data:`EMOTION_KEYWORDS` whose words occur, else ``neutral``."""
    text = _normal(text)
    return next((label for label, words in _EMOTIONS if words.search(text)), "neutral")


def majority_label(labels: Iterable[str], order: Iterable[str]) -> str | None:
    """The most frequent label (ties: first in ``order``); ``None`` for no labels."""
    counts: dict[str, int] = {}
    for label in labels:
        counts[label] = counts.get(label, 0) + 1
    if not counts:
        return None
    ranked = {label: i for i, label in enumerate(order)}
    return min(counts, key=lambda label: (-counts[label], ranked.get(label, len(ranked)), label))


SENTIMENT_RULE = (
    "positive when the message has more positive than negative keywords, negative when "
    "fewer, else neutral"
)
EMOTION_RULE = "the first emotion whose keywords the message contains, else neutral"


# --------------------------------------------------------------------------- scores

SCORE_BASELINES: dict[str, str] = dict.fromkeys(
    ("satisfaction", "quality", "problem_solving"),
    "positive minus negative keywords in the customer's last message",
)
"""Conversation scores with a baseline, and the rule; the other skills have none."""


def score_by_keywords(key: str, last_customer_message: str) -> float | None:
    """The baseline score of ``key`` for a conversation (``None``: no baseline for it)."""
    if key not in SCORE_BASELINES:
        return None
    return float(_balance(last_customer_message))


# --------------------------------------------------------------------------- lift


def lift(value: float | None, baseline: float | None) -> float | None:
    """``value - baseline``, rounded for reports; ``None`` when either is missing."""
    if value is None or baseline is None:
        return None
    return round(value - baseline, 3)


# --------------------------------------------------------------------------- texts


@dataclass(slots=True)
class LabelledTexts:
    """What the baselines read of the labelled conversations.

    Attributes:
        messages: (conversation, message) to (role, text) for every labelled message.
        last_customer: conversation to its last customer message's text ("" if none),
            for every conversation with score labels.
    """

    messages: dict[tuple[str, str], tuple[str, str]] = field(default_factory=dict)
    last_customer: dict[str, str] = field(default_factory=dict)


def labelled_texts(conversations: Iterable[Conversation], labels: LabelSet) -> LabelledTexts:
    """Keep the texts the baselines need, of the conversations ``labels`` mention."""
    out = LabelledTexts()
    wanted: Mapping[str, set[str]] = {
        cid: {label.message for label in items} for cid, items in labels.messages.items()
    }
    for conversation in conversations:
        messages = wanted.get(conversation.id, set())
        for message in conversation.messages:
            if message.id in messages:
                out.messages[(conversation.id, message.id)] = (message.role.value, message.text)
        if conversation.id in labels.conversations:
            customer = [m.text for m in conversation.messages if m.role.value == "customer"]
            out.last_customer[conversation.id] = customer[-1] if customer else ""
    return out
