"""The skills of the rubric and the signal families that feed them (FORMAT.md).

The twelve built-in skills are part of the result format, so they are defined here, where
the rubric and the results writers can read them without importing the analysis layer.
A plugin analyser may bring a further skill by declaring a :class:`Skill`; the analysis
registry (:func:`servicecoach.analysis.skills.registered_skills`) joins both lists, and
everything that shows or stores skills reads that list rather than this module's
constants.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["BUILTIN_SKILLS", "FAMILY_SKILL", "SKILLS", "Skill", "skill_of_signal"]

_NAME = re.compile(r"[a-z][a-z0-9_]{1,31}")
_HEAD = re.compile(r"[a-z0-9]{1,4}")


@dataclass(frozen=True, slots=True)
class Skill:
    """What a skill is called and which signals feed it.

    Attributes:
        name: the key in results (``skills.<name>``), lower case with underscores.
        label: how people read it ("Active listening").
        head: a column head of at most four letters for narrow tables (``lstn``).
        family: the first part of the ids of the signals that feed it (``listening``).
    """

    name: str
    label: str
    head: str
    family: str

    def __post_init__(self) -> None:
        if not _NAME.fullmatch(self.name):
            raise ValueError(
                f"skill name {self.name!r} must be 2-32 lower-case letters, digits or "
                "underscores, starting with a letter"
            )
        if not _HEAD.fullmatch(self.head):
            raise ValueError(f"skill {self.name}: head {self.head!r} must be 1-4 letters/digits")
        if not _NAME.fullmatch(self.family):
            raise ValueError(f"skill {self.name}: family {self.family!r} is not a valid id")
        if not self.label.strip() or len(self.label) > 60:
            raise ValueError(f"skill {self.name}: label must be 1-60 characters")


BUILTIN_SKILLS: tuple[Skill, ...] = (
    Skill("active_listening", "Active listening", "lstn", "listening"),
    Skill("clear_communication", "Clear communication", "clar", "clarity"),
    Skill("empathy", "Empathy", "emp", "empathy"),
    Skill("problem_solving", "Problem solving", "solv", "problem_solving"),
    Skill("patience", "Patience", "calm", "patience"),
    Skill("responsiveness", "Responsiveness", "fast", "responsiveness"),
    Skill("public_to_private", "Public to private", "priv", "private"),
    Skill("apology", "Apology", "apol", "apology"),
    Skill("extra_mile", "Extra mile", "xtra", "extra_mile"),
    Skill("closing", "Closing", "clos", "closing"),
    Skill("persuasion", "Persuasion", "pers", "persuasion"),
    Skill("continuity", "Continuity", "hist", "continuity"),
)
"""The skills of SKILLS.md, in the order results list them."""

SKILLS: tuple[str, ...] = tuple(skill.name for skill in BUILTIN_SKILLS)
"""Built-in skill names, in the order results list them."""

FAMILY_SKILL: dict[str, str] = {skill.family: skill.name for skill in BUILTIN_SKILLS}
"""Built-in signal id family (the part before the dot) to the skill it feeds."""


def skill_of_signal(signal: str, families: dict[str, str] | None = None) -> str:
    """The skill a signal id such as ``apology.liability`` feeds.

    Args:
        signal: the signal id.
        families: family to skill, when plugins add skills (default: the built-ins).

    Raises:
        ValueError: the family is not one of the known ones.
    """
    known = FAMILY_SKILL if families is None else families
    family = signal.partition(".")[0]
    try:
        return known[family]
    except KeyError:
        raise ValueError(f"signal {signal!r} has no known family ({', '.join(known)})") from None
