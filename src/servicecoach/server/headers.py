"""Security headers on every response: pages, the JSON API, static files and errors.

:data:`SECURITY_HEADERS` is added by :class:`SecurityHeadersMiddleware`, the outermost
middleware, so that even a 413 or a redirect to the login page carries them (a route
that sets one of these headers itself keeps its own value):

- ``Content-Security-Policy`` (:data:`CONTENT_SECURITY_POLICY`): scripts, styles,
  images, fonts and fetches from this site only; no inline script, no inline style, no
  ``eval``; forms post to this site only; no plugins, no ``<base>``; the pages may not
  be framed. The templates hold no inline ``<script>``, ``on*=`` handler or ``style``
  attribute (a test checks the rendered pages), so the pages work under it unchanged.
- ``X-Frame-Options: DENY``, for browsers that predate ``frame-ancestors``
  (clickjacking).
- ``X-Content-Type-Options: nosniff``: a file is never run as another type than the one
  sent (an uploaded or exported file cannot become a script).
- ``Referrer-Policy: same-origin``: page addresses (which hold filters, agent and
  customer ids) are not sent to other sites.

HTTPS and ``Strict-Transport-Security`` are the business of the TLS proxy in front.
"""

from __future__ import annotations

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

__all__ = ["CONTENT_SECURITY_POLICY", "SECURITY_HEADERS", "SecurityHeadersMiddleware"]

CONTENT_SECURITY_POLICY = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
    "font-src 'self'; connect-src 'self'; form-action 'self'; base-uri 'none'; "
    "frame-ancestors 'none'"
)
"""What the pages may load and do: everything from this site, nothing inline."""

SECURITY_HEADERS: dict[str, str] = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}
"""The headers every response carries."""


class SecurityHeadersMiddleware:
    """Add :data:`SECURITY_HEADERS` to every HTTP response that does not set them itself.

    Args:
        app: the application.
        headers: the headers to add (default :data:`SECURITY_HEADERS`).
    """

    def __init__(self, app: ASGIApp, headers: dict[str, str] | None = None) -> None:
        self.app = app
        self.headers = dict(SECURITY_HEADERS if headers is None else headers)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in self.headers.items():
                    if name not in headers:
                        headers[name] = value
            await send(message)

        await self.app(scope, receive, send_with_headers)
