"""What a team may set for empathy (``[analyzers.empathy]``).

The defaults are the built-in scoring (empathy v2). Each *episode* (an upset customer
message and the replies that follow, up to the next upset message's first reply) lands
in one of four ``tiers``: ``timely`` when one of the first ``early_replies`` replies
validates the feeling before that reply's fix (plus the ``personal`` points when a reply
of the episode uses the customer's name or specifics), ``late`` when the validation
comes after that, ``acknowledged`` when the first reply only apologises or sympathises,
``missing`` with neither. The conversation's score is the mean over its episodes, less
the ``canned`` and ``mismatched`` points for every such line. A chat team whose first
reply is a greeting macro can let the second reply still count as early
(``early_replies = 2``). Only the keys a table names change; the rest keep their
defaults.
"""

from __future__ import annotations

from types import MappingProxyType

from pydantic import BaseModel, ConfigDict, Field, field_validator

from servicecoach.analysis.analyzers.points import merged_points, merged_tiers, on_its_side

__all__ = ["DEFAULT_POINTS", "DEFAULT_TIERS", "EmpathySettings"]

DEFAULT_TIERS = MappingProxyType(
    {
        "timely": 90,  # validates early, before the fix
        "late": 65,  # validates, but after the fix or in a later reply
        "acknowledged": 50,  # the first reply only apologises or sympathises
        "missing": 25,  # neither
    }
)
"""The score of an upset episode by how the replies met it."""
DEFAULT_POINTS = MappingProxyType(
    {
        "personal": 10,  # added to a timely episode
        "canned": -15,  # each stock or pasted line
        "mismatched": -20,  # each ill-fitting empathy phrase
    }
)
"""Each empathy signal's points (the part of its id after ``empathy.``)."""


class EmpathySettings(BaseModel):
    """The empathy analyser's settings, validated when the rubric loads."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    early_replies: int = Field(default=1, ge=1, le=10)
    tiers: dict[str, int] = Field(default_factory=lambda: dict(DEFAULT_TIERS))
    points: dict[str, int] = Field(default_factory=lambda: dict(DEFAULT_POINTS))

    @field_validator("tiers")
    @classmethod
    def _known_tiers(cls, value: dict[str, int]) -> dict[str, int]:
        return merged_tiers("empathy", DEFAULT_TIERS, value)

    @field_validator("points")
    @classmethod
    def _known_signals(cls, value: dict[str, int]) -> dict[str, int]:
        return merged_points("empathy", DEFAULT_POINTS, value, on_its_side(DEFAULT_POINTS))
