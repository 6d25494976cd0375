"""Zendesk ticket exports: API pages, plain arrays and NDJSON, with their comments.

Accepted shapes:

- a JSON object ``{"tickets": [...], "users": [...]}`` (an API page; side-loaded users
  are optional), or ``{"ticket": {...}}`` for a single ticket;
- a plain JSON array of tickets;
- NDJSON, one ticket per line, as Zendesk's JSON export writes it;
- a ``{"users": [...]}`` document next to the tickets: users found in any file given
  to the same import are used for every ticket.

Decisions a user should know:

- **Customer** is the requester (``requester_id``, or ``requester.id`` when the requester
  is inline): ``Customer(id=str(requester_id))`` with name, email and phone from the
  users or the inline requester. A ticket without a requester is reported and skipped.
- **Linking customers**: a requester's ``external_id`` (your own user id, as you gave it
  to Zendesk) becomes the handle ``{"identifier": external_id}``, the same handle the
  Chatwoot importer gives a contact's ``identifier``, so one person links across both
  helpdesks (and any other source that knows your user id).
- **Roles**: comments by the requester, or by a user whose role is ``end-user`` (a CC'd
  customer), are customer messages; Answer Bot comments (``via.channel`` starting with
  ``answer_bot``) are bot messages; every other author (role agent or admin, or unknown)
  is an agent. ``public: false`` comments are internal notes.
- **Text** comes from ``html_body`` (converted to text), else ``plain_body``, else
  ``body``. Comments that arrived by email (their own ``via.channel``, or the ticket's
  when the comment has none) have their quoted history and signature trimmed; comments
  written in the agent interface are kept whole, so sign-offs stay for the analysers.
- **Channel** from ``via.channel``: email; web, web_form, api, any_channel, mobile,
  mobile_sdk, web_widget, help_center -> web; chat, native_messaging, messaging -> chat;
  voice -> phone; sms -> sms; twitter, facebook, instagram -> social (public unless
  ``via.source.rel`` names a private message: direct_message, message, messenger);
  anything else -> other. A Twitter requester's ``via.source.from.username`` becomes the
  customer's ``twitter`` handle.
- **Ids**: ``zendesk-<ticket id>``; message ids are the comment ids, unique across the
  Zendesk account, so a ticket already imported is recognised by its comments (the last
  copy of a repeated comment id wins). A comment exported without an id gets
  ``ticket-<ticket id>-comment-<position>``. Messages are sorted by time; comments without a time keep
  their order after the timed ones.
- **Empty tickets**: a ticket without comments becomes a conversation with no messages,
  so its subject, status and customer are still imported.
- **Errors**: a bad ticket is reported as ``ticket N (id X)`` (and its line in NDJSON)
  and skipped; a bad comment is reported and skipped, the rest of its ticket is kept.
  A document that is not valid JSON is rejected with the line and column of the error.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, ClassVar, NamedTuple, TextIO

from servicecoach.errors import InvalidFileError, InvalidRecordError, Problem
from servicecoach.ingest.base import HEAD_BYTES, Importer, ImportOptions, Item, Source
from servicecoach.ingest.jsonload import loads_or_none, parse_json_document, parse_json_line
from servicecoach.model.conversation import Channel, Conversation, Customer, Message, Role
from servicecoach.model.text import html_to_text, looks_like_html, normalize_text, trim_email_reply
from servicecoach.model.timeparse import parse_timestamp

__all__ = ["ZendeskImporter"]

_CHANNELS: Mapping[str, Channel] = {
    "email": Channel.EMAIL,
    **dict.fromkeys(
        (
            "web",
            "web_form",
            "api",
            "any_channel",
            "mobile",
            "mobile_sdk",
            "web_widget",
            "help_center",
        ),
        Channel.WEB,
    ),
    **dict.fromkeys(("chat", "native_messaging", "messaging"), Channel.CHAT),
    "voice": Channel.PHONE,
    "sms": Channel.SMS,
    **dict.fromkeys(("twitter", "facebook", "instagram"), Channel.SOCIAL),
}
_PRIVATE_RELS = frozenset({"direct_message", "message", "messenger", "private_message", "dm"})
_CUSTOMER_ROLES = frozenset({"end-user", "end_user", "enduser"})
_TICKET_META = ("subject", "status", "priority", "type")
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_JSON_FIX = "export the tickets again, or fix the JSON at that place"


class _User(NamedTuple):
    """What a ticket needs to know about a Zendesk user."""

    name: str | None
    email: str | None
    phone: str | None
    role: str | None
    external_id: str | None


def _text(value: object) -> str | None:
    return value.strip() or None if isinstance(value, str) else None


def _id(value: object) -> str | None:
    """An id as text: integers and non-empty strings, nothing else."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return str(value)
    return _text(value)


