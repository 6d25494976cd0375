"""The native conversation format (``../shared/FORMAT.md``): dicts in, dicts out, exactly.

``conversation_to_dict(conversation_from_dict(d))`` returns ``d`` for every dict this
module writes, and unknown top-level keys are kept in ``meta`` as the format requires.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any, TypeVar

from servicecoach.errors import InvalidRecordError
from servicecoach.model.conversation import Channel, Conversation, Customer, Message, Role
from servicecoach.model.text import shown
from servicecoach.model.timeparse import format_iso, parse_iso

__all__ = ["FORMAT_VERSION", "conversation_from_dict", "conversation_to_dict"]

FORMAT_VERSION = 1
_TOP_KEYS = {"format", "id", "channel", "public", "customer", "messages", "meta", "source"}
_MESSAGE_KEYS = {
    "id",
    "role",
    "author",
    "at",
    "end",
    "start_s",
    "end_s",
    "text",
    "internal",
    "meta",
}
_CUSTOMER_KEYS = ("id", "name", "email", "phone")
_CUSTOMER_ALL_KEYS = {*_CUSTOMER_KEYS, "handles"}
_DEFAULT_SOURCE = "jsonl"
_E = TypeVar("_E", Channel, Role)


def conversation_to_dict(conversation: Conversation) -> dict[str, Any]:
    """The native-format dict of a conversation (key order as in FORMAT.md)."""
    meta = dict(conversation.meta)
    if conversation.source != _DEFAULT_SOURCE:
        meta = {"source": conversation.source, **meta}
    return {
        "format": FORMAT_VERSION,
        "id": conversation.id,
        "channel": conversation.channel.value,
        "public": conversation.public,
        "customer": _customer_to_dict(conversation.customer),
        "messages": [_message_to_dict(m) for m in conversation.messages],
        "meta": meta,
    }


def _customer_to_dict(customer: Customer) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key in _CUSTOMER_KEYS:
        value = getattr(customer, key)
        if value is not None:
            out[key] = value
    if customer.handles:
        out["handles"] = dict(customer.handles)
    return out


def _message_to_dict(message: Message) -> dict[str, Any]:
    out: dict[str, Any] = {"id": message.id, "role": message.role.value}
    if message.author is not None:
        out["author"] = message.author
    if message.at is not None:
        out["at"] = format_iso(message.at)
    if message.end is not None:
        out["end"] = format_iso(message.end)
    if message.start_s is not None:
        out["start_s"] = message.start_s
    if message.end_s is not None:
        out["end_s"] = message.end_s
    out["text"] = message.text
    if message.internal:
        out["internal"] = True
    if message.meta:
        out["meta"] = dict(message.meta)
    return out


def conversation_from_dict(data: Mapping[str, Any]) -> Conversation:
    """Build a conversation from a native-format dict.

    Raises:
        InvalidRecordError: a required key is missing or a value has the wrong type;
            the message names the key and the expected value.
    """
    if not isinstance(data, Mapping):
        raise InvalidRecordError("a conversation must be a JSON object", "see FORMAT.md")
    version = data.get("format", FORMAT_VERSION)
    if version != FORMAT_VERSION:
        raise InvalidRecordError(
            f"unsupported format version {shown(version)}",
            f"this servicecoach reads format {FORMAT_VERSION}",
        )
    conv_id = _required_str(data, "id", "conversation")
    channel = _enum(Channel, data.get("channel", "other"), "channel")
    public = data.get("public", False)
    if not isinstance(public, bool):
        raise InvalidRecordError(f"'public' must be true or false, not {shown(public)}")
    raw_messages = data.get("messages")
    if not isinstance(raw_messages, list):
        raise InvalidRecordError(
            "'messages' must be a list", 'use "messages": [] for an empty thread'
        )
    messages = tuple(_message_from_dict(m, i) for i, m in enumerate(raw_messages, start=1))
    seen: set[str] = set()
    for message in messages:
        if message.id in seen:
            raise InvalidRecordError(
                f"message id {shown(message.id)} appears twice",
                "message ids must be unique in a conversation",
            )
        seen.add(message.id)
    meta = data.get("meta", {})
    if not isinstance(meta, Mapping):
        raise InvalidRecordError("'meta' must be an object")
    meta = dict(meta)
    extra = {k: v for k, v in data.items() if k not in _TOP_KEYS}
    meta.update(extra)
    source = meta.pop("source", data.get("source", _DEFAULT_SOURCE))
    if not isinstance(source, str) or not source:
        raise InvalidRecordError(f"'source' must be a non-empty string, not {shown(source)}")
    customer_data = data.get("customer") or {}
    if isinstance(customer_data, Mapping):
        extra_customer = {k: v for k, v in customer_data.items() if k not in _CUSTOMER_ALL_KEYS}
        if extra_customer:
            kept = meta.get("customer_extra")
            kept = dict(kept) if isinstance(kept, Mapping) else {}
            meta["customer_extra"] = {**kept, **extra_customer}
    return Conversation(
        id=conv_id,
        channel=channel,
        public=public,
        customer=_customer_from_dict(customer_data),
        messages=messages,
        source=source,
        meta=meta,
    )


def _customer_from_dict(data: Any) -> Customer:
    if not isinstance(data, Mapping):
        raise InvalidRecordError("'customer' must be an object")
    values: dict[str, str | None] = {}
    for key in _CUSTOMER_KEYS:
        value = data.get(key)
        if value is not None and not isinstance(value, str | int):
            raise InvalidRecordError(f"customer {key!r} must be a string, not {shown(value)}")
        values[key] = None if value is None else str(value)
    handles = data.get("handles") or {}
    if not isinstance(handles, Mapping) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in handles.items()
    ):
        raise InvalidRecordError(
            "customer 'handles' must map networks to handles", '{"twitter": "danar"}'
        )
    return Customer(handles=dict(handles), **values)


def _message_from_dict(data: Any, index: int) -> Message:
    where = f"message {index}"
    if not isinstance(data, Mapping):
        raise InvalidRecordError(f"{where} must be an object")
    msg_id = data.get("id")
    if isinstance(msg_id, int) and not isinstance(msg_id, bool):
        msg_id = str(msg_id)
    if not isinstance(msg_id, str) or not msg_id:
        raise InvalidRecordError(
            f"{where} has no 'id'", "give every message an id unique in its conversation"
        )
    where = f"message {shown(msg_id)}"
    role = _enum(Role, data.get("role"), f"{where} role")
    text = data.get("text", "")
    if not isinstance(text, str):
        raise InvalidRecordError(f"{where}: 'text' must be a string")
    author = data.get("author")
    if isinstance(author, int | float) and not isinstance(author, bool):
        author = str(author)
    if author is not None and not isinstance(author, str):
        raise InvalidRecordError(f"{where}: 'author' must be a string, not {shown(author)}")
    at = _time(data.get("at"), f"{where} 'at'")
    end = _time(data.get("end"), f"{where} 'end'")
    start_s = _seconds(data.get("start_s"), f"{where} 'start_s'")
    end_s = _seconds(data.get("end_s"), f"{where} 'end_s'")
    internal = data.get("internal", False)
    if not isinstance(internal, bool):
        raise InvalidRecordError(f"{where}: 'internal' must be true or false")
    meta = data.get("meta") or {}
    if not isinstance(meta, Mapping):
        raise InvalidRecordError(f"{where}: 'meta' must be an object, not {shown(meta)}")
    meta = {**meta, **{k: v for k, v in data.items() if k not in _MESSAGE_KEYS}}
    return Message(
        id=msg_id, role=role, text=text, author=author, at=at, end=end,
        start_s=start_s, end_s=end_s, internal=internal, meta=meta,
    )  # fmt: skip


def _required_str(data: Mapping[str, Any], key: str, what: str) -> str:
    value = data.get(key)
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    if not isinstance(value, str) or not value:
        raise InvalidRecordError(
            f"{what} has no {key!r}", f"every {what} needs a non-empty {key!r}"
        )
    return value


def _enum(kind: type[_E], value: Any, field: str) -> _E:
    try:
        return kind(value)
    except ValueError:
        allowed = " | ".join(member.value for member in kind)
        raise InvalidRecordError(
            f"{field} {shown(value)} is not known", f"use one of {allowed}"
        ) from None


def _time(value: Any, field: str) -> Any:
    if value is None:
        return None
    if not isinstance(value, str):
        raise InvalidRecordError(f"{field} must be a string", "e.g. 2024-05-01T10:00:00Z")
    return parse_iso(value, field=field)


def _seconds(value: Any, field: str) -> float | None:
    if value is None:
        return None
    try:  # an integer too large for a float raises OverflowError
        finite = isinstance(value, int | float) and math.isfinite(value)
    except OverflowError:
        finite = False
    if isinstance(value, bool) or not finite or value < 0:
        raise InvalidRecordError(
            f"{field} must be a non-negative number of seconds, not {shown(value)}",
            "write seconds from the start of the call, e.g. 12.5",
        )
    seconds: float = value  # an int or a float, kept as written
    return seconds
