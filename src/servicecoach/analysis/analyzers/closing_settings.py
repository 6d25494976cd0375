"""What a team may set for closing (``[analyzers.closing]``).

The defaults are the built-in scoring (closing v2): a finished conversation starts at
``start``; a well-timed check, a warm close and a recap each add their ``points`` once;
each premature check or close, and each reply that drags on after the customer said they
are done, takes its points every time. A team that cares less about the formal "anything
else?" can lower ``check``; one that wants no premature closes can raise their cost.
Only the keys a table names change; the rest keep their defaults.
"""

from __future__ import annotations

from types import MappingProxyType
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from servicecoach.analysis.analyzers.points import points_check

__all__ = ["DEFAULT_POINTS", "ClosingSettings"]

DEFAULT_POINTS = MappingProxyType(
    {
        "check": 20,  # earned once, when not premature
        "warm": 15,  # earned once
        "recap": 10,  # earned once
        "premature": -35,  # each reply
        "drag": -20,  # each reply
    }
)
"""Each closing signal's points (the part of its id after ``closing.``)."""


class ClosingSettings(BaseModel):
    """The closing analyser's settings, validated when the rubric loads."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    start: int = Field(default=60, ge=0, le=100)
    points: Annotated[dict[str, int], points_check("closing", DEFAULT_POINTS)] = Field(
        default_factory=lambda: dict(DEFAULT_POINTS)
    )
