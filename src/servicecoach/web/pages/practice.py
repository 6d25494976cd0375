"""``/practice``: rehearse a built-in scenario in the browser (any logged-in user).

Pick a scenario, reply to the customer, see the live checker's feedback and the
customer's next message (chosen by what the reply did), and the debrief at the end. The
page works without JavaScript: every action is a form POST (with the session's CSRF
token) answered by a redirect back to ``/practice/session``.

The session in progress lives in the store (:mod:`servicecoach.store.practice_sessions`:
one per user, bounded, expiring after two idle hours), so behind several workers any
of them continues it. It is found by the logged-in user, never by an id from the
request; each form carries the session's random id and the turn it answers, so a form
sent twice (a double click, the back button, a page of a replaced session) is not taken
as the next reply, and of two workers answering the same form only one writes. Only
built-in scenarios are offered: a scenario id from the form is looked up in the library,
never read as a path.

Programmes: leads and admins assign a scenario to an agent or a team (within their
scope, ``POST /practice/assign``; ``POST /practice/assignments/{id}/delete`` removes
one); the page shows each user what is assigned to them and their own practice history.
A finished session's result is stored once (``store.practice``), apart from real
scores; the agent's scorecard shows it as practice progress.
"""

from __future__ import annotations

import logging
import secrets
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import Connection

from servicecoach.errors import ConfigError, InputError, NotFoundError, StoreError
from servicecoach.practice import MAX_REPLY_CHARS, Coach, PracticeSession, builtin_scenarios
from servicecoach.practice.saved import dump_seat, load_seat
from servicecoach.practice.seat import Seat
from servicecoach.server.state import ServiceState, State
from servicecoach.store.agents import agent_teams
from servicecoach.store.filters import Filters
from servicecoach.store.practice import (
    assign,
    assignments_for,
    delete_assignment,
    list_assignments,
    list_results,
    record_result,
)
from servicecoach.store.practice_sessions import (
    SavedSession,
    drop_session,
    get_session,
    save_session,
    start_session,
)
from servicecoach.store.scorecards import list_agents
from servicecoach.web.auth import PageViewer, Viewer, verify_csrf
from servicecoach.web.pages.data import reading
from servicecoach.web.pages.templating import can_note, render

__all__ = [
    "practice_assign",
    "practice_page",
    "practice_reply",
    "practice_session",
    "practice_start",
    "practice_stop",
    "practice_unassign",
    "router",
]

router = APIRouter(include_in_schema=False)
log = logging.getLogger("servicecoach.web")

_SESSION_PATH = "/practice/session"


def _owner(viewer: Viewer) -> str:
    """Whose session: the user (id and name, so a reused id never inherits a session)."""
    if viewer.user_id is not None:
        return f"user:{viewer.user_id}:{viewer.username}"
    return f"token:{viewer.username}"


def _coach(state: ServiceState) -> Coach:
    return Coach(state.checker, state.pipeline)


def _load(state: ServiceState, viewer: Viewer) -> tuple[SavedSession, Seat] | None:
    """The viewer's session from the store, or ``None`` (none, expired, or unreadable)."""
    owner = _owner(viewer)
    with state.store.begin() as connection:
        saved = get_session(connection, owner)
        if saved is None:
            return None
        seat = load_seat(saved.state, _coach(state))
        if seat is None:  # a state from another version: start again
            drop_session(connection, owner)
            return None
    return saved, seat


def _write(connection: Connection, saved: SavedSession, seat: Seat) -> SavedSession | None:
    """Save ``seat`` over ``saved`` (``None``: another request wrote it first). A debrief
    too large to keep is left out and computed again when shown."""
    try:
        return save_session(connection, saved, dump_seat(seat))
    except InputError:
        if seat.debrief is None:
            raise
        return save_session(connection, saved, dump_seat(seat, with_debrief=False))


def _save(state: ServiceState, saved: SavedSession, seat: Seat) -> SavedSession | None:
    with state.store.begin() as connection:
        return _write(connection, saved, seat)


def _stale(saved: SavedSession, session: str) -> bool:
    """Whether a form belongs to another session than the one in progress (one replaced)."""
    return bool(session) and not secrets.compare_digest(session.encode(), saved.id.encode())


@router.get("/practice", response_class=HTMLResponse)
def practice_page(
    request: Request, state: State, viewer: PageViewer, skill: str | None = None
) -> HTMLResponse:
    """The scenarios to practise (``?skill=`` keeps those that train it), what is assigned
    to the viewer, their history, and (leads and admins) the assignments they manage."""
    return _list_page(request, state, viewer, skill=skill)


