"""Who is looking: logged-in users (sessions), API tokens, roles and CSRF protection.

For page and route authors (see docs/web.md, "Auth for page authors"):

- :class:`Viewer`: the person (or API token) a request is for, with the
  :class:`~servicecoach.store.filters.Scope` to pass to every store query.
- :func:`page_viewer` (:data:`PageViewer`): the logged-in viewer of a page, or a 303
  redirect to ``/login?next=<path>``; :func:`api_viewer` (:data:`ApiViewer`): the
  viewer of a ``/v1`` route, from a session or a bearer token (a token acts with
  admin scope), else a 401; :func:`require_role`: a dependency that also checks roles
  (403 otherwise).
- :func:`login` / :func:`logout`: start (rotating the session: a new CSRF token) and
  end a session; :func:`safe_next_path` cleans a ``next`` parameter.
- :class:`AuthBeforeBodyMiddleware` (installed by :func:`install_web_auth`): a request
  with a body to a route that needs a login is authenticated from its headers before
  anything reads the body, and refused (401, or 303 to the login page) unread.
- :func:`csrf_token` for templates (a hidden field named :data:`CSRF_FIELD`) and
  :func:`verify_csrf`, a dependency for every form POST, which also accepts the
  :data:`CSRF_HEADER` header for fetch calls. ``/v1`` routes reached with a session
  check it by themselves for every method but GET, HEAD and OPTIONS.

Sessions live in a signed cookie (:mod:`servicecoach.web.session`) that names the user
and their ``session_epoch``. Each request with a session re-reads its user (one read by
primary key, no write) and accepts the cookie only while the user is active and the
epoch unchanged: logging out, a new password or disabling the user raises the epoch
(:func:`servicecoach.store.users.end_sessions`), which ends every session of the user at
once, even a copy of the cookie kept elsewhere. A role or team change needs no new
login: the viewer is built from the user as stored, on every request.
"""

from __future__ import annotations

import hmac
import logging
import secrets
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Annotated, Literal
from urllib.parse import quote, urlsplit

from fastapi import Depends, FastAPI, Request
from fastapi.dependencies.models import Dependant
from fastapi.responses import RedirectResponse, Response
from fastapi.routing import APIRoute
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Send
from starlette.types import Scope as AsgiScope

from servicecoach.errors import StoreError
from servicecoach.server.auth import (
    CurrentPrincipal,
    Principal,
    find_principal,
    missing_credentials,
    require_principal,
)
from servicecoach.server.errors import ApiError, error_response
from servicecoach.server.state import service_state
from servicecoach.store.filters import Scope
from servicecoach.store.users import User, end_sessions, get_session_user
from servicecoach.web.session import SessionCookieMiddleware

__all__ = [
    "CSRF_FIELD",
    "CSRF_HEADER",
    "ApiViewer",
    "AuthBeforeBodyMiddleware",
    "BodyRefused",
    "CsrfFailed",
    "LoginRequired",
    "PageViewer",
    "Viewer",
    "api_viewer",
    "csrf_token",
    "install_web_auth",
    "login",
    "logout",
    "page_viewer",
    "require_role",
    "safe_next_path",
    "session_user",
    "session_viewer",
    "verify_csrf",
]

log = logging.getLogger("servicecoach.web")

CSRF_FIELD = "csrf_token"
"""The name of the hidden form field that carries the CSRF token."""
CSRF_HEADER = "X-CSRF-Token"
"""The header that carries the CSRF token in fetch calls."""
_SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


