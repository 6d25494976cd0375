"""A minimal login form and pages built on ``servicecoach.web.auth``, for the auth tests.

The real login page belongs to ``servicecoach.web.pages``; these routes exercise the
same functions without depending on templates.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request

from servicecoach.server.errors import ApiError
from servicecoach.server.state import State
from servicecoach.store.users import authenticate
from servicecoach.web.auth import (
    PageViewer,
    Viewer,
    csrf_token,
    login,
    logout,
    require_role,
    verify_csrf,
)

__all__ = ["router"]

router = APIRouter(prefix="/test", include_in_schema=False)


@router.get("/csrf")
def get_csrf(request: Request) -> dict[str, str]:
    """The CSRF token a form would carry."""
    return {"csrf": csrf_token(request)}


@router.post("/login", dependencies=[Depends(verify_csrf)])
def post_login(
    request: Request,
    state: State,
    username: Annotated[str, Form()],
    password: Annotated[str, Form()],
) -> dict[str, str]:
    """Log in with a form."""
    with state.store.begin() as connection:
        user = authenticate(connection, username, password)
    if user is None:
        raise ApiError(401, "wrong username or password")
    viewer = login(request, user)
    return {"user": viewer.username, "csrf": csrf_token(request)}


@router.post("/logout", dependencies=[Depends(verify_csrf)])
def post_logout(request: Request) -> dict[str, str]:
    """Log out."""
    logout(request)
    return {"status": "out"}


@router.get("/page")
def page(viewer: PageViewer) -> dict[str, str]:
    """A page that needs a login."""
    return {"user": viewer.username, "scope": viewer.scope.kind.value}


@router.get("/admin-page")
def admin_page(
    viewer: Annotated[Viewer, Depends(require_role("admin", page=True))],
) -> dict[str, str]:
    """A page for admins only."""
    return {"user": viewer.username}


@router.post("/form", dependencies=[Depends(verify_csrf)])
def post_form(viewer: PageViewer) -> dict[str, str]:
    """A form post that needs the CSRF token."""
    return {"user": viewer.username}
