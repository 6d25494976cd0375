"""``/login`` (the form, then a redirect to ``next``) and ``/logout``.

Failed logins are throttled by username and by client address, and password checks
run a few at a time (:mod:`servicecoach.web.throttle`): a throttled login is answered
``429`` with ``Retry-After`` and says so on the form, before any password is checked.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from servicecoach.server.state import ServiceState, State
from servicecoach.store.users import User, authenticate
from servicecoach.web.auth import login, logout, safe_next_path, session_viewer, verify_csrf
from servicecoach.web.pages.templating import render
from servicecoach.web.throttle import LoginBusy, login_guard

__all__ = ["login_form", "login_page", "logout_form", "router"]

router = APIRouter(include_in_schema=False)

_WRONG = "Wrong username or password."
_BUSY_RETRY = 5
"""Seconds a login that found no turn to check its password is asked to wait."""


@router.get("/login", response_class=HTMLResponse)
def login_page(request: Request, next: str | None = None) -> Response:
    """The login form (a logged-in viewer goes straight on to ``next``)."""
    if session_viewer(request) is not None:
        return RedirectResponse(safe_next_path(next), status_code=303)
    return render(request, "login.html", None, next=safe_next_path(next), error=None)


def _form(
    request: Request,
    next_path: str,
    username: str,
    error: str,
    status: int,
    retry_after: int | None = None,
) -> Response:
    answer = render(
        request,
        "login.html",
        None,
        status_code=status,
        next=next_path,
        username=username,
        error=error,
    )
    if retry_after is not None:
        answer.headers["Retry-After"] = str(retry_after)
    return answer


def _in_words(seconds: int) -> str:
    if seconds < 60:
        return f"{seconds} second{'s' if seconds != 1 else ''}"
    minutes = -(-seconds // 60)
    return f"{minutes} minute{'s' if minutes != 1 else ''}"


def _check_password(state: ServiceState, username: str, password: str) -> User | None:
    with state.store.begin() as connection:
        return authenticate(connection, username, password)


@router.post("/login", dependencies=[Depends(verify_csrf)])
async def login_form(
    request: Request,
    state: State,
    username: Annotated[str, Form()] = "",
    password: Annotated[str, Form()] = "",
    next: Annotated[str | None, Form()] = None,
) -> Response:
    """Check the password; on success start a session and go on to ``next``."""
    target = safe_next_path(next)
    if not username.strip() or not password:
        return _form(request, target, username, _WRONG, 400)
    guard = login_guard(state)
    client = request.client.host if request.client is not None else "unknown"

    def throttled(wait: int) -> Response:
        message = f"Too many failed logins: try again in {_in_words(wait)}."
        return _form(request, target, username, message, 429, retry_after=wait)

    if wait := guard.retry_after(username, client):
        return throttled(wait)
    try:
        async with guard.turn():
            if wait := guard.retry_after(username, client):  # others failed meanwhile
                return throttled(wait)
            user = await run_in_threadpool(_check_password, state, username.strip(), password)
    except LoginBusy:
        message = (
            "Many people are logging in right now: try again in a few seconds "
            "(your password was not checked)."
        )
        return _form(request, target, username, message, 503, retry_after=_BUSY_RETRY)
    if user is None:
        guard.failed(username, client)
        return _form(request, target, username, _WRONG, 400)
    guard.succeeded(username)
    login(request, user)
    return RedirectResponse(target, status_code=303)


@router.post("/logout", dependencies=[Depends(verify_csrf)])
def logout_form(request: Request) -> Response:
    """End every session of the user (in any browser) and show the login form."""
    logout(request)
    return RedirectResponse("/login", status_code=303)
