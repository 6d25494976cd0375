"""``/calibration``: calibration sessions in the web app (admins and leads).

A lead picks conversations of their team and two or more reviewers (admins and the
team's leads) and creates a session; each reviewer scores every conversation blind
(the review page in calibration mode); the session page then shows every score side
by side with servicecoach's, Krippendorff's alpha and the spread per skill, and each
grader's alignment (strictest, most lenient). The lead records the agreed answer per
conversation and closes the session. Every action is a form POST with the CSRF token.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from servicecoach.errors import ConfigError, NotFoundError
from servicecoach.server.state import State
from servicecoach.store.calibration import (
    close_session,
    create_session,
    eligible_reviewers,
    get_session,
    list_sessions,
)
from servicecoach.store.conversation_list import list_conversations
from servicecoach.store.filters import Filters
from servicecoach.web.auth import Viewer, require_role, verify_csrf
from servicecoach.web.pages.calibration_view import calibration_view
from servicecoach.web.pages.common import error_page
from servicecoach.web.pages.data import reading
from servicecoach.web.pages.templating import render

__all__ = [
    "CANDIDATES",
    "calibration_close",
    "calibration_create",
    "calibration_page",
    "calibration_session_page",
    "router",
]

router = APIRouter(include_in_schema=False)
Lead = Annotated[Viewer, Depends(require_role("admin", "lead", page=True))]

CANDIDATES = 100
"""Conversations offered on the form to create a session (the latest by start time)."""


def _form_context(state: State, viewer: Viewer) -> dict[str, Any]:
    with reading(state) as connection:
        sessions = list_sessions(connection, viewer.scope)
        reviewers = eligible_reviewers(connection, viewer.scope)
        try:
            candidates = list_conversations(
                connection, Filters(), viewer.scope, limit=CANDIDATES
            ).rows
        except NotFoundError:
            candidates = ()
    return {"sessions": sessions, "reviewers": reviewers, "candidates": candidates}


@router.get("/calibration", response_class=HTMLResponse)
def calibration_page(request: Request, state: State, viewer: Lead) -> HTMLResponse:
    """The sessions in the viewer's scope, and the form to create one."""
    return render(
        request, "calibration.html", viewer, active="reviews", error=None,
        **_form_context(state, viewer),
    )  # fmt: skip


@router.post("/calibration", dependencies=[Depends(verify_csrf)], response_class=HTMLResponse)
async def calibration_create(request: Request, state: State, viewer: Lead) -> Response:
    """Create a session from the form (``title``, ``conversation`` and ``reviewer`` lists)."""
    form = await request.form()
    picked = [str(v) for v in form.getlist("conversation")]
    reviewers = [str(v) for v in form.getlist("reviewer")]
    try:
        ids = [int(v) for v in picked]
        with state.store.begin() as connection:
            session = create_session(
                connection, viewer.scope, title=str(form.get("title", "")),
                conversations=ids, reviewers=reviewers, created_by=viewer.username,
            )  # fmt: skip
    except ValueError:
        error = "pick conversations from the list"
    except (ConfigError, NotFoundError) as exc:
        error = str(exc)
    else:
        return RedirectResponse(f"/calibration/{session.id}", status_code=303)
    return render(
        request, "calibration.html", viewer, active="reviews", status_code=400, error=error,
        **_form_context(state, viewer),
    )  # fmt: skip


@router.get("/calibration/{session_id}", response_class=HTMLResponse)
def calibration_session_page(
    request: Request, state: State, viewer: Lead, session_id: int
) -> HTMLResponse:
    """One session: progress, and (once visible) scores, agreement and alignment."""
    with reading(state) as connection:
        try:
            session = get_session(connection, viewer.scope, session_id)
        except NotFoundError as exc:
            return error_page(request, viewer, 404, "Not found", str(exc))
        view = calibration_view(connection, session, viewer.username)
    return render(
        request, "calibration_session.html", viewer, active="reviews", view=view,
        session=session,
    )  # fmt: skip


@router.post("/calibration/{session_id}/close", dependencies=[Depends(verify_csrf)])
def calibration_close(state: State, viewer: Lead, session_id: int) -> Response:
    """Close the session: its results show to everyone who sees it."""
    with state.store.begin() as connection:
        close_session(connection, viewer.scope, session_id)
    return RedirectResponse(f"/calibration/{session_id}", status_code=303)
