"""Helpers every page route shares: the filter menus and the error pages."""

from __future__ import annotations

from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from sqlalchemy import Connection

from servicecoach.errors import NotFoundError
from servicecoach.store.filters import Filters, Scope
from servicecoach.store.scorecards import AgentSummary, list_agents
from servicecoach.web.auth import Viewer
from servicecoach.web.pages.query import CHANNELS, FilterForm
from servicecoach.web.pages.templating import render

__all__ = ["error_page", "filter_menus"]


def filter_menus(connection: Connection, scope: Scope, form: FilterForm) -> dict[str, Any]:
    """The context of ``_filters.html``: the form, channels, teams and agents in scope."""
    try:
        agents: list[AgentSummary] = list_agents(connection, Filters(), scope)
    except NotFoundError:
        agents = []
    teams = sorted({a.team for a in agents if a.team})
    return {"form": form, "channels": CHANNELS, "teams": teams, "agents": agents}


def error_page(
    request: Request, viewer: Viewer | None, status_code: int, heading: str, message: str
) -> HTMLResponse:
    """An error page (404 "not found", 403 "not allowed") in the site's layout."""
    return render(
        request,
        "error.html",
        viewer,
        status_code=status_code,
        heading=heading,
        message=message,
    )
