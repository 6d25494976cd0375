"""One Zendesk ticket object to a conversation, with the users that say who wrote what.

See :mod:`servicecoach.ingest.zendesk` for the rules (customer, roles, text, channel).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any, NamedTuple

from servicecoach.errors import InvalidRecordError, Problem
from servicecoach.ingest.base import Item, Source
from servicecoach.ingest.jsonvalues import ident, obj, text_or_none, text_time
from servicecoach.ingest.messages import in_time_order
from servicecoach.ingest.ticketparts import Part
from servicecoach.ingest.zendesk.joins import Joined
from servicecoach.ingest.zendesk.talk import call_messages
from servicecoach.model.conversation import Channel, Conversation, Customer, Message, Role
from servicecoach.model.text import (
    html_to_text,
    looks_like_html,
    normalize_text,
    trim_email_reply,
)

__all__ = ["NO_COMMENTS_FIX", "TicketReader", "Users", "is_ticket"]

NO_COMMENTS_FIX = "import its comments or audits with it, or export the tickets with their comments"

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
_SOURCE = "zendesk"
"""The importer's name, the conversations' source."""


class _User(NamedTuple):
    """What a ticket needs to know about a Zendesk user."""

    name: str | None
    email: str | None
    phone: str | None
    role: str | None
    external_id: str | None


def _user(data: Mapping[str, Any]) -> _User:
    role = text_or_none(data.get("role"))
    return _User(
        text_or_none(data.get("name")),
        text_or_none(data.get("email")),
        text_or_none(data.get("phone")),
        role.lower() if role else None,
        ident(data.get("external_id")),
    )


class Users:
    """Users by id, collected from every file of one import."""

    def __init__(self) -> None:
        self.by_id: dict[str, _User] = {}

    def add(self, source: Source, users: object) -> Iterator[Problem]:
        """Remember the users of one file's ``users`` list; yield a problem per bad one."""
        if users is None:
            return
        if not isinstance(users, list):
            yield source.problem("users", "'users' is not a list", "side-load users as a list")
            return
        for index, data in enumerate(users, start=1):
            key = ident(data.get("id")) if isinstance(data, dict) else None
            if key is None:
                yield source.problem(
                    f"user {index}", "the user is not an object with an id", "remove or fix it"
                )
                continue
            self.by_id[key] = _user(data)


def _body(comment: Mapping[str, Any], trim: bool) -> str:
    transcription = text_or_none(obj(comment.get("data")).get("transcription_text"))
    if transcription:  # a voicemail's words, where the body only describes the call
        return normalize_text(transcription)
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