def _obj(value: object) -> Mapping[str, Any]:
    return value if isinstance(value, dict) else {}


def _user(data: Mapping[str, Any]) -> _User:
    role = _text(data.get("role"))
    return _User(
        _text(data.get("name")),
        _text(data.get("email")),
        _text(data.get("phone")),
        role.lower() if role else None,
        _id(data.get("external_id")),
    )


class _Users:
    """Users by id, collected from every file of one import."""

    def __init__(self) -> None:
        self.by_id: dict[str, _User] = {}

    def add(self, source: Source, users: object) -> Iterator[Problem]:
        if users is None:
            return
        if not isinstance(users, list):
            yield source.problem("users", "'users' is not a list", "side-load users as a list")
            return
        for index, data in enumerate(users, start=1):
            key = _id(data.get("id")) if isinstance(data, dict) else None
            if key is None:
                yield source.problem(
                    f"user {index}", "the user is not an object with an id", "remove or fix it"
                )
                continue
            self.by_id[key] = _user(data)


def _time(value: object, what: str) -> datetime | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise InvalidRecordError(f"{what} is not a date: {value!r}", "use ISO 8601 text")
    return parse_timestamp(value, field=what)


def _body(comment: Mapping[str, Any], trim: bool) -> str:
    html = comment.get("html_body")
    if isinstance(html, str) and html.strip():
        text = html_to_text(html)
    else:
        raw = next(
            (v for v in (comment.get("plain_body"), comment.get("body")) if isinstance(v, str)),
            None,
        )
        if raw is None:
            raise InvalidRecordError(
                "the comment has no text", "give it a body, plain_body or html_body"
            )
        text = html_to_text(raw) if looks_like_html(raw) else raw
    return trim_email_reply(text) if trim else normalize_text(text)


