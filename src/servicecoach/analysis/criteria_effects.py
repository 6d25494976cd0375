"""What a team's critical and bonus criteria do to a conversation's overall quality.

QA scorecards have two kinds of item beside the weighted skills: **critical** ones that
fail the whole conversation (a competitor recommended, a card number read back in a
public reply, an identity check skipped) and **bonus** ones that add to it (a refund
offered before the customer asked). A rubric marks a criterion ``effect = "critical"``
or ``effect = "bonus"`` (docs/criteria.md); skill scores never change, only ``quality``.

- A critical criterion **fails** when it goes against the agent: met if its polarity
  is -1 ("mentions a competitor"), not met if it is +1 ("verifies the account"). Then
  quality is 0, whatever the skills scored.
- A bonus criterion (polarity +1) that is met adds its ``points`` to quality, up to 100.
- A criterion that could not be judged (fast mode without phrases, no agent reply)
  does nothing: servicecoach never fails a conversation on a check it did not make.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from servicecoach.analysis.criteria import CriterionFinding
    from servicecoach.analysis.result import Outcome

__all__ = ["AUTO_FAIL", "CriterionEffect", "apply_effects"]

AUTO_FAIL = "auto_fail"
"""The effect recorded on a critical criterion that failed the conversation."""


class CriterionEffect(Protocol):
    """What this module reads of a rubric criterion."""

    @property
    def effect(self) -> str: ...

    @property
    def points(self) -> int: ...

    @property
    def polarity(self) -> int: ...


def apply_effects(
    outcome: Outcome,
    findings: Mapping[str, CriterionFinding],
    criteria: Mapping[str, CriterionEffect],
) -> tuple[Outcome, dict[str, str]]:
    """``outcome`` with the critical and bonus criteria applied to its quality, and what
    each criterion that changed it did (``auto_fail`` or ``bonus +N``), by name."""
    effects: dict[str, str] = {}
    bonus = 0
    for name, finding in findings.items():
        criterion = criteria.get(name)
        if criterion is None or criterion.effect == "none" or finding.met is None:
            continue
        if criterion.effect == "critical" and finding.met == (criterion.polarity < 0):
            effects[name] = AUTO_FAIL
        elif criterion.effect == "bonus" and finding.met:
            effects[name] = f"bonus +{criterion.points}"
            bonus += criterion.points
    if any(effect == AUTO_FAIL for effect in effects.values()):
        return replace(outcome, quality=0), effects
    if bonus and outcome.quality is not None:
        return replace(outcome, quality=min(100, outcome.quality + bonus)), effects
    return outcome, effects
