"""What a team may set for continuity (``[analyzers.continuity]``).

The defaults are the built-in scoring (continuity v1): a conversation starts at
``start``; a reply that refers to the customer's history adds the ``reference`` points
once; each customer message that retells their story takes the ``retell`` points. A
team whose customers often call back about one case can make a retold story cost more.
Only the keys a table names change; the rest keep their defaults.
"""

from __future__ import annotations

from types import MappingProxyType
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from servicecoach.analysis.analyzers.points import points_check

__all__ = ["DEFAULT_POINTS", "ContinuitySettings"]

DEFAULT_POINTS = MappingProxyType(
    {
        "reference": 30,  # earned once
        "retell": -30,  # each customer message
    }
)
"""Each continuity signal's points (the part of its id after ``continuity.``)."""


class ContinuitySettings(BaseModel):
    """The continuity analyser's settings, validated when the rubric loads."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    start: int = Field(default=60, ge=0, le=100)
    points: Annotated[dict[str, int], points_check("continuity", DEFAULT_POINTS)] = Field(
        default_factory=lambda: dict(DEFAULT_POINTS)
    )
