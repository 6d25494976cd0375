"""What a draft check returns: suggestions to change the draft, and what it already does well."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

__all__ = ["FORMAT_VERSION", "SEVERITIES", "DraftCheck", "Praise", "Severity", "Suggestion"]

FORMAT_VERSION = 1
Severity = Literal["info", "warning", "error"]
SEVERITIES: tuple[Severity, ...] = ("info", "warning", "error")
"""From least to most serious."""


@dataclass(frozen=True, slots=True)
class Suggestion:
    """One change to make to the draft.

    Attributes:
        kind: what is wrong, e.g. ``clarity.negative_language`` (docs/assist.md lists them).
        severity: ``info`` (style), ``warning`` (should change) or ``error`` (must change:
            legal, privacy or tone risks).
        start: first character of the span of the draft it concerns.
        end: one past its last character; ``start == end`` marks a place to add text.
        reason: one line in plain words.
        rewrite: a ready replacement for ``draft[start:end]`` (text to insert for an empty
            span), or ``None`` when no concrete rewrite can be made.
    """

    kind: str
    severity: Severity
    start: int
    end: int
    reason: str
    rewrite: str | None = None

    def __post_init__(self) -> None:
        if self.severity not in SEVERITIES:
            raise ValueError(f"severity {self.severity!r} is not one of {', '.join(SEVERITIES)}")
        if not 0 <= self.start <= self.end:
            raise ValueError(f"span [{self.start}, {self.end}) is not a span")

    def to_dict(self) -> dict[str, Any]:
        """The FORMAT.md shape."""
        return {
            "kind": self.kind,
            "severity": self.severity,
            "start": self.start,
            "end": self.end,
            "reason": self.reason,
            "rewrite": self.rewrite,
        }


@dataclass(frozen=True, slots=True)
class Praise:
    """Something the draft does well (so the agent is not only corrected).

    Attributes:
        kind: the signal that fired, e.g. ``apology.apology``.
        start: first character of the span of the draft.
        end: one past its last character.
        reason: one line in plain words.
    """

    kind: str
    start: int
    end: int
    reason: str

    def to_dict(self) -> dict[str, Any]:
        """The FORMAT.md shape."""
        return {"kind": self.kind, "start": self.start, "end": self.end, "reason": self.reason}


@dataclass(frozen=True, slots=True)
class DraftCheck:
    """The result of checking one draft: suggestions (most serious first) and praise.

    Attributes:
        draft: the draft as given (every span indexes it).
        suggestions: what to change, most serious first, then in draft order.
        good: what the draft does well, in draft order.
        language: the detected language of the conversation and draft.
        not_scored: why nothing was checked (e.g. a language servicecoach cannot score).
    """

    draft: str
    suggestions: tuple[Suggestion, ...] = ()
    good: tuple[Praise, ...] = ()
    language: str | None = None
    not_scored: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """The "Draft suggestions (live assist)" JSON of FORMAT.md."""
        return {
            "format": FORMAT_VERSION,
            "suggestions": [s.to_dict() for s in self.suggestions],
            "good": [g.to_dict() for g in self.good],
        }
