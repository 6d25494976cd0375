"""``/v1/disputes``: agents dispute scores, leads resolve them, over the API.

The rules of ``store.disputes``: an agent raises disputes about their own
conversations and reads their own; a lead reads and resolves their team's; admins and
tokens everyone's. Out of scope is 404.

What waits for the viewer (``GET /v1/disputes/unread``) is the web app's badge: a lead's
or admin's open disputes, an agent's decisions not read yet; only the agent marks their
own decisions read (``POST /v1/disputes/seen``, ``POST /v1/disputes/{id}/seen``).
"""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Path, Query
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field

from servicecoach.server.state import State
from servicecoach.store.disputes import (
    MAX_REASON,
    DisputeStatus,
    dispute_counts,
    list_disputes,
    mark_seen,
    raise_dispute,
    resolve_dispute,
    unread_count,
)
from servicecoach.web.api.responses import API_ERRORS, json_object
from servicecoach.web.auth import ApiViewer, Viewer, require_role
from servicecoach.web.pages.reviews import service_rubric

__all__ = [
    "DisputeIn",
    "ResolveIn",
    "SeenOut",
    "UnreadOut",
    "disputes",
    "raise_one",
    "resolve",
    "router",
    "seen_all",
    "seen_one",
    "unread",
]

router = APIRouter()
Agent = Annotated[Viewer, Depends(require_role("agent"))]
Lead = Annotated[Viewer, Depends(require_role("admin", "lead"))]


class DisputeIn(BaseModel):
    """An agent's dispute of one skill's score."""

    model_config = ConfigDict(extra="forbid")

    skill: str = Field(description="The skill whose score is disputed.")
    reason: str = Field(min_length=1, max_length=MAX_REASON, description="Why.")
    review_id: int | None = Field(
        default=None, description="The disputed review; omitted: servicecoach's automatic score."
    )
    proposed_score: int | None = Field(
        default=None, ge=0, le=100, description="What the agent thinks it should be."
    )


class ResolveIn(BaseModel):
    """A lead's answer to a dispute."""

    model_config = ConfigDict(extra="forbid")

    decision: Literal["accept", "reject"]
    new_score: int | None = Field(
        default=None, ge=0, le=100, description="Accept: the new score (default: the proposed one)."
    )
    reply: str = Field(default="", max_length=MAX_REASON, description="Reject: why it stands.")


class UnreadOut(BaseModel):
    """How many disputes wait for the viewer (the web app's badge)."""

    count: int = Field(ge=0, description="How many disputes wait for the viewer.")
    counts: Literal["open", "decided"] = Field(
        description="What is counted: `open` disputes in a lead's, admin's or token's "
        "scope, waiting for a decision; an agent's `decided` disputes not marked read."
    )


class SeenOut(BaseModel):
    """What marking read changed."""

    marked: int = Field(ge=0, description="Decisions newly marked read (0: already read).")
    unread: int = Field(ge=0, description="The agent's decisions still unread.")


@router.get(
    "/v1/disputes/unread",
    tags=["reviews"],
    summary="How many disputes wait for the viewer",
    response_model=UnreadOut,
    responses=API_ERRORS,
)
def unread(state: State, viewer: ApiViewer) -> UnreadOut:
    """A lead's or admin's open disputes; an agent's decisions not marked read."""
    with state.store.connect() as connection:
        count = unread_count(connection, viewer.scope)
    return UnreadOut(count=count, counts="decided" if viewer.role == "agent" else "open")


@router.post(
    "/v1/disputes/seen",
    tags=["reviews"],
    summary="Mark every decision of the agent's disputes read (the agent)",
    response_model=SeenOut,
    responses=API_ERRORS,
)
def seen_all(state: State, viewer: Agent) -> SeenOut:
    """The agent has read every answer to their disputes; idempotent."""
    with state.store.begin() as connection:
        marked = mark_seen(connection, viewer.scope)
        return SeenOut(marked=marked, unread=unread_count(connection, viewer.scope))


@router.post(
    "/v1/disputes/{dispute_id}/seen",
    tags=["reviews"],
    summary="Mark the decision of one of the agent's disputes read (the agent)",
    response_model=SeenOut,
    responses=API_ERRORS,
)
def seen_one(
    state: State, viewer: Agent, dispute_id: Annotated[int, Path(description="The dispute.")]
) -> SeenOut:
    """The agent has read the answer to this dispute (an open one: nothing to read yet,
    0 marked); idempotent. Another agent's dispute is 404."""
    with state.store.begin() as connection:
        marked = mark_seen(connection, viewer.scope, dispute_id)
        return SeenOut(marked=marked, unread=unread_count(connection, viewer.scope))


@router.get(
    "/v1/disputes",
    tags=["reviews"],
    summary="Disputes in the viewer's scope, and counts per skill",
    responses={200: json_object("`disputes` (open first) and `per_skill`."), **API_ERRORS},
)
def disputes(
    state: State,
    viewer: ApiViewer,
    status: Annotated[
        DisputeStatus | None, Query(description="open, accepted or rejected.")
    ] = None,
) -> JSONResponse:
    """An agent's own disputes; a lead's team's; everyone's for admins and tokens."""
    with state.store.connect() as connection:
        found = list_disputes(connection, viewer.scope, status=status)
        counts = dispute_counts(connection, viewer.scope)
    return JSONResponse({"disputes": [d.to_dict() for d in found], "per_skill": counts})


@router.post(
    "/v1/conversations/{conversation_id}/disputes",
    tags=["reviews"],
    status_code=201,
    summary="Dispute a score (the conversation's agent)",
    responses={201: json_object("The dispute."), **API_ERRORS},
)
def raise_one(
    state: State,
    viewer: Agent,
    body: DisputeIn,
    conversation_id: Annotated[int, Path(description="The conversation's id in the store.")],
) -> JSONResponse:
    """Dispute one skill's score of the agent's own conversation."""
    with state.store.begin() as connection:
        dispute = raise_dispute(
            connection, viewer.scope, conversation_id=conversation_id, skill=body.skill,
            reason=body.reason, raised_by=viewer.username, review_id=body.review_id,
            proposed_score=body.proposed_score,
        )  # fmt: skip
    return JSONResponse(dispute.to_dict(), status_code=201)


@router.post(
    "/v1/disputes/{dispute_id}/resolve",
    tags=["reviews"],
    summary="Accept or reject a dispute (leads and admins)",
    responses={200: json_object("The dispute, resolved."), **API_ERRORS},
)
def resolve(
    state: State,
    viewer: Lead,
    body: ResolveIn,
    dispute_id: Annotated[int, Path(description="The dispute.")],
) -> JSONResponse:
    """Accept (the score changes, with history) or reject with a reply."""
    with state.store.begin() as connection:
        dispute = resolve_dispute(
            connection, viewer.scope, dispute_id, accept=body.decision == "accept",
            resolved_by=viewer.username, reply=body.reply, new_score=body.new_score,
            rubric_version=service_rubric(state),
        )  # fmt: skip
    return JSONResponse(dispute.to_dict())
