"""What a team may set for clear communication (``[analyzers.clarity]``, and ``[phrases]``).

The defaults are the built-in scoring (clarity v3): a reply starts at ``base`` and each
signal adds its ``points`` (negative ones cost); ``max_words`` is the length from which a
reply is too long, per channel where replies are read on the spot. A team that writes
long, careful emails can raise the email limit; one whose QA forgives jargon can lower
its cost. Only the keys a table names change; the rest keep their defaults.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, field_validator

from servicecoach.analysis.analyzers.points import points_check
from servicecoach.model.conversation import Channel

__all__ = ["DEFAULT_MAX_WORDS", "DEFAULT_POINTS", "ClaritySettings"]

DEFAULT_POINTS = MappingProxyType(
    {
        "negative_language": -15,  # each time
        "jargon": -10,  # each time
        "too_long": -10,
        "hard_to_read": -10,
        "recap": 10,
        "steps": 5,
        "forbidden_phrase": -10,  # each time
        "encouraged_phrase": 5,
    }
)
"""Each clarity signal's points (the part of its id after ``clarity.``)."""
DEFAULT_MAX_WORDS = MappingProxyType(
    {"default": 120, Channel.CHAT.value: 80, Channel.SOCIAL.value: 50, Channel.SMS.value: 50}
)
"""The words from which a reply is too long, per channel (``default`` for the others)."""


def _within(signal: str, points: int) -> str | None:
    return None if -100 <= points <= 100 else "points are between -100 and 100"


class ClaritySettings(BaseModel):
    """The clarity analyser's settings, validated when the rubric loads."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    forbid: tuple[str, ...] = ()
    encourage: tuple[str, ...] = ()
    base: int = Field(default=85, ge=0, le=100)
    points: Annotated[dict[str, int], points_check("clarity", DEFAULT_POINTS, _within)] = Field(
        default_factory=lambda: dict(DEFAULT_POINTS)
    )
    max_words: dict[str, int] = Field(default_factory=lambda: dict(DEFAULT_MAX_WORDS))

    @field_validator("forbid", "encourage")
    @classmethod
    def _phrases(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        if any(not phrase.strip() for phrase in value):
            raise ValueError("an empty phrase; remove it")
        return value

    @field_validator("max_words")
    @classmethod
    def _channels(cls, value: dict[str, int]) -> dict[str, int]:
        known = ("default", *(c.value for c in Channel))
        for channel, words in value.items():
            if channel not in known:
                raise ValueError(f"no channel {channel!r} (one of {', '.join(known)})")
            if words < 10:
                raise ValueError(f"{channel} = {words}: a reply limit of fewer than 10 words")
        return {**DEFAULT_MAX_WORDS, **value}

    def limit(self, channel: Channel) -> int:
        """The words from which a reply on ``channel`` is too long."""
        return self.max_words.get(channel.value, self.max_words["default"])

    def score(self, counts: Mapping[str, int]) -> int:
        """``base`` plus each signal's points times how often it counts, within 0-100."""
        total = self.base + sum(self.points[signal] * n for signal, n in counts.items())
        return min(100, max(0, total))
