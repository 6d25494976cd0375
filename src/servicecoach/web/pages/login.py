"""``/login`` (the form, then a redirect to ``next``) and ``/logout``."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from servicecoach.api.state import State
from servicecoach.store.users import authenticate
from servicecoach.web.auth import login, logout, safe_next_path, session_viewer, verify_csrf
from servicecoach.web.pages.templating import render

__all__ = ["login_form", "login_page", "logout_form", "router"]

router = APIRouter(include_in_schema=False)


@router.get("/login", response_class=HTMLResponse)
def login_page(request: Request, next: str | None = None) -> Response:
    """The login form (a logged-in viewer goes straight on to ``next``)."""
    if session_viewer(request) is not None:
        return RedirectResponse(safe_next_path(next), status_code=303)
    return render(request, "login.html", None, next=safe_next_path(next), error=None)


@router.post("/login", dependencies=[Depends(verify_csrf)])
def login_form(
    request: Request,
    state: State,
    username: Annotated[str, Form()] = "",
    password: Annotated[str, Form()] = "",
    next: Annotated[str | None, Form()] = None,
) -> Response:
    """Check the password; on success start a session and go on to ``next``."""
    user = None
    if username.strip() and password:
        with state.store.begin() as connection:
            user = authenticate(connection, username.strip(), password)
    if user is None:
        return render(
            request,
            "login.html",
            None,
            status_code=400,
            next=safe_next_path(next),
            username=username,
            error="Wrong username or password.",
        )
    login(request, user)
    return RedirectResponse(safe_next_path(next), status_code=303)


@router.post("/logout", dependencies=[Depends(verify_csrf)])
def logout_form(request: Request) -> Response:
    """End the session and show the login form."""
    logout(request)
    return RedirectResponse("/login", status_code=303)
