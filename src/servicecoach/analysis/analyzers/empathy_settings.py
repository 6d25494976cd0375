"""What a team may set for empathy (``[analyzers.empathy]``).

The defaults are the built-in scoring (empathy v3). Each *episode* (an upset customer
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
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from servicecoach.analysis.analyzers.points import (
    points_check,
    tiers_check,
)

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
    tiers: Annotated[dict[str, int], tiers_check("empathy", DEFAULT_TIERS)] = Field(
        default_factory=lambda: dict(DEFAULT_TIERS)
    )
    points: Annotated[dict[str, int], points_check("empathy", DEFAULT_POINTS)] = Field(
        default_factory=lambda: dict(DEFAULT_POINTS)
    )
