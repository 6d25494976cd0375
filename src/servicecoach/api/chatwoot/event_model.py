"""The typed model of a Chatwoot webhook body: wrong types are refused before use.

Chatwoot sends ``message_created`` events with the new message at the top level and its
``conversation`` and ``account`` beside it. The fields the hook reads are typed here;
anything else is kept as sent (Chatwoot adds fields between versions). A field of the
wrong type - ``message_type: {}``, ``conversation.meta`` that is not an object - is a
422 ``invalid_input`` naming the field (``conversation.meta: must be an object``),
never a failure further on. Values are checked, not converted: ``"private": "yes"`` is
refused rather than read as true.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, ValidationError
from pydantic_core import PydanticCustomError

from servicecoach.api.errors import invalid_body

__all__ = [
    "EventAccount",
    "EventBody",
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

    id: _Id = None
    display_id: _Id = None
    inbox_id: _Id = None
    channel: _Text = None
    status: _Text = None
    labels: _List = None
    meta: Annotated[EventConversationMeta | None, BeforeValidator(_object)] = None
    messages: _List = None


class EventAccount(_Part):
    """``account``: the Chatwoot account the event comes from."""

    id: _Id = None
    name: _Text = None


class EventBody(_Part):
    """A Chatwoot webhook body: the event name, the new message, its conversation."""

    event: _Text = None
    id: _Id = None
    content: _Text = None
    content_type: _Text = None
    message_type: _Kind = None
    private: _Flag = None
    created_at: _Time = None
    sender: _Object = None
    conversation: Annotated[EventConversation | None, BeforeValidator(_object)] = None
    account: Annotated[EventAccount | None, BeforeValidator(_object)] = None


def check_event_body(payload: Mapping[str, Any]) -> EventBody:
    """``payload`` checked against :class:`EventBody`.

    Raises:
        ApiError: 422, a field has the wrong type; the message names the first one and
            ``details`` every one.
    """
    try:
        return EventBody.model_validate(payload)
    except ValidationError as exc:
        raise invalid_body(exc, fix=_EVENT_FIX) from None