@dataclass(frozen=True, slots=True)
class Viewer:
    """The person a request is for, and what they may see.

    Attributes:
        user_id: the user's id; ``None`` for an API token.
        username: the login name (the token's name for a token).
        display_name: the name to show.
        role: ``admin``, ``lead`` or ``agent`` (tokens: ``admin``).
        team: a lead's team.
        agent: an agent user's agent id.
        scope: pass it to every store query.
        via: ``"session"`` or ``"token"``.
    """

    user_id: int | None
    username: str
    display_name: str
    role: str
    team: str | None
    agent: str | None
    scope: Scope
    via: str = "session"

    @classmethod
    def from_user(cls, user: User) -> Viewer:
        """The viewer of a logged-in user."""
        return cls(
            user_id=user.id,
            username=user.username,
            display_name=user.name,
            role=user.role,
            team=user.team,
            agent=user.agent,
            scope=Scope.for_user(user.role, user.team, user.agent),
        )

    @classmethod
    def from_token(cls, principal: Principal) -> Viewer:
        """The viewer of an API token: admin scope (tokens are made by the server's operator)."""
        return cls(
            user_id=None,
            username=principal.name,
            display_name=principal.name,
            role="admin",
            team=None,
            agent=None,
            scope=Scope.everything(),
            via="token",
        )

    @property
    def is_admin(self) -> bool:
        """True for admins (and API tokens)."""
        return self.role == "admin"

    @property
    def can_coach(self) -> bool:
        """True for leads and admins: they add coaching notes and import files."""
        return self.role in ("admin", "lead")


class LoginRequired(Exception):
    """Raised by :func:`page_viewer` without a session; answered with a 303 to the login page.

    Args:
        next_path: where to go back to after logging in.
    """

    def __init__(self, next_path: str) -> None:
        super().__init__(next_path)
        self.next_path = next_path


class CsrfFailed(ApiError):
    """A form or unsafe request without the session's CSRF token (403 ``csrf_failed``)."""

    def __init__(self) -> None:
        super().__init__(
            403,
            "the form has expired or did not come from this site: reload the page and "
            "send it again",
            code="csrf_failed",
        )


def _session(request: Request) -> dict[str, object] | None:
    if "session" not in request.scope:
        return None
    return request.session


def session_viewer(request: Request) -> Viewer | None:
    """The logged-in viewer of ``request``, or ``None`` (no session, or the user is gone or
    disabled or their sessions were ended since; such a session is cleared). Cached per
    request."""
    cached = getattr(request.state, "viewer", None)
    if isinstance(cached, Viewer):
        return cached
    session = _session(request)
    if not session or "uid" not in session:
        return None
    user_id, epoch = session.get("uid"), session.get("epoch")
    user = None
    if type(user_id) is int and type(epoch) is int:
        with service_state(request).store.connect() as connection:
            user = get_session_user(connection, user_id, epoch)
    if user is None:
        session.clear()
        return None
    viewer = Viewer.from_user(user)
    request.state.viewer = viewer
    return viewer


def session_user(request: Request) -> Principal | None:
    """Authenticator for ``/v1`` routes: the logged-in user of a session cookie."""
    viewer = session_viewer(request)
    if viewer is None:
        return None
    return Principal(kind="session", name=viewer.username, roles=frozenset({viewer.role}))


def login(request: Request, user: User) -> Viewer:
    """Start a session for ``user`` (already authenticated): a fresh session, a new CSRF token.

    The old session (e.g. the anonymous one of the login form) is discarded.
    """
    session = request.session
    session.clear()
    session.update({"uid": user.id, "epoch": user.session_epoch, "csrf": secrets.token_urlsafe(32)})
    viewer = Viewer.from_user(user)
    request.state.viewer = viewer
    return viewer


def logout(request: Request) -> None:
    """End the session: the user's session epoch is raised, so that this cookie (and every
    other session of the user, in any browser) stops working; the cookie is deleted with
    the response."""
    viewer = session_viewer(request)
    if viewer is not None and viewer.user_id is not None:
        with service_state(request).store.begin() as connection:
            end_sessions(connection, viewer.user_id)
    if _session(request) is not None:
        request.session.clear()
    request.state.viewer = None


def csrf_token(request: Request) -> str:
    """The session's CSRF token for a form's hidden ``csrf_token`` field (created if needed;
    an anonymous visitor gets a pre-session holding just the token)."""
    session = request.session
    token = session.get("csrf")
    if not isinstance(token, str) or not token:
        token = secrets.token_urlsafe(32)
        session["csrf"] = token
    return token


