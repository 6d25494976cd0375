"""Evidence: the exact words that earned or cost a score."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

__all__ = ["Evidence"]


@dataclass(frozen=True, slots=True)
class Evidence:
    """A half-open character span of one message's stored text, and what it shows.

    Attributes:
        message: the message id.
        start: first character of the span.
        end: one past the last character.
        signal: the signal id (``apology.apology``).
        polarity: +1 when it earns score, -1 when it costs, 0 when neutral.
        quote: the text of the span, for readers of the result file.
        suggestion: a better wording or next step, where one helps.
    """

    message: str
    start: int
    end: int
    signal: str
    polarity: int
    quote: str
    suggestion: str | None = None

    def __post_init__(self) -> None:
        if not 0 <= self.start <= self.end:
            raise ValueError(f"evidence span [{self.start}, {self.end}) is not a span")
        if self.polarity not in (-1, 0, 1):
            raise ValueError("polarity must be -1, 0 or 1")

    def to_dict(self) -> dict[str, Any]:
        """The FORMAT.md shape."""
        return {
            "message": self.message,
            "start": self.start,
            "end": self.end,
            "signal": self.signal,
            "polarity": self.polarity,
            "quote": self.quote,
            "suggestion": self.suggestion,
        }