class _Ticket:
    """Turns one ticket object into a conversation (and problems for bad comments)."""

    def __init__(self, source: Source, users: _Users, where: str, line: int | None) -> None:
        self.source = source
        self.users = users
        self.where = where
        self.line = line

    def problem(self, message: str, fix: str, where: str | None = None) -> Problem:
        return self.source.problem(where or self.where, message, fix, self.line)

    def read(self, ticket: object) -> Iterator[Item]:
        if not isinstance(ticket, dict):
            yield self.problem("the ticket is not a JSON object", "each ticket must be an object")
            return
        ticket_id = _id(ticket.get("id"))
        if ticket_id is None:
            yield self.problem("the ticket has no id", "export tickets with their 'id'")
            return
        self.where = f"{self.where} (id {ticket_id})"
        requester = _obj(ticket.get("requester"))
        requester_id = _id(ticket.get("requester_id")) or _id(requester.get("id"))
        if requester_id is None:
            yield self.problem(
                "the ticket has no requester_id", "export tickets with their requester"
            )
            return
        comments = ticket.get("comments", [])
        if not isinstance(comments, list):
            yield self.problem("'comments' is not a list", "export comments as a list")
            return
        via = _obj(ticket.get("via"))
        via_channel = (_text(via.get("channel")) or "").lower()
        channel = _CHANNELS.get(via_channel, Channel.OTHER)
        rel = (_text(_obj(via.get("source")).get("rel")) or "").lower()
        customer = self._customer(requester_id, requester, via, via_channel)
        messages: dict[str, Message] = {}
        for index, comment in enumerate(comments, start=1):
            try:
                message = self._message(comment, index, ticket_id, customer, via_channel)
            except InvalidRecordError as exc:
                yield self.problem(exc.message, exc.fix, f"{self.where}, comment {index}")
                continue
            messages.pop(message.id, None)
            messages[message.id] = message
        yield Conversation(
            id=f"zendesk-{ticket_id}",
            channel=channel,
            messages=_chronological(messages.values()),
            customer=customer,
            public=channel is Channel.SOCIAL and rel not in _PRIVATE_RELS,
            source=ZendeskImporter.name,
            meta=_meta(ticket, via_channel),
        )

    def _customer(
        self, key: str, inline: Mapping[str, Any], via: Mapping[str, Any], via_channel: str
    ) -> Customer:
        known = self.users.by_id.get(key) or _User(None, None, None, None, None)
        given = _user(inline)
        handles: dict[str, str] = {}
        external_id = given.external_id or known.external_id
        if external_id:
            handles["identifier"] = external_id
        if via_channel == "twitter":
            sender = _obj(_obj(via.get("source")).get("from"))
            handle = _text(sender.get("username")) or _text(sender.get("screen_name"))
            if handle:
                handles["twitter"] = handle.lstrip("@")
        return Customer(
            id=key,
            name=given.name or known.name,
            email=given.email or known.email,
            phone=given.phone or known.phone,
            handles=handles,
        )

    def _message(
        self, comment: object, index: int, ticket_id: str, customer: Customer, via_channel: str
    ) -> Message:
        if not isinstance(comment, dict):
            raise InvalidRecordError("the comment is not a JSON object", "remove or fix it")
        author = _id(comment.get("author_id"))
        if author is None:
            raise InvalidRecordError("the comment has no author_id", "give each comment its author")
        comment_channel = (_text(_obj(comment.get("via")).get("channel")) or via_channel).lower()
        user = self.users.by_id.get(author)
        name = user.name if user else None
        if author == customer.id:
            role, name = Role.CUSTOMER, customer.name or name
        elif user is not None and user.role in _CUSTOMER_ROLES:
            role = Role.CUSTOMER
        elif comment_channel.startswith("answer_bot"):
            role = Role.BOT
        else:
            role = Role.AGENT
        return Message(
            id=_id(comment.get("id")) or f"ticket-{ticket_id}-comment-{index}",
            role=role,
            text=_body(comment, trim=comment_channel == "email"),
            author=name or author,
            at=_time(comment.get("created_at"), "created_at"),
            internal=comment.get("public") is False,
        )


def _chronological(messages: Iterable[Message]) -> tuple[Message, ...]:
    listed = list(messages)
    timed = sorted((m for m in listed if m.at is not None), key=lambda m: m.at or _EPOCH)
    return (*timed, *(m for m in listed if m.at is None))


def _meta(ticket: Mapping[str, Any], via_channel: str) -> dict[str, Any]:
    meta: dict[str, Any] = {}
    for key in _TICKET_META:
        value = _text(ticket.get(key))
        if value:
            meta[key] = value
    tags = ticket.get("tags")
    if isinstance(tags, list) and tags:
        meta["tags"] = [tag for tag in tags if isinstance(tag, str)]
    if via_channel:
        meta["via"] = via_channel
    score = _text(_obj(ticket.get("satisfaction_rating")).get("score"))
    if score and score not in ("unoffered", "offered"):
        meta["satisfaction"] = score
    return meta


def _is_users_file(source: Source) -> bool:
    with source.path.open("rb") as handle:
        head = handle.read(HEAD_BYTES)
    return head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"{") and (
        b'"users"' in head and b'"tickets"' not in head and b'"ticket"' not in head
    )


