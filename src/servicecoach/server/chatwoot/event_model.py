"""The typed model of a Chatwoot webhook body: wrong types are refused before use.

Chatwoot sends ``message_created`` events with the new message at the top level and its
``conversation`` and ``account`` beside it; the 2020 shape also has the ``contact`` and
the ``inbox`` there, ``conversation.display_id`` and ``created_at`` as
``"2020-03-03 13:05:57 UTC"``. The fields the hook reads are typed here;
anything else is kept as sent (Chatwoot adds fields between versions). A field of the
wrong type - ``message_type: {}``, ``conversation.meta`` that is not an object - is a
422 ``invalid_input`` naming the field (``conversation.meta: must be an object``),
never a failure further on. Values are checked, not converted: ``"private": "yes"`` is
refused rather than read as true.

:class:`ChatwootEventIn` is also the body's schema in the OpenAPI document, so what is
documented is what is checked.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, JsonValue, ValidationError
from pydantic_core import PydanticCustomError

from servicecoach.server.errors import invalid_body

__all__ = [
    "ChatwootEventIn",
    "EventAccount",
    "EventConversation",
    "EventConversationMeta",
    "check_event_body",
]

_EVENT_FIX = "send the event as Chatwoot sends it; see docs/api.md"


def _accepts(kinds: tuple[type, ...], expected: str) -> Callable[[object], object]:
    """A check that lets ``None`` and values of ``kinds`` (never a bool) through."""

    def check(value: object) -> object:
        if value is None or (isinstance(value, kinds) and not isinstance(value, bool)):
            return value
        raise PydanticCustomError("chatwoot_type", f"must be {expected}")

    return check


def _flag(value: object) -> object:
    if value is None or isinstance(value, bool):
        return value
    raise PydanticCustomError("chatwoot_type", "must be true or false")


_Id = Annotated[int | str | None, BeforeValidator(_accepts((int, str), "a number or a string"))]
_Text = Annotated[str | None, BeforeValidator(_accepts((str,), "a string"))]
_Kind = Annotated[
    int | str | None,
    BeforeValidator(
        _accepts((int, str), "incoming, outgoing, activity or template (or Chatwoot's 0-3)")
    ),
]
_Time = Annotated[
    int | float | str | None,
    BeforeValidator(_accepts((int, float, str), "a Unix time or an ISO 8601 string")),
]
_Flag = Annotated[bool | None, BeforeValidator(_flag)]
_Object = Annotated[dict[str, Any] | None, BeforeValidator(_accepts((dict,), "an object"))]
_List = Annotated[list[Any] | None, BeforeValidator(_accepts((list,), "a list"))]
_object = _accepts((dict,), "an object")


class _Part(BaseModel):
    """A part of an event: the fields the hook reads are typed, the rest kept as sent."""

    model_config = ConfigDict(extra="allow")


class EventConversationMeta(_Part):
    """``conversation.meta``: the contact (``sender``), the assignee, the channel."""

    sender: _Object = None
    contact: _Object = None
    assignee: _Object = None
    channel: _Text = None


class EventConversation(_Part):
    """``conversation``: its display id, inbox, channel, status and latest messages."""

    id: _Id = Field(default=None, description="The display id (the id in Chatwoot's URLs).")
    display_id: _Id = Field(default=None, description="The display id (2020 shape).")
    inbox_id: _Id = None
    channel: _Text = Field(default=None, description="e.g. Channel::WebWidget.")
    status: _Text = None
    labels: _List = None
    meta: Annotated[EventConversationMeta | None, BeforeValidator(_object)] = Field(
        default=None, description="sender (the contact), assignee."
    )
    messages: _List = Field(default=None, description="The latest messages (API shape).")
    additional_attributes: _Object = None


class EventAccount(_Part):
    """``account``: the Chatwoot account the event comes from."""

    id: _Id = None
    name: _Text = None


_EXAMPLE: dict[str, JsonValue] = {
    "event": "message_created",
    "id": 4201,
    "content": "My parcel still hasn't arrived and nobody answers my emails.",
    "created_at": "2026-11-20T14:02:11.000Z",
    "message_type": "incoming",
    "content_type": "text",
    "private": False,
    "sender": {"id": 77, "name": "Dana Reyes", "type": "contact"},
    "inbox": {"id": 3, "name": "Website chat"},
    "conversation": {
        "id": 312,
        "inbox_id": 3,
        "channel": "Channel::WebWidget",
        "status": "open",
        "meta": {"sender": {"id": 77, "name": "Dana Reyes"}},
    },
    "account": {"id": 1, "name": "Northwind"},
}
_EXAMPLE_2020: dict[str, JsonValue] = {
    "event": "message_created",
    "id": "1",
    "content": "Hi, my order never came.",
    "created_at": "2020-03-03 13:05:57 UTC",
    "message_type": "incoming",
    "contact": {"id": "5", "name": "Omar H"},
    "conversation": {"display_id": "9"},
    "account": {"id": "1", "name": "Northwind"},
}


class ChatwootEventIn(_Part):
    """A Chatwoot webhook event (``message_created``); only the fields the hook reads.

    Both shapes Chatwoot has sent are accepted: the current one, and the 2020 one with
    ``contact`` beside the message, ``conversation.display_id`` and ``created_at`` as
    ``"2020-03-03 13:05:57 UTC"``.
    """

    model_config = ConfigDict(
        extra="allow", json_schema_extra={"examples": [_EXAMPLE, _EXAMPLE_2020]}
    )

    event: Annotated[str, BeforeValidator(_accepts((str,), "a string"))] = Field(
        description="The event name; only message_created is scored."
    )
    id: _Id = Field(default=None, description="The new message's id.")
    content: _Text = None
    content_type: _Text = None
    message_type: _Kind = Field(
        default=None, description="incoming, outgoing, activity or template (or 0-3)."
    )
    private: _Flag = Field(default=None, description="True for a private note (ignored).")
    created_at: _Time = Field(
        default=None,
        description="ISO 8601, Unix seconds, or 2020-03-03 13:05:57 UTC (2020 shape).",
    )
    sender: _Object = Field(
        default=None, description="Who wrote it: the contact or the agent (2020: the agent)."
    )
    contact: _Object = Field(default=None, description="The contact (2020 shape).")
    inbox: _Object = None
    conversation: Annotated[EventConversation | None, BeforeValidator(_object)] = Field(
        default=None, description="The conversation: id (display id), channel, meta.sender, ..."
    )
    account: Annotated[EventAccount | None, BeforeValidator(_object)] = Field(
        default=None, description="The account: id, name."
    )


def check_event_body(payload: Mapping[str, Any]) -> ChatwootEventIn:
    """``payload`` checked against :class:`ChatwootEventIn`.

    Raises:
        ApiError: 422, a field has the wrong type; the message names the first one and
            ``details`` every one.
    """
    try:
        return ChatwootEventIn.model_validate(payload)
    except ValidationError as exc:
        raise invalid_body(exc, fix=_EVENT_FIX) from None
