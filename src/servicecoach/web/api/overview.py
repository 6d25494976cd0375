"""``/v1/overview`` and ``/v1/insights/contact-reasons``: the team's dashboard data."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import JSONResponse

from servicecoach.server.state import State
from servicecoach.store.contact_reasons import ReasonSort, ranked_reasons
from servicecoach.store.dashboard import team_overview
from servicecoach.store.filters import Granularity
from servicecoach.web.api.common import FilterParams, jsonable, reading
from servicecoach.web.api.responses import API_ERRORS, json_object
from servicecoach.web.auth import ApiViewer

__all__ = ["contact_reasons", "overview", "router"]

router = APIRouter(tags=["dashboard"])


@router.get(
    "/v1/overview",
    summary="Team overview: skills over time, volume, response times, emotions",
    responses={200: json_object("Totals, per-period figures, response and emotions."),
               **API_ERRORS},
)  # fmt: skip
def overview(
    state: State,
    viewer: ApiViewer,
    filters: FilterParams,
    granularity: Annotated[
        Granularity | None, Query(description="day, week or month (default: from the period).")
    ] = None,
) -> JSONResponse:
    """Skill means per period, volume, quality, resolution, first responses against each
    channel's target, and customer emotion at the start and the end, for the viewer's
    scope and filters."""
    with reading(state, filters) as (connection, chosen):
        found = team_overview(connection, chosen, viewer.scope, granularity=granularity)
    return JSONResponse(jsonable(found))


@router.get(
    "/v1/insights/contact-reasons",
    summary="Recurring contact reasons, ranked",
    responses={200: json_object("Ranked contact reasons with examples."), **API_ERRORS},
)
def contact_reasons(
    state: State,
    viewer: ApiViewer,
    filters: FilterParams,
    sort: Annotated[
        ReasonSort, Query(description="volume, growth or negative (negative emotion).")
    ] = ReasonSort.VOLUME,
    limit: Annotated[int, Query(ge=1, le=100, description="At most this many reasons.")] = 20,
    examples: Annotated[int, Query(ge=0, le=10, description="Example messages each.")] = 3,
) -> JSONResponse:
    """Recurring contact reasons across customers (grouped by meaning, built by
    `servicecoach reasons build`), with volume, growth against the previous period,
    negative emotion and example messages, within the viewer's scope."""
    with reading(state, filters) as (connection, chosen):
        found = ranked_reasons(
            connection, chosen, viewer.scope, sort=sort, limit=limit, examples=examples
        )
    return JSONResponse(jsonable(found))
