"""Chatwoot documents read into drafts: one per conversation id, across every file.

See :mod:`servicecoach.ingest.chatwoot` for the accepted shapes and the rules.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import suppress
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from servicecoach.errors import InvalidFileError, InvalidRecordError
from servicecoach.ingest.base import Item, Source
from servicecoach.ingest.chatwoot.webhook import event_document, is_event, is_message_event
from servicecoach.ingest.jsonload import load_json_document
from servicecoach.ingest.jsonvalues import ident, obj
from servicecoach.model.conversation import Role
from servicecoach.model.text import shown
from servicecoach.model.timeparse import format_iso, parse_epoch, parse_iso

__all__ = ["Draft", "RawMessage", "read_source"]

_MESSAGE_TYPES: Mapping[object, int] = {
    0: 0,
    1: 1,
    2: 2,
    3: 3,
    "incoming": 0,
    "outgoing": 1,
    "activity": 2,
    "template": 3,
}
_BOT_SENDERS = {"agent_bot", "agentbot", "captain_assistant", "captain::assistant"}
_SHAPES_FIX = (
    "export conversations as the Chatwoot API returns them: a list of conversations, "
    '{"data": {"payload": [...]}}, a conversation\'s messages response, or webhook events'
)
_RAILS_UTC = " UTC"  # Rails' default time format: 2020-03-03 13:05:57 UTC


@dataclass(slots=True)
class RawMessage:
    """A checked message whose text is built once the conversation's channel is known."""

    id: str
    kind: int
    role: Role
    content: str
    author: str | None
    at: datetime | None
    internal: bool
    meta: dict[str, Any]


@dataclass(slots=True)
class Draft:
    """One conversation being assembled from every file that mentions it."""

    number: str
    channel: str | None = None
    contact: Mapping[str, Any] | None = None
    meta: dict[str, Any] = field(default_factory=dict)
    messages: dict[str, RawMessage] = field(default_factory=dict)
    email_hint: bool = False


def read_source(source: Source, drafts: dict[str, Draft]) -> Iterator[Item]:
    """Read one file into ``drafts`` (by conversation id); yield a problem per bad record.

    Raises:
        InvalidFileError: the file is not UTF-8 JSON in one of the accepted shapes.
    """
    data = load_json_document(source, _SHAPES_FIX)
    events = _event_list(data)
    if events is not None:
        for index, event in enumerate(events, start=1):
            yield from _read_event(source, index, event, drafts)
        return
    if isinstance(data, dict) and _is_messages_response(data):
        yield from _read_messages_response(source, data, drafts)
        return
    conversations = _conversation_list(data)
    if conversations is None:
        raise InvalidFileError(
            source.problem("", "not a Chatwoot conversations document", _SHAPES_FIX)
        )
    for index, raw in enumerate(conversations, start=1):
        yield from _read_conversation(source, index, raw, drafts)


def _event_list(data: object) -> list[Any] | None:
    """Webhook bodies: one event, or a list of them (deliveries saved one by one)."""
    if is_event(data):
        return [data]
    if isinstance(data, list) and data and all(is_event(item) for item in data):
        return data
    return None


def _read_event(
    source: Source, index: int, event: object, drafts: dict[str, Draft]
) -> Iterator[Item]:
    where = f"event {index}"
    if not isinstance(event, dict):  # pragma: no cover - _event_list keeps objects only
        yield source.problem(where, "an event must be a JSON object", _SHAPES_FIX)
        return
    name = str(event["event"])
    if not (is_message_event(event) or name.startswith("conversation_")):
        yield source.problem(
            where,
            f"a {shown(name)} event holds no conversation: skipped",
            "keep message_created, message_updated and conversation_* events",
        )
        return
    yield from _read_conversation(source, index, event_document(event), drafts, label="event")


def _conversation_list(data: object) -> list[Any] | None:
    if isinstance(data, list):
        return data
    if not isinstance(data, dict):
        return None
    inner = data.get("data")
    if isinstance(inner, dict) and isinstance(inner.get("payload"), list):
        return list(inner["payload"])
    if isinstance(data.get("payload"), list):
        return list(data["payload"])
    if "id" in data and isinstance(data.get("messages"), list):
        return [data]
    return None


def _is_messages_response(data: Mapping[str, Any]) -> bool:
    payload = data.get("payload")
    if not isinstance(payload, list):
        return False
    meta = data.get("meta")
    if isinstance(meta, dict) and "contact" in meta:
        return True
    items = [item for item in payload if isinstance(item, dict)]
    return bool(items) and all("message_type" in i and "messages" not in i for i in items)


def _read_conversation(
    source: Source,
    index: int,
    raw: object,
    drafts: dict[str, Draft],
    *,
    label: str = "conversation",
) -> Iterator[Item]:
    where = f"{label} {index}"
    if not isinstance(raw, dict):
        yield source.problem(where, "a conversation must be a JSON object", _SHAPES_FIX)
        return
    number = ident(raw.get("id"))
    if number is None:
        yield source.problem(
            where,
            "the conversation has no 'id'",
            "keep Chatwoot's 'id' field (a webhook event's 'conversation.display_id')",
        )
        return
    where = f"{label} {index} ({'id' if label == 'conversation' else 'conversation'} {number})"
    draft = drafts.setdefault(number, Draft(number))
    meta = obj(raw.get("meta"))
    _update_draft(draft, raw, meta)
    messages = raw.get("messages", [])
    if not isinstance(messages, list):
        yield source.problem(where, "'messages' must be a list", 'use "messages": []')
        return
    for position, message in enumerate(messages, start=1):
        yield from _add_message(source, f"{where}, message {position}", message, draft)


