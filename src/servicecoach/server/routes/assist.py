"""``POST /v1/assist``: the conversation so far and a draft in, suggestions out."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse

from servicecoach.assist import DraftCheck, DraftLimits, DraftTooLarge
from servicecoach.assist.limits import replace_surrogates
from servicecoach.model.native import conversation_from_dict
from servicecoach.server.auth import require_principal
from servicecoach.server.body import JsonObject
from servicecoach.server.errors import ERROR_RESPONSES, ApiError
from servicecoach.server.openapi import documented_body
from servicecoach.server.schemas import AssistRequest, DraftCheckOut
from servicecoach.server.state import ServiceState, State

__all__ = ["router"]

router = APIRouter(tags=["live assist"], dependencies=[Depends(require_principal)])


@router.post(
    "/v1/assist",
    summary="Check a draft reply before it is sent",
    response_class=JSONResponse,
    responses={
        200: {"model": DraftCheckOut, "description": "What to change, and what is good."},
        **ERROR_RESPONSES,
        413: {
            **ERROR_RESPONSES[413],
            "description": "The body is larger than the service accepts, or the draft or "
            "the conversation is over the live-assist caps (the message names which).",
        },
    },
    openapi_extra=documented_body(AssistRequest, "The conversation so far and the draft."),
)
async def assist(body: JsonObject, state: State) -> JSONResponse:
    """Suggestions for an agent's draft, with spans in the draft and ready rewrites.

    The body is `{"conversation": <native conversation so far>, "draft": "..."}`; the
    answer is FORMAT.md's "Draft suggestions" shape, the same as
    `servicecoach check --json`. A draft over 20,000 characters, or a conversation over
    200 messages or 50,000 characters (the service's settings), is answered `413`.
    """
    # The checking is CPU work: on a worker thread, the event loop keeps serving (and
    # stops promptly on SIGTERM).
    check = await run_in_threadpool(_check, body, state)
    return JSONResponse(check.to_dict())


def _check(body: dict[str, Any], state: ServiceState) -> DraftCheck:
    """Read the request and check its draft.

    Raises:
        ApiError: 422 for a malformed request, 413 for one over the caps.
    """
    _replace_surrogates_in(body)
    unknown = sorted(set(body) - {"conversation", "draft"})
    if unknown:
        raise ApiError(
            422, f"unknown key(s) {', '.join(map(repr, unknown))}: send conversation and draft"
        )
    draft = body.get("draft")
    if not isinstance(draft, str):
        raise ApiError(422, "'draft' must be the text of the reply (a string)")
    raw = body.get("conversation")
    if not isinstance(raw, dict):
        raise ApiError(
            422, "'conversation' must be the conversation so far, a native-format JSON object"
        )
    settings = state.settings
    limits = DraftLimits(
        settings.assist_max_draft_chars,
        settings.assist_max_messages,
        settings.assist_max_context_chars,
    )
    conversation = conversation_from_dict(raw)
    try:
        return state.checker.check(conversation, draft, limits=limits)
    except DraftTooLarge as exc:
        raise ApiError(
            413,
            str(exc),
            details=[{"location": exc.where, "size": exc.size, "limit": exc.limit}],
        ) from None


def _replace_surrogates_in(document: dict[str, Any]) -> None:
    """Every lone surrogate in the decoded JSON's strings and keys as U+FFFD, in place.

    ``"\\ud800"`` is valid JSON but cannot be written back as UTF-8: an answer (or an
    error message) quoting it could not be sent. A loop, not recursion: the document may
    be nested as deeply as the JSON decoder allows.
    """
    stack: list[Any] = [document]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            for key, value in list(item.items()):
                clean = replace_surrogates(key)
                if clean != key:
                    del item[key]
                if isinstance(value, str):
                    item[clean] = replace_surrogates(value)
                else:
                    item[clean] = value
                    stack.append(value)
        elif isinstance(item, list):
            for index, value in enumerate(item):
                if isinstance(value, str):
                    item[index] = replace_surrogates(value)
                else:
                    stack.append(value)
