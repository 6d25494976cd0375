"""What a team may set for problem solving (``[analyzers.problem_solving]``).

The defaults are the built-in scoring (problem solving v3): a conversation with a problem
starts at ``start``; a solution, a follow-up, an alternative after a refusal and the
customer's "that worked" each add their ``points`` once, and ``diagnostic`` is added once
when a diagnostic question came before the first solution; each turn with no next step
and each reply that hands off take their points every time, ``unresolved`` once when the
customer's last message says it is still broken. ``end_state`` is how much the
customer's mood at the end weighs: added when their last message is satisfied, grateful
or relieved, taken off when it is angry, frustrated, disappointed or sad (0 leaves the
mood out). A team whose agents may not solve on the first contact can lower the cost of
a hand-off. Only the keys a table names change; the rest keep their defaults.
"""

from __future__ import annotations

from types import MappingProxyType
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from servicecoach.analysis.analyzers.points import points_check

__all__ = ["DEFAULT_POINTS", "ProblemSolvingSettings"]

DEFAULT_POINTS = MappingProxyType(
    {
        "solution": 30,  # earned once
        "diagnostic": 10,  # earned once, when asked before the first solution
        "follow_up": 10,  # earned once
        "alternative": 10,  # earned once
        "resolved": 10,  # earned once
        "no_next_step": -15,  # each turn
        "transfer": -10,  # each reply
        "unresolved": -20,  # once, on the customer's last message
    }
)
"""Each problem-solving signal's points (the part of its id after ``problem_solving.``)."""


class ProblemSolvingSettings(BaseModel):
    """The problem-solving analyser's settings, validated when the rubric loads."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    start: int = Field(default=40, ge=0, le=100)
    end_state: int = Field(default=30, ge=0, le=100)
    points: Annotated[dict[str, int], points_check("problem_solving", DEFAULT_POINTS)] = Field(
        default_factory=lambda: dict(DEFAULT_POINTS)
    )
