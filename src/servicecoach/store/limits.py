"""What every supported database can store: checked before writing, reported as bad input.

PostgreSQL refuses the NUL character in text and enforces column lengths that SQLite
ignores; checking here keeps both backends alike and turns such values into a reported
record problem instead of a failed transaction.
"""

from __future__ import annotations

from collections.abc import Iterator

from servicecoach.model.conversation import Conversation

__all__ = ["MAX_NETWORK", "MAX_SOURCE", "storage_problem"]

MAX_SOURCE = 55
"""Longest source name: it is stored in 64 characters, prefixed ``external:`` in identities."""
MAX_NETWORK = 57
"""Longest social network name in handles: stored prefixed ``handle:`` in 64 characters."""


def _texts(conversation: Conversation) -> Iterator[tuple[str, str]]:
    yield "conversation id", conversation.id
    yield "source", conversation.source
    customer = conversation.customer
    for name in ("id", "name", "email", "phone"):
        value = getattr(customer, name)
        if value is not None:
            yield f"customer {name}", value
    for network, handle in customer.handles.items():
        yield "customer handle network", network
        yield f"customer {network} handle", handle
    for message in conversation.messages:
        yield f"message {message.id!r} id", message.id
        yield f"message {message.id!r} text", message.text
        if message.author is not None:
            yield f"message {message.id!r} author", message.author


def storage_problem(conversation: Conversation) -> tuple[str, str] | None:
    """``(what is wrong, how to fix it)`` when the conversation cannot be stored, else ``None``."""
    for where, value in _texts(conversation):
        if "\x00" in value:
            return (
                f"the {where} contains a NUL character (\\u0000), which databases cannot store",
                "remove it from the source file",
            )
    if len(conversation.source) > MAX_SOURCE:
        return (
            f"the source name is longer than {MAX_SOURCE} characters",
            "use a short name for meta.source",
        )
    for network in conversation.customer.handles:
        if len(network) > MAX_NETWORK:
            return (
                f"the handle network {network[:20]!r}… is longer than {MAX_NETWORK} characters",
                'use a network name such as "twitter"',
            )
    return None
