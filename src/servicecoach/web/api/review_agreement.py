"""``/v1/reviews/agreement``: AI vs human for a team, as JSON (admins, leads, tokens).

The figures of the ``/reviews/agreement`` page (``web.pages.review_agreement``): the
``servicecoach eval --json`` report of the latest run against the team's reviews,
overall and per week or month.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query
from fastapi.responses import JSONResponse

from servicecoach.server.state import State
from servicecoach.web.api.responses import API_ERRORS, json_object
from servicecoach.web.auth import Viewer, require_role
from servicecoach.web.pages.review_agreement import load_agreement

__all__ = ["agreement", "router"]

router = APIRouter()
Lead = Annotated[Viewer, Depends(require_role("admin", "lead"))]


@router.get(
    "/v1/reviews/agreement",
    tags=["reviews"],
    summary="servicecoach's agreement with a team's reviewers",
    responses={200: json_object("The eval report overall and per period."), **API_ERRORS},
)
def agreement(
    state: State,
    viewer: Lead,
    team: Annotated[str | None, Query(description="The team (leads: their own).")] = None,
) -> JSONResponse:
    """Per skill (Spearman's rho) and per signal (precision, recall, F1), overall and per
    period (`granularity`: week or month), as `servicecoach eval --json` reports them."""
    with state.store.connect() as connection:
        page = load_agreement(connection, viewer, team)
    found = page.agreement
    return JSONResponse(
        {
            "team": page.team,
            "run": page.run,
            "reviews": found.reviews if found else 0,
            "granularity": found.granularity if found else None,
            "overall": found.overall.to_dict() if found else None,
            "periods": [
                {"start": p.start.isoformat(), "reviews": p.reviews, "report": p.report.to_dict()}
                for p in (found.periods if found else ())
            ],
        }
    )
