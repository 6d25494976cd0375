"""Customer emotion per message: a rule-based first estimate from the emotion lexicon.

Every customer message gets one of the FORMAT.md labels (``anger``, ``frustration``,
``anxiety``, ``sadness``, ``confusion``, ``disappointment``, ``neutral``,
``satisfaction``, ``gratitude``, ``relief``) and a confidence. Cues are counted per label
(weighted), shouting (capitals, ``!!``) adds to anger, and the label with most weight
wins; with no cue the message is neutral. The learned-judgement issue replaces this with
a trained model; the interface stays.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from servicecoach.analysis.lexicon import load_lexicon
from servicecoach.model.conversation import Conversation, Role

__all__ = ["EMOTIONS", "NEGATIVE", "Emotion", "classify_emotion", "customer_emotions"]

EMOTIONS = (
    "anger", "frustration", "anxiety", "sadness", "confusion", "disappointment",
    "neutral", "satisfaction", "gratitude", "relief",
)  # fmt: skip
NEGATIVE = frozenset({"anger", "frustration", "anxiety", "sadness", "confusion", "disappointment"})
"""Labels that mean the customer is upset or stuck: empathy is due."""

_SHOUT = re.compile(r"\b[A-Z]{3,}\b(?:\W+\b[A-Z]{2,}\b){2,}")
_BANGS = re.compile(r"[!?]*![!?]*!+")


@dataclass(frozen=True, slots=True)
class Emotion:
    """One message's emotion label and confidence (0-1)."""

    label: str
    score: float

    def to_dict(self) -> dict[str, object]:
        """The FORMAT.md shape."""
        return {"label": self.label, "score": round(self.score, 2)}


def classify_emotion(text: str) -> Emotion:
    """The emotion of one customer message."""
    lexicon = load_lexicon("emotion")
    weights: dict[str, float] = {}
    for match in lexicon.matcher.find(text, longest=True):
        weight = float(lexicon.sections.get(match.label, {}).get("weight", 1.0))
        weights[match.label] = weights.get(match.label, 0.0) + weight
    if _SHOUT.search(text):
        weights["anger"] = weights.get("anger", 0.0) + 1.5
    if _BANGS.search(text) and any(k in weights for k in NEGATIVE):
        weights["anger"] = weights.get("anger", 0.0) + 0.5
    if not weights:
        return Emotion("neutral", 0.6)
    label = max(weights, key=lambda k: (weights[k], -EMOTIONS.index(k)))
    total = sum(weights.values())
    confidence = 0.4 + 0.5 * (weights[label] / total) * min(1.0, weights[label] / 2)
    return Emotion(label, min(0.95, confidence))


def customer_emotions(conversation: Conversation) -> dict[str, Emotion]:
    """The emotion of every customer message, by message id."""
    return {
        m.id: classify_emotion(m.text) for m in conversation.messages if m.role is Role.CUSTOMER
    }
