"""Chatwoot ``message_created`` webhook events, and the conversation they belong to.

An event is the new message at the top level (``id``, ``content``, ``message_type`` as a
word, ``private``, ``created_at`` in ISO 8601, ``sender``) with ``conversation`` (its
display ``id``, ``channel``, ``inbox_id``, ``status``, ``meta.sender`` the contact,
``meta.assignee``, ``messages`` the latest message) and ``account``. The 2020 shape
(``created_at`` as ``"2020-03-03 13:05:57 UTC"``, the contact beside the message as
``contact``, ``conversation.display_id``) is read too: see
:mod:`servicecoach.ingest.chatwoot.webhook`, shared with the importer.

The body is checked first (:mod:`servicecoach.server.chatwoot.event_model`): a field of
the wrong type is answered 422 naming the field, before anything reads it; lone
surrogates become U+FFFD. Messages the conversation carries are read as an import
reads them: a bad one is skipped and reported in the answer's ``problems``.

The conversation is assembled as one Chatwoot conversation document - the event's
conversation with the messages read from the API (or, without the API, the messages
the event carries) - and read by the Chatwoot importer
(:mod:`servicecoach.ingest.chatwoot`), so that a hook-scored conversation is exactly
the conversation an import of the same data gives: same roles, channel, customer and
text clean-up.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from servicecoach.errors import InputError, Problem
from servicecoach.ingest.base import Source
from servicecoach.ingest.chatwoot.conversations import finish_draft
from servicecoach.ingest.chatwoot.drafts import Draft, read_source
from servicecoach.ingest.chatwoot.importer import ChatwootImporter
from servicecoach.ingest.chatwoot.webhook import event_document
from servicecoach.model.conversation import Conversation
from servicecoach.model.text import replace_lone_surrogates_deep
from servicecoach.server.chatwoot.event_model import check_event_body

__all__ = ["MessageEvent", "assemble_conversation", "read_event"]

_SCORED_TYPES = {"incoming", "outgoing", 0, 1}


@dataclass(frozen=True, slots=True)
class MessageEvent:
    """The parts of a webhook event the hook needs.

    Attributes:
        event: the event name (``message_created``).
        account: the Chatwoot account id.
        conversation: the conversation's display id (the id in Chatwoot's URLs and API).
        message: the new message as Chatwoot sent it.
        conversation_data: the event's conversation object.
    """

    event: str
    account: int | None
    conversation: int | None
    message: Mapping[str, Any]
    conversation_data: Mapping[str, Any]

    @property
    def private(self) -> bool:
        """True for a private note."""
        return self.message.get("private") is True

    @property
    def message_type(self) -> object:
        """``incoming``, ``outgoing``, ``activity`` or ``template`` (or Chatwoot's number)."""
        return self.message.get("message_type")

    @property
    def scored_type(self) -> bool:
        """True for a customer's (incoming) or an agent's (outgoing) message."""
        return self.message_type in _SCORED_TYPES

    @property
    def message_id(self) -> int | None:
        """The new message's id."""
        number = self.message.get("id")
        if isinstance(number, str) and number.isdigit():
            return int(number)
        return number if isinstance(number, int) and not isinstance(number, bool) else None

    @property
    def content(self) -> str:
        """The new message's text."""
        content = self.message.get("content")
        return content if isinstance(content, str) else ""


def _number(value: object) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().isdigit():
        return int(value)
    return None


def read_event(payload: Mapping[str, Any]) -> MessageEvent:
    """The event in a webhook body, checked against its typed model.

    Lone surrogates anywhere in the body become U+FFFD.

    Raises:
        InputError: the body is not a Chatwoot event (no ``event`` name), or a message
            event without its conversation.
        ApiError: 422, a field the hook reads has the wrong type (the message names it).
    """
    payload = replace_lone_surrogates_deep(payload)
    event = payload.get("event")
    if not isinstance(event, str) or not event:
        raise InputError(
            "not a Chatwoot webhook event: the body has no 'event' name "
            "(point a Chatwoot webhook with the message_created event at this URL)"
        )
    check_event_body(payload)
    conversation = payload.get("conversation")
    conversation = conversation if isinstance(conversation, dict) else {}
    account = payload.get("account")
    account_id = _number(account.get("id")) if isinstance(account, dict) else None
    number = _number(conversation.get("display_id", conversation.get("id")))
    if event.startswith("message_") and number is None:
        raise InputError(f"the {event} event has no conversation id ('conversation.id')")
    message = {k: v for k, v in payload.items() if k not in ("conversation", "account", "event")}
    # ``contact`` and ``inbox`` (the 2020 shape) stay with the message: see event_document
    return MessageEvent(event, account_id, number, message, conversation)


class _PayloadSource(Source):
    """A Chatwoot document held in memory, read by the importer like a file."""

    def __init__(self, name: str, text: str) -> None:
        self.path = Path(name)
        self.size = len(text.encode("utf-8"))
        self.bytes_read = 0
        self._text = text

    def read_text(self) -> str:
        self.bytes_read = self.size
        return self._text


def assemble_conversation(
    event: MessageEvent, fetched: Mapping[str, Any] | None
) -> tuple[Conversation, list[Problem]]:
    """The conversation of an event, as the Chatwoot importer reads it.

    Args:
        event: the webhook event.
        fetched: the messages endpoint's answer (every message of the conversation), or
            ``None`` to use only the messages the event carries.

    Returns:
        The conversation and the messages the importer could not read (skipped).
    """
    body = {**event.message, "event": event.event, "conversation": event.conversation_data}
    if event.account is not None:
        body["account"] = {"id": event.account}
    others: list[Any] | None = None
    if fetched is not None:
        fetched = replace_lone_surrogates_deep(fetched)
        payload = fetched.get("payload")
        others = list(payload) if isinstance(payload, list) else []
    document = event_document(body, others)
    document["id"] = event.conversation
    meta = document.setdefault("meta", {})
    if fetched is not None and isinstance(fetched.get("meta"), dict):
        for key in ("contact", "assignee", "labels"):
            if key in fetched["meta"] and key not in meta:
                meta[key] = fetched["meta"][key]
    source = _PayloadSource(f"chatwoot-event-{event.conversation}.json", json.dumps(document))
    drafts: dict[str, Draft] = {}
    problems = [item for item in read_source(source, drafts) if isinstance(item, Problem)]
    draft = drafts.get(str(event.conversation)) or Draft(str(event.conversation))
    return finish_draft(draft, ChatwootImporter.name), problems