async def _sent_csrf(request: Request, *, form: bool) -> str | None:
    header = request.headers.get(CSRF_HEADER)
    if header:
        return header
    if not form:
        return None
    content_type = request.headers.get("content-type", "")
    if not content_type.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
        return None
    value = (await request.form()).get(CSRF_FIELD)
    return value if isinstance(value, str) else None


async def _check_csrf(request: Request) -> None:
    session = _session(request)
    expected = session.get("csrf") if session else None
    sent = await _sent_csrf(request, form=True)
    if not isinstance(expected, str) or not sent:
        raise CsrfFailed()
    if not hmac.compare_digest(expected.encode("utf-8"), sent.encode("utf-8")):
        raise CsrfFailed()


async def verify_csrf(request: Request) -> None:
    """Dependency for form POSTs: 403 ``csrf_failed`` unless the form field ``csrf_token``
    or the ``X-CSRF-Token`` header equals the session's token."""
    await _check_csrf(request)


def page_viewer(request: Request) -> Viewer:
    """Dependency for pages: the logged-in viewer, or a 303 to ``/login?next=<this page>``."""
    viewer = session_viewer(request)
    if viewer is None:
        path = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        raise LoginRequired(path)
    return viewer


async def api_viewer(request: Request, principal: CurrentPrincipal) -> Viewer:
    """Dependency for ``/v1`` routes: the viewer of a session or an API token (401 without).

    A session-authenticated request other than GET/HEAD/OPTIONS must carry the CSRF
    token (``X-CSRF-Token`` header or ``csrf_token`` form field): 403 otherwise.
    """
    if principal.kind == "session":
        viewer = session_viewer(request)
        if viewer is None:  # pragma: no cover - the authenticator just found it
            raise ApiError(401, "the session has ended: log in again")
        if request.method not in _SAFE_METHODS:
            await _check_csrf(request)
        return viewer
    return Viewer.from_token(principal)


PageViewer = Annotated[Viewer, Depends(page_viewer)]
"""A page route parameter: the logged-in viewer (redirects to the login page otherwise)."""
ApiViewer = Annotated[Viewer, Depends(api_viewer)]
"""A ``/v1`` route parameter: the viewer of a session or a token (401 otherwise)."""


def require_role(*roles: str, page: bool = False) -> Callable[..., Awaitable[Viewer]]:
    """A dependency: the viewer (as :func:`api_viewer`, or :func:`page_viewer` with
    ``page=True``) when their role is one of ``roles``, else a 403 ``forbidden``.

    Example: ``viewer: Annotated[Viewer, Depends(require_role("admin", "lead"))]``.
    """
    allowed = frozenset(roles)
    wanted = " or ".join(roles)

    def check(viewer: Viewer) -> Viewer:
        if viewer.role not in allowed:
            raise ApiError(403, f"only a user with role {wanted} may do this")
        return viewer

    if page:

        async def for_page(viewer: PageViewer) -> Viewer:
            return check(viewer)

        return for_page

    async def for_api(viewer: ApiViewer) -> Viewer:
        return check(viewer)

    return for_api


def safe_next_path(value: str | None, default: str = "/") -> str:
    """``value`` if it is a path on this site (``/...``), else ``default`` (no open redirect)."""
    if not value or not value.startswith("/") or value.startswith("//") or "\\" in value:
        return default
    parts = urlsplit(value)
    if parts.scheme or parts.netloc:
        return default
    return value


def _login_target(next_path: str) -> str:
    return "/login?next=" + quote(safe_next_path(next_path), safe="/")


async def _login_redirect(_request: Request, exc: Exception) -> Response:
    assert isinstance(exc, LoginRequired)
    return RedirectResponse(_login_target(exc.next_path), status_code=303)


_Gate = Literal["api", "page"]


def _gate_of(dependant: Dependant) -> _Gate | None:
    """``"api"`` when the route's dependencies authenticate like a ``/v1`` route,
    ``"page"`` when they need a page login, ``None`` for a route anyone may call."""
    found: _Gate | None = None
    for sub in dependant.dependencies:
        if sub.call in (require_principal, api_viewer):
            return "api"
        if sub.call is page_viewer:
            found = "page"
        elif (deeper := _gate_of(sub)) is not None:
            if deeper == "api":
                return "api"
            found = deeper
    return found


