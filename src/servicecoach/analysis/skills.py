"""The skills analysers score: the built-in twelve plus any a plugin analyser brings.

The built-ins are part of the result format and live in :mod:`servicecoach.model.skills`.
A plugin adds a skill by giving its analyser a ``new_skill`` (a
:class:`~servicecoach.model.skills.Skill`); :func:`registered_skills` joins both, and
everything that validates, shows or stores skills (pipeline, rubric checks, CLI, API,
web pages, the store) reads it instead of a fixed list.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache
from typing import TYPE_CHECKING

import pluggy

from servicecoach.errors import ConfigError
from servicecoach.model.skills import BUILTIN_SKILLS, FAMILY_SKILL, SKILLS, Skill, skill_of_signal

if TYPE_CHECKING:
    from servicecoach.analysis.analyzer import Analyzer

__all__ = [
    "FAMILY_SKILL",
    "SKILLS",
    "Skill",
    "registered_skills",
    "skill_families",
    "skill_label",
    "skill_names",
    "skill_of_signal",
    "skills_of",
]


def registered_skills(manager: pluggy.PluginManager | None = None) -> tuple[Skill, ...]:
    """Every skill an analyser can score: the built-ins in their order, then the skills
    plugins bring, by name.

    Raises:
        ConfigError: a plugin's new skill reuses a built-in's name or signal family, or
            two plugins declare the same skill differently.
    """
    if manager is None:
        return _default_skills()
    from servicecoach.analysis.registry import analyzers

    return skills_of(analyzers(manager).values())


@lru_cache(maxsize=1)
def _default_skills() -> tuple[Skill, ...]:
    from servicecoach.analysis.registry import analyzers

    return skills_of(analyzers().values())


def skills_of(registered: Iterable[Analyzer]) -> tuple[Skill, ...]:
    """The skills of these analysers: the built-ins in their order, then each new skill
    one of them declares, by name (errors as :func:`registered_skills`)."""
    builtin_names = set(SKILLS)
    builtin_families = set(FAMILY_SKILL)
    added: dict[str, Skill] = {}
    for analyzer in registered:
        skill = analyzer.new_skill
        if skill is None:
            continue
        if skill.name != analyzer.skill:
            raise ConfigError(
                f"analyser {analyzer.id} declares skill {skill.name!r} but scores "
                f"{analyzer.skill!r}"
            )
        if skill.name in builtin_names:
            raise ConfigError(
                f"analyser {analyzer.id} declares skill {skill.name!r}, which is built in: "
                "to replace the built-in analyser, register one with its name instead"
            )
        if skill.family in builtin_families:
            raise ConfigError(
                f"analyser {analyzer.id}: signal family {skill.family!r} belongs to a "
                "built-in skill; choose another"
            )
        if (seen := added.get(skill.name)) is not None and seen != skill:
            raise ConfigError(f"two analysers declare skill {skill.name!r} differently")
        added[skill.name] = skill
    families = [s.family for s in added.values()]
    if len(families) != len(set(families)):
        raise ConfigError("two plugin skills share a signal family; each needs its own")
    return (*BUILTIN_SKILLS, *(added[name] for name in sorted(added)))


def skill_names(manager: pluggy.PluginManager | None = None) -> tuple[str, ...]:
    """The names of :func:`registered_skills`, in the order results list them."""
    return tuple(skill.name for skill in registered_skills(manager))


def skill_families(manager: pluggy.PluginManager | None = None) -> dict[str, str]:
    """Signal family to the skill it feeds, plugin skills included."""
    return {skill.family: skill.name for skill in registered_skills(manager)}


def skill_label(name: str) -> str:
    """How people read a skill's name ("Active listening"); an unknown one is spelt out."""
    for skill in registered_skills():
        if skill.name == name:
            return skill.label
    return name.replace("_", " ").capitalize()
