"""``/v1/customers/{id}/timeline``, ``/v1/agents``, scorecards and coaching notes."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Response
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field

from servicecoach.errors import NotFoundError
from servicecoach.server.state import State
from servicecoach.store.filters import Filters, Granularity
from servicecoach.store.notes import MAX_NOTE, add_note, delete_note, list_notes
from servicecoach.store.scorecards import agent_scorecard, list_agents
from servicecoach.store.timelines import TimelineEntry, customer_timeline
from servicecoach.web.api.common import FilterParams, ensure_run, jsonable, reading
from servicecoach.web.api.responses import API_ERRORS, json_object
from servicecoach.web.auth import ApiViewer, Viewer, require_role

__all__ = ["NoteIn", "add", "agents", "notes", "remove", "router", "scorecard", "timeline"]

router = APIRouter()

Coach = Annotated[Viewer, Depends(require_role("admin", "lead"))]


def _entry(entry: TimelineEntry) -> dict[str, Any]:
    conversation = entry.stored.conversation
    first = next((m.text for m in conversation.messages if m.role.value == "customer"), None)
    return {
        "conversation_id": entry.stored.pk,
        "id": conversation.id,
        "channel": conversation.channel.value,
        "started_at": started.isoformat() if (started := conversation.started_at) else None,
        "messages": len(conversation.messages),
        "first_customer_message": first,
        "metrics": entry.metrics.to_dict() if entry.metrics is not None else None,
        "retold": entry.retold,
        "retells": jsonable(entry.retells),
        "channel_switch": entry.channel_switch,
    }


@router.get(
    "/v1/customers/{customer_id}/timeline",
    tags=["customers"],
    summary="Every conversation of one customer, across channels",
    responses={200: json_object("The customer, merges and conversations in time order."),
               **API_ERRORS},
)  # fmt: skip
def timeline(
    state: State,
    viewer: ApiViewer,
    customer_id: Annotated[int, Path(description="Any customer record of the person.")],
    run: Annotated[int | None, Query(ge=1, description="The run (default: the latest).")] = None,
) -> JSONResponse:
    """The person's conversations in time order, merged identities included, with each
    conversation's metrics, repeat-story flags (quotes where the customer retold their
    story) and channel switches. Conversations outside the viewer's scope are left out
    (`hidden` counts them); a customer with none in scope is 404."""
    try:
        chosen: int | None = ensure_run(state, Filters(run=run))
    except NotFoundError:
        if run is not None:
            raise
        chosen = None
    with state.store.connect() as connection:
        found = customer_timeline(connection, customer_id, viewer.scope, run=chosen)
    return JSONResponse(
        {
            "run": found.run,
            "customer": jsonable(found.customer),
            "merges": jsonable(found.merges),
            "retold": found.retold,
            "hidden": found.hidden,
            "conversations": [_entry(e) for e in found.entries],
        }
    )


@router.get(
    "/v1/agents",
    tags=["agents"],
    summary="The agents the viewer may see, with their totals",
    responses={200: json_object("One entry per agent."), **API_ERRORS},
)
def agents(state: State, viewer: ApiViewer, filters: FilterParams) -> JSONResponse:
    """Agents with conversations, mean quality and resolution in the period (an agent
    sees themself, a lead their team)."""
    with reading(state, filters) as (connection, chosen):
        found = list_agents(connection, chosen, viewer.scope)
    return JSONResponse({"run": chosen.run, "agents": jsonable(found)})


@router.get(
    "/v1/agents/{agent_id}/scorecard",
    tags=["agents"],
    summary="One agent's scorecard",
    responses={200: json_object("Each skill with trend and examples, and the notes."),
               **API_ERRORS},
)  # fmt: skip
def scorecard(
    state: State,
    viewer: ApiViewer,
    filters: FilterParams,
    agent_id: Annotated[str, Path(description="The agent id conversations name them by.")],
    examples: Annotated[int, Query(ge=0, le=20, description="Examples per skill.")] = 3,
    granularity: Annotated[
        Granularity | None, Query(description="day, week or month (default: from the period).")
    ] = None,
) -> JSONResponse:
    """Each skill's mean, trend, strongest and weakest conversations (with the evidence
    quote and suggestion), and the coaching notes. Another agent's scorecard is 404 for
    an agent, outside the team for a lead."""
    with reading(state, filters) as (connection, chosen):
        card = agent_scorecard(
            connection, agent_id, chosen, viewer.scope, examples=examples, granularity=granularity
        )
    return JSONResponse(jsonable(card))


@router.get(
    "/v1/agents/{agent_id}/notes",
    tags=["agents"],
    summary="Coaching notes about an agent",
    responses={200: json_object("The notes, newest first."), **API_ERRORS},
)
def notes(
    state: State,
    viewer: ApiViewer,
    agent_id: Annotated[str, Path(description="The agent id.")],
) -> JSONResponse:
    """The notes about an agent, newest first (agents read their own)."""
    with state.store.connect() as connection:
        found = list_notes(connection, viewer.scope, agent_id)
    return JSONResponse({"notes": jsonable(found)})


class NoteIn(BaseModel):
    """A coaching note to add."""

    model_config = ConfigDict(extra="forbid")

    text: str = Field(min_length=1, max_length=MAX_NOTE, description="The note.")
    conversation_id: int | None = Field(
        default=None, description="The conversation it is about (its id in the store)."
    )


@router.post(
    "/v1/agents/{agent_id}/notes",
    tags=["agents"],
    status_code=201,
    summary="Add a coaching note (leads and admins)",
    responses={201: json_object("The note as stored."), **API_ERRORS},
)
def add(
    state: State,
    viewer: Coach,
    body: NoteIn,
    agent_id: Annotated[str, Path(description="The agent id.")],
) -> JSONResponse:
    """Add a note about an agent in the viewer's scope; the author is the viewer."""
    with state.store.begin() as connection:
        note = add_note(
            connection, viewer.scope, agent_id, viewer.username, body.text, body.conversation_id
        )
    return JSONResponse(jsonable(note), status_code=201)


@router.delete(
    "/v1/notes/{note_id}",
    tags=["agents"],
    status_code=204,
    summary="Delete a coaching note (leads and admins)",
    responses={204: {"description": "Deleted."}, **API_ERRORS},
)
def remove(
    state: State,
    viewer: Coach,
    note_id: Annotated[int, Path(description="The note's id.")],
) -> Response:
    """Delete a note about an agent in the viewer's scope."""
    with state.store.begin() as connection:
        delete_note(connection, viewer.scope, note_id)
    return Response(status_code=204)
