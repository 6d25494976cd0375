"""A finished draft to a conversation: channel, ordered messages and the customer.

See :mod:`servicecoach.ingest.chatwoot` for the rules (channels, text, the customer).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from servicecoach.ingest.chatwoot.drafts import Draft, RawMessage
from servicecoach.ingest.jsonvalues import ident, obj, text_or_none
from servicecoach.ingest.messages import in_time_order, message_text
from servicecoach.model.conversation import Channel, Conversation, Customer, Message

__all__ = ["finish_draft"]

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


def finish_draft(draft: Draft, source_name: str) -> Conversation:
    """The conversation of a draft every file has been read into.

    Args:
        draft: the merged conversation.
        source_name: the importer's name, the prefix of the conversation id.
    """
    channel = _CHANNELS.get(draft.channel or "", Channel.OTHER)
    if draft.channel is None and draft.email_hint:
        channel = Channel.EMAIL
    meta = dict(draft.meta)
    if draft.channel:
        meta["channel"] = draft.channel
    messages = tuple(_message(raw, channel) for raw in in_time_order(draft.messages.values()))
    return Conversation(
        id=f"{source_name}-{draft.number}",
        channel=channel,
        messages=messages,
        customer=_customer(draft.contact, draft.channel),
        public=False,
        source=source_name,
        meta=meta,
    )


def _message(raw: RawMessage, channel: Channel) -> Message:
    email_reply = channel is Channel.EMAIL and raw.kind == 0  # an incoming email
    return Message(
        id=raw.id,
        role=raw.role,
        text=message_text(raw.content, trim_reply=email_reply),
        author=raw.author,
        at=raw.at,
        internal=raw.internal,
        meta=raw.meta,
    )


def _customer(contact: Mapping[str, Any] | None, channel: str | None) -> Customer:
    if not contact:
        return Customer()
    attributes = obj(contact.get("additional_attributes"))
    handles: dict[str, str] = {}
    profiles = attributes.get("social_profiles")
    if isinstance(profiles, dict):
        for network, handle in profiles.items():
            if isinstance(handle, str) and handle.strip():
                handles[str(network)] = handle.strip().lstrip("@")
    screen_name = attributes.get("screen_name")
    if channel == "Channel::Twitter" and isinstance(screen_name, str) and screen_name.strip():
        handles["twitter"] = screen_name.strip().lstrip("@")
    identifier = ident(contact.get("identifier"))
    if identifier:
        handles["identifier"] = identifier
    return Customer(
        id=ident(contact.get("id")),
        name=text_or_none(contact.get("name")),
        email=text_or_none(contact.get("email")),
        phone=text_or_none(contact.get("phone_number")),
        handles=handles,
    )
