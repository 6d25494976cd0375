"""The conversation model: every importer produces these, every analyser reads them.

Text enters the model here, so this is where it is made storable: the constructors
replace lone surrogates (which no UTF-8 database, file or HTTP answer can hold) with
U+FFFD in every string, ``meta`` included (see
:func:`~servicecoach.model.text.replace_lone_surrogates`). Offsets are unchanged.
"""

from __future__ import annotations

import copyreg
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from types import MappingProxyType
from typing import Any

from servicecoach.model.text import replace_lone_surrogates, replace_lone_surrogates_deep

__all__ = [
    "Channel",
    "Conversation",
    "Customer",
    "Message",
    "Participant",
    "Role",
]

_EMPTY: Mapping[str, Any] = MappingProxyType({})


def _proxy(items: dict[str, Any]) -> MappingProxyType[str, Any]:
    return MappingProxyType(items)


def _reduce_proxy(proxy: MappingProxyType[str, Any]) -> tuple[Any, tuple[dict[str, Any]]]:
    return _proxy, (dict(proxy),)


# Conversations travel pickled to worker processes (``analyze --workers``); their
# read-only ``meta`` mappings arrive read-only.
copyreg.pickle(MappingProxyType, _reduce_proxy)
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def _storable(instance: object, *names: str) -> None:
    """Replace lone surrogates in the named string fields of a frozen instance."""
    for name in names:
        value = getattr(instance, name)
        if isinstance(value, str):
            fixed = replace_lone_surrogates(value)
            if fixed is not value:
                object.__setattr__(instance, name, fixed)


def _storable_meta(instance: object, name: str) -> None:
    """Replace lone surrogates in every string and key of a frozen instance's mapping."""
    value = getattr(instance, name)
    if value:
        fixed = replace_lone_surrogates_deep(value)
        if fixed is not value:
            object.__setattr__(instance, name, fixed)


class Role(StrEnum):
    """Who wrote a message."""

    CUSTOMER = "customer"
    AGENT = "agent"
    BOT = "bot"
    SYSTEM = "system"


class Channel(StrEnum):
    """Where a conversation happened."""

    EMAIL = "email"
    CHAT = "chat"
    SOCIAL = "social"
    PHONE = "phone"
    SMS = "sms"
    WEB = "web"
    OTHER = "other"


@dataclass(frozen=True, slots=True)
class Participant:
    """One side of a message: its role and, when known, a display name or id."""

    role: Role
    name: str | None = None


@dataclass(frozen=True, slots=True)
class Customer:
    """The customer a conversation is with, as the source knows them.

    Attributes:
        id: the customer's id in the source system (e.g. a Zendesk requester id).
        name: display name.
        email: email address as given.
        phone: phone number as given (normalised to E.164 by identity resolution).
        handles: social handles by network, e.g. ``{"twitter": "danar"}``.
    """

    id: str | None = None
    name: str | None = None
    email: str | None = None
    phone: str | None = None
    handles: Mapping[str, str] = field(default_factory=lambda: _EMPTY)

    def __post_init__(self) -> None:
        _storable(self, "id", "name", "email", "phone")
        _storable_meta(self, "handles")

    def is_empty(self) -> bool:
        """True when the source said nothing about the customer."""
        return not (self.id or self.name or self.email or self.phone or self.handles)


@dataclass(frozen=True, slots=True)
class Message:
    """One turn: an email, a chat message, a social post, a speaker turn of a call.

    ``text`` is normalised once at import (HTML to text, quoted replies and signatures
    trimmed, whitespace tidied); every character offset elsewhere refers to it.

    Attributes:
        id: unique within the conversation.
        role: who wrote it.
        text: the normalised text.
        author: the author's display name or id, when known.
        at: when it was sent (timezone-aware), or ``None`` when unknown.
        end: when a voice turn ended (timezone-aware), when known.
        start_s: seconds from the start of a call to the start of this turn.
        end_s: seconds from the start of a call to the end of this turn.
        internal: a note the customer never saw.
        meta: anything else the source said, preserved.
    """

    id: str
    role: Role
    text: str
    author: str | None = None
    at: datetime | None = None
    end: datetime | None = None
    start_s: float | None = None
    end_s: float | None = None
    internal: bool = False
    meta: Mapping[str, Any] = field(default_factory=lambda: _EMPTY)

    def __post_init__(self) -> None:
        for name in ("at", "end"):
            value = getattr(self, name)
            if value is not None and value.utcoffset() is None:
                raise ValueError(f"message {self.id!r}: '{name}' must be timezone-aware")
        _storable(self, "id", "text", "author")
        _storable_meta(self, "meta")

    @property
    def participant(self) -> Participant:
        """The role and author of this message."""
        return Participant(self.role, self.author)

    @property
    def is_reply(self) -> bool:
        """True for agent or bot messages the customer saw."""
        return self.role in (Role.AGENT, Role.BOT) and not self.internal


@dataclass(frozen=True, slots=True)
class Conversation:
    """One thread, ticket, chat or call with one customer.

    Attributes:
        id: unique within its source (e.g. ``"zendesk-48213"``).
        channel: where it happened.
        messages: the turns, in the order the source gives (see :meth:`chronological`).
        customer: who the conversation is with.
        public: True when the thread is visible to the public (social posts).
        source: the importer that read it (``"zendesk"``, ``"twcs"``, ...); together
            with ``id`` it identifies the conversation in the store.
        meta: anything else the source said, preserved.
    """

    id: str
    channel: Channel
    messages: tuple[Message, ...]
    customer: Customer = field(default_factory=Customer)
    public: bool = False
    source: str = "jsonl"
    meta: Mapping[str, Any] = field(default_factory=lambda: _EMPTY)

    def __post_init__(self) -> None:
        _storable(self, "id", "source")
        _storable_meta(self, "meta")

    def __iter__(self) -> Iterator[Message]:
        return iter(self.messages)

    def __len__(self) -> int:
        return len(self.messages)

    @property
    def started_at(self) -> datetime | None:
        """The earliest message time, or ``None`` when no message has one."""
        times = [m.at for m in self.messages if m.at is not None]
        return min(times) if times else None

    def chronological(self) -> tuple[Message, ...]:
        """Messages sorted by time; untimed messages keep their place after timed ones."""
        timed = sorted(
            (m for m in self.messages if m.at is not None),
            key=lambda m: m.at or _EPOCH,
        )
        return (*timed, *(m for m in self.messages if m.at is None))

    def by_role(self, role: Role) -> tuple[Message, ...]:
        """Messages written by ``role``, in order."""
        return tuple(m for m in self.messages if m.role is role)
