"""OpenAPI descriptions shared by the web app's ``/v1`` routes."""

from __future__ import annotations

from typing import Any

from servicecoach.server.schemas import ErrorResponse

__all__ = ["API_ERRORS", "json_object"]


def _error(description: str) -> dict[str, Any]:
    return {"model": ErrorResponse, "description": description}


API_ERRORS: dict[int | str, dict[str, Any]] = {
    400: _error("A bad filter or option (e.g. a period that ends before it starts)."),
    401: _error("No session and no API token, or an unknown or revoked token."),
    403: _error("The viewer's role may not do this, or a session request lacks its CSRF token."),
    404: _error("No such object in the viewer's scope, or nothing analysed yet."),
    422: _error("A query parameter or body field is invalid; the message names it."),
}
"""The error answers of every web app ``/v1`` route."""


def json_object(description: str) -> dict[str, Any]:
    """A documented 200 answer that is a JSON object."""
    return {
        "description": description,
        "content": {"application/json": {"schema": {"type": "object"}}},
    }
