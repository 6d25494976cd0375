"""What a team may set for going the extra mile (``[analyzers.extra_mile]``).

The defaults are the built-in scoring (extra mile v2): a conversation with proactive help
lands in one of two ``tiers`` - ``one`` for one proactive sentence, ``several`` for two
or more - and gets ``long_standing_bonus`` more (at most 100) when the customer has
``long_standing`` or more earlier conversations. Without proactive help the skill stays
not applicable whatever the settings. A team that rewards loyalty more can raise the
bonus, or count customers as long-standing sooner. Only the keys a table names change;
the rest keep their defaults.
"""

from __future__ import annotations

from types import MappingProxyType
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from servicecoach.analysis.analyzers.points import tiers_check

__all__ = ["DEFAULT_TIERS", "ExtraMileSettings"]

DEFAULT_TIERS = MappingProxyType({"one": 80, "several": 95})
"""The score by how many sentences offered proactive help."""


class ExtraMileSettings(BaseModel):
    """The extra-mile analyser's settings, validated when the rubric loads."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    tiers: Annotated[dict[str, int], tiers_check("extra_mile", DEFAULT_TIERS)] = Field(
        default_factory=lambda: dict(DEFAULT_TIERS)
    )
    long_standing: int = Field(default=3, ge=1, le=1000)
    long_standing_bonus: int = Field(default=5, ge=0, le=100)
