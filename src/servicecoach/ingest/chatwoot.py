"""Chatwoot conversations and messages, as the Chatwoot API returns them.

Accepted documents (one per file, UTF-8 JSON):

- a JSON array of conversation objects;
- the conversation list endpoint, ``{"data": {"payload": [conversations]}}``;
- ``{"payload": [conversations]}``;
- one conversation object, ``{"id": ..., "messages": [...], "meta": {...}}``;
- one conversation's messages endpoint, ``{"meta": {"contact": {...}}, "payload":
  [messages]}``: the conversation id comes from each message's ``conversation_id``.

Decisions a user should know:

- Files are merged by conversation id, so the pages of a paginated messages endpoint
  (or a list export plus messages pages) make one conversation; a message id seen twice
  keeps its last copy. Conversations are yielded after every file is read. A file that
  cannot be read does not stop the others: the first one is raised as
  :class:`InvalidFileError` after the other files' conversations, any further ones are
  reported as problems.
- Roles: incoming (0) is the customer; outgoing (1) is an agent, or a bot when its
  sender is an agent bot or assistant; template (3) is a bot; activity (2, "assigned
  to ...", "resolved by ...") is system. Private notes are ``internal``.
- Channels: WebWidget, Telegram, Line and Api inboxes are ``chat`` (Api inboxes are
  nearly always custom chat widgets); Email is ``email``; Whatsapp, Sms and TwilioSms
  are ``sms``; FacebookPage, Twitter, Instagram and Tiktok are ``social`` with
  ``public`` false (Chatwoot only carries their direct messages); Voice is ``phone``.
  Unknown inboxes are ``other``. A messages-endpoint file says no channel: it is
  ``email`` when a message has content type ``incoming_email``, else ``other`` unless
  another file gives it. The Chatwoot channel name is kept in ``meta["channel"]``.
- A message without content (an attachment only) is kept with empty text, its
  attachment types in ``meta["attachments"]``. HTML content becomes text; incoming
  email-channel messages have their quoted history and signature trimmed.
- The customer is the conversation's contact: ``id`` is the Chatwoot contact id,
  ``handles`` come from ``additional_attributes.social_profiles`` (and the Twitter
  ``screen_name``). The contact's ``identifier`` (your own user id, set through the
  Chatwoot SDK or API) becomes the handle ``{"identifier": value}`` so that the customer
  links with the same person in other sources (the Zendesk importer gives a user's
  ``external_id`` the same handle); it is also kept in ``meta["contact_identifier"]``.
- Conversation ids are ``chatwoot-<id>``; ``meta`` keeps ``status``, ``labels``,
  ``inbox_id``, ``account_id``, ``assignee`` and ``created_at`` when present.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from contextlib import suppress
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, ClassVar

from servicecoach.errors import InvalidFileError, InvalidRecordError
from servicecoach.ingest.base import Importer, ImportOptions, Item, Source
from servicecoach.ingest.jsonload import load_json_document
from servicecoach.model.conversation import Channel, Conversation, Customer, Message, Role
from servicecoach.model.text import html_to_text, looks_like_html, normalize_text, trim_email_reply
from servicecoach.model.timeparse import format_iso, parse_epoch, parse_iso

__all__ = ["ChatwootImporter"]

_CHANNELS: Mapping[str, Channel] = {
    "Channel::WebWidget": Channel.CHAT,
    "Channel::Telegram": Channel.CHAT,
    "Channel::Line": Channel.CHAT,
    "Channel::Api": Channel.CHAT,
    "Channel::Email": Channel.EMAIL,
    "Channel::Whatsapp": Channel.SMS,
    "Channel::Sms": Channel.SMS,
    "Channel::TwilioSms": Channel.SMS,
    "Channel::FacebookPage": Channel.SOCIAL,
    "Channel::Twitter": Channel.SOCIAL,
    "Channel::Instagram": Channel.SOCIAL,
    "Channel::Tiktok": Channel.SOCIAL,
    "Channel::Voice": Channel.PHONE,
}
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
    '{"data": {"payload": [...]}} or a conversation\'s messages response'
)
_EARLIEST = datetime.min.replace(tzinfo=UTC)
_TYPE_HINT = re.compile(
    rb'"message_type"\s*:\s*(?:[0-3]\b|"(?:incoming|outgoing|activity|template)")'
)


@dataclass(slots=True)
class _RawMessage:
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
class _Draft:
    """One conversation being assembled from every file that mentions it."""

    number: str
    channel: str | None = None
    contact: Mapping[str, Any] | None = None
    meta: dict[str, Any] = field(default_factory=dict)
    messages: dict[str, _RawMessage] = field(default_factory=dict)
    email_hint: bool = False


class ChatwootImporter(Importer):
    """Chatwoot conversations and messages (API JSON)."""

    name: ClassVar[str] = "chatwoot"
    title: ClassVar[str] = "Chatwoot conversations and messages (API JSON)"
    extensions: ClassVar[tuple[str, ...]] = (".json",)
    reads_together: ClassVar[bool] = True
    message_ids_are_global: ClassVar[bool] = True
    """Message ids are Chatwoot's message ids, unique across the whole installation."""

    def detect(self, path: Path, head: bytes) -> int:
        """Recognise Chatwoot JSON by its integer ``message_type`` and ``Channel::`` names."""
        start = head.lstrip(b"\xef\xbb\xbf \t\r\n")[:1]
        if start not in (b"[", b"{"):
            return 0
        typed = bool(_TYPE_HINT.search(head))
        if b'"Channel::' in head and (typed or b'"inbox_id"' in head):
            return 95
        if typed and (b'"conversation_id"' in head or b'"inbox_id"' in head):
            return 85
        return 0

    def read(self, sources: Sequence[Source], options: ImportOptions) -> Iterator[Item]:
        """Yield one conversation per Chatwoot conversation id across ``sources``.

        Raises:
            InvalidFileError: a file is not UTF-8 JSON in one of the accepted shapes.
        """
        drafts: dict[str, _Draft] = {}
        unreadable: InvalidFileError | None = None
        for source in sources:
            try:
                yield from _read_source(source, drafts)
            except InvalidFileError as exc:
                if unreadable is not None:
                    yield exc.problem
                unreadable = unreadable or exc
        for draft in drafts.values():
            yield _finish(draft, self.name)
        if unreadable is not None:
            raise unreadable


