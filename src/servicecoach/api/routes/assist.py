"""``POST /v1/assist``: the conversation so far and a draft in, suggestions out."""

from __future__ import annotations

from fastapi import APIRouter, Depends
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse

from servicecoach.api.auth import require_principal
from servicecoach.api.body import JsonObject
from servicecoach.api.errors import ERROR_RESPONSES, ApiError
from servicecoach.api.openapi import documented_body
from servicecoach.api.schemas import AssistRequest, DraftCheckOut
from servicecoach.api.state import State
from servicecoach.model.native import conversation_from_dict

__all__ = ["router"]

router = APIRouter(tags=["live assist"], dependencies=[Depends(require_principal)])


@router.post(
    "/v1/assist",
    summary="Check a draft reply before it is sent",
    response_class=JSONResponse,
    responses={
        200: {"model": DraftCheckOut, "description": "What to change, and what is good."},
        **ERROR_RESPONSES,
    },
    openapi_extra=documented_body(AssistRequest, "The conversation so far and the draft."),
)
async def assist(body: JsonObject, state: State) -> JSONResponse:
    """Suggestions for an agent's draft, with spans in the draft and ready rewrites.

    The body is `{"conversation": <native conversation so far>, "draft": "..."}`; the
    answer is FORMAT.md's "Draft suggestions" shape, the same as
    `servicecoach check --json`.
    """
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
    conversation = conversation_from_dict(raw)
    check = await run_in_threadpool(state.checker.check, conversation, draft)
    return JSONResponse(check.to_dict())
