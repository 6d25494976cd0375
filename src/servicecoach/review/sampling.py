"""What to review next: the sampling strategies a lead chooses for a reviewer's queue.

Each strategy ranks candidate conversations (:class:`Candidate`, read from the latest
run by ``store.review_queue``) and says in words why each was picked:

- ``random``: random per agent, in turns, so every agent in scope gets reviewed alike
  (seeded: the same seed picks the same conversations).
- ``lowest``: the lowest overall quality first.
- ``least_sure``: where servicecoach is least sure of its verdict: skill scores nearest a
  band boundary (50 and 75, where a few points turn poor into fair, fair into good);
  the mean distance to the nearest boundary, smallest first.
- ``disagreed``: where people disagreed, with each other or with servicecoach: the
  largest gap between any two scores of a skill among the conversation's reviews and
  servicecoach's score (only reviewed conversations).
- ``outliers``: very long conversations, many customer questions, a negative emotion
  at the end: the sum of the length's and the questions' z-scores, plus 2 for a
  negative end.
"""

from __future__ import annotations

import random
import statistics
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum

from servicecoach.analysis.emotion import NEGATIVE

__all__ = ["Candidate", "Pick", "Strategy", "sample"]

_BOUNDARIES = (50, 75)


class Strategy(StrEnum):
    """How a lead fills a reviewer's queue."""

    RANDOM = "random"
    LOWEST = "lowest"
    LEAST_SURE = "least_sure"
    DISAGREED = "disagreed"
    OUTLIERS = "outliers"

    @property
    def label(self) -> str:
        """The strategy in words (the queue form's menu)."""
        return {
            Strategy.RANDOM: "random, per agent in turns",
            Strategy.LOWEST: "lowest quality first",
            Strategy.LEAST_SURE: "where servicecoach is least sure",
            Strategy.DISAGREED: "where reviewers disagreed (with each other or servicecoach)",
            Strategy.OUTLIERS: "outliers: long, many questions, negative end",
        }[self]


@dataclass(frozen=True, slots=True)
class Candidate:
    """A conversation that could be queued, with what the strategies rank it by.

    Attributes:
        conversation_id: its key in the store.
        agent: its agent.
        quality: servicecoach's overall quality.
        skills: servicecoach's applicable skill scores.
        messages: how many messages it has.
        questions: how many question marks the customer wrote.
        emotion_end: the customer's emotion at the end.
        reviewed: every human score of each skill in its reviews.
    """

    conversation_id: int
    agent: str | None
    quality: int | None
    skills: dict[str, int] = field(default_factory=dict)
    messages: int = 0
    questions: int = 0
    emotion_end: str | None = None
    reviewed: dict[str, list[int]] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Pick:
    """One conversation a strategy picked, and why (shown in the queue)."""

    conversation_id: int
    why: str


def sample(
    candidates: Sequence[Candidate], strategy: Strategy, count: int, *, seed: int = 0
) -> list[Pick]:
    """At most ``count`` picks from ``candidates`` by ``strategy``, best first."""
    if count <= 0 or not candidates:
        return []
    rankers: dict[Strategy, Callable[[Sequence[Candidate], int], list[Pick]]] = {
        Strategy.RANDOM: lambda c, n: _random(c, n, seed),
        Strategy.LOWEST: _lowest,
        Strategy.LEAST_SURE: _least_sure,
        Strategy.DISAGREED: _disagreed,
        Strategy.OUTLIERS: _outliers,
    }
    return rankers[strategy](candidates, count)


def _random(candidates: Sequence[Candidate], count: int, seed: int) -> list[Pick]:
    rng = random.Random(seed)
    by_agent: dict[str, list[Candidate]] = {}
    for candidate in sorted(candidates, key=lambda c: c.conversation_id):
        by_agent.setdefault(candidate.agent or "(no agent)", []).append(candidate)
    for group in by_agent.values():
        rng.shuffle(group)
    picks: list[Pick] = []
    while len(picks) < count and any(by_agent.values()):
        for agent in sorted(by_agent):
            if by_agent[agent] and len(picks) < count:
                chosen = by_agent[agent].pop()
                picks.append(Pick(chosen.conversation_id, f"random pick for agent {agent}"))
    return picks


def _lowest(candidates: Sequence[Candidate], count: int) -> list[Pick]:
    scored = [c for c in candidates if c.quality is not None]
    scored.sort(key=lambda c: (c.quality, c.conversation_id))
    return [Pick(c.conversation_id, f"quality {c.quality}") for c in scored[:count]]


def _least_sure(candidates: Sequence[Candidate], count: int) -> list[Pick]:
    ranked: list[tuple[float, Candidate, str]] = []
    for c in candidates:
        if not c.skills:
            continue
        distances = {s: min(abs(v - b) for b in _BOUNDARIES) for s, v in c.skills.items()}
        nearest = min(distances, key=lambda s: (distances[s], s))
        mean = statistics.fmean(distances.values())
        why = f"{nearest.replace('_', ' ')} {c.skills[nearest]} is near a band boundary"
        ranked.append((mean, c, why))
    ranked.sort(key=lambda item: (item[0], item[1].conversation_id))
    return [Pick(c.conversation_id, why) for _, c, why in ranked[:count]]


def _disagreed(candidates: Sequence[Candidate], count: int) -> list[Pick]:
    ranked: list[tuple[int, Candidate, str]] = []
    for c in candidates:
        best: tuple[int, str] | None = None
        for skill, human in c.reviewed.items():
            values = list(human) + ([c.skills[skill]] if skill in c.skills else [])
            if len(values) >= 2:
                gap = max(values) - min(values)
                if best is None or gap > best[0]:
                    best = (gap, skill)
        if best is not None and best[0] > 0:
            why = f"{best[1].replace('_', ' ')} scores {best[0]} points apart"
            ranked.append((best[0], c, why))
    ranked.sort(key=lambda item: (-item[0], item[1].conversation_id))
    return [Pick(c.conversation_id, why) for _, c, why in ranked[:count]]


def _z(values: Sequence[float]) -> Callable[[float], float]:
    mean = statistics.fmean(values)
    sd = statistics.pstdev(values) or 1.0
    return lambda v: (v - mean) / sd


def _outliers(candidates: Sequence[Candidate], count: int) -> list[Pick]:
    length = _z([c.messages for c in candidates])
    questions = _z([c.questions for c in candidates])
    ranked: list[tuple[float, Candidate, str]] = []
    for c in candidates:
        negative = c.emotion_end in NEGATIVE
        score = length(c.messages) + questions(c.questions) + (2.0 if negative else 0.0)
        reasons = [f"{c.messages} messages", f"{c.questions} customer questions"]
        if negative:
            reasons.append(f"ends in {c.emotion_end}")
        ranked.append((score, c, ", ".join(reasons)))
    ranked.sort(key=lambda item: (-item[0], item[1].conversation_id))
    return [Pick(c.conversation_id, why) for _, c, why in ranked[:count]]
