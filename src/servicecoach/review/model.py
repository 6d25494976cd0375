"""What a human review is: per-skill scores (or not applicable), verdicts on the
highlighted signals, and a comment, by one reviewer at one time under one rubric.

Domain objects are frozen dataclasses; the store (``store.reviews``) persists them and
the web app validates what people type (:mod:`servicecoach.review.validate`) before
anything is built.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

__all__ = ["Review", "ReviewKind", "SignalMark", "Verdict"]


class Verdict(StrEnum):
    """A reviewer's verdict on one signal span."""

    AGREE = "agree"
    """servicecoach highlighted it and it is there."""
    WRONG = "wrong"
    """servicecoach highlighted it and it is not there."""
    MISSED = "missed"
    """servicecoach did not highlight it, and it is there (the reviewer marked the span)."""

    @property
    def present(self) -> bool:
        """Whether the reviewer says the signal is there (agree, missed)."""
        return self is not Verdict.WRONG


class ReviewKind(StrEnum):
    """Why a review exists: it decides where it counts and who sees it."""

    REVIEW = "review"
    """An ordinary review (a reviewer's own choice, or their queue)."""
    CALIBRATION = "calibration"
    """A blind review inside a calibration session."""
    AGREED = "agreed"
    """A calibration session's agreed answer, recorded by its lead."""
    DISPUTE = "dispute"
    """A lead's corrected score after accepting a dispute of an automatic score."""


@dataclass(frozen=True, slots=True)
class SignalMark:
    """One signal verdict: a half-open character span of one message's text.

    Attributes:
        message: the message id (as the conversation names it).
        signal: the signal id, ``family.name``.
        verdict: agree, wrong or missed.
        start: first character of the span.
        end: one past the last character.
        quote: the words of the span (kept, so an export reads without the text).
    """

    message: str
    signal: str
    verdict: Verdict
    start: int
    end: int
    quote: str

    @property
    def key(self) -> str:
        """``message:start:end:signal``: which highlight (or span) the verdict is about."""
        return f"{self.message}:{self.start}:{self.end}:{self.signal}"

    def to_dict(self) -> dict[str, Any]:
        """The stored and served JSON shape."""
        return {
            "message": self.message,
            "signal": self.signal,
            "verdict": self.verdict.value,
            "start": self.start,
            "end": self.end,
            "quote": self.quote,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> SignalMark:
        """The mark from :meth:`to_dict`'s shape (as stored)."""
        return cls(
            message=str(data["message"]),
            signal=str(data["signal"]),
            verdict=Verdict(data["verdict"]),
            start=int(data["start"]),
            end=int(data["end"]),
            quote=str(data.get("quote", "")),
        )


@dataclass(frozen=True, slots=True)
class Review:
    """One reviewer's judgement of one conversation.

    Attributes:
        id: the review's number.
        conversation_id: the conversation's key in the store.
        conversation: the conversation's id as its source names it (labels use it).
        reviewer: the reviewer's username.
        kind: review, calibration, agreed or dispute.
        calibration_id: the calibration session, for calibration and agreed reviews.
        agent: the conversation's agent when reviewed (whose review it is).
        team: that agent's team (who may see it).
        run: the analysis run the reviewer saw, if any.
        rubric_version: the rubric the scores were given under.
        scores: skill to 0-100, or ``None`` for not applicable; unscored skills are absent.
        signals: the verdicts on signals.
        comment: free text.
        created_at: when it was first saved.
        updated_at: when it last changed.
    """

    id: int
    conversation_id: int
    conversation: str
    reviewer: str
    kind: ReviewKind
    calibration_id: int | None
    agent: str | None
    team: str | None
    run: int | None
    rubric_version: str
    scores: dict[str, int | None]
    signals: tuple[SignalMark, ...]
    comment: str
    created_at: datetime
    updated_at: datetime

    def to_dict(self) -> dict[str, Any]:
        """The API's JSON shape."""
        return {
            "id": self.id,
            "conversation_id": self.conversation_id,
            "conversation": self.conversation,
            "reviewer": self.reviewer,
            "kind": self.kind.value,
            "calibration_id": self.calibration_id,
            "agent": self.agent,
            "team": self.team,
            "run": self.run,
            "rubric_version": self.rubric_version,
            "scores": dict(self.scores),
            "signals": [mark.to_dict() for mark in self.signals],
            "comment": self.comment,
            "created_at": self.created_at.isoformat(),
            "updated_at": self.updated_at.isoformat(),
        }