def _read_source(source: Source, drafts: dict[str, _Draft]) -> Iterator[Item]:
    data = load_json_document(source, _SHAPES_FIX)
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
    source: Source, index: int, raw: object, drafts: dict[str, _Draft]
) -> Iterator[Item]:
    where = f"conversation {index}"
    if not isinstance(raw, dict):
        yield source.problem(where, "a conversation must be a JSON object", _SHAPES_FIX)
        return
    number = _id_text(raw.get("id"))
    if number is None:
        yield source.problem(where, "the conversation has no 'id'", "keep Chatwoot's 'id' field")
        return
    where = f"conversation {index} (id {number})"
    draft = drafts.setdefault(number, _Draft(number))
    meta = _mapping(raw.get("meta"))
    _update_draft(draft, raw, meta)
    messages = raw.get("messages", [])
    if not isinstance(messages, list):
        yield source.problem(where, "'messages' must be a list", 'use "messages": []')
        return
    for position, message in enumerate(messages, start=1):
        yield from _add_message(source, f"{where}, message {position}", message, draft)


def _read_messages_response(
    source: Source, data: Mapping[str, Any], drafts: dict[str, _Draft]
) -> Iterator[Item]:
    meta = _mapping(data.get("meta"))
    for position, message in enumerate(data["payload"], start=1):
        where = f"message {position}"
        number = _id_text(message.get("conversation_id")) if isinstance(message, dict) else None
        if number is None:
            yield source.problem(
                where,
                "the message has no 'conversation_id'",
                "keep the messages endpoint's 'conversation_id' field",
            )
            continue
        draft = drafts.setdefault(number, _Draft(number))
        _update_draft(draft, {}, meta)
        yield from _add_message(source, where, message, draft)


def _update_draft(draft: _Draft, raw: Mapping[str, Any], meta: Mapping[str, Any]) -> None:
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
        draft.meta["labels"] = [str(label) for label in labels]
    assignee = meta.get("assignee")
    if isinstance(assignee, dict) and isinstance(assignee.get("name"), str):
        draft.meta["assignee"] = assignee["name"]
    if "created_at" in raw:
        # an unreadable conversation start time is not worth losing the thread for
        with suppress(InvalidRecordError):
            draft.meta["created_at"] = format_iso(_when(raw["created_at"]))
    if isinstance(draft.contact, dict):
        identifier = _id_text(draft.contact.get("identifier"))
        if identifier:
            draft.meta["contact_identifier"] = identifier