@router.post("/practice", dependencies=[Depends(verify_csrf)])
def practice_start(
    request: Request,
    state: State,
    viewer: PageViewer,
    scenario: Annotated[str, Form(max_length=100)] = "",
) -> Response:
    """Start the chosen scenario (replacing any session in progress)."""
    chosen = builtin_scenarios().get(scenario)
    if chosen is None:
        return _list_page(request, state, viewer, error="Choose one of the scenarios below.")
    session = PracticeSession(chosen, _coach(state), agent=viewer.display_name or viewer.username)
    with state.store.begin() as connection:
        start_session(connection, _owner(viewer), chosen.id, dump_seat(Seat(session)))
    return RedirectResponse(_SESSION_PATH, status_code=303)


@router.post("/practice/assign", dependencies=[Depends(verify_csrf)])
def practice_assign(
    request: Request,
    state: State,
    viewer: PageViewer,
    scenario: Annotated[str, Form(max_length=100)] = "",
    to: Annotated[str, Form(max_length=400)] = "",
) -> Response:
    """Assign a scenario to an agent (``to=agent:ID``) or a team (``to=team:NAME``)."""
    if not can_note(viewer):
        return _list_page(
            request, state, viewer, error="Only leads and admins assign scenarios.", status=403
        )
    kind, _, target = to.partition(":")
    if scenario not in builtin_scenarios() or kind not in ("agent", "team") or not target:
        return _list_page(request, state, viewer, error="Choose a scenario and who practises it.")
    try:
        with state.store.begin() as connection:
            assign(
                connection,
                viewer.scope,
                scenario,
                viewer.username,
                agent=target if kind == "agent" else None,
                team=target if kind == "team" else None,
            )
    except (NotFoundError, ConfigError) as exc:
        return _list_page(request, state, viewer, error=str(exc).capitalize())
    return RedirectResponse("/practice#assignments", status_code=303)


@router.post("/practice/assignments/{assignment_id}/delete", dependencies=[Depends(verify_csrf)])
def practice_unassign(
    request: Request, state: State, viewer: PageViewer, assignment_id: int
) -> Response:
    """Remove an assignment (leads and admins, within their scope)."""
    if not can_note(viewer):
        return _list_page(
            request, state, viewer, error="Only leads and admins assign scenarios.", status=403
        )
    try:
        with state.store.begin() as connection:
            delete_assignment(connection, viewer.scope, assignment_id)
    except NotFoundError as exc:
        return _list_page(request, state, viewer, error=str(exc).capitalize(), status=404)
    return RedirectResponse("/practice#assignments", status_code=303)


def _list_page(
    request: Request,
    state: State,
    viewer: Viewer,
    *,
    skill: str | None = None,
    error: str | None = None,
    status: int = 400,
) -> HTMLResponse:
    library = builtin_scenarios()
    scenarios = [s for s in library.values() if not skill or skill in s.skills]
    with reading(state) as connection:
        teams = {viewer.team} if viewer.team else set()
        if viewer.agent:
            own = agent_teams(connection, [viewer.agent]).get(viewer.agent)
            teams |= {own} if own else set()
        assigned = assignments_for(connection, viewer.agent, teams)
        history = list_results(connection, username=viewer.username, limit=20)
        managed = list_assignments(connection, viewer.scope) if can_note(viewer) else []
        try:
            coached = list_agents(connection, Filters(), viewer.scope) if can_note(viewer) else []
        except NotFoundError:
            coached = []
    done = {
        a.id
        for a in assigned
        for r in history
        if r.completed and r.scenario == a.scenario and r.finished_at >= a.assigned_at
    }
    team_names = sorted(
        {a.team for a in coached if a.team} | ({viewer.team} if viewer.team else set())
    )
    return render(
        request,
        "practice.html",
        viewer,
        active="practice",
        scenarios=scenarios,
        library=library,
        skill=skill if scenarios else None,
        seat=loaded[1] if (loaded := _load(state, viewer)) else None,
        view=None,
        assigned=assigned,
        done=done,
        history=history,
        managed=managed,
        coached=coached,
        team_names=team_names if viewer.scope.kind.value in ("all", "team") else [],
        error=error,
        status_code=status if error else 200,
    )


@router.get(_SESSION_PATH, response_class=HTMLResponse)
def practice_session(request: Request, state: State, viewer: PageViewer) -> Response:
    """The conversation so far, the feedback on each reply, and the reply form or the debrief."""
    loaded = _load(state, viewer)
    if loaded is None:
        return RedirectResponse("/practice", status_code=303)
    saved, seat = loaded
    if seat.over and seat.debrief is None:
        seat.finish()
        _save(state, saved, seat)  # kept for the next view; another writer may have won
    return _session_page(request, viewer, saved, seat)


