"""``POST /v1/analyze``: one conversation in, its FORMAT.md result out."""

from __future__ import annotations

from fastapi import APIRouter, Depends
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse

from servicecoach.model.native import conversation_from_dict
from servicecoach.server.auth import require_principal
from servicecoach.server.body import JsonObject
from servicecoach.server.errors import ERROR_RESPONSES
from servicecoach.server.openapi import documented_body
from servicecoach.server.schemas import AnalysisResult, ConversationIn
from servicecoach.server.state import State

__all__ = ["router"]

router = APIRouter(tags=["analysis"], dependencies=[Depends(require_principal)])


@router.post(
    "/v1/analyze",
    summary="Score one conversation",
    response_class=JSONResponse,
    responses={200: {"model": AnalysisResult, "description": "The result."}, **ERROR_RESPONSES},
    openapi_extra=documented_body(ConversationIn, "One conversation in the native format."),
)
async def analyze(body: JsonObject, state: State) -> JSONResponse:
    """Score every skill of one conversation, with the words behind each score.

    The body is one conversation in the native format (FORMAT.md, the shape of one line
    of `servicecoach export`); the answer is its result in the FORMAT.md result shape,
    the same as one line of `servicecoach analyze --out`. Nothing is stored.
    """
    conversation = conversation_from_dict(body)
    result = await run_in_threadpool(state.pipeline.analyze, conversation)
    return JSONResponse(result.to_dict())
