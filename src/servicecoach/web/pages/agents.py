"""``/agents``: the agents a viewer may see, and ``/agents/{id}``: an agent's scorecard
(each skill with its trend, strongest and weakest conversations, coaching notes; leads
and admins add notes)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from servicecoach.analysis.skills import skill_label
from servicecoach.errors import ConfigError, NotFoundError
from servicecoach.practice import builtin_scenarios
from servicecoach.server.state import State
from servicecoach.store.notes import add_note
from servicecoach.store.practice import list_results
from servicecoach.store.scorecards import agent_scorecard, list_agents
from servicecoach.web.auth import Viewer, page_viewer, verify_csrf
from servicecoach.web.charts import sparkline
from servicecoach.web.pages.common import error_page, filter_menus
from servicecoach.web.pages.data import reading
from servicecoach.web.pages.query import read_filters
from servicecoach.web.pages.templating import can_note, render
from servicecoach.web.pages.views import period_label

__all__ = ["add_note_form", "agents_page", "router", "scorecard_page"]

router = APIRouter(include_in_schema=False)


@router.get("/agents", response_class=HTMLResponse)
def agents_page(
    request: Request, state: State, viewer: Annotated[Viewer, Depends(page_viewer)]
) -> Response:
    """The agents in the viewer's scope with their conversations, quality and resolution."""
    if viewer.role == "agent" and viewer.agent:
        return RedirectResponse(f"/agents/{viewer.agent}", status_code=303)
    form = read_filters(request)
    with reading(state) as connection:
        menus = filter_menus(connection, viewer.scope, form)
        try:
            found = list_agents(connection, form.filters, viewer.scope)
        except NotFoundError as exc:
            found, menus["empty"] = [], str(exc)
    return render(
        request,
        "agents.html",
        viewer,
        active="agents",
        rows=found,
        action="/agents",
        problems=form.problems,
        **menus,
    )


def _scorecard(
    request: Request, state: State, viewer: Viewer, agent_id: str, note_error: str | None = None
) -> HTMLResponse:
    form = read_filters(request)
    with reading(state) as connection:
        menus = filter_menus(connection, viewer.scope, form)
        try:
            card = agent_scorecard(connection, agent_id, form.filters, viewer.scope)
        except NotFoundError as exc:
            return error_page(request, viewer, 404, "Agent not found", str(exc))
        practice = list_results(connection, agent=agent_id, limit=20)  # apart from real scores
    trends = {
        c.skill: sparkline(
            [p.mean for p in c.trend],
            title=f"{skill_label(c.skill)} per {card.granularity.value}",
            labels=[period_label(p.start, card.granularity) for p in c.trend],
        )
        for c in card.skills
    }
    return render(
        request,
        "scorecard.html",
        viewer,
        active="agents",
        card=card,
        trends=trends,
        practice=practice,
        scenario_titles={k: v.title for k, v in builtin_scenarios().items()},
        note_error=note_error,
        action=f"/agents/{agent_id}",
        hide_agent=True,
        problems=form.problems,
        status_code=400 if note_error else 200,
        **menus,
    )


@router.get("/agents/{agent_id}", response_class=HTMLResponse)
def scorecard_page(
    request: Request,
    state: State,
    viewer: Annotated[Viewer, Depends(page_viewer)],
    agent_id: str,
) -> HTMLResponse:
    """One agent's scorecard."""
    return _scorecard(request, state, viewer, agent_id)


@router.post("/agents/{agent_id}/notes", dependencies=[Depends(verify_csrf)])
def add_note_form(
    request: Request,
    state: State,
    viewer: Annotated[Viewer, Depends(page_viewer)],
    agent_id: str,
    text: Annotated[str, Form()] = "",
    conversation_id: Annotated[str, Form()] = "",
) -> Response:
    """Add a coaching note (leads and admins), then show the scorecard again."""
    if not can_note(viewer):
        return error_page(request, viewer, 403, "Not allowed", "Only leads and admins add notes.")
    about: int | None = None
    if conversation_id.strip():
        if not conversation_id.strip().isdigit():
            return _scorecard(request, state, viewer, agent_id, "conversation must be a number")
        about = int(conversation_id)
    try:
        with state.store.begin() as connection:
            add_note(connection, viewer.scope, agent_id, viewer.username, text, about)
    except NotFoundError as exc:
        return error_page(request, viewer, 404, "Agent not found", str(exc))
    except ConfigError as exc:
        return _scorecard(request, state, viewer, agent_id, str(exc))
    return RedirectResponse(f"/agents/{agent_id}#notes", status_code=303)