def _add_message(source: Source, where: str, raw: object, draft: _Draft) -> Iterator[Item]:
    try:
        message = _raw_message(raw)
    except InvalidRecordError as exc:
        yield source.problem(where, exc.message, exc.fix)
        return
    draft.messages.pop(message.id, None)  # the last copy wins, in its own place
    draft.messages[message.id] = message
    if message.meta.get("content_type") == "incoming_email":
        draft.email_hint = True


def _raw_message(raw: object) -> _RawMessage:
    """Check one Chatwoot message.

    Raises:
        InvalidRecordError: the message is not an object, or has no id, an unknown
            ``message_type`` or an unreadable ``created_at``.
    """
    if not isinstance(raw, dict):
        raise InvalidRecordError("a message must be a JSON object", _SHAPES_FIX)
    number = _id_text(raw.get("id"))
    if number is None:
        raise InvalidRecordError("the message has no 'id'", "keep Chatwoot's message 'id'")
    kind = _MESSAGE_TYPES.get(raw.get("message_type"), -1)
    if kind < 0:
        raise InvalidRecordError(
            f"unknown 'message_type' {raw.get('message_type')!r}",
            "expected 0 (incoming), 1 (outgoing), 2 (activity) or 3 (template)",
        )
    content = raw.get("content")
    if content is not None and not isinstance(content, str):
        raise InvalidRecordError("'content' must be text or null", "")
    created = raw.get("created_at")
    at = None if created is None else _when(created)
    sender = _mapping(raw.get("sender"))
    sender_type = str(sender.get("type") or raw.get("sender_type") or "").lower()
    return _RawMessage(
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


def _finish(draft: _Draft, source_name: str) -> Conversation:
    channel = _CHANNELS.get(draft.channel or "", Channel.OTHER)
    if draft.channel is None and draft.email_hint:
        channel = Channel.EMAIL
    meta = dict(draft.meta)
    if draft.channel:
        meta["channel"] = draft.channel
    ordered = sorted(
        enumerate(draft.messages.values()),
        key=lambda pair: (pair[1].at is None, pair[1].at or _EARLIEST, pair[0]),
    )
    messages = tuple(_message(raw, channel) for _, raw in ordered)
    return Conversation(
        id=f"{source_name}-{draft.number}",
        channel=channel,
        messages=messages,
        customer=_customer(draft.contact, draft.channel),
        public=False,
        source=source_name,
        meta=meta,
    )


def _message(raw: _RawMessage, channel: Channel) -> Message:
    text = raw.content
    text = html_to_text(text) if looks_like_html(text) else normalize_text(text)
    if channel is Channel.EMAIL and raw.kind == 0 and text:
        text = trim_email_reply(text)
    return Message(
        id=raw.id,
        role=raw.role,
        text=text,
        author=raw.author,
        at=raw.at,
        internal=raw.internal,
        meta=raw.meta,
    )


def _customer(contact: Mapping[str, Any] | None, channel: str | None) -> Customer:
    if not contact:
        return Customer()
    attributes = _mapping(contact.get("additional_attributes"))
    handles: dict[str, str] = {}
    profiles = attributes.get("social_profiles")
    if isinstance(profiles, dict):
        for network, handle in profiles.items():
            if isinstance(handle, str) and handle.strip():
                handles[str(network)] = handle.strip().lstrip("@")
    screen_name = attributes.get("screen_name")
    if channel == "Channel::Twitter" and isinstance(screen_name, str) and screen_name.strip():
        handles["twitter"] = screen_name.strip().lstrip("@")
    identifier = _id_text(contact.get("identifier"))
    if identifier:
        handles["identifier"] = identifier
    return Customer(
        id=_id_text(contact.get("id")),
        name=_text_or_none(contact.get("name")),
        email=_text_or_none(contact.get("email")),
        phone=_text_or_none(contact.get("phone_number")),
        handles=handles,
    )


def _when(value: object) -> datetime:
    """Unix seconds as the API writes them, or ISO 8601 as webhooks do.

    Raises:
        InvalidRecordError: neither.
    """
    if isinstance(value, str) and not value.strip().replace(".", "", 1).isdigit():
        return parse_iso(value, field="created_at", assume_utc=True)
    return parse_epoch(value)


def _mapping(value: object) -> Mapping[str, Any]:
    return value if isinstance(value, dict) else {}


def _id_text(value: object) -> str | None:
    if isinstance(value, bool) or not isinstance(value, int | str):
        return None
    text = str(value).strip()
    return text or None


def _text_or_none(value: object) -> str | None:
    return value.strip() or None if isinstance(value, str) else None
