"""``POST /v1/hooks/chatwoot``: Chatwoot's ``message_created`` webhook.

Chatwoot's webhooks carry no credentials of their own, so the hook is authenticated by
a shared secret (``SERVICECOACH_CHATWOOT_SECRET``) that Chatwoot sends in the webhook URL
(``?secret=...``); a proxy or another sender can send it in the ``X-Servicecoach-Secret``
header instead. The hook is off (503) until a secret is configured.
"""

from __future__ import annotations

import hmac
from typing import Annotated

from fastapi import APIRouter, Depends, Header, Query
from fastapi.responses import JSONResponse

from servicecoach.server.body import JsonObject
from servicecoach.server.chatwoot.event_model import ChatwootEventIn
from servicecoach.server.chatwoot.events import read_event
from servicecoach.server.chatwoot.hook import ChatwootHook
from servicecoach.server.errors import ERROR_RESPONSES, ApiError
from servicecoach.server.openapi import documented_body
from servicecoach.server.schemas import ErrorResponse, HookAnswer
from servicecoach.server.state import State

__all__ = ["SECRET_HEADER", "router"]

SECRET_HEADER = "X-Servicecoach-Secret"


def _hook(
    state: State,
    secret: Annotated[
        str | None,
        Query(description="The hook's shared secret (Chatwoot sends it in the webhook URL)."),
    ] = None,
    header_secret: Annotated[
        str | None,
        Header(alias=SECRET_HEADER, description="The shared secret, as a header instead."),
    ] = None,
) -> ChatwootHook:
    """The hook, once the request proved the shared secret."""
    expected = state.settings.chatwoot_secret
    if expected is None or state.chatwoot is None:
        raise ApiError(
            503,
            "the Chatwoot hook is off: start the service with SERVICECOACH_CHATWOOT_SECRET set "
            "(see docs/api.md)",
            code="hook_disabled",
        )
    given = header_secret or secret
    if given is None or not hmac.compare_digest(given.encode(), expected.encode()):
        raise ApiError(
            401,
            f"missing or wrong hook secret: add ?secret=... to the webhook URL "
            f"(or send {SECRET_HEADER})",
            headers={"WWW-Authenticate": 'Secret realm="servicecoach-chatwoot-hook"'},
        )
    return state.chatwoot


router = APIRouter(tags=["hooks"])


@router.post(
    "/v1/hooks/chatwoot",
    summary="Chatwoot webhook: score the conversation, post a private note",
    response_class=JSONResponse,
    responses={
        200: {"model": HookAnswer, "description": "What the hook did (scored or ignored)."},
        403: {"model": ErrorResponse, "description": "An event of another Chatwoot account."},
        503: {"model": ErrorResponse, "description": "The hook is off (no secret configured)."},
        **ERROR_RESPONSES,
        401: {"model": ErrorResponse, "description": "Missing or wrong hook secret."},
    },
    openapi_extra=documented_body(ChatwootEventIn, "A Chatwoot webhook event."),
)
async def chatwoot_hook(
    hook: Annotated[ChatwootHook, Depends(_hook)], body: JsonObject
) -> JSONResponse:
    """Receive a Chatwoot `message_created` event and score its conversation.

    Customer (incoming) and agent (outgoing) messages are scored; private notes,
    activity and template messages, other events and the hook's own notes are
    ignored, and so is a conversation left without any customer or agent message with
    text (the skipped messages are listed in `problems`). Both the current event shape
    and Chatwoot's 2020 one are read. With the Chatwoot API configured, the whole conversation is read from it
    and the summary is posted back as a private note. Chatwoot failures are logged and
    listed in `problems`; the answer is still 200.
    """
    event = read_event(body)
    expected = hook.settings.chatwoot_account
    if expected is not None and event.account is not None and event.account != expected:
        raise ApiError(
            403,
            f"events of Chatwoot account {event.account} are not accepted "
            f"(this service serves account {expected})",
        )
    return JSONResponse(await hook.handle(event))