class ZendeskImporter(Importer):
    """Zendesk Support tickets with their comments (API JSON, arrays or NDJSON)."""

    name: ClassVar[str] = "zendesk"
    title: ClassVar[str] = "Zendesk tickets with comments (API JSON, JSON array, NDJSON export)"
    extensions: ClassVar[tuple[str, ...]] = (".json", ".ndjson", ".jsonl")
    reads_together: ClassVar[bool] = True
    message_ids_are_global: ClassVar[bool] = True
    """Message ids are Zendesk comment ids, unique across the whole Zendesk account."""

    def detect(self, path: Path, head: bytes) -> int:
        if not head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith((b"{", b"[")):
            return 0
        if b'"requester_id"' in head and b'"via"' in head:
            if b".zendesk.com/api/v2/" in head:
                return 100
            return 90 if b'"comments"' in head or b'"tickets"' in head else 70
        if b'"users"' in head and b'"end-user"' in head and b'"tickets"' not in head:
            return 40
        return 0

    def read(self, sources: Sequence[Source], options: ImportOptions) -> Iterator[Item]:
        users = _Users()
        users_first = sorted(sources, key=lambda source: not _is_users_file(source))
        for source in users_first:
            try:
                yield from self._read_one(source, users)
            except InvalidFileError as exc:  # report it and go on with the other files
                yield exc.problem

    def _read_one(self, source: Source, users: _Users) -> Iterator[Item]:
        try:
            with source.open_text() as handle:
                first = ""
                while not first.strip():
                    line = handle.readline()
                    if not line:
                        return
                    first += line
                record = loads_or_none(first)
                if _is_ticket(record):
                    yield from self._read_lines(source, users, handle, first)
                    return
                rest = handle.read()
        except UnicodeDecodeError as exc:
            raise source.not_utf8(exc) from None
        if record is None or rest.strip():  # a document on several lines
            record = parse_json_document(source, first + rest, _JSON_FIX)
        yield from self._read_document(source, users, record)

    def _read_document(self, source: Source, users: _Users, data: object) -> Iterator[Item]:
        if isinstance(data, list):
            tickets: object = data
        elif _is_ticket(data):
            tickets = [data]
        elif isinstance(data, dict) and ("tickets" in data or "ticket" in data or "users" in data):
            yield from users.add(source, data.get("users"))
            tickets = data["tickets"] if "tickets" in data else [data.get("ticket")]
            if "tickets" not in data and "ticket" not in data:
                tickets = []
        else:
            raise InvalidFileError(
                source.problem(
                    "", "this is not a Zendesk export", "expected {'tickets': [...]} or [...]"
                )
            )
        if not isinstance(tickets, list):
            raise InvalidFileError(
                source.problem("", "'tickets' is not a list", "expected {'tickets': [...]}")
            )
        for index, ticket in enumerate(tickets, start=1):
            yield from _Ticket(source, users, f"ticket {index}", None).read(ticket)

    def _read_lines(
        self, source: Source, users: _Users, handle: TextIO, first: str
    ) -> Iterator[Item]:
        line_no = first.count("\n") + (0 if first.endswith("\n") else 1)
        count = 0
        line = first
        while line:
            if line.strip():
                count += 1
                ticket = parse_json_line(source, line, line_no, _JSON_FIX)
                if isinstance(ticket, Problem):
                    yield ticket
                else:
                    where = f"line {line_no}, ticket {count}"
                    yield from _Ticket(source, users, where, line_no).read(ticket)
            line = handle.readline()
            line_no += 1


def _is_ticket(record: object) -> bool:
    """True for a JSON object that looks like one ticket (not a page of them)."""
    return (
        isinstance(record, dict)
        and not {"tickets", "ticket", "users"} & set(record)
        and bool({"id", "comments", "requester_id", "via"} & set(record))
    )
