"""The shapes of the API's requests and answers, for the OpenAPI document.

These pydantic models *describe* the JSON; they do not decode it. Request bodies are
decoded by the same code the command line uses (:mod:`servicecoach.model.native`), and
answers are written by the domain objects' ``to_dict()``, so the service and the files
can never drift apart. A test checks that real answers validate against these schemas.
All shapes follow ``FORMAT.md`` (``format: 1``); extra keys are allowed where the format
allows them.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from servicecoach.analysis.emotion import EMOTIONS
from servicecoach.analysis.skills import SKILLS
from servicecoach.model.conversation import Channel, Role

__all__ = [
    "AnalysisResult",
    "AssistRequest",
    "ConversationIn",
    "CriterionOut",
    "CustomerIn",
    "DraftCheckOut",
    "DraftGood",
    "DraftSuggestion",
    "EmotionOut",
    "ErrorBody",
    "ErrorResponse",
    "EvidenceOut",
    "HookAnswer",
    "MessageIn",
    "MessageResultOut",
    "OutcomeOut",
    "SkillOut",
]

_EXAMPLE_CONVERSATION: dict[str, Any] = {
    "format": 1,
    "id": "zendesk-48213",
    "channel": "email",
    "public": False,
    "customer": {"id": "cust-77", "name": "Dana Reyes", "email": "dana@example.com"},
    "messages": [
        {
            "id": "m1",
            "role": "customer",
            "author": "Dana Reyes",
            "at": "2024-05-01T09:12:00Z",
            "text": "My order #5521 arrived broken and I need it for Friday.",
        },
        {
            "id": "m2",
            "role": "agent",
            "author": "sam",
            "at": "2024-05-01T09:20:00Z",
            "text": "I'm so sorry it arrived broken. I've sent a replacement by express "
            "delivery; it will be with you on Thursday.",
        },
    ],
    "meta": {},
}


class _Open(BaseModel):
    model_config = ConfigDict(extra="allow")


class CustomerIn(_Open):
    """The customer of a conversation; every field is optional."""

    id: str | None = Field(default=None, description="The customer's id in the source.")
    name: str | None = None
    email: str | None = None
    phone: str | None = Field(default=None, description="Preferably E.164, e.g. +14155550100.")
    handles: dict[str, str] = Field(
        default_factory=dict, description='Social handles by network, e.g. {"twitter": "danar"}.'
    )


class MessageIn(_Open):
    """One message of a conversation (FORMAT.md); unknown keys are kept in ``meta``."""

    id: str | int = Field(description="Unique within the conversation.")
    role: Role
    author: str | None = None
    at: str | None = Field(
        default=None, description="ISO 8601 with a zone; without it time-based skills do not apply."
    )
    end: str | None = Field(default=None, description="Voice: when the turn ended (ISO 8601).")
    start_s: float | None = Field(default=None, ge=0, description="Voice: seconds from call start.")
    end_s: float | None = Field(default=None, ge=0, description="Voice: seconds from call start.")
    text: str = ""
    internal: bool = Field(default=False, description="A note the customer never saw.")
    meta: dict[str, Any] = Field(default_factory=dict)


class ConversationIn(_Open):
    """One conversation in the native format (FORMAT.md); unknown keys are kept in ``meta``."""

    model_config = ConfigDict(
        extra="allow", json_schema_extra={"examples": [_EXAMPLE_CONVERSATION]}
    )

    format: Literal[1] = 1
    id: str | int
    channel: Channel = Channel.OTHER
    public: bool = Field(default=False, description="True for public social posts.")
    customer: CustomerIn = Field(default_factory=CustomerIn)
    messages: list[MessageIn]
    meta: dict[str, Any] = Field(default_factory=dict)


class AssistRequest(BaseModel):
    """The conversation so far and the agent's draft reply."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "conversation": {**_EXAMPLE_CONVERSATION, "messages": [
                        _EXAMPLE_CONVERSATION["messages"][0]
                    ]},
                    "draft": "Unfortunately we can't send a replacement before next week.",
                }
            ]
        },
    )  # fmt: skip

    conversation: ConversationIn
    draft: str = Field(description="The reply the agent is about to send.")


class EvidenceOut(BaseModel):
    """The exact words that earned (polarity 1) or cost (-1) a score."""

    message: str
    start: int = Field(ge=0, description="First character of the span in the message text.")
    end: int = Field(ge=0, description="One past the last character.")
    signal: str = Field(description="Signal id, e.g. empathy.validation.")
    polarity: Literal[-1, 0, 1]
    quote: str
    suggestion: str | None


class SkillOut(BaseModel):
    """One skill's score, or ``applicable: false`` with ``score: null``."""

    score: int | None = Field(ge=0, le=100)
    applicable: bool
    evidence: list[EvidenceOut]


class EmotionOut(BaseModel):
    """A customer message's emotion."""

    label: Literal[EMOTIONS]  # type: ignore[valid-type]
    score: float = Field(ge=0, le=1)


