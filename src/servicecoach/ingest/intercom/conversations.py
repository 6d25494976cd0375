"""One Intercom conversation object read into a conversation, and a problem per bad part.

See :mod:`servicecoach.ingest.intercom` for the rules (messages, roles, what is dropped).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from servicecoach.errors import InvalidRecordError
from servicecoach.ingest.base import Item, Source
from servicecoach.ingest.jsonvalues import ident, obj, text_or_none, text_or_unix_time
from servicecoach.ingest.messages import in_time_order, message_text
from servicecoach.model.conversation import Channel, Conversation, Customer, Message, Role
from servicecoach.model.text import (
    html_to_text,
    looks_like_html,
    shown,
)
from servicecoach.model.timeparse import format_iso

__all__ = ["SHAPES_FIX", "read_conversation"]

_ROLES: Mapping[str, Role] = {
    "user": Role.CUSTOMER,
    "lead": Role.CUSTOMER,
    "contact": Role.CUSTOMER,
    "admin": Role.AGENT,
    "team": Role.AGENT,
    "bot": Role.BOT,
}
_NOTES = frozenset({"note", "note_and_reopen"})
_CHANNELS: Mapping[str, Channel] = {
    "conversation": Channel.CHAT,
    "chat": Channel.CHAT,
    "email": Channel.EMAIL,
    "facebook": Channel.SOCIAL,
    "instagram": Channel.SOCIAL,
    "twitter": Channel.SOCIAL,
    "whatsapp": Channel.SMS,
    "sms": Channel.SMS,
    "phone_call": Channel.PHONE,
    "phone_switch": Channel.PHONE,
}
_AUTHOR_FIX = "expected author.type user, lead, contact, admin, team or bot"
SHAPES_FIX = (
    "export conversations as Intercom's API returns them: one conversation, a list of "
    'them, or {"conversations": [...]}'
)


@dataclass(frozen=True, slots=True)
class _Raw:
    """A checked message whose text is finished once the channel is known."""

    id: str
    role: Role
    body: str
    author: Mapping[str, Any]
    at: datetime | None
    internal: bool
    meta: dict[str, Any]


def _author_name(author: Mapping[str, Any]) -> str | None:
    return (
        text_or_none(author.get("name"))
        or text_or_none(author.get("email"))
        or ident(author.get("id"))
    )


def _raw(part: Mapping[str, Any], message_id: str, at: datetime | None) -> _Raw | None:
    """A part (or the source) as a message; ``None`` for a state change without a body.

    Raises:
        InvalidRecordError: the body is not text, or the author type is unknown.
    """
    body = part.get("body")
    if body is not None and not isinstance(body, str):
        raise InvalidRecordError("'body' must be text or null", "")
    attachments = part.get("attachments")
    files = (
        [str(obj(item).get("content_type") or "file") for item in attachments]
        if isinstance(attachments, list)
        else []
    )
    if not (body or "").strip() and not files:
        return None
    author = obj(part.get("author"))
    kind = text_or_none(author.get("type"))
    role = _ROLES.get((kind or "").lower())
    if role is None:
        raise InvalidRecordError(f"unknown author type {shown(author.get('type'))}", _AUTHOR_FIX)
    part_type = text_or_none(part.get("part_type"))
    meta: dict[str, Any] = {}
    if part_type and part_type not in ("comment", "conversation"):
        meta["part_type"] = part_type
    if files:
        meta["attachments"] = files
    return _Raw(
        id=message_id,
        role=role,
        body=body or "",
        author=author,
        at=at,
        internal=part_type in _NOTES,
        meta=meta,
    )


def _message(raw: _Raw, channel: Channel) -> Message:
    email_reply = channel is Channel.EMAIL and raw.role is Role.CUSTOMER
    return Message(
        id=raw.id,
        role=raw.role,
        text=message_text(raw.body, trim_reply=email_reply),
        author=_author_name(raw.author),
        at=raw.at,
        internal=raw.internal,
        meta=raw.meta,
    )


def _parts(conversation: Mapping[str, Any]) -> list[Any] | None:
    """The parts list (``{"conversation_parts": [...]}`` or a bare list); ``None`` if bad."""
    container = conversation.get("conversation_parts")
    if container is None:
        return []
    if isinstance(container, list):
        return container
    if isinstance(container, dict):
        parts = container.get("conversation_parts", [])
        return parts if isinstance(parts, list) else None
    return None


def _contacts(conversation: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    """The conversation's contacts (``contacts.contacts``, a bare list, or API 1.x ``user``)."""
    container = conversation.get("contacts")
    if isinstance(container, dict):
        container = container.get("contacts")
    if isinstance(container, list):
        return [c for c in container if isinstance(c, dict) and ident(c.get("id"))]
    user = conversation.get("user")
    return [user] if isinstance(user, dict) and ident(user.get("id")) else []


