"""Every error the service answers, in one JSON shape: ``{"error": {"code", "message"}}``.

The exception handlers installed by :func:`install_error_handlers` turn

- :mod:`servicecoach.errors` exceptions into 4xx answers (``InputError`` 422,
  ``ConfigError`` 400, ``NotFoundError`` 404, ``StoreError`` 503), with the fix in the
  message;
- :class:`ApiError` (raised by the service itself: 401, 403, 413, 415, ...) into its
  status and code;
- Starlette's HTTP errors (unknown path, wrong method) and FastAPI's request validation
  errors into the same shape; a body that is not JSON is a 400 ``invalid_json`` with
  the line and column;
- anything else into a 500 ``internal_error`` that is logged with its traceback and
  tells the client nothing internal.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import ValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException

from servicecoach.errors import (
    ConfigError,
    InputError,
    InvalidRecordError,
    NotFoundError,
    ServiceCoachError,
    StoreError,
)
from servicecoach.server.schemas import ErrorResponse

__all__ = [
    "ERROR_RESPONSES",
    "ApiError",
    "error_response",
    "install_error_handlers",
    "invalid_body",
    "line_and_column",
]

log = logging.getLogger("servicecoach.server")

_STATUS_CODES: Mapping[int, str] = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    413: "payload_too_large",
    415: "unsupported_media_type",
    422: "invalid_input",
    429: "too_many_requests",
    500: "internal_error",
    502: "bad_gateway",
    503: "unavailable",
}


class ApiError(Exception):
    """An answer other than success, raised anywhere in a request.

    Args:
        status: the HTTP status.
        message: what is wrong and how to fix it, in plain words.
        code: a stable machine-readable code (default: from the status).
        headers: extra response headers (``WWW-Authenticate``).
        details: more precise problems, e.g. ``[{"location": ..., "message": ...}]``.
    """

    def __init__(
        self,
        status: int,
        message: str,
        *,
        code: str | None = None,
        headers: Mapping[str, str] | None = None,
        details: list[dict[str, Any]] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.code = code or _STATUS_CODES.get(status, "error")
        self.headers = dict(headers or {})
        self.details = details


def error_response(
    status: int,
    code: str,
    message: str,
    *,
    headers: Mapping[str, str] | None = None,
    details: list[dict[str, Any]] | None = None,
) -> JSONResponse:
    """The JSON answer for an error."""
    error: dict[str, Any] = {"code": code, "message": message}
    if details:
        error["details"] = details
    return JSONResponse({"error": error}, status_code=status, headers=dict(headers or {}))


def line_and_column(document: str | bytes, position: int) -> tuple[int, int]:
    """The 1-based line and column of character ``position`` in ``document``."""
    text = document.decode("utf-8", "replace") if isinstance(document, bytes) else document
    before = text[:position]
    line = before.count("\n") + 1
    column = position - (before.rfind("\n") + 1) + 1
    return line, column


def _location(loc: tuple[Any, ...] | list[Any]) -> str:
    return ".".join(str(part) for part in loc)


def invalid_body(exc: ValidationError, *, fix: str = "") -> ApiError:
    """The 422 ``invalid_input`` answer for a body a route checked against a model itself.

    Shaped like FastAPI's request validation answers: the message names the first bad
    field (``conversation.meta: must be an object``), ``details`` lists every one. The
    values sent are never repeated.

    Args:
        exc: the model's validation error.
        fix: how to fix the body, appended to the message.
    """
    details = [
        {"location": _location(error["loc"]) or "body", "message": error["msg"]}
        for error in exc.errors(include_url=False, include_input=False)
    ]
    first = details[0] if details else {"location": "body", "message": "invalid"}
    message = f"{first['location']}: {first['message']}"
    return ApiError(422, f"{message} ({fix})" if fix else message, details=details)


async def _api_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, ApiError)
    return error_response(
        exc.status, exc.code, exc.message, headers=exc.headers, details=exc.details
    )


async def _servicecoach_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, ServiceCoachError)
    if isinstance(exc, InvalidRecordError):
        message = f"{exc.message} ({exc.fix})" if exc.fix else exc.message
        return error_response(422, "invalid_input", message)
    if isinstance(exc, InputError):
        return error_response(422, "invalid_input", str(exc))
    if isinstance(exc, NotFoundError):
        return error_response(404, "not_found", str(exc))
    if isinstance(exc, ConfigError):
        return error_response(400, "bad_request", str(exc))
    if isinstance(exc, StoreError):
        log.error("store error: %s", exc)
        return error_response(503, "store_unavailable", "the database is unavailable; try again")
    return error_response(400, "bad_request", str(exc))


async def _http_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    code = _STATUS_CODES.get(exc.status_code, "error")
    message = str(exc.detail)
    if exc.status_code == 404 and message == "Not Found":
        message = "no such endpoint (the API is described at /openapi.json)"
    elif exc.status_code == 405:
        allowed = (exc.headers or {}).get("Allow") or (exc.headers or {}).get("allow")
        message = f"{request.method} is not allowed on {request.url.path}"
        if allowed:
            message += f" (use {allowed})"
    return error_response(exc.status_code, code, message, headers=exc.headers)


async def _validation_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    errors = list(exc.errors())
    for error in errors:
        if error.get("type") == "json_invalid":
            position = int(error["loc"][-1]) if str(error["loc"][-1]).isdigit() else 0
            body = exc.body if isinstance(exc.body, str | bytes) else ""
            line, column = line_and_column(body, position)
            reason = error.get("ctx", {}).get("error", "invalid JSON")
            return error_response(
                400,
                "invalid_json",
                f"the body is not valid JSON: {reason} at line {line}, column {column}",
            )
    details = [{"location": _location(e["loc"]), "message": e["msg"]} for e in errors]
    first = details[0] if details else {"location": "request", "message": "invalid"}
    return error_response(
        422,
        "invalid_input",
        f"{first['location']}: {first['message']}",
        details=details,
    )


async def _unexpected(_request: Request, exc: Exception) -> JSONResponse:
    log.exception("internal error while answering a request", exc_info=exc)
    return error_response(
        500, "internal_error", "internal error: this is a bug in servicecoach; see the server log"
    )


def install_error_handlers(app: FastAPI) -> None:
    """Answer every error of ``app`` in the one JSON shape."""
    app.add_exception_handler(ApiError, _api_error)
    app.add_exception_handler(ServiceCoachError, _servicecoach_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(Exception, _unexpected)


def _documented(description: str) -> dict[str, Any]:
    return {"model": ErrorResponse, "description": description}


ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    400: _documented("The body is not valid JSON (the message gives line and column)."),
    401: _documented("No API token, or an unknown or revoked one."),
    413: _documented("The body is larger than the service accepts."),
    415: _documented("The body is not application/json."),
    422: _documented("The JSON is not a valid request; the message names the problem."),
}
"""The error answers every ``/v1`` JSON route can give, for the OpenAPI document."""
