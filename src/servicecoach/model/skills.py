"""The twelve skills of the rubric and the signal families that feed them (FORMAT.md)."""

from __future__ import annotations

__all__ = ["FAMILY_SKILL", "SKILLS", "skill_of_signal"]

SKILLS: tuple[str, ...] = (
    "active_listening",
    "clear_communication",
    "empathy",
    "problem_solving",
    "patience",
    "responsiveness",
    "public_to_private",
    "apology",
    "extra_mile",
    "closing",
    "persuasion",
    "continuity",
)
"""Skill names, in the order results list them."""

FAMILY_SKILL: dict[str, str] = {
    "listening": "active_listening",
    "clarity": "clear_communication",
    "empathy": "empathy",
    "problem_solving": "problem_solving",
    "patience": "patience",
    "responsiveness": "responsiveness",
    "private": "public_to_private",
    "apology": "apology",
    "extra_mile": "extra_mile",
    "closing": "closing",
    "persuasion": "persuasion",
    "continuity": "continuity",
}
"""Signal id family (the part before the dot) to the skill it feeds."""


def skill_of_signal(signal: str) -> str:
    """The skill a signal id such as ``apology.liability`` feeds.

    Raises:
        ValueError: the family is not one of the documented ones.
    """
    family = signal.partition(".")[0]
    try:
        return FAMILY_SKILL[family]
    except KeyError:
        raise ValueError(
            f"signal {signal!r} has no known family ({', '.join(FAMILY_SKILL)})"
        ) from None
