"""What a team may set for patience (``[analyzers.patience]``).

The defaults are the built-in scoring (patience v4): a conversation that tested the
agent's patience starts at ``start``, and every signal costs its ``points`` each time it
fires (patience has no earning signals: staying calm is the starting score). A team that
treats sarcasm as seriously as blame can raise its cost; one whose customers write in
capitals for emphasis can lower the cost of shouting. The costs also choose the reply
marked ``patience.degrading`` (the costliest one after the customer got angry). Only the
keys a table names change; the rest keep their defaults.
"""

from __future__ import annotations

from types import MappingProxyType
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from servicecoach.analysis.analyzers.points import points_check

__all__ = ["DEFAULT_POINTS", "PatienceSettings"]

DEFAULT_POINTS = MappingProxyType(
    {
        "impolite": -30,
        "blame": -30,
        "dismissive": -30,
        "defensive": -30,
        "shouting": -25,  # per sentence
        "sarcasm": -20,
        "degrading": -20,  # once
    }
)
"""Each patience signal's cost (the part of its id after ``patience.``), every time."""


class PatienceSettings(BaseModel):
    """The patience analyser's settings, validated when the rubric loads."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    start: int = Field(default=100, ge=0, le=100)
    points: Annotated[dict[str, int], points_check("patience", DEFAULT_POINTS)] = Field(
        default_factory=lambda: dict(DEFAULT_POINTS)
    )

    def cost(self, signal: str) -> int:
        """What ``signal`` (a full id, ``patience.blame``) takes off the score, 0 or more."""
        return -self.points[signal.removeprefix("patience.")]