def _read_messages_response(
    source: Source, data: Mapping[str, Any], drafts: dict[str, Draft]
) -> Iterator[Item]:
    meta = obj(data.get("meta"))
    for position, message in enumerate(data["payload"], start=1):
        where = f"message {position}"
        number = ident(message.get("conversation_id")) if isinstance(message, dict) else None
        if number is None:
            yield source.problem(
                where,
                "the message has no 'conversation_id'",
                "keep the messages endpoint's 'conversation_id' field",
            )
            continue
        draft = drafts.setdefault(number, Draft(number))
        _update_draft(draft, {}, meta)
        yield from _add_message(source, where, message, draft)


def _update_draft(draft: Draft, raw: Mapping[str, Any], meta: Mapping[str, Any]) -> None:
    """Fold one file's view of a conversation into the draft; later files win."""
    channel = meta.get("channel") or raw.get("channel")
    if isinstance(channel, str) and channel:
        draft.channel = channel
    contact = meta.get("sender") or meta.get("contact")
    if isinstance(contact, dict) and contact:
        draft.contact = contact
    for key in ("status", "inbox_id", "account_id"):
        value = raw.get(key)
        if isinstance(value, str | int) and not isinstance(value, bool):
            draft.meta[key] = value
    labels = raw.get("labels", meta.get("labels"))
    if isinstance(labels, list):
        draft.meta["labels"] = [str(label) for label in labels if isinstance(label, str | int)]
    assignee = meta.get("assignee")
    if isinstance(assignee, dict) and isinstance(assignee.get("name"), str):
        draft.meta["assignee"] = assignee["name"]
    if "created_at" in raw:
        # an unreadable conversation start time is not worth losing the thread for
        with suppress(InvalidRecordError):
            draft.meta["created_at"] = format_iso(_when(raw["created_at"]))
    if isinstance(draft.contact, dict):
        identifier = ident(draft.contact.get("identifier"))
        if identifier:
            draft.meta["contact_identifier"] = identifier


def _add_message(source: Source, where: str, raw: object, draft: Draft) -> Iterator[Item]:
    try:
        message = _raw_message(raw)
    except InvalidRecordError as exc:
        yield source.problem(where, exc.message, exc.fix)
        return
    draft.messages.pop(message.id, None)  # the last copy wins, in its own place
    draft.messages[message.id] = message
    if message.meta.get("content_type") == "incoming_email":
        draft.email_hint = True


def _raw_message(raw: object) -> RawMessage:
    """Check one Chatwoot message.

    Raises:
        InvalidRecordError: the message is not an object, or has no id, an unknown
            ``message_type`` or an unreadable ``created_at``.
    """
    if not isinstance(raw, dict):
        raise InvalidRecordError("a message must be a JSON object", _SHAPES_FIX)
    number = ident(raw.get("id"))
    if number is None:
        raise InvalidRecordError("the message has no 'id'", "keep Chatwoot's message 'id'")
    given = raw.get("message_type")
    known = isinstance(given, int | str) and not isinstance(given, bool)
    kind = _MESSAGE_TYPES.get(given, -1) if known else -1
    if kind < 0:
        raise InvalidRecordError(
            f"unknown 'message_type' {shown(given)}",
            "expected 0 (incoming), 1 (outgoing), 2 (activity) or 3 (template)",
        )
    content = raw.get("content")
    if content is not None and not isinstance(content, str):
        raise InvalidRecordError("'content' must be text or null", "")
    created = raw.get("created_at")
    at = None if created is None else _when(created)
    sender = obj(raw.get("sender"))
    sender_type = str(sender.get("type") or raw.get("sender_type") or "").lower()
    return RawMessage(
        id=number,
        kind=kind,
        role=_role(kind, sender_type),
        content=content or "",
        author=_author(sender) if kind != 2 else None,
        at=at,
        internal=raw.get("private") is True,
        meta=_message_meta(raw),
    )


def _role(kind: int, sender_type: str) -> Role:
    if kind == 0:
        return Role.CUSTOMER
    if kind == 2:
        return Role.SYSTEM
    if kind == 3 or sender_type in _BOT_SENDERS:
        return Role.BOT
    return Role.AGENT


def _author(sender: Mapping[str, Any]) -> str | None:
    for key in ("available_name", "name"):
        value = sender.get(key)
        if isinstance(value, str) and value.strip():
            return value.strip()
    return None


def _message_meta(raw: Mapping[str, Any]) -> dict[str, Any]:
    meta: dict[str, Any] = {}
    content_type = raw.get("content_type")
    if isinstance(content_type, str) and content_type not in ("", "text"):
        meta["content_type"] = content_type
    attachments = raw.get("attachments")
    if isinstance(attachments, list) and attachments:
        meta["attachments"] = [
            str(item.get("file_type", "file")) if isinstance(item, dict) else "file"
            for item in attachments
        ]
    return meta


def _when(value: object) -> datetime:
    """Unix seconds as the API writes them, ISO 8601 as webhooks do, or the 2020 webhooks'
    ``2020-03-03 13:05:57 UTC``.

    Raises:
        InvalidRecordError: none of these.
    """
    if isinstance(value, str) and not value.strip().replace(".", "", 1).isdigit():
        text = value.strip()
        if not text.endswith(_RAILS_UTC):
            return parse_iso(text, field="created_at", assume_utc=True)
        try:
            return parse_iso(text.removesuffix(_RAILS_UTC) + "+00:00", field="created_at")
        except InvalidRecordError as exc:
            message = exc.message.split(":", 1)[0]  # name the value as it was written
            raise InvalidRecordError(f"{message}: {shown(value)}", exc.fix) from None
    return parse_epoch(value)
