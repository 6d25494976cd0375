"""Signed session cookies: a small ASGI middleware that fills ``request.session``.

The session is a small JSON dict (the user id, the user's session epoch and the CSRF
token) kept in the browser in one cookie, signed with HMAC-SHA1 by ``itsdangerous`` (the
signer Starlette and Flask use) and timestamped, so that it cannot be forged or
changed and expires after ``session_max_age`` seconds. Nothing secret is stored in it.
A signed cookie cannot be recalled by itself: the epoch, checked against the store on
every request (:mod:`servicecoach.web.auth`), is what ends it early (logout, a new
password, a disabled user).

Unlike Starlette's own ``SessionMiddleware``, the signing key is read when the first
request arrives, from the running service: ``SERVICECOACH_SECRET_KEY`` when set, else a
random key generated once and kept in the store (``app_secrets``), so that every worker
process and every restart signs alike and nobody has to configure a key.

The cookie is ``HttpOnly`` (no script reads it), ``SameSite=Lax`` (not sent with
cross-site form posts), ``Path=/`` and ``Secure`` when ``cookie_secure`` is set or,
left unset, when the request came over https (behind a proxy, run uvicorn with
``--proxy-headers`` so that it knows).
"""

from __future__ import annotations

import json
from typing import Any

from itsdangerous import BadSignature, URLSafeTimedSerializer
from starlette.datastructures import MutableHeaders
from starlette.requests import HTTPConnection
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from servicecoach.server.state import ServiceState
from servicecoach.store.secrets_store import get_or_create_secret

__all__ = ["SESSION_COOKIE", "SessionCookieMiddleware", "session_serializer"]

SESSION_COOKIE = "servicecoach_session"
"""The name of the session cookie."""
_SALT = "servicecoach.session"
_EXTRAS_KEY = "web.session_serializer"


def session_serializer(state: ServiceState) -> URLSafeTimedSerializer:
    """The signer of session cookies for the running service (built once, then cached)."""
    found = state.extras.get(_EXTRAS_KEY)
    if isinstance(found, URLSafeTimedSerializer):
        return found
    key = state.settings.secret_key or get_or_create_secret(state.store, "session_key")
    serializer = URLSafeTimedSerializer(key, salt=_SALT)
    state.extras[_EXTRAS_KEY] = serializer
    return serializer


def _state(scope: Scope) -> ServiceState | None:
    app = scope.get("app")
    state = getattr(getattr(app, "state", None), "service", None)
    return state if isinstance(state, ServiceState) else None


class SessionCookieMiddleware:
    """Load ``scope["session"]`` from the signed cookie and write it back when it changed.

    A missing, tampered or expired cookie gives an empty session (and a tampered or
    expired one is deleted). An emptied session deletes the cookie (logout).
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        state = _state(scope) if scope["type"] in ("http", "websocket") else None
        if state is None:
            await self.app(scope, receive, send)
            return
        serializer = session_serializer(state)
        max_age = state.settings.session_max_age
        raw = HTTPConnection(scope).cookies.get(SESSION_COOKIE)
        session: dict[str, Any] = {}
        stale = False
        if raw:
            try:
                loaded = serializer.loads(raw, max_age=max_age)
            except BadSignature:  # also SignatureExpired
                stale = True
            else:
                if isinstance(loaded, dict):
                    session = loaded
                else:
                    stale = True
        scope["session"] = session
        before = json.dumps(session, sort_keys=True)
        secure = state.settings.cookie_secure
        if secure is None:
            secure = scope.get("scheme") in ("https", "wss")

        async def send_with_cookie(message: Message) -> None:
            if message["type"] == "http.response.start":
                current = scope["session"]
                changed = json.dumps(current, sort_keys=True) != before
                cookie = None
                if current and (changed or stale):
                    value = serializer.dumps(current)
                    cookie = _cookie(value, max_age, secure)
                elif not current and (raw is not None) and (changed or stale):
                    cookie = _cookie("", 0, secure)
                if cookie is not None:
                    MutableHeaders(scope=message).append("set-cookie", cookie)
            await send(message)

        await self.app(scope, receive, send_with_cookie)


def _cookie(value: str, max_age: int, secure: bool) -> str:
    parts = [f"{SESSION_COOKIE}={value}", "Path=/", f"Max-Age={max_age}", "HttpOnly"]
    parts.append("SameSite=Lax")
    if secure:
        parts.append("Secure")
    if max_age == 0:
        parts.append("Expires=Thu, 01 Jan 1970 00:00:00 GMT")
    return "; ".join(parts)
