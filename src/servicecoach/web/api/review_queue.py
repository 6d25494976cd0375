"""``/v1/reviews/queue``: reviewers' queues over the API (admins, leads, tokens).

The rules of ``store.review_queue``: a lead fills the queues of their team's reviewers
(admins and the team's leads) by a sampling strategy and reads their team's queues;
everyone who reviews reads their own.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field

from servicecoach.review.sampling import Strategy
from servicecoach.server.state import State
from servicecoach.store.filters import Scope
from servicecoach.store.review_queue import MAX_FILL, fill_queue, queue_items
from servicecoach.web.api.responses import API_ERRORS, json_object
from servicecoach.web.auth import Viewer, require_role

__all__ = ["QueueIn", "fill", "queue", "router"]

router = APIRouter()
Lead = Annotated[Viewer, Depends(require_role("admin", "lead"))]


class QueueIn(BaseModel):
    """Conversations to queue for a reviewer."""

    model_config = ConfigDict(extra="forbid")

    reviewer: str = Field(min_length=1, max_length=150, description="The reviewer's username.")
    strategy: Strategy = Field(
        description="random (per agent), lowest, least_sure, disagreed or outliers."
    )
    count: int = Field(ge=1, le=MAX_FILL, description="How many to add.")
    seed: int | None = Field(default=None, description="random: the same seed, the same picks.")


@router.get(
    "/v1/reviews/queue",
    tags=["reviews"],
    summary="Review queues",
    responses={200: json_object("`items`: open first."), **API_ERRORS},
)
def queue(
    state: State,
    viewer: Lead,
    reviewer: Annotated[
        str | None, Query(description="One reviewer (default: the viewer; `*`: everyone's).")
    ] = None,
) -> JSONResponse:
    """The viewer's own queue, one reviewer's in the viewer's scope, or all of them (`*`)."""
    with state.store.connect() as connection:
        if reviewer is None or reviewer == viewer.username:
            items = queue_items(connection, Scope.everything(), reviewer=viewer.username)
        else:
            items = queue_items(
                connection, viewer.scope, reviewer=None if reviewer == "*" else reviewer
            )
    return JSONResponse({"items": [i.to_dict() for i in items]})


@router.post(
    "/v1/reviews/queue",
    tags=["reviews"],
    status_code=201,
    summary="Queue conversations for a reviewer by a sampling strategy",
    responses={201: json_object("`added`: the items queued."), **API_ERRORS},
)
def fill(state: State, viewer: Lead, body: QueueIn) -> JSONResponse:
    """Sample up to `count` conversations in the viewer's scope the reviewer has not
    reviewed or been given, by `strategy`, into their queue."""
    with state.store.begin() as connection:
        added = fill_queue(
            connection, viewer.scope, reviewer=body.reviewer, strategy=body.strategy,
            count=body.count, assigned_by=viewer.username, seed=body.seed,
        )  # fmt: skip
    return JSONResponse({"added": [i.to_dict() for i in added]}, status_code=201)
