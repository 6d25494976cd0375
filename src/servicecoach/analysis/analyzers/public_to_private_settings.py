"""What a team may set for public to private (``[analyzers.public_to_private]``).

The defaults are the built-in scoring (public to private v2): a public complaint lands in
one of three ``tiers`` - ``first_reply`` when the first reply after it (or one before it)
invites the customer to a private channel, ``later_reply`` when a later one does,
``missing`` when none does - and each piece of personal data asked for or written in
public takes the ``data_in_public`` points. A team that answers simple questions in
public on purpose can raise ``missing``; one under strict privacy rules can make data in
public cost everything. Only the keys a table names change; the rest keep their defaults.
"""

from __future__ import annotations

from types import MappingProxyType
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from servicecoach.analysis.analyzers.points import (
    points_check,
    tiers_check,
)

__all__ = ["DEFAULT_POINTS", "DEFAULT_TIERS", "PublicToPrivateSettings"]

DEFAULT_TIERS = MappingProxyType({"first_reply": 100, "later_reply": 75, "missing": 25})
"""The score by which reply first invited the customer to a private channel."""
DEFAULT_POINTS = MappingProxyType({"data_in_public": -40})  # each piece of data
"""Each public-to-private signal's points (the part of its id after ``private.``)."""


class PublicToPrivateSettings(BaseModel):
    """The public-to-private analyser's settings, validated when the rubric loads."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    tiers: Annotated[dict[str, int], tiers_check("public_to_private", DEFAULT_TIERS)] = Field(
        default_factory=lambda: dict(DEFAULT_TIERS)
    )
    points: Annotated[dict[str, int], points_check("private", DEFAULT_POINTS)] = Field(
        default_factory=lambda: dict(DEFAULT_POINTS)
    )