class MessageResultOut(BaseModel):
    """The signals that fired in one message (and the customer's emotion)."""

    id: str
    role: Role
    emotion: EmotionOut | None = Field(default=None, description="Customer messages only.")
    signals: list[str]


class OutcomeOut(BaseModel):
    """The customer's side of the end of the conversation."""

    emotion_start: str | None
    emotion_end: str | None
    resolved: bool | None
    satisfaction: int | None = Field(ge=0, le=100, description="A CSAT estimate, 0-100.")
    quality: int | None = Field(ge=0, le=100, description="Overall quality of the agent side.")


class CriterionOut(BaseModel):
    """One of the rubric's own criteria on this conversation (docs/criteria.md).

    A criterion changes no skill score: it says whether some agent sentence meets the
    team's check, and which. A critical or bonus one changes overall quality (``effect``).
    """

    model_config = ConfigDict(extra="allow")

    label: str = Field(description="What the criterion checks (from the rubric).")
    polarity: Literal[-1, 1] = Field(
        description="1 when meeting it is good, -1 when it counts against the agent."
    )
    applicable: bool = Field(description="False when it could not be judged (see reason).")
    met: bool | None = Field(description="Some agent sentence meets it; null when not applicable.")
    judged_by: Literal["model", "phrases"] | None = Field(
        description="The sentence model, the phrases alone (--fast), or null when not judged."
    )
    version: str | None = Field(
        description="The fit that judged it: criteria.NAME@DIGEST (@phrases in fast mode)."
    )
    evidence: list[EvidenceOut] = Field(
        description="The sentences that meet it; signal criteria.NAME, the criterion's polarity."
    )
    reason: str | None = Field(
        default=None, description="Why it was not judged; present only when not applicable."
    )
    effect: str | None = Field(
        default=None,
        description="What it did to outcome.quality, present only when it changed it: "
        "auto_fail (a critical criterion the agent went against; quality 0) or "
        "'bonus +N' (a bonus criterion met).",
    )


class AnalysisResult(BaseModel):
    """One conversation's result in the FORMAT.md result shape."""

    model_config = ConfigDict(extra="allow")

    format: Literal[1]
    conversation: str
    analyzers: dict[str, str] = Field(description="Skill to the analyser version that scored it.")
    skills: dict[str, SkillOut] = Field(
        description=f"One entry per skill: {', '.join(SKILLS)}, then any skill an installed "
        "analyser plugin adds (`servicecoach analyzers list`)."
    )
    messages: list[MessageResultOut]
    outcome: OutcomeOut
    failures: list[dict[str, str]] | None = Field(
        default=None, description="Analysers that failed on this conversation."
    )
    config: dict[str, Any] | None = None
    language: str | None = None
    not_scored: str | None = Field(default=None, description="Why nothing was scored.")
    criteria: dict[str, CriterionOut] | None = Field(
        default=None,
        description="The rubric's own criteria by name, when it has some (docs/criteria.md); "
        "they change no score.",
    )


class DraftSuggestion(BaseModel):
    """One thing to change in the draft."""

    model_config = ConfigDict(extra="allow")

    kind: str = Field(description="e.g. clarity.negative_language, empathy.missing.")
    severity: Literal["info", "warning", "error"]
    start: int = Field(ge=0, description="Span in the draft (half-open).")
    end: int = Field(ge=0)
    reason: str
    rewrite: str | None = None


class DraftGood(BaseModel):
    """One thing the draft does well."""

    model_config = ConfigDict(extra="allow")

    kind: str
    start: int = Field(ge=0)
    end: int = Field(ge=0)
    reason: str


class DraftCheckOut(BaseModel):
    """The FORMAT.md "Draft suggestions" shape."""

    model_config = ConfigDict(extra="allow")

    format: Literal[1]
    suggestions: list[DraftSuggestion]
    good: list[DraftGood]


class ErrorBody(BaseModel):
    """What went wrong."""

    code: str = Field(description="Stable code, e.g. unauthorized, payload_too_large.")
    message: str = Field(description="What is wrong and how to fix it.")
    details: list[dict[str, Any]] | None = None


class ErrorResponse(BaseModel):
    """Every error answer of the service."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "error": {
                        "code": "unauthorized",
                        "message": "missing API token: send Authorization: Bearer <token>",
                    }
                }
            ]
        }
    )

    error: ErrorBody


class HookAnswer(BaseModel):
    """What the Chatwoot hook did with one event."""

    model_config = ConfigDict(extra="allow")

    status: Literal["scored", "ignored"]
    reason: str | None = Field(default=None, description="Why the event was ignored.")
    conversation: str | None = None
    quality: int | None = None
    note_posted: bool = False
    problems: list[str] = Field(
        default_factory=list,
        description="Chatwoot API calls that failed (logged too), messages that were skipped.",
    )
    result: AnalysisResult | None = None
