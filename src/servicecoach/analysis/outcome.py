"""The customer-side outcome of a conversation: emotion at start and end, resolution,
a satisfaction estimate (a CSAT proxy) and the overall quality of the agent side.

Rules (a first estimate; the learned-judgement issue calibrates them on human ratings):
- ``resolved`` is true when the customer's last message is satisfied, grateful or
  relieved; false when it is negative and was the last word of the conversation or
  says the problem is still there; otherwise unknown.
- ``satisfaction`` starts from the emotion of the customer's last message (anger 10 …
  gratitude 85), +10 when resolved, -10 when not, +5 when the emotion improved.
- ``quality`` is the mean of the applicable skill scores.
"""

from __future__ import annotations

from collections.abc import Mapping

from servicecoach.analysis.emotion import NEGATIVE, Emotion
from servicecoach.analysis.finding import SkillFinding
from servicecoach.analysis.result import Outcome
from servicecoach.model.conversation import Conversation, Role

__all__ = ["estimate_outcome"]

_BASE = {
    "anger": 10, "frustration": 20, "disappointment": 25, "sadness": 25, "anxiety": 35,
    "confusion": 40, "neutral": 55, "satisfaction": 80, "gratitude": 85, "relief": 85,
}  # fmt: skip
_POSITIVE = frozenset({"satisfaction", "gratitude", "relief"})


def estimate_outcome(
    conversation: Conversation,
    emotions: Mapping[str, Emotion],
    skills: Mapping[str, SkillFinding],
) -> Outcome:
    """The outcome of ``conversation`` from its customer emotions and skill findings."""
    customer = [m for m in conversation.messages if m.role is Role.CUSTOMER and m.id in emotions]
    scores = [f.score for f in skills.values() if f.score is not None]
    quality = round(sum(scores) / len(scores)) if scores else None
    if not customer:
        return Outcome(quality=quality)
    start, end = emotions[customer[0].id].label, emotions[customer[-1].id].label
    last_word = conversation.messages[-1].role is Role.CUSTOMER
    resolved: bool | None = None
    if end in _POSITIVE:
        resolved = True
    elif end in NEGATIVE and (last_word or "still" in customer[-1].text.lower()):
        resolved = False
    satisfaction = _BASE[end]
    if resolved is True:
        satisfaction += 10
    elif resolved is False:
        satisfaction -= 10
    if start in NEGATIVE and end not in NEGATIVE:
        satisfaction += 5
    return Outcome(
        emotion_start=start,
        emotion_end=end,
        resolved=resolved,
        satisfaction=max(0, min(100, satisfaction)),
        quality=quality,
    )
