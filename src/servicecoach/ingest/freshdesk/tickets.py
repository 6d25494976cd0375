"""One Freshdesk ticket and its conversations to a conversation.

See :mod:`servicecoach.ingest.freshdesk` for the rules (customer, roles, text, channel).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from servicecoach.errors import InvalidRecordError
from servicecoach.ingest.base import Item, Source
from servicecoach.ingest.jsonvalues import ident, int_or_none, obj, text_or_none, text_time
from servicecoach.ingest.messages import in_time_order
from servicecoach.ingest.ticketparts import Part
from servicecoach.model.conversation import Channel, Conversation, Customer, Message, Role
from servicecoach.model.text import (
    html_to_text,
    looks_like_html,
    normalize_text,
    trim_email_reply,
)

__all__ = ["TicketReader"]

SOURCE = "freshdesk"
"""The importer's name, the conversations' source."""
_CHANNELS: Mapping[int, Channel] = {
    1: Channel.EMAIL,
    2: Channel.WEB,
    3: Channel.PHONE,
    4: Channel.WEB,  # forum
    5: Channel.SOCIAL,  # Twitter
    6: Channel.SOCIAL,  # Facebook
    7: Channel.CHAT,
    8: Channel.CHAT,  # Mobihelp
    9: Channel.WEB,  # feedback widget
    10: Channel.EMAIL,  # outbound email
    12: Channel.CHAT,  # bot
    13: Channel.CHAT,  # WhatsApp
}
_SOURCE_NAMES: Mapping[int, str] = {
    1: "email",
    2: "portal",
    3: "phone",
    4: "forum",
    5: "twitter",
    6: "facebook",
    7: "chat",
    8: "mobihelp",
    9: "feedback_widget",
    10: "outbound_email",
    11: "ecommerce",
    12: "bot",
    13: "whatsapp",
}
_OUTBOUND_EMAIL = 10
_STATUS = {2: "open", 3: "pending", 4: "resolved", 5: "closed"}
_PRIORITY = {1: "low", 2: "medium", 3: "high", 4: "urgent"}
_NAME_BEFORE_ADDRESS = re.compile(r'^\s*"?([^"<]+?)"?\s*<[^>]+>\s*$')


def _body(plain: object, html: object) -> str | None:
    """``body_text`` (plain) when there is one, else the HTML ``body`` as text."""
    if isinstance(plain, str) and plain.strip():
        return html_to_text(plain) if looks_like_html(plain) else plain
    if isinstance(html, str) and html.strip():
        return html_to_text(html) if looks_like_html(html) else html
    return None


class TicketReader:
    """Turns one ticket object and its conversations into a conversation."""

    def __init__(self, source: Source, where: str) -> None:
        self.source = source
        self.where = where

    def read(self, ticket: object, joined: Sequence[Part]) -> Iterator[Item]:
        """Yield the ticket's conversation after a problem per bad reply, or its problem.

        A ticket with no reply of its own (``conversations``) or from other files is a
        problem: its description alone would read as a customer nobody answered.
        """
        if not isinstance(ticket, dict):
            yield self.source.problem(
                self.where, "the ticket is not a JSON object", "remove or fix it"
            )
            return
        ticket_id = ident(ticket.get("id"))
        if ticket_id is None:
            yield self.source.problem(
                self.where, "the ticket has no id", "export tickets with their 'id'"
            )
            return
        self.where = f"{self.where} (id {ticket_id})"
        embedded = ticket.get("conversations")
        if embedded is not None and not isinstance(embedded, list):
            yield self.source.problem(
                self.where, "'conversations' is not a list", "export it as a list"
            )
            return
        replies = [
            Part(item, self.source, f"{self.where}, conversation {index}")
            for index, item in enumerate(embedded or [], start=1)
        ]
        replies.extend(joined)
        if not replies:
            yield self.source.warning(
                self.where,
                "the ticket came without its conversations (the tickets endpoints give "
                "only its description): nothing to score, so it was not imported",
                "import its conversations file (GET /tickets/ID/conversations) with it, "
                "or export it with include=conversations",
            )
            return
        source_number = int_or_none(ticket.get("source"))
        channel = _CHANNELS.get(source_number or 0, Channel.OTHER)
        customer = _customer(ticket)
        messages: dict[str, Message] = {}
        try:
            first = self._description(ticket, ticket_id, customer, source_number)
        except InvalidRecordError as exc:
            yield self.source.problem(self.where, exc.message, exc.fix)
            return
        if first is not None:
            messages[first.id] = first
        email = channel is Channel.EMAIL
        for reply in replies:
            try:
                message = _message(reply.value, customer, email)
            except InvalidRecordError as exc:
                yield reply.source.problem(reply.where, exc.message, exc.fix)
                continue
            messages.pop(message.id, None)
            messages[message.id] = message
        if not any(m.text.strip() for m in messages.values()):
            yield self.source.warning(
                self.where,
                "the ticket has no description or conversation with text: nothing to score, so it was not imported",
                "export it again with its description and conversations",
            )
            return
        yield Conversation(
            id=f"freshdesk-{ticket_id}",
            channel=channel,
            messages=in_time_order(messages.values()),
            customer=customer,
            source=SOURCE,
            meta=_meta(ticket, source_number),
        )

    def _description(
        self, ticket: Mapping[str, Any], ticket_id: str, customer: Customer, source: int | None
    ) -> Message | None:
        html = ticket.get("description_html") or ticket.get("description")
        text = _body(ticket.get("description_text"), html)
        if text is None:
            return None
        outbound = source == _OUTBOUND_EMAIL  # the agent wrote the first message
        return Message(
            id=f"ticket-{ticket_id}-description",
            role=Role.AGENT if outbound else Role.CUSTOMER,
            text=normalize_text(text),
            author=None if outbound else customer.name or customer.id,
            at=text_time(ticket.get("created_at"), "created_at"),
        )


def _customer(ticket: Mapping[str, Any]) -> Customer:
    """The requester: inline ``requester`` details only when its id is the requester_id."""
    requester_id = ident(ticket.get("requester_id"))
    inline = obj(ticket.get("requester"))
    inline_id = ident(inline.get("id"))
    if requester_id is None:
        requester_id = inline_id
    if inline_id is not None and inline_id != requester_id:
        inline = {}  # details of someone else: never file the customer under them
    return Customer(
        id=requester_id,
        name=text_or_none(inline.get("name")) or text_or_none(ticket.get("requester_name")),
        email=text_or_none(inline.get("email")) or text_or_none(ticket.get("email")),
        phone=text_or_none(inline.get("phone")) or text_or_none(inline.get("mobile")),
    )


def _author(reply: Mapping[str, Any]) -> str | None:
    sender = text_or_none(reply.get("from_email"))
    if sender and (match := _NAME_BEFORE_ADDRESS.match(sender)):
        return match.group(1).strip()
    return ident(reply.get("user_id"))


def _message(reply: object, customer: Customer, email: bool) -> Message:
    if not isinstance(reply, dict):
        raise InvalidRecordError("the conversation is not a JSON object", "remove or fix it")
    reply_id = ident(reply.get("id"))
    if reply_id is None:
        raise InvalidRecordError("the conversation has no id", "export it with its 'id'")
    text = _body(reply.get("body_text"), reply.get("body"))
    if text is None:
        raise InvalidRecordError("the conversation has no text", "give it a body_text or body")
    incoming = reply.get("incoming")
    user = ident(reply.get("user_id"))
    customer_side = incoming is True or (incoming is None and user == customer.id)
    return Message(
        id=reply_id,
        role=Role.CUSTOMER if customer_side else Role.AGENT,
        # a customer's emailed reply carries the quoted thread; agents' keep sign-offs
        text=trim_email_reply(text) if email and customer_side else normalize_text(text),
        author=(customer.name or customer.id or _author(reply))
        if customer_side
        else _author(reply),
        at=text_time(reply.get("created_at"), "created_at"),
        internal=reply.get("private") is True,
    )


def _meta(ticket: Mapping[str, Any], source: int | None) -> dict[str, Any]:
    meta: dict[str, Any] = {}
    subject = text_or_none(ticket.get("subject"))
    if subject:
        meta["subject"] = subject
    status = _STATUS.get(int_or_none(ticket.get("status")) or 0) or text_or_none(
        ticket.get("status_name")
    )
    if status:
        meta["status"] = status.lower()
    priority = _PRIORITY.get(int_or_none(ticket.get("priority")) or 0)
    if priority:
        meta["priority"] = priority
    kind = text_or_none(ticket.get("type")) or text_or_none(ticket.get("ticket_type"))
    if kind:
        meta["type"] = kind
    tags = ticket.get("tags")
    if isinstance(tags, list) and tags:
        meta["tags"] = [tag for tag in tags if isinstance(tag, str)]
    if source is not None:
        meta["via"] = _SOURCE_NAMES.get(source, str(source))
    return meta
