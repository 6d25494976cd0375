"""The result of analysing one conversation, in the FORMAT.md result shape."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from servicecoach.analysis.criteria import CriterionFinding
from servicecoach.analysis.emotion import Emotion
from servicecoach.analysis.evidence import Evidence
from servicecoach.analysis.finding import SkillFinding
from servicecoach.analysis.signals import is_experimental
from servicecoach.analysis.skills import SKILLS

__all__ = ["AnalysisFailure", "ConversationResult", "Outcome"]

FORMAT_VERSION = 1


@dataclass(frozen=True, slots=True)
class Outcome:
    """The customer's side of a conversation's end (filled in by the outcome analysis)."""

    emotion_start: str | None = None
    emotion_end: str | None = None
    resolved: bool | None = None
    satisfaction: int | None = None
    quality: int | None = None

    def to_dict(self) -> dict[str, Any]:
        """The FORMAT.md shape."""
        return {
            "emotion_start": self.emotion_start,
            "emotion_end": self.emotion_end,
            "resolved": self.resolved,
            "satisfaction": self.satisfaction,
            "quality": self.quality,
        }


@dataclass(frozen=True, slots=True)
class AnalysisFailure:
    """An analyser that raised on one conversation: reported, and the batch goes on."""

    conversation: str
    analyzer: str
    error: str

    def __str__(self) -> str:
        return f"conversation {self.conversation!r}: analyser {self.analyzer} failed: {self.error}"


@dataclass(frozen=True, slots=True)
class ConversationResult:
    """Every skill's finding for one conversation, with the analysers that produced them.

    Attributes:
        conversation: the conversation id.
        analyzers: skill name to the ``name.vN`` of the analyser that scored it.
        skills: skill name to its finding; skills no analyser covered are absent.
        messages: message id and role, in conversation order.
        outcome: the customer-side outcome.
        emotions: the emotion of each customer message, by message id.
        failures: analysers that failed on this conversation.
        config: the configuration the analysers ran with (recorded with the result).
        language: the detected language.
        not_scored: why nothing was scored (e.g. a language servicecoach cannot score).
        criteria: the rubric's own criteria by name (docs/criteria.md); they change no
            skill score, and their evidence is listed among each message's signals.
        effects: what a critical or bonus criterion did to ``outcome.quality``
            (``auto_fail``, ``bonus +N``), by criterion name; recorded as its ``effect``.
    """

    conversation: str
    analyzers: dict[str, str]
    skills: dict[str, SkillFinding]
    messages: tuple[tuple[str, str], ...]
    outcome: Outcome = field(default_factory=Outcome)
    emotions: dict[str, Emotion] = field(default_factory=dict)
    failures: tuple[AnalysisFailure, ...] = ()
    config: dict[str, Any] = field(default_factory=dict)
    language: str | None = None
    not_scored: str | None = None
    criteria: dict[str, CriterionFinding] = field(default_factory=dict)
    effects: dict[str, str] = field(default_factory=dict)

    def signals_by_message(self) -> dict[str, list[str]]:
        """Every signal that fired, per message id, in span order, without repeats.

        The criteria's evidence counts too (``criteria.NAME``).
        """
        fired: dict[str, list[str]] = {message: [] for message, _ in self.messages}
        findings: tuple[SkillFinding | CriterionFinding, ...] = (
            *self.skills.values(),
            *self.criteria.values(),
        )
        spans = sorted(
            (e for finding in findings for e in finding.evidence),
            key=lambda e: (e.message, e.start, e.end, e.signal),
        )
        for evidence in spans:
            signals = fired.setdefault(evidence.message, [])
            if evidence.signal not in signals:
                signals.append(evidence.signal)
        return fired

    def _message_dict(
        self, message: str, role: str, signals: dict[str, list[str]]
    ) -> dict[str, Any]:
        out: dict[str, Any] = {"id": message, "role": role}
        if message in self.emotions:
            out["emotion"] = self.emotions[message].to_dict()
        out["signals"] = signals.get(message, [])
        return out

    def to_dict(self) -> dict[str, Any]:
        """The FORMAT.md result line: one entry per skill, applicable or not."""
        skills: dict[str, Any] = {}
        added = sorted(skill for skill in self.skills if skill not in SKILLS)
        for skill in (*SKILLS, *added):  # the twelve always; a plugin's skill when it ran
            finding = self.skills.get(skill)
            if finding is None:  # made only when missing (a default argument is made always)
                finding = SkillFinding.not_applicable()
            skills[skill] = {
                "score": finding.score,
                "applicable": finding.applicable,
                "evidence": [_evidence_dict(e) for e in finding.evidence],
            }
        signals = self.signals_by_message()
        out: dict[str, Any] = {
            "format": FORMAT_VERSION,
            "conversation": self.conversation,
            "analyzers": dict(self.analyzers),
            "skills": skills,
            "messages": [
                self._message_dict(message, role, signals) for message, role in self.messages
            ],
            "outcome": self.outcome.to_dict(),
        }
        if self.failures:
            out["failures"] = [{"analyzer": f.analyzer, "error": f.error} for f in self.failures]
        if self.config:
            out["config"] = self.config
        if self.language is not None:
            out["language"] = self.language
        if self.not_scored is not None:
            out["not_scored"] = self.not_scored
        if self.criteria:
            out["criteria"] = {name: c.to_dict() for name, c in self.criteria.items()}
            for name, effect in self.effects.items():
                out["criteria"][name]["effect"] = effect
        return out


def _evidence_dict(evidence: Evidence) -> dict[str, Any]:
    """The FORMAT.md evidence object; an experimental signal's says so (an extra key)."""
    out = evidence.to_dict()
    if is_experimental(evidence.signal):
        out["experimental"] = True
    return out