def _customer(contacts: list[Mapping[str, Any]], messages: Sequence[_Raw]) -> Customer:
    authors = [m.author for m in messages if m.role is Role.CUSTOMER]
    if not contacts:
        if not authors:
            return Customer()
        contacts = [authors[0]]
    contact = contacts[0]
    number = ident(contact.get("id"))
    author = next((a for a in authors if ident(a.get("id")) == number), {})
    external = ident(contact.get("external_id")) or ident(author.get("external_id"))
    return Customer(
        id=number,
        name=text_or_none(contact.get("name")) or text_or_none(author.get("name")),
        email=text_or_none(contact.get("email")) or text_or_none(author.get("email")),
        phone=text_or_none(contact.get("phone")),
        handles={"identifier": external} if external else {},
    )


def _meta(conversation: Mapping[str, Any], source: Mapping[str, Any]) -> dict[str, Any]:
    meta: dict[str, Any] = {}
    for key in ("title", "state", "priority", "admin_assignee_id", "team_assignee_id"):
        value = conversation.get(key)
        if isinstance(value, str | int) and not isinstance(value, bool) and value != "":
            meta[key] = value
    tags = obj(conversation.get("tags")).get("tags", conversation.get("tags"))
    if isinstance(tags, list):
        names = [
            text_or_none(obj(t).get("name")) if isinstance(t, dict) else text_or_none(t)
            for t in tags
        ]
        if any(names):
            meta["tags"] = [name for name in names if name]
    rating = obj(conversation.get("conversation_rating"))
    if rating.get("rating") is not None:
        meta["rating"] = {k: rating[k] for k in ("rating", "remark") if rating.get(k) is not None}
    for key in ("type", "delivered_as", "url"):
        value = text_or_none(source.get(key))
        if value:
            meta["source_type" if key == "type" else key] = value
    subject = text_or_none(source.get("subject"))
    if subject:
        meta["subject"] = html_to_text(subject) if looks_like_html(subject) else subject
    return meta


def read_conversation(
    source: Source, where: str, conversation: object, source_name: str
) -> Iterator[Item]:
    """Yield the conversation of one Intercom conversation object, after its problems.

    Args:
        source: the file.
        where: where the object is in the file (``conversation 3``).
        conversation: the object.
        source_name: the importer's name, the prefix of the conversation id.
    """
    if not isinstance(conversation, dict):
        yield source.problem(where, "a conversation must be a JSON object", SHAPES_FIX)
        return
    number = ident(conversation.get("id"))
    if number is None:
        yield source.problem(where, "the conversation has no 'id'", "keep Intercom's 'id'")
        return
    where = f"{where} (id {number})"
    parts = _parts(conversation)
    if parts is None:
        yield source.problem(
            where,
            "'conversation_parts' must be a list",
            'use "conversation_parts": {"conversation_parts": [...]}',
        )
        return
    first = obj(conversation.get("source"))
    meta = _meta(conversation, first)
    try:
        started = text_or_unix_time(conversation.get("created_at"), "created_at")
    except InvalidRecordError as exc:
        yield source.problem(where, exc.message, exc.fix)
        return
    if started is not None:
        meta["created_at"] = format_iso(started)
    raws: list[_Raw] = []
    dropped: Counter[str] = Counter()
    if first:
        try:
            raw = _raw(first, f"source-{ident(first.get('id')) or number}", started)
        except InvalidRecordError as exc:
            yield source.problem(f"{where}, source", exc.message, exc.fix)
        else:
            if raw is not None:
                raws.append(raw)
    for index, part in enumerate(parts, start=1):
        part_where = f"{where}, part {index}"
        if not isinstance(part, dict):
            yield source.problem(part_where, "a part must be a JSON object", "")
            continue
        part_id = ident(part.get("id"))
        if part_id is None:
            yield source.problem(part_where, "the part has no 'id'", "keep Intercom's part 'id'")
            continue
        try:
            raw = _raw(part, part_id, text_or_unix_time(part.get("created_at"), "created_at"))
        except InvalidRecordError as exc:
            yield source.problem(part_where, exc.message, exc.fix)
            continue
        if raw is None:
            dropped[text_or_none(part.get("part_type")) or "unknown"] += 1
        else:
            raws.append(raw)
    if dropped:
        meta["dropped_parts"] = dict(sorted(dropped.items()))
    contacts = _contacts(conversation)
    if len(contacts) > 1:
        meta["contacts"] = [ident(c.get("id")) for c in contacts]
    channel = _CHANNELS.get((text_or_none(first.get("type")) or "").lower(), Channel.OTHER)
    ordered = in_time_order(raws)
    messages = tuple(_message(raw, channel) for raw in ordered)
    if not any(m.text for m in messages):
        yield source.problem(
            where,
            "the conversation has no message with text: not imported"
            + (f" ({sum(dropped.values())} parts without a body)" if dropped else ""),
            "export conversations with their parts (GET /conversations/{id})",
        )
        return
    yield Conversation(
        id=f"{source_name}-{number}",
        channel=channel,
        messages=messages,
        customer=_customer(contacts, ordered),
        public=False,
        source=source_name,
        meta=meta,
    )
