"""``/``: the team overview: skills over time, volume, response times against targets,
customer emotion at start and end, resolution rate, with filters.

Without dates in the form it shows where the data is (``web.pages.periods``) and says so.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse

from servicecoach.errors import NotFoundError
from servicecoach.server.state import State
from servicecoach.store.dashboard import team_overview
from servicecoach.web.auth import Viewer, page_viewer
from servicecoach.web.pages.common import filter_menus
from servicecoach.web.pages.data import reading
from servicecoach.web.pages.periods import default_period
from servicecoach.web.pages.query import read_filters
from servicecoach.web.pages.templating import render
from servicecoach.web.pages.views import overview_charts, resolution_rate

__all__ = ["overview_page", "router"]

router = APIRouter(include_in_schema=False)


@router.get("/", response_class=HTMLResponse)
def overview_page(
    request: Request, state: State, viewer: Annotated[Viewer, Depends(page_viewer)]
) -> HTMLResponse:
    """The team overview."""
    form = read_filters(request)
    with reading(state) as connection:
        menus = filter_menus(connection, viewer.scope, form)
        filters, note = default_period(connection, form, viewer.scope)
        try:
            overview = team_overview(connection, filters, viewer.scope)
        except NotFoundError as exc:
            return render(
                request,
                "overview.html",
                viewer,
                active="overview",
                overview=None,
                empty=str(exc),
                action="/",
                problems=form.problems,
                **menus,
            )
    total = overview.total
    judged = total.within_target + total.over_target
    return render(
        request,
        "overview.html",
        viewer,
        active="overview",
        overview=overview,
        charts=overview_charts(overview),
        resolution=resolution_rate(total),
        within=total.within_target / judged if judged else None,
        period_note=note,
        action="/",
        problems=form.problems,
        **menus,
    )
