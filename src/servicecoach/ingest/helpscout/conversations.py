"""One Help Scout conversation object read into a conversation, and a problem per bad thread.

See :mod:`servicecoach.ingest.helpscout` for the rules (roles, what is dropped).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from servicecoach.errors import InvalidRecordError
from servicecoach.ingest.base import Item, Source
from servicecoach.ingest.jsonvalues import ident, obj, text_or_none, text_or_unix_time
from servicecoach.ingest.messages import in_time_order, message_text
from servicecoach.model.conversation import Channel, Conversation, Customer, Message, Role
from servicecoach.model.text import (
    shown,
)
from servicecoach.model.timeparse import format_iso

__all__ = ["SHAPES_FIX", "read_conversation"]

SHAPES_FIX = (
    "export conversations with their threads as Help Scout's API returns them "
    "(GET /v2/conversations/{id}?embed=threads): one, a list, or the list endpoint's "
    '{"_embedded": {"conversations": [...]}}'
)
_ROLES: Mapping[str, tuple[Role | None, bool]] = {
    # thread type: (role, None for "from createdBy.type"; internal)
    "customer": (Role.CUSTOMER, False),
    "reply": (Role.AGENT, False),
    "message": (Role.AGENT, False),
    "chat": (None, False),
    "note": (Role.AGENT, True),
    "phone": (Role.AGENT, True),
}
_NOT_MESSAGES = frozenset({"lineitem", "forwardparent", "forwardchild"})
_CREATORS: Mapping[str, Role] = {"customer": Role.CUSTOMER, "user": Role.AGENT}
_CHANNELS: Mapping[str, Channel] = {
    "email": Channel.EMAIL,
    "chat": Channel.CHAT,
    "phone": Channel.PHONE,
}
_TYPE_FIX = "expected a thread type customer, reply, message, chat, note, phone or lineitem"


def _person(person: Mapping[str, Any]) -> str | None:
    """``first last``, else the email, else the id."""
    name = " ".join(
        n for n in (text_or_none(person.get("first")), text_or_none(person.get("last"))) if n
    )
    return name or text_or_none(person.get("email")) or ident(person.get("id"))


@dataclass(frozen=True, slots=True)
class _Raw:
    """A checked thread whose text is finished once the channel is known."""

    id: str
    role: Role
    body: str
    author: str | None
    at: datetime | None
    internal: bool
    meta: dict[str, Any]


def _raw(thread: Mapping[str, Any], thread_id: str, kind: str) -> _Raw | None:
    """A thread as a message; ``None`` when it has neither body nor attachments.

    Raises:
        InvalidRecordError: an unknown type, a body that is not text, a bad time, or a
            chat thread whose author is neither a customer nor a user.
    """
    if kind not in _ROLES:
        raise InvalidRecordError(f"unknown thread type {shown(thread.get('type'))}", _TYPE_FIX)
    role, internal = _ROLES[kind]
    body = thread.get("body")
    if body is not None and not isinstance(body, str):
        raise InvalidRecordError("'body' must be text or null", "")
    at = text_or_unix_time(thread.get("createdAt"), "createdAt")
    attachments = thread.get("attachments", obj(thread.get("_embedded")).get("attachments"))
    files = (
        [str(obj(item).get("mimeType") or "file") for item in attachments]
        if isinstance(attachments, list)
        else []
    )
    if not (body or "").strip() and not files:
        return None
    creator = obj(thread.get("createdBy"))
    if role is None:
        role = _CREATORS.get((text_or_none(creator.get("type")) or "").lower())
        if role is None:
            raise InvalidRecordError(
                f"a chat thread by {shown(creator.get('type'))}",
                "expected createdBy.type customer or user",
            )
    author = _person(creator)
    if role is Role.CUSTOMER and kind == "customer":
        author = _person(obj(thread.get("customer"))) or author
    meta: dict[str, Any] = {}
    if kind not in ("customer", "reply"):
        meta["thread_type"] = kind
    if files:
        meta["attachments"] = files
    return _Raw(thread_id, role, body or "", author, at, internal, meta)


def _message(raw: _Raw, channel: Channel) -> Message:
    email_reply = channel is Channel.EMAIL and raw.role is Role.CUSTOMER
    return Message(
        id=raw.id,
        role=raw.role,
        text=message_text(raw.body, trim_reply=email_reply),
        author=raw.author,
        at=raw.at,
        internal=raw.internal,
        meta=raw.meta,
    )


def _customer(conversation: Mapping[str, Any], threads: list[Any]) -> Customer:
    person = obj(conversation.get("primaryCustomer")) or obj(conversation.get("customer"))
    if not person:
        person = next(
            (
                obj(t.get("customer")) or obj(t.get("createdBy"))
                for t in threads
                if isinstance(t, dict) and t.get("type") == "customer"
            ),
            {},
        )
    if not person:
        return Customer()
    name = " ".join(
        n for n in (text_or_none(person.get("first")), text_or_none(person.get("last"))) if n
    )
    return Customer(
        id=ident(person.get("id")), name=name or None, email=text_or_none(person.get("email"))
    )


def _meta(conversation: Mapping[str, Any]) -> dict[str, Any]:
    meta: dict[str, Any] = {}
    for key, name in (
        ("number", "number"),
        ("subject", "subject"),
        ("status", "status"),
        ("mailboxId", "mailbox_id"),
    ):
        value = conversation.get(key)
        if isinstance(value, str | int) and not isinstance(value, bool) and value != "":
            meta[name] = value
    tags = conversation.get("tags")
    if isinstance(tags, list):
        names = [
            text_or_none(obj(t).get("tag")) if isinstance(t, dict) else text_or_none(t)
            for t in tags
        ]
        if any(names):
            meta["tags"] = [name for name in names if name]
    assignee = _person(obj(conversation.get("assignee")))
    if assignee:
        meta["assignee"] = assignee
    return meta


def read_conversation(
    source: Source, where: str, conversation: object, source_name: str
) -> Iterator[Item]:
    """Yield the conversation of one Help Scout conversation object, after its problems.

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
        yield source.problem(where, "the conversation has no 'id'", "keep Help Scout's 'id'")
        return
    where = f"{where} (id {number})"
    threads = obj(conversation.get("_embedded")).get("threads", [])
    if not isinstance(threads, list):
        yield source.problem(where, "'_embedded.threads' must be a list", SHAPES_FIX)
        return
    meta = _meta(conversation)
    try:
        started = text_or_unix_time(conversation.get("createdAt"), "createdAt")
    except InvalidRecordError as exc:
        yield source.problem(where, exc.message, exc.fix)
        return
    if started is not None:
        meta["created_at"] = format_iso(started)
    raws: list[_Raw] = []
    dropped: Counter[str] = Counter()
    for index, thread in enumerate(threads, start=1):
        thread_where = f"{where}, thread {index}"
        if not isinstance(thread, dict):
            yield source.problem(thread_where, "a thread must be a JSON object", "")
            continue
        thread_id = ident(thread.get("id"))
        if thread_id is None:
            yield source.problem(thread_where, "the thread has no 'id'", "keep the thread 'id'")
            continue
        kind = (text_or_none(thread.get("type")) or "").lower()
        state = text_or_none(thread.get("state"))
        if kind in _NOT_MESSAGES or (state is not None and state != "published"):
            dropped[kind if kind in _NOT_MESSAGES else f"{kind} ({state})"] += 1
            continue
        try:
            raw = _raw(thread, thread_id, kind)
        except InvalidRecordError as exc:
            yield source.problem(f"{thread_where} (id {thread_id})", exc.message, exc.fix)
            continue
        if raw is None:
            dropped[f"{kind} (no body)"] += 1
        else:
            raws.append(raw)
    if dropped:
        meta["dropped_threads"] = dict(sorted(dropped.items()))
    channel = _CHANNELS.get((text_or_none(conversation.get("type")) or "").lower(), Channel.OTHER)
    messages = tuple(_message(raw, channel) for raw in in_time_order(raws))
    if not any(m.text for m in messages):
        yield source.problem(
            where,
            "the conversation has no message with text: not imported"
            + ("" if threads else " (it has no threads)"),
            "export conversations with their threads (embed=threads)",
        )
        return
    yield Conversation(
        id=f"{source_name}-{number}",
        channel=channel,
        messages=messages,
        customer=_customer(conversation, threads),
        public=False,
        source=source_name,
        meta=meta,
    )
