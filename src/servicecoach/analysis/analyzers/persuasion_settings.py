"""What a team may set for persuasion (``[analyzers.persuasion]``).

The defaults are the built-in scoring (persuasion v2): a conversation in which a reply
steers the customer starts at ``start``; a reason given while steering adds the
``reason`` points once; each pressure phrase takes the ``pressure`` points every time.
A sales team that expects every recommendation to come with a benefit can raise
``reason``; a team that tolerates "offer ends today" can lower the cost of pressure.
Only the keys a table names change; the rest keep their defaults.
"""

from __future__ import annotations

from types import MappingProxyType
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from servicecoach.analysis.analyzers.points import points_check

__all__ = ["DEFAULT_POINTS", "PersuasionSettings"]

DEFAULT_POINTS = MappingProxyType(
    {
        "reason": 25,  # earned once, in a reply that steers
        "pressure": -30,  # each time
    }
)
"""Each scored persuasion signal's points (the part of its id after ``persuasion.``)."""


class PersuasionSettings(BaseModel):
    """The persuasion analyser's settings, validated when the rubric loads."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    start: int = Field(default=60, ge=0, le=100)
    points: Annotated[dict[str, int], points_check("persuasion", DEFAULT_POINTS)] = Field(
        default_factory=lambda: dict(DEFAULT_POINTS)
    )
