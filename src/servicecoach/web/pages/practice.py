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
"""

from __future__ import annotations

import threading
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from servicecoach.api.state import ServiceState, State
from servicecoach.errors import InputError
from servicecoach.practice import MAX_REPLY_CHARS, Coach, PracticeSession, builtin_scenarios
from servicecoach.practice.board import PracticeBoard, Seat
from servicecoach.web.auth import PageViewer, Viewer, verify_csrf
from servicecoach.web.pages.templating import render

__all__ = [
    "practice_page",
    "practice_reply",
    "practice_session",
    "practice_start",
    "practice_stop",
    "router",
]

router = APIRouter(include_in_schema=False)

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
def practice_page(request: Request, state: State, viewer: PageViewer) -> HTMLResponse:
    """The scenarios to practise, and the session in progress if there is one."""
    seat = _board(state).get(_owner(viewer))
    return render(
        request,
        "practice.html",
        viewer,
        active="practice",
        scenarios=list(builtin_scenarios().values()),
        seat=seat,
        view=None,
    )


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
        return render(
            request,
            "practice.html",
            viewer,
            active="practice",
            scenarios=list(builtin_scenarios().values()),
            seat=None,
            view=None,
            error="Choose one of the scenarios below.",
            status_code=400,
        )
    coach = Coach(state.checker, state.pipeline)
    session = PracticeSession(chosen, coach, agent=viewer.display_name or viewer.username)
    _board(state).start(_owner(viewer), session)
    return RedirectResponse(_SESSION_PATH, status_code=303)


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
    return RedirectResponse(_SESSION_PATH, status_code=303)


@router.post(f"{_SESSION_PATH}/stop", dependencies=[Depends(verify_csrf)])
def practice_stop(state: State, viewer: PageViewer) -> Response:
    """End the session now and show the debrief of the replies so far."""
    seat = _board(state).get(_owner(viewer))
    if seat is not None:
        with seat.lock:
            seat.stopped = True
    return RedirectResponse(_SESSION_PATH, status_code=303)


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
