"""Chatwoot webhook events as conversation documents, for the importer and the hook.

Chatwoot has sent two shapes of ``message_created`` (and ``message_updated``) events:

- **since 2021**: the message at the top level with ``sender`` (the contact or the
  agent, with its ``type``), ``created_at`` in ISO 8601 and ``conversation`` holding
  its display ``id``, ``channel``, ``inbox_id``, ``status``, ``meta.sender`` (the
  contact), ``meta.assignee`` and ``messages``;
- **2020** (the shape of Chatwoot's webhook documentation then): ``created_at`` as
  Rails writes it, ``"2020-03-03 13:05:57 UTC"``, ids as strings, ``sender`` the agent
  user, the contact beside it as ``contact``, ``inbox`` as ``{"id", "name"}`` and a
  ``conversation`` with only ``display_id`` and ``additional_attributes``.

Both become one conversation document of the API's shape: the contact of the 2020
shape is the conversation's contact (``meta.sender``), and it is the author of an
incoming message (its ``sender`` is an agent user, or nothing). ``conversation_*``
events carry the conversation itself at the top level and are read as one.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from servicecoach.ingest.jsonvalues import obj

__all__ = ["event_document", "event_message", "is_event", "is_message_event"]

_INCOMING = {"incoming", 0}
_LEFT_OUT = ("conversation", "account", "event", "contact", "inbox")


def is_event(data: object) -> bool:
    """True for a webhook body: a JSON object with an ``event`` name."""
    return isinstance(data, dict) and isinstance(data.get("event"), str) and bool(data["event"])


def is_message_event(event: Mapping[str, Any]) -> bool:
    """True for ``message_created`` / ``message_updated``: the message is at the top level."""
    return str(event.get("event", "")).startswith("message_")


def event_message(event: Mapping[str, Any], conversation_id: object) -> dict[str, Any]:
    """The new message of a message event, in the API's message shape.

    Args:
        event: the webhook body.
        conversation_id: the conversation's display id (set as ``conversation_id``).
    """
    message = {k: v for k, v in event.items() if k not in _LEFT_OUT}
    message.setdefault("conversation_id", conversation_id)
    contact = event.get("contact")
    kind = event.get("message_type")
    incoming = isinstance(kind, str | int) and kind in _INCOMING  # {} or [] is no type
    if isinstance(contact, dict) and contact and incoming:
        message["sender"] = {**contact, "type": "contact"}  # 2020: sender is the agent user
    return message


def event_document(
    event: Mapping[str, Any], messages: Sequence[object] | None = None
) -> dict[str, Any]:
    """One conversation document (the shape of one API conversation) for an event.

    Args:
        event: the webhook body.
        messages: the conversation's other messages (e.g. read from the API), put after
            the event's message so that their copies win; ``None`` uses the messages
            the event carries (``conversation.messages``), before the event's message.

    A ``conversation_*`` event is its own conversation document; ``messages`` are
    added to its own.
    """
    if not is_message_event(event):
        document = {k: v for k, v in event.items() if k != "event"}
        if messages:
            own = document.get("messages")
            document["messages"] = [*(own if isinstance(own, list) else []), *messages]
        return document
    conversation = obj(event.get("conversation"))
    number = conversation.get("display_id", conversation.get("id"))
    meta = dict(obj(conversation.get("meta")))
    contact = event.get("contact")
    if isinstance(contact, dict) and contact and not (meta.get("sender") or meta.get("contact")):
        meta["sender"] = contact
    carried = conversation.get("messages")
    before = (carried if isinstance(carried, list) else []) if messages is None else []
    document = {
        "id": number,
        "inbox_id": conversation.get("inbox_id", obj(event.get("inbox")).get("id")),
        "account_id": obj(event.get("account")).get("id"),
        "status": conversation.get("status"),
        "channel": conversation.get("channel"),
        "labels": conversation.get("labels"),
        "created_at": conversation.get("created_at"),
        "meta": meta,
        "messages": [*before, event_message(event, number), *(messages or [])],
    }
    return {k: v for k, v in document.items() if v is not None}
