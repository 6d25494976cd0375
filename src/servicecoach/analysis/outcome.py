"""The customer-side outcome of a conversation: emotion at start and end, resolution,
a satisfaction estimate (a CSAT proxy) and the overall quality of the agent side.

Rules, kept consistent with the signals a lead sees as evidence:
- ``resolved`` follows the problem-solving signals first: false when the customer's last
  message says it is still broken (``problem_solving.unresolved``); true when a customer
  message after a reply confirms it is fixed (``problem_solving.resolved``) and nothing
  later says otherwise. Without those signals: true when the customer's last message,
  written after a reply, is satisfied, grateful or relieved; false when it is negative
  and was the last word of the conversation or says the problem is still there;
  otherwise unknown. A customer who never heard back is never "resolved".
- ``satisfaction`` is half how the conversation ended and half how it went. The ending
  starts from the emotion of the customer's last message (anger 10 … gratitude 85,
  neutral 55), moved from neutral towards that value in proportion to the emotion's
  confidence (full at 0.8 and above), so a confidently angry customer ranks below a
  mildly annoyed one; +10 when resolved, -10 when not, +5 when the emotion improved.
  How it went is the mean of the same reading over every customer message (each read in
  its context): a customer who had to repeat themselves three times and then wrote
  "thanks, bye" was not as satisfied as one helped at once, and the last message of a
  task dialogue is nearly always that "thanks, bye" (read alone, it ranked the USS
  corpora's rated dialogues at rho 0.03-0.05; docs/accuracy.md). With the learned models
  the confidence is the emotion head's probability.
- ``quality`` weighs how the agent worked and what it came to in equal parts, as a QA
  form scores both the behaviours and the result: the mean of the applicable skill
  scores (weighted by the rubric) and the satisfaction estimate, which carries the
  resolution. Without a customer message to read the result from, it is the skills'
  mean alone; with no applicable skill, unknown. (The skills' mean alone ranked STC-3's
  rated helpdesk dialogues at rho 0.22, below a keyword rule on the customer's last
  message, 0.38: raters judge the result as much as the manner. docs/accuracy.md.)
"""

from __future__ import annotations

from collections.abc import Mapping
from statistics import fmean

from servicecoach.analysis.emotion import NEGATIVE, Emotion
from servicecoach.analysis.finding import SkillFinding
from servicecoach.analysis.result import Outcome
from servicecoach.model.conversation import Conversation, Message, Role

__all__ = ["JOURNEY_SHARE", "OUTCOME_SHARE", "estimate_outcome", "mood"]

_BASE = {
    "anger": 10, "frustration": 20, "disappointment": 25, "sadness": 25, "anxiety": 35,
    "confusion": 40, "neutral": 55, "satisfaction": 80, "gratitude": 85, "relief": 85,
}  # fmt: skip
_POSITIVE = frozenset({"satisfaction", "gratitude", "relief"})
_NEUTRAL = _BASE["neutral"]
_FULL = 0.8
"""The emotion confidence from which its base satisfaction counts in full."""
OUTCOME_SHARE = 0.5
"""The share of the outcome (the satisfaction estimate) in overall quality."""
JOURNEY_SHARE = 0.5
"""The share of how the conversation went (the mean reading of every customer message)
in the satisfaction estimate; the rest is how it ended. Equal parts, as a principle
(a customer's rating recalls the whole contact and its end), not a fit."""


def estimate_outcome(
    conversation: Conversation,
    emotions: Mapping[str, Emotion],
    skills: Mapping[str, SkillFinding],
    weights: Mapping[str, float] | None = None,
) -> Outcome:
    """The outcome of ``conversation`` from its customer emotions and skill findings.

    Args:
        conversation: the conversation.
        emotions: the emotion of each customer message.
        skills: the skill findings.
        weights: skill weights for overall quality (the rubric's; 1 when absent).
    """
    customer = [m for m in conversation.messages if m.role is Role.CUSTOMER and m.id in emotions]
    weighted = [
        ((weights or {}).get(skill, 1.0), finding.score)
        for skill, finding in skills.items()
        if finding.score is not None
    ]
    total = sum(w for w, _ in weighted)
    process = sum(w * s for w, s in weighted) / total if total else None
    if not customer:
        return Outcome(quality=None if process is None else round(process))
    start, end = emotions[customer[0].id].label, emotions[customer[-1].id].label
    last_word = conversation.messages[-1].role is Role.CUSTOMER
    resolved = _resolved(conversation, customer, end, last_word, skills)
    ending = round(mood(emotions[customer[-1].id]))
    if resolved is True:
        ending += 10
    elif resolved is False:
        ending -= 10
    if start in NEGATIVE and end not in NEGATIVE:
        ending += 5
    ending = max(0, min(100, ending))
    journey = fmean(mood(emotions[m.id]) for m in customer)
    satisfaction = round((1 - JOURNEY_SHARE) * ending + JOURNEY_SHARE * journey)
    quality = (
        None
        if process is None
        else round((1 - OUTCOME_SHARE) * process + OUTCOME_SHARE * satisfaction)
    )
    return Outcome(
        emotion_start=start,
        emotion_end=end,
        resolved=resolved,
        satisfaction=satisfaction,
        quality=quality,
    )


def mood(emotion: Emotion) -> float:
    """One message's reading on the satisfaction scale: its emotion's base value, moved
    from neutral in proportion to the confidence (full at :data:`_FULL`)."""
    strength = min(1.0, emotion.score / _FULL)
    return _NEUTRAL + (_BASE[emotion.label] - _NEUTRAL) * strength


def _resolved(
    conversation: Conversation,
    customer: list[Message],
    end: str,
    last_word: bool,
    skills: Mapping[str, SkillFinding],
) -> bool | None:
    """Whether the problem was solved: the signals first, then the customer's last emotion."""
    finding = skills.get("problem_solving")
    signals = {e.signal: e.message for e in finding.evidence} if finding is not None else {}
    if "problem_solving.unresolved" in signals:
        return False
    order = {m.id: i for i, m in enumerate(conversation.messages)}
    last = customer[-1]
    if "problem_solving.resolved" in signals:
        confirmed = order[signals["problem_solving.resolved"]]
        if end not in NEGATIVE or confirmed == order[last.id]:
            return True
    replied = any(m.is_reply for m in conversation.messages[: order[last.id]])
    if end in _POSITIVE and replied:
        return True
    if end in NEGATIVE and (last_word or "still" in last.text.lower()):
        return False
    return None