class BodyRefused(StarletteHTTPException):
    """Raised from ``receive`` when a request that needs a login has none: the body stays
    unread and :attr:`response` (a 401, or a 303 to the login page) is the answer.

    An ``HTTPException`` because FastAPI passes those on unchanged when they come out of
    reading a body (other errors there become a 400).
    """

    def __init__(self, response: Response) -> None:
        super().__init__(status_code=response.status_code)
        self.response = response


class AuthBeforeBodyMiddleware:
    """Authenticate a request before anything reads its body.

    FastAPI reads a form or file upload before it runs a route's dependencies, so an
    anonymous 150 MiB upload would be parsed (and spooled to a temporary file) before its
    401. This middleware hands the app a ``receive`` that, the first time the app asks
    for the body, looks at the route the request was routed to: when the route needs a
    login (it depends on :func:`~servicecoach.server.auth.require_principal`,
    :func:`api_viewer` or :func:`page_viewer`, directly or through :func:`require_role`),
    the request is authenticated from its headers alone (bearer token or session cookie,
    in a worker thread) and, without a login, refused before one byte is received
    (:class:`BodyRefused`): 401 on API routes, 303 to the login page on pages, with
    ``Connection: close`` so that the server stops receiving the rest. Routes anyone may
    call (the login form, the webhook with its own secret) read their body as before.
    The principal and viewer found are kept on ``request.state`` for the route.

    It runs inside :class:`~servicecoach.web.session.SessionCookieMiddleware` (it reads
    ``scope["session"]``) and inside the body limit.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self._gates: dict[int, _Gate | None] = {}

    def gate(self, route: object) -> _Gate | None:
        """``"api"``, ``"page"`` or ``None`` (anyone may send a body) for a route."""
        if not isinstance(route, APIRoute):
            return None
        key = id(route)
        if key not in self._gates:
            self._gates[key] = _gate_of(route.dependant)
        return self._gates[key]

    async def __call__(self, scope: AsgiScope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        checked = False

        async def checked_receive() -> Message:
            nonlocal checked
            if not checked:
                checked = True
                refusal = await self._refusal(scope)
                if refusal is not None:
                    raise BodyRefused(refusal)
            return await receive()

        await self.app(scope, checked_receive, send)

    async def _refusal(self, scope: AsgiScope) -> Response | None:
        gate = self.gate(scope.get("route"))
        if gate is None:
            return None
        request = Request(scope)  # no receive: the body cannot be read from here
        refusal: Response | None = None
        try:
            if gate == "api":
                if await run_in_threadpool(find_principal, request) is None:
                    raise missing_credentials()
            elif await run_in_threadpool(session_viewer, request) is None:
                path = request.url.path + (f"?{request.url.query}" if request.url.query else "")
                refusal = RedirectResponse(_login_target(path), status_code=303)
        except ApiError as exc:
            refusal = error_response(exc.status, exc.code, exc.message, headers=exc.headers)
        except StoreError as exc:  # else FastAPI would call it "an error parsing the body"
            log.error("store error while authenticating: %s", exc)
            refusal = error_response(503, "store_unavailable", "the database is unavailable")
        except Exception:
            log.exception("internal error while authenticating a request")
            refusal = error_response(500, "internal_error", "internal error: see the server log")
        if refusal is not None:
            refusal.headers["Connection"] = "close"
        return refusal


async def _body_refused(_request: Request, exc: Exception) -> Response:
    assert isinstance(exc, BodyRefused)
    return exc.response


def install_web_auth(app: FastAPI) -> None:
    """Add session cookies, authentication before any body is read, and the login redirect
    to ``app`` (done by ``create_app``)."""
    app.add_middleware(AuthBeforeBodyMiddleware)  # inside the session middleware
    app.add_middleware(SessionCookieMiddleware)
    app.add_exception_handler(LoginRequired, _login_redirect)
    app.add_exception_handler(BodyRefused, _body_refused)
