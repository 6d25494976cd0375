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

from pydantic import BaseModel, ConfigDict, Field, field_validator

from servicecoach.analysis.analyzers.points import merged_points, merged_tiers, on_its_side

__all__ = ["DEFAULT_POINTS", "DEFAULT_TIERS", "ApologySettings"]

DEFAULT_TIERS = MappingProxyType({"first_reply": 100, "later_reply": 70, "missing": 20})
"""The score by which reply first apologised for the customer's problem."""
DEFAULT_POINTS = MappingProxyType({"liability": -30})  # each phrase
"""Each apology signal's points (the part of its id after ``apology.``)."""


class ApologySettings(BaseModel):
    """The apology analyser's settings, validated when the rubric loads."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    tiers: dict[str, int] = Field(default_factory=lambda: dict(DEFAULT_TIERS))
    points: dict[str, int] = Field(default_factory=lambda: dict(DEFAULT_POINTS))

    @field_validator("tiers")
    @classmethod
    def _known_tiers(cls, value: dict[str, int]) -> dict[str, int]:
        return merged_tiers("apology", DEFAULT_TIERS, value)

    @field_validator("points")
    @classmethod
    def _known_signals(cls, value: dict[str, int]) -> dict[str, int]:
        return merged_points("apology", DEFAULT_POINTS, value, on_its_side(DEFAULT_POINTS))
