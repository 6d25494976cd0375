"""What a team may set for active listening (``[analyzers.listening]``).

The defaults are the built-in scoring (listening v3): a conversation starts at ``start``;
each earning signal adds its ``points`` once, each costing signal takes its points every
time it fires. ``min_gap_s`` is how soon after a customer's message a reply counts as
cutting them off (a reply within it is ``listening.interrupt``). Only the keys a table
names change; the rest keep their defaults.
"""

from __future__ import annotations

from collections.abc import Collection
from types import MappingProxyType
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, field_validator

from servicecoach.analysis.analyzers.points import points_check

__all__ = ["DEFAULT_POINTS", "ListeningSettings"]

DEFAULT_POINTS = MappingProxyType(
    {
        "acknowledgement": 10,  # earned once
        "paraphrase": 15,  # earned once
        "question": 10,  # earned once
        "reask": -20,  # each time
        "repeat": -10,  # each time
        "unanswered": -15,  # each time
        "interrupt": -10,  # each time
    }
)
"""Each listening signal's points (the part of its id after ``listening.``)."""


class ListeningSettings(BaseModel):
    """The listening analyser's settings, validated when the rubric loads."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    min_gap_s: float = 0.2
    start: int = Field(default=70, ge=0, le=100)
    points: Annotated[dict[str, int], points_check("listening", DEFAULT_POINTS)] = Field(
        default_factory=lambda: dict(DEFAULT_POINTS)
    )

    @field_validator("min_gap_s", mode="before")
    @classmethod
    def _seconds(cls, value: object) -> object:
        if (
            isinstance(value, bool)
            or not isinstance(value, int | float)
            or not 0 <= value < float("inf")
        ):
            raise ValueError(f"must be a number of seconds, 0 or more, e.g. 0.2 (got {value!r})")
        return value

    def score(self, signals: Collection[str]) -> int:
        """``start``, plus each earning signal once and each costing one every time it is
        among ``signals`` (full ids, ``listening.question``), within 0-100."""
        total = self.start
        seen: set[str] = set()
        for signal in signals:
            name = signal.removeprefix("listening.")
            points = self.points.get(name)
            if points is None or (points > 0 and name in seen):
                continue
            seen.add(name)
            total += points
        return max(0, min(100, total))
