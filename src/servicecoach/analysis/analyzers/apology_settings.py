"""What a team may set for apology (``[analyzers.apology]``).

The defaults are the built-in scoring (apology v1): when the customer reported a
problem, the conversation lands in one of three ``tiers`` - ``first_reply`` when the
first reply after the problem apologises, ``later_reply`` when a later one does,
``missing`` when none does - and each phrase admitting legal fault takes the
``liability`` points. A team whose legal department forbids any admission of fault can
make ``liability`` cost everything. Only the keys a table names change; the rest keep
their defaults.
"""

from __future__ import annotations

from types import MappingProxyType
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from servicecoach.analysis.analyzers.points import (
    points_check,
    tiers_check,
)

__all__ = ["DEFAULT_POINTS", "DEFAULT_TIERS", "ApologySettings"]

DEFAULT_TIERS = MappingProxyType({"first_reply": 100, "later_reply": 70, "missing": 20})
"""The score by which reply first apologised for the customer's problem."""
DEFAULT_POINTS = MappingProxyType({"liability": -30})  # each phrase
"""Each apology signal's points (the part of its id after ``apology.``)."""


class ApologySettings(BaseModel):
    """The apology analyser's settings, validated when the rubric loads."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    tiers: Annotated[dict[str, int], tiers_check("apology", DEFAULT_TIERS)] = Field(
        default_factory=lambda: dict(DEFAULT_TIERS)
    )
    points: Annotated[dict[str, int], points_check("apology", DEFAULT_POINTS)] = Field(
        default_factory=lambda: dict(DEFAULT_POINTS)
    )