class TicketReader:
    """Turns one ticket object into a conversation (and problems for bad comments).

    Comments and calls read from other files of the import (``joined``) are added to the
    ticket's own comments; a repeated comment id keeps its last copy.
    """

    def __init__(
        self,
        source: Source,
        users: Users,
        where: str,
        line: int | None,
        joined: Joined | None = None,
    ) -> None:
        self.source = source
        self.users = users
        self.where = where
        self.line = line
        self.joined = joined

    def problem(self, message: str, fix: str, where: str | None = None) -> Problem:
        """A problem at the ticket (or at ``where``), on its NDJSON line if any."""
        return self.source.problem(where or self.where, message, fix, self.line)

    def read(self, ticket: object) -> Iterator[Item]:
        """Yield the ticket's conversation after a problem per bad comment, or its problem.

        A ticket that ends with no message (no comments of its own or from other files,
        or none readable) is a problem, never an empty conversation: it has nothing to
        score, and its description alone would read as a customer nobody answered.
        """
        if not isinstance(ticket, dict):
            yield self.problem("the ticket is not a JSON object", "each ticket must be an object")
            return
        ticket_id = ident(ticket.get("id"))
        if ticket_id is None:
            yield self.problem("the ticket has no id", "export tickets with their 'id'")
            return
        self.where = f"{self.where} (id {ticket_id})"
        joined, calls = self.joined.take(ticket_id) if self.joined else ([], [])
        requester = obj(ticket.get("requester"))
        requester_id = ident(ticket.get("requester_id")) or ident(requester.get("id"))
        if requester_id is None:
            yield self.problem(
                "the ticket has no requester_id", "export tickets with their requester"
            )
            return
        comments = ticket.get("comments", [])
        if not isinstance(comments, list):
            yield self.problem("'comments' is not a list", "export comments as a list")
            return
        parts = [
            Part(comment, self.source, f"{self.where}, comment {index}")
            for index, comment in enumerate(comments, start=1)
        ]
        via = obj(ticket.get("via"))
        via_channel = (text_or_none(via.get("channel")) or "").lower()
        channel = _CHANNELS.get(via_channel, Channel.OTHER)
        rel = (text_or_none(obj(via.get("source")).get("rel")) or "").lower()
        customer = self._customer(requester_id, requester, via, via_channel)
        messages: dict[str, Message] = {}
        for index, part in enumerate([*parts, *joined], start=1):
            try:
                message = self._message(part.value, index, ticket_id, customer, via_channel)
            except InvalidRecordError as exc:
                yield part.source.problem(part.where, exc.message, exc.fix, self._line(part))
                continue
            messages.pop(message.id, None)
            messages[message.id] = message
        texts = any(message.text.strip() for message in messages.values())
        for part in calls:
            yield from self._add_call(part, customer, messages)
        if not texts:
            if "comments" not in ticket and not joined:
                why = (
                    "the ticket came without its comments (the tickets endpoints and the "
                    "incremental export give only its description): nothing to score"
                )
            else:
                why = "the ticket has no comment with text: nothing to score"
            yield self.source.warning(
                self.where, f"{why}, so it was not imported", NO_COMMENTS_FIX, self.line
            )
            return
        ordered = in_time_order(messages.values())
        if ordered and "call" in ordered[0].meta:  # the ticket started with a phone call
            channel = Channel.PHONE
        yield Conversation(
            id=f"zendesk-{ticket_id}",
            channel=channel,
            messages=ordered,
            customer=customer,
            public=channel is Channel.SOCIAL and rel not in _PRIVATE_RELS,
            source=_SOURCE,
            meta=_meta(ticket, via_channel),
        )

    def _line(self, part: Part) -> int | None:
        return self.line if part.source is self.source else None

    def _add_call(
        self, part: Part, customer: Customer, messages: dict[str, Message]
    ) -> Iterator[Problem]:
        call = obj(part.value)
        agent = self.users.by_id.get(ident(call.get("agent_id")) or "")
        try:
            added = call_messages(call, customer.name, agent.name if agent else None)
        except InvalidRecordError as exc:
            yield part.source.problem(part.where, exc.message, exc.fix)
            return
        for message in added:
            messages.pop(message.id, None)
            messages[message.id] = message

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
            sender = obj(obj(via.get("source")).get("from"))
            handle = text_or_none(sender.get("username")) or text_or_none(sender.get("screen_name"))
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
        author = ident(comment.get("author_id"))
        if author is None:
            raise InvalidRecordError("the comment has no author_id", "give each comment its author")
        comment_channel = (
            text_or_none(obj(comment.get("via")).get("channel")) or via_channel
        ).lower()
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
            id=ident(comment.get("id")) or f"ticket-{ticket_id}-comment-{index}",
            role=role,
            text=_body(comment, trim=comment_channel == "email"),
            author=name or author,
            at=text_time(comment.get("created_at"), "created_at"),
            internal=comment.get("public") is False,
        )


def _meta(ticket: Mapping[str, Any], via_channel: str) -> dict[str, Any]:
    meta: dict[str, Any] = {}
    for key in _TICKET_META:
        value = text_or_none(ticket.get(key))
        if value:
            meta[key] = value
    tags = ticket.get("tags")
    if isinstance(tags, list) and tags:
        meta["tags"] = [tag for tag in tags if isinstance(tag, str)]
    if via_channel:
        meta["via"] = via_channel
    score = text_or_none(obj(ticket.get("satisfaction_rating")).get("score"))
    if score and score not in ("unoffered", "offered"):
        meta["satisfaction"] = score
    return meta


def is_ticket(record: object) -> bool:
    """True for a JSON object that looks like one ticket (not a page of them)."""
    return (
        isinstance(record, dict)
        and not {"tickets", "ticket", "users"} & set(record)
        and bool({"id", "comments", "requester_id", "via"} & set(record))
    )
