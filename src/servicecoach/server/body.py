"""Reading a JSON request body: the content type, the parse, and errors that say where.

Routes that take a FORMAT.md document read it through :data:`JsonObject` instead of a
pydantic body parameter, so that the document is decoded by the same code as files
(:mod:`servicecoach.model.native`) and every mistake gets the same message it gets on
the command line. The size limit is enforced earlier, by
:class:`~servicecoach.server.limits.BodyLimitMiddleware`.
"""

from __future__ import annotations

import email.message
import json
from typing import Annotated, Any

from fastapi import Depends, Request

from servicecoach.server.errors import ApiError

__all__ = ["JsonObject", "is_json_media_type", "json_object"]


def is_json_media_type(content_type: str | None) -> bool:
    """True for ``application/json`` and ``application/*+json`` (parameters allowed)."""
    if not content_type:
        return False
    message = email.message.Message()
    message["content-type"] = content_type
    if message.get_content_maintype() != "application":
        return False
    subtype = message.get_content_subtype()
    return subtype == "json" or subtype.endswith("+json")


def _parse(body: bytes) -> Any:
    try:
        return json.loads(body)
    except UnicodeDecodeError:
        raise ApiError(
            400, "the body is not UTF-8 text: send JSON encoded as UTF-8", code="invalid_json"
        ) from None
    except json.JSONDecodeError as exc:
        raise ApiError(
            400,
            f"the body is not valid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}",
            code="invalid_json",
        ) from None
    except RecursionError:
        raise ApiError(400, "the body's JSON is nested too deeply", code="invalid_json") from None
    except ValueError as exc:  # an integer with thousands of digits
        raise ApiError(400, f"the body's JSON cannot be read: {exc}", code="invalid_json") from None


def _json_kind(value: object) -> str:
    if isinstance(value, list):
        return "an array"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, bool):
        return "true or false"
    if value is None:
        return "null"
    return "a number"


async def json_object(request: Request) -> dict[str, Any]:
    """The request body as a JSON object.

    Raises:
        ApiError: 415 when the body is not ``application/json``; 400 when it is not
            valid JSON (with line and column); 422 when it is not an object.
    """
    content_type = request.headers.get("content-type")
    if not is_json_media_type(content_type):
        sent = f"{content_type!r}" if content_type else "no content type"
        raise ApiError(
            415,
            f"the body must be JSON, sent with Content-Type: application/json (got {sent})",
        )
    body = await request.body()
    if not body.strip():
        raise ApiError(400, "the body is empty: send a JSON object", code="invalid_json")
    data = _parse(body)
    if not isinstance(data, dict):
        raise ApiError(422, f"the body must be a JSON object, not {_json_kind(data)}")
    return data


JsonObject = Annotated[dict[str, Any], Depends(json_object)]
"""A route parameter: the checked JSON object of the request body."""
