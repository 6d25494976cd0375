"""``/disputes``: agents dispute scores, leads answer.

An agent disputes one skill's score of their own conversation, in a review or
servicecoach's automatic one, from the conversation's review page (``POST
/conversations/{id}/disputes``); ``/disputes`` lists their disputes with the answers.
A lead (or admin) sees the disputes of their scope, open ones first, and accepts one
with the new score or rejects it with a reply (``POST /disputes/{id}/resolve``); the
counts per skill show where the rubric may be unclear. Every action is a form POST with
the CSRF token, answered by a redirect.

The navigation's badge (``nav_badges``) counts what waits: a lead's open disputes, an
agent's decisions not read yet, marked "new" in the lists. Reading a decision is an
explicit POST, never a side effect of opening a page: GETs are not CSRF-checked (a
cross-site link could otherwise mark answers read) and page GETs only read, so they keep
working while an import holds the store's write lock. The agent marks one decision
read from its row (``POST /disputes/{id}/seen``, on this page and the review page) or all
of them (``POST /disputes/seen``).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from servicecoach.errors import ConfigError, NotFoundError
from servicecoach.server.state import State
from servicecoach.store.disputes import (
    DisputeStatus,
    dispute_counts,
    list_disputes,
    mark_seen,
    raise_dispute,
    resolve_dispute,
    unread_count,
)
from servicecoach.web.auth import PageViewer, Viewer, require_role, safe_next_path, verify_csrf
from servicecoach.web.pages.common import error_page
from servicecoach.web.pages.data import reading
from servicecoach.web.pages.reviews import service_rubric
from servicecoach.web.pages.templating import render

__all__ = [
    "dispute_raise",
    "dispute_resolve",
    "dispute_seen",
    "disputes_page",
    "disputes_seen",
    "router",
]

router = APIRouter(include_in_schema=False)
Agent = Annotated[Viewer, Depends(require_role("agent", page=True))]
Lead = Annotated[Viewer, Depends(require_role("admin", "lead", page=True))]


def _number(value: object) -> int | None:
    text = str(value or "").strip()
    if not text:
        return None
    if not text.isdigit():
        raise ConfigError(f"{text!r} is not a score from 0 to 100")
    return int(text)


def _list(
    request: Request, state: State, viewer: Viewer, *, error: str | None = None
) -> HTMLResponse:
    with reading(state) as connection:
        found = list_disputes(connection, viewer.scope)
        counts = dispute_counts(connection, viewer.scope) if viewer.role != "agent" else {}
        unread = unread_count(connection, viewer.scope) if viewer.role == "agent" else 0
    waiting = sum(1 for d in found if d.status is DisputeStatus.OPEN)
    return render(
        request, "disputes.html", viewer, active="disputes", disputes=found, counts=counts,
        waiting=waiting, unread=unread, error=error, status_code=400 if error else 200,
    )  # fmt: skip


@router.get("/disputes", response_class=HTMLResponse)
def disputes_page(request: Request, state: State, viewer: PageViewer) -> HTMLResponse:
    """The viewer's disputes (agents) or those of their scope (leads, admins)."""
    return _list(request, state, viewer)


@router.post("/conversations/{conversation_id}/disputes", dependencies=[Depends(verify_csrf)])
async def dispute_raise(
    request: Request, state: State, viewer: Agent, conversation_id: int
) -> Response:
    """Raise a dispute (``target`` ``auto`` or ``review:ID``, ``skill``, ``reason``,
    ``proposed_score``)."""
    form = await request.form()
    target = str(form.get("target", "auto"))
    review_id = (
        int(target.split(":", 1)[1])
        if target.startswith("review:") and target[7:].isdigit()
        else None
    )
    try:
        with state.store.begin() as connection:
            raise_dispute(
                connection, viewer.scope, conversation_id=conversation_id,
                skill=str(form.get("skill", "")), reason=str(form.get("reason", "")),
                raised_by=viewer.username, review_id=review_id,
                proposed_score=_number(form.get("proposed_score")),
            )  # fmt: skip
    except NotFoundError as exc:
        return error_page(request, viewer, 404, "Not found", str(exc))
    except ConfigError as exc:
        return _list(request, state, viewer, error=str(exc))
    return RedirectResponse(f"/conversations/{conversation_id}/review#disputes", status_code=303)


@router.post("/disputes/{dispute_id}/resolve", dependencies=[Depends(verify_csrf)])
async def dispute_resolve(
    request: Request, state: State, viewer: Lead, dispute_id: int
) -> Response:
    """Accept (``decision=accept``, ``new_score``) or reject (``reply``) a dispute."""
    form = await request.form()
    decision = str(form.get("decision", ""))
    try:
        if decision not in ("accept", "reject"):
            raise ConfigError("choose Accept or Reject")
        with state.store.begin() as connection:
            resolved = resolve_dispute(
                connection, viewer.scope, dispute_id, accept=decision == "accept",
                resolved_by=viewer.username, reply=str(form.get("reply", "")),
                new_score=_number(form.get("new_score")), rubric_version=service_rubric(state),
            )  # fmt: skip
    except NotFoundError as exc:
        return error_page(request, viewer, 404, "Not found", str(exc))
    except ConfigError as exc:
        return _list(request, state, viewer, error=str(exc))
    return RedirectResponse(f"/disputes#dispute-{resolved.id}", status_code=303)


@router.post("/disputes/seen", dependencies=[Depends(verify_csrf)])
def disputes_seen(state: State, viewer: Agent) -> Response:
    """Mark every decision of the agent's disputes read."""
    with state.store.begin() as connection:
        mark_seen(connection, viewer.scope)
    return RedirectResponse("/disputes", status_code=303)


@router.post("/disputes/{dispute_id}/seen", dependencies=[Depends(verify_csrf)])
async def dispute_seen(request: Request, state: State, viewer: Agent, dispute_id: int) -> Response:
    """Mark one decision of the agent's dispute read (back to ``next``, a local path)."""
    form = await request.form()
    try:
        with state.store.begin() as connection:
            mark_seen(connection, viewer.scope, dispute_id)
    except NotFoundError as exc:
        return error_page(request, viewer, 404, "Not found", str(exc))
    back = safe_next_path(str(form.get("next") or ""), f"/disputes#dispute-{dispute_id}")
    return RedirectResponse(back, status_code=303)