@router.post(_SESSION_PATH, dependencies=[Depends(verify_csrf)])
def practice_reply(
    request: Request,
    state: State,
    viewer: PageViewer,
    reply: Annotated[str, Form()] = "",
    turn: Annotated[int, Form()] = -1,
    session: Annotated[str, Form(max_length=100)] = "",
) -> Response:
    """Send a reply: checked, then the customer's next message by branch."""
    loaded = _load(state, viewer)
    if loaded is None:
        return RedirectResponse("/practice", status_code=303)
    saved, seat = loaded
    if _stale(saved, session) or seat.over or turn != len(seat.session.exchanges):
        return RedirectResponse(_SESSION_PATH, status_code=303)  # a form sent twice
    if len(reply) > MAX_REPLY_CHARS:
        error = f"Your reply has {len(reply):,} characters; keep it under {MAX_REPLY_CHARS:,}."
        return _session_page(
            request, viewer, saved, seat, error=error, draft=reply[:MAX_REPLY_CHARS]
        )
    try:
        seat.session.reply(reply)
        if seat.over:
            seat.finish()
        written = _save(state, saved, seat)
    except InputError as exc:
        fresh = _load(state, viewer)  # the page as it was before this reply
        if fresh is None:
            return RedirectResponse("/practice", status_code=303)
        return _session_page(request, viewer, *fresh, error=str(exc).capitalize(), draft=reply)
    if written is not None:  # None: the same form, answered by another request first
        _record(state, viewer, written, seat)
    return RedirectResponse(_SESSION_PATH, status_code=303)


@router.post(f"{_SESSION_PATH}/stop", dependencies=[Depends(verify_csrf)])
def practice_stop(
    state: State, viewer: PageViewer, session: Annotated[str, Form(max_length=100)] = ""
) -> Response:
    """End the session now and show the debrief of the replies so far."""
    loaded = _load(state, viewer)
    if loaded is None or _stale(loaded[0], session):
        return RedirectResponse(_SESSION_PATH, status_code=303)
    saved, seat = loaded
    if not seat.over:
        seat.stopped = True
        seat.finish()
        written = _save(state, saved, seat)
        if written is None:
            return RedirectResponse(_SESSION_PATH, status_code=303)
        saved = written
    _record(state, viewer, saved, seat)
    return RedirectResponse(_SESSION_PATH, status_code=303)


def _record(state: ServiceState, viewer: Viewer, saved: SavedSession, seat: Seat) -> None:
    """Store the result of a session that is over, once (nothing for a session without
    replies): the result and the session's ``recorded`` mark are written together, and
    only by the request whose write of the session wins."""
    if not seat.over or seat.recorded or not seat.session.exchanges:
        return
    debrief = seat.finish()
    seat.recorded = True
    try:
        with state.store.begin() as connection:
            if _write(connection, saved, seat) is None:
                return  # another request got there first
            record_result(
                connection,
                username=viewer.username,
                agent=viewer.agent,
                scenario=debrief.scenario,
                completed=debrief.finished,
                turns=len(debrief.turns),
                trained_score=debrief.trained_mean(),
                satisfaction=debrief.satisfaction,
                quality=debrief.quality,
                skills={s.skill: s.score for s in debrief.skills if s.trained},
            )
    except StoreError as exc:  # the debrief is still shown; only the history misses it
        seat.recorded = False
        log.warning("practice result of %s not stored: %s", viewer.username, exc)


def _session_page(
    request: Request,
    viewer: Viewer,
    saved: SavedSession,
    seat: Seat,
    *,
    error: str | None = None,
    draft: str = "",
) -> HTMLResponse:
    debrief = seat.finish() if seat.over else None
    return render(
        request,
        "practice.html",
        viewer,
        active="practice",
        scenarios=None,
        seat=seat,
        view={**_thread(seat.session), "session": saved.id},
        debrief=debrief,
        max_reply=MAX_REPLY_CHARS,
        error=error,
        draft=draft,
        status_code=400 if error else 200,
    )


def _thread(session: PracticeSession) -> dict[str, Any]:
    """What the template shows: the scenario and the messages in order, with feedback."""
    steps = session.scenario.steps
    messages: list[dict[str, Any]] = []
    replies = iter(session.exchanges)
    for line in session.lines:
        if line.role.value == "customer":
            step = steps[line.step]
            messages.append(
                {"role": "customer", "step": line.step, "text": line.text, "note": step.note}
            )
        else:
            exchange = next(replies)
            messages.append({"role": "agent", "text": line.text, "exchange": exchange})
    ended_by_customer = bool(session.lines) and steps[session.lines[-1].step].ends
    return {
        "scenario": session.scenario,
        "messages": messages,
        "turn": len(session.exchanges),
        "ended_by_customer": ended_by_customer,
    }
