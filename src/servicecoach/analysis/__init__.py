"""Analysis: analysers score each skill of the rubric with evidence; the pipeline runs them."""

from __future__ import annotations

from servicecoach.analysis.analyzer import Analyzer, Context, Requirement
from servicecoach.analysis.evidence import Evidence
from servicecoach.analysis.finding import SkillFinding
from servicecoach.analysis.pipeline import Pipeline
from servicecoach.analysis.result import AnalysisFailure, ConversationResult, Outcome
from servicecoach.analysis.skills import SKILLS, Skill

__all__ = [
    "SKILLS",
    "AnalysisFailure",
    "Analyzer",
    "Context",
    "ConversationResult",
    "Evidence",
    "Outcome",
    "Pipeline",
    "Requirement",
    "Skill",
    "SkillFinding",
]
