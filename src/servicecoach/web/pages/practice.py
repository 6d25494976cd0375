"""``/practice``: rehearse a built-in scenario in the browser (any logged-in user).

Pick a scenario, reply to the customer, see the live checker's feedback and the
customer's next message (chosen by what the reply did), and the debrief at the end. The
page works without JavaScript: every action is a form POST (with the session's CSRF
token) answered by a redirect back to ``/practice/session``.

The session lives on the server (:class:`~servicecoach.practice.board.PracticeBoard`,
one per user, bounded and expiring); each form carries the turn it answers, so a form
sent twice (a double click, the back button) is not taken as the next reply. Only
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
import threading
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from servicecoach.api.state import ServiceState, State
from servicecoach.errors import ConfigError, InputError, NotFoundError, StoreError
from servicecoach.practice import MAX_REPLY_CHARS, Coach, PracticeSession, builtin_scenarios
from servicecoach.practice.board import PracticeBoard, Seat
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

_BOARD = "practice.board"
_BOARD_LOCK = threading.Lock()
_SESSION_PATH = "/practice/session"


def _board(state: ServiceState) -> PracticeBoard:
    """The running service's practice sessions (made on first use)."""
    with _BOARD_LOCK:
        board = state.extras.get(_BOARD)
        if not isinstance(board, PracticeBoard):
            board = state.extras[_BOARD] = PracticeBoard()
        return board


def _owner(viewer: Viewer) -> str:
    return f"user:{viewer.user_id}" if viewer.user_id is not None else f"token:{viewer.username}"


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
    coach = Coach(state.checker, state.pipeline)
    session = PracticeSession(chosen, coach, agent=viewer.display_name or viewer.username)
    _board(state).start(_owner(viewer), session)
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
        seat=_board(state).get(_owner(viewer)),
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
    seat = _board(state).get(_owner(viewer))
    if seat is None:
        return RedirectResponse("/practice", status_code=303)
    return _session_page(request, viewer, seat)


@router.post(_SESSION_PATH, dependencies=[Depends(verify_csrf)])
def practice_reply(
    request: Request,
    state: State,
    viewer: PageViewer,
    reply: Annotated[str, Form()] = "",
    turn: Annotated[int, Form()] = -1,
) -> Response:
    """Send a reply: checked, then the customer's next message by branch."""
    seat = _board(state).get(_owner(viewer))
    if seat is None:
        return RedirectResponse("/practice", status_code=303)
    with seat.lock:
        if seat.over or turn != len(seat.session.exchanges):
            return RedirectResponse(_SESSION_PATH, status_code=303)  # a form sent twice
        if len(reply) > MAX_REPLY_CHARS:
            error = f"Your reply has {len(reply):,} characters; keep it under {MAX_REPLY_CHARS:,}."
            return _session_page(request, viewer, seat, error=error, draft=reply[:MAX_REPLY_CHARS])
        try:
            seat.session.reply(reply)
        except InputError as exc:
            return _session_page(request, viewer, seat, error=str(exc).capitalize(), draft=reply)
        _record(state, viewer, seat)
    return RedirectResponse(_SESSION_PATH, status_code=303)


@router.post(f"{_SESSION_PATH}/stop", dependencies=[Depends(verify_csrf)])
def practice_stop(state: State, viewer: PageViewer) -> Response:
    """End the session now and show the debrief of the replies so far."""
    seat = _board(state).get(_owner(viewer))
    if seat is not None:
        with seat.lock:
            seat.stopped = True
            _record(state, viewer, seat)
    return RedirectResponse(_SESSION_PATH, status_code=303)


def _record(state: ServiceState, viewer: Viewer, seat: Seat) -> None:
    """Store the result of a session that is over, once (nothing for a session without replies)."""
    if not seat.over or seat.recorded or not seat.session.exchanges:
        return
    debrief = seat.finish()
    try:
        with state.store.begin() as connection:
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
        log.warning("practice result of %s not stored: %s", viewer.username, exc)
        return
    seat.recorded = True


def _session_page(
    request: Request, viewer: Viewer, seat: Seat, *, error: str | None = None, draft: str = ""
) -> HTMLResponse:
    debrief = seat.finish() if seat.over else None
    return render(
        request,
        "practice.html",
        viewer,
        active="practice",
        scenarios=None,
        seat=seat,
        view=_thread(seat.session),
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
