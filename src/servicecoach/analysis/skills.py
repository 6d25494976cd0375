"""The skills and signal families, under the name analysers have always imported.

They are part of the result format (FORMAT.md), so they are defined in
:mod:`servicecoach.model.skills`, where the rubric and the results writers can read them
without importing the analysis layer (docs/architecture.md, tests/test_layers.py).
"""

from __future__ import annotations

from servicecoach.model.skills import FAMILY_SKILL, SKILLS, skill_of_signal

__all__ = ["FAMILY_SKILL", "SKILLS", "skill_of_signal"]
