"""One Gorgias ticket and its messages to a conversation.

See :mod:`servicecoach.ingest.gorgias` for the rules (customer, roles, text, channel).
"""

from __future__ import annotations

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

SOURCE = "gorgias"
"""The importer's name, the conversations' source."""
_CHANNELS: Mapping[str, Channel] = {
    "email": Channel.EMAIL,
    **dict.fromkeys(("chat", "whatsapp", "google-business-messages"), Channel.CHAT),
    **dict.fromkeys(("phone", "aircall"), Channel.PHONE),
    "sms": Channel.SMS,
    **dict.fromkeys(("api", "contact_form", "help-center", "self_service"), Channel.WEB),
    **dict.fromkeys(
        (
            "facebook",
            "facebook-mention",
            "facebook-messenger",
            "facebook-recommendations",
            "instagram-comment",
            "instagram-ad-comment",
            "instagram-mention",
            "instagram-direct-message",
            "twitter",
            "twitter-direct-message",
            "yotpo-review",
        ),
        Channel.SOCIAL,
    ),
}
_PRIVATE_SOCIAL = frozenset(
    {"facebook-messenger", "instagram-direct-message", "twitter-direct-message"}
)
_BOT_VIA = frozenset({"rule", "self_service", "ai_agent", "automation"})
"""``via`` values of messages the company sent automatically (rules, automations)."""
_INTERNAL = "internal-note"


def _name(person: Mapping[str, Any]) -> str | None:
    full = " ".join(
        p
        for p in (text_or_none(person.get("firstname")), text_or_none(person.get("lastname")))
        if p
    )
    return text_or_none(person.get("name")) or full or None


class TicketReader:
    """Turns one ticket object and its messages into a conversation."""

    def __init__(self, source: Source, where: str) -> None:
        self.source = source
        self.where = where

    def read(self, ticket: object, joined: Sequence[Part]) -> Iterator[Item]:
        """Yield the ticket's conversation after a problem per bad message, or its problem."""
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
        embedded = ticket.get("messages")
        if embedded is not None and not isinstance(embedded, list):
            yield self.source.problem(self.where, "'messages' is not a list", "export it as a list")
            return
        parts = [
            Part(message, self.source, f"{self.where}, message {index}")
            for index, message in enumerate(embedded or [], start=1)
        ]
        parts.extend(joined)
        if not parts:
            yield self.source.warning(
                self.where,
                "the ticket came without its messages (the tickets list gives none): "
                "nothing to score, so it was not imported",
                "export it with its messages (GET /api/tickets/ID), or import its "
                "messages (GET /api/tickets/ID/messages) with it",
            )
            return
        channel_name = (text_or_none(ticket.get("channel")) or "").lower()
        channel = _CHANNELS.get(channel_name, Channel.OTHER)
        customer = _customer(obj(ticket.get("customer")))
        messages: dict[str, Message] = {}
        for part in parts:
            try:
                message = _message(part.value, customer, channel is Channel.EMAIL)
            except InvalidRecordError as exc:
                yield part.source.problem(part.where, exc.message, exc.fix)
                continue
            messages.pop(message.id, None)
            messages[message.id] = message
        if not any(m.text.strip() for m in messages.values()):
            yield self.source.warning(
                self.where,
                "the ticket has no message with text: nothing to score, so it was not imported",
                "export it again with its messages",
            )
            return
        yield Conversation(
            id=f"gorgias-{ticket_id}",
            channel=channel,
            messages=in_time_order(messages.values()),
            customer=customer,
            public=channel is Channel.SOCIAL and channel_name not in _PRIVATE_SOCIAL,
            source=SOURCE,
            meta=_meta(ticket, channel_name),
        )


def _customer(customer: Mapping[str, Any]) -> Customer:
    phone = None
    handles: dict[str, str] = {}
    channels = customer.get("channels")
    for entry in channels if isinstance(channels, list) else []:
        kind, address = (
            text_or_none(obj(entry).get("type")),
            text_or_none(obj(entry).get("address")),
        )
        if kind == "phone" and address and phone is None:
            phone = address
        elif kind == "twitter" and address:
            handles["twitter"] = address.lstrip("@")
    return Customer(
        id=ident(customer.get("id")),
        name=_name(customer),
        email=text_or_none(customer.get("email")),
        phone=phone,
        handles=handles,
    )


def _message(value: object, customer: Customer, email: bool) -> Message:
    if not isinstance(value, dict):
        raise InvalidRecordError("the message is not a JSON object", "remove or fix it")
    message_id = ident(value.get("id"))
    if message_id is None:
        raise InvalidRecordError("the message has no id", "export messages with their 'id'")
    from_agent = value.get("from_agent")
    if not isinstance(from_agent, bool):
        raise InvalidRecordError(
            "the message has no from_agent (true or false)", "export messages as the API gives them"
        )
    channel = (text_or_none(value.get("channel")) or "").lower()
    via = (text_or_none(value.get("via")) or "").lower()
    sender = obj(value.get("sender"))
    if from_agent:
        role = Role.BOT if via in _BOT_VIA else Role.AGENT
        text = _body(value, ("body_text", "body_html", "stripped_text", "stripped_html"))
        author = _name(sender) or text_or_none(sender.get("email")) or ident(sender.get("id"))
        at = text_time(
            value.get("sent_datetime") or value.get("created_datetime"), "created_datetime"
        )
    else:
        role = Role.CUSTOMER
        # Gorgias's stripped_text is the reply without the quoted thread and signature
        text = _body(value, ("stripped_text", "stripped_html", "body_text", "body_html"))
        if email or channel == "email":
            text = trim_email_reply(text)
        author = customer.name or _name(sender) or text_or_none(sender.get("email")) or customer.id
        at = text_time(value.get("created_datetime"), "created_datetime")
    return Message(
        id=message_id,
        role=role,
        text=normalize_text(text),
        author=author,
        at=at,
        internal=channel == _INTERNAL or value.get("public") is False,
    )


def _body(message: Mapping[str, Any], keys: Sequence[str]) -> str:
    for key in keys:
        value = message.get(key)
        if isinstance(value, str) and value.strip():
            is_html = key.endswith("_html") or looks_like_html(value)
            return html_to_text(value) if is_html else value
    raise InvalidRecordError(
        "the message has no text", "give it a body_text, body_html or stripped_text"
    )


def _meta(ticket: Mapping[str, Any], channel: str) -> dict[str, Any]:
    meta: dict[str, Any] = {}
    for key in ("subject", "status", "priority", "language"):
        value = text_or_none(ticket.get(key))
        if value:
            meta[key] = value
    tags = ticket.get("tags")
    if isinstance(tags, list):
        names = [text_or_none(obj(tag).get("name")) or text_or_none(tag) for tag in tags]
        if any(names):
            meta["tags"] = [name for name in names if name]
    if channel:
        meta["via"] = channel
    score = int_or_none(obj(ticket.get("satisfaction_survey")).get("score"))
    if score is not None:
        meta["satisfaction"] = score
    return meta
