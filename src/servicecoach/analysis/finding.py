"""What one analyser concludes about one conversation."""

from __future__ import annotations

from dataclasses import dataclass

from servicecoach.analysis.evidence import Evidence

__all__ = ["SkillFinding"]


@dataclass(frozen=True, slots=True)
class SkillFinding:
    """A skill's score for one conversation, with its evidence.

    Attributes:
        score: 0-100, or ``None`` when the skill does not apply.
        evidence: the spans that earned or cost the score (also kept when not applicable,
            e.g. a signal that fired but did not make the skill apply).
    """

    score: int | None
    evidence: tuple[Evidence, ...] = ()

    def __post_init__(self) -> None:
        if self.score is not None and not 0 <= self.score <= 100:
            raise ValueError(f"score {self.score} is outside 0-100")

    @property
    def applicable(self) -> bool:
        """False when the skill does not apply to the conversation."""
        return self.score is not None

    @classmethod
    def not_applicable(cls, evidence: tuple[Evidence, ...] = ()) -> SkillFinding:
        """The finding for a skill that does not apply (never 0, never 100)."""
        return cls(None, evidence)
