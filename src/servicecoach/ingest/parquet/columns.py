"""The conversation table: one row per conversation, and the exact row <-> dict mapping.

Columns an analyst queries are typed (``channel``, ``public``, ``started_at`` as a UTC
timestamp, ``customer`` as a struct, ``messages`` as a list of structs with ``role`` and
``text``); what has no fixed shape (``meta``, each message's ``meta``) is JSON text, and
message times stay ISO 8601 strings, so that a zone written as ``+02:00`` comes back as
``+02:00``. That is what makes ``export --format parquet`` then ``import`` give the same
native lines as ``export --format jsonl``. ``started_at`` and the ``date`` partition are
derived from the messages and ignored on reading.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Mapping
from datetime import UTC, date, datetime
from decimal import Decimal
from types import ModuleType
from typing import Any

from servicecoach.errors import InvalidRecordError
from servicecoach.model.conversation import Conversation
from servicecoach.model.native import FORMAT_VERSION, conversation_to_dict

__all__ = [
    "DERIVED",
    "FORMAT_KEY",
    "REQUIRED",
    "conversation_row",
    "conversation_schema",
    "native_dict",
]

FORMAT_KEY = b"servicecoach.format"
"""Key of the file metadata that marks a conversation table written by servicecoach."""
REQUIRED = ("id", "messages")
"""Columns a Parquet file must have to be read as conversations."""
DERIVED = frozenset({"started_at", "date"})
"""Columns computed from the messages on writing and ignored on reading."""
_KNOWN = frozenset({"id", "source", "channel", "public", "customer", "messages", "meta", "format"})
_CUSTOMER = ("id", "name", "email", "phone")
_MESSAGE_STRINGS = ("id", "role", "author", "at", "end")


def conversation_schema(pa: ModuleType, *, partitioned: bool = False) -> Any:
    """The Arrow schema of the conversation table (with the ``date`` column to partition by)."""
    text = pa.string()
    customer = pa.struct([*((key, text) for key in _CUSTOMER), ("handles", pa.map_(text, text))])
    message = pa.struct(
        [
            *((key, text) for key in _MESSAGE_STRINGS),
            ("start_s", pa.float64()),
            ("end_s", pa.float64()),
            ("text", text),
            ("internal", pa.bool_()),
            ("meta", text),
        ]
    )
    fields = [
        ("id", text),
        ("source", text),
        ("channel", text),
        ("public", pa.bool_()),
        ("started_at", pa.timestamp("us", tz="UTC")),
        ("customer", customer),
        ("messages", pa.list_(message)),
        ("meta", text),
    ]
    if partitioned:
        fields.append(("date", pa.date32()))
    return pa.schema(fields, metadata={FORMAT_KEY: str(FORMAT_VERSION).encode()})


def conversation_row(conversation: Conversation) -> dict[str, Any]:
    """One table row (a dict for ``RecordBatch.from_pylist``), ``date`` included."""
    native = conversation_to_dict(conversation)
    started = conversation.started_at
    messages = []
    for message in native["messages"]:
        row = dict(message)
        meta = row.pop("meta", None)
        row["meta"] = _dumps(meta) if meta else None
        messages.append(row)
    return {
        "id": conversation.id,
        "source": conversation.source,
        "channel": conversation.channel.value,
        "public": conversation.public,
        "started_at": started,
        "customer": native["customer"] or None,
        "messages": messages,
        "meta": _dumps(conversation.meta) if conversation.meta else None,
        "date": started.astimezone(UTC).date() if started is not None else None,
    }


def native_dict(row: Mapping[str, Any]) -> dict[str, Any]:
    """The native-format dict of a row read back (``conversation_from_dict`` checks it).

    Raises:
        InvalidRecordError: a JSON column does not hold JSON, or a column has the wrong shape.
    """
    out: dict[str, Any] = {"format": row.get("format", FORMAT_VERSION), "id": row.get("id")}
    for key in ("channel", "public", "source"):
        if row.get(key) is not None:
            out[key] = row[key]
    customer = row.get("customer")
    if customer is not None:
        if not isinstance(customer, Mapping):
            raise InvalidRecordError("'customer' must be a struct", "see docs/formats.md")
        out["customer"] = _customer(customer)
    messages = row.get("messages")
    if messages is not None and not isinstance(messages, list):
        raise InvalidRecordError("'messages' must be a list of structs", "see docs/formats.md")
    out["messages"] = [_message(m, i) for i, m in enumerate(messages or [], start=1)]
    out["meta"] = _loads(row.get("meta"), "'meta'") or {}
    for key, value in row.items():
        if key not in _KNOWN and key not in DERIVED:
            out[key] = _jsonable(value)  # kept in meta, as FORMAT.md asks of extra keys
    return out


def _customer(customer: Mapping[str, Any]) -> dict[str, Any]:
    out = {key: customer[key] for key in _CUSTOMER if customer.get(key) is not None}
    handles = customer.get("handles")
    if handles:  # a map column reads back as a list of (key, value) pairs
        out["handles"] = dict(handles) if isinstance(handles, list) else handles
    return out


def _message(message: Any, index: int) -> dict[str, Any]:
    if not isinstance(message, Mapping):
        raise InvalidRecordError(f"message {index} must be a struct", "see docs/formats.md")
    out = {key: value for key, value in message.items() if value is not None and key != "meta"}
    if out.get("internal") is False:
        del out["internal"]
    meta = _loads(message.get("meta"), f"message {index} 'meta'")
    if meta:
        out["meta"] = meta
    return out


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _loads(value: Any, field: str) -> Any:
    if value is None or isinstance(value, Mapping):
        return value
    if not isinstance(value, str):
        raise InvalidRecordError(f"{field} must be JSON text, not {type(value).__name__}")
    try:
        return json.loads(value)
    except ValueError as exc:
        raise InvalidRecordError(
            f"{field} is not valid JSON ({exc})", "write the object as JSON text"
        ) from None


def _jsonable(value: Any) -> Any:
    """A value of a column servicecoach did not write, as something JSON can hold."""
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, bytes):
        return base64.b64encode(value).decode("ascii")
    if isinstance(value, Mapping):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    return value
