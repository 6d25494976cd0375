"""The built-in analysers, registered through the same hook third-party plugins use."""

from __future__ import annotations

from collections.abc import Callable

from servicecoach.analysis.analyzer import Analyzer
from servicecoach.plugins import hookimpl

__all__ = ["register_analyzers"]


@hookimpl
def register_analyzers(register: Callable[[Analyzer], None]) -> None:
    """Register every analyser that ships with servicecoach."""
    from servicecoach.analysis.analyzers.apology import ApologyAnalyzer
    from servicecoach.analysis.analyzers.clarity import ClarityAnalyzer
    from servicecoach.analysis.analyzers.closing import ClosingAnalyzer
    from servicecoach.analysis.analyzers.continuity import ContinuityAnalyzer
    from servicecoach.analysis.analyzers.empathy import EmpathyAnalyzer
    from servicecoach.analysis.analyzers.extra_mile import ExtraMileAnalyzer
    from servicecoach.analysis.analyzers.listening import ListeningAnalyzer
    from servicecoach.analysis.analyzers.patience import PatienceAnalyzer
    from servicecoach.analysis.analyzers.persuasion import PersuasionAnalyzer
    from servicecoach.analysis.analyzers.problem_solving import ProblemSolvingAnalyzer
    from servicecoach.analysis.analyzers.public_to_private import PublicToPrivateAnalyzer
    from servicecoach.analysis.analyzers.responsiveness import ResponsivenessAnalyzer

    for analyzer in (
        ApologyAnalyzer(),
        ClarityAnalyzer(),
        ClosingAnalyzer(),
        ContinuityAnalyzer(),
        EmpathyAnalyzer(),
        ExtraMileAnalyzer(),
        ListeningAnalyzer(),
        PatienceAnalyzer(),
        PersuasionAnalyzer(),
        ProblemSolvingAnalyzer(),
        PublicToPrivateAnalyzer(),
        ResponsivenessAnalyzer(),
    ):
        register(analyzer)
