"""The request size limit, enforced before anything parses the body.

A pure ASGI middleware: a ``Content-Length`` above the limit is answered 413 at once,
before the body is read; without one (chunked transfer), the bytes are counted as they
arrive and the request is stopped with a 413 as soon as the count passes the limit, so
an endless body never fills the memory. Routes that take larger bodies (a file upload)
get their own limit by path prefix.
"""

from __future__ import annotations

from collections.abc import Mapping

from fastapi import HTTPException
from starlette.datastructures import Headers
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from servicecoach.server.errors import error_response

__all__ = ["BodyLimitMiddleware", "BodyTooLarge"]


class BodyTooLarge(HTTPException):
    """Raised from ``receive`` when the body passes the limit (answered as a 413)."""

    def __init__(self, limit: int) -> None:
        super().__init__(status_code=413, detail=_message(limit))


def _message(limit: int) -> str:
    return (
        f"the request body is larger than {limit:,} bytes, the most this service accepts "
        "(send less, or raise the limit with --max-body-bytes)"
    )


class BodyLimitMiddleware:
    """Answer 413 to any request whose body is larger than the limit.

    Args:
        app: the application.
        max_body_bytes: the limit for every path.
        overrides: larger (or smaller) limits by path prefix; the longest prefix wins.
    """

    def __init__(
        self, app: ASGIApp, max_body_bytes: int, overrides: Mapping[str, int] | None = None
    ) -> None:
        self.app = app
        self.max_body_bytes = max_body_bytes
        self.overrides = sorted((overrides or {}).items(), key=lambda item: -len(item[0]))

    def limit_for(self, path: str) -> int:
        """The body limit for a request path."""
        for prefix, limit in self.overrides:
            if path.startswith(prefix):
                return limit
        return self.max_body_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.limit_for(scope["path"])
        declared = Headers(scope=scope).get("content-length")
        if declared is not None:
            if not declared.strip().isdigit():
                response = error_response(400, "bad_request", "Content-Length is not a number")
                await response(scope, receive, send)
                return
            if int(declared) > limit:
                await error_response(413, "payload_too_large", _message(limit))(
                    scope, receive, send
                )
                return
        received = 0
        started = False

        async def limited_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise BodyTooLarge(limit)
            return message

        async def watched_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, limited_receive, watched_send)
        except BodyTooLarge:
            if started:
                raise
            await error_response(413, "payload_too_large", _message(limit))(scope, receive, send)
