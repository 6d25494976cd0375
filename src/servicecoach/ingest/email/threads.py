"""Emails grouped into threads by their ids, and each thread made a conversation.

See :mod:`servicecoach.ingest.email` for the rules (thread ids, roles, the customer).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Any

from servicecoach.ingest.base import ImportOptions
from servicecoach.ingest.email.parse import Mail
from servicecoach.model.conversation import Channel, Conversation, Customer, Message, Role

__all__ = ["build_conversation", "group_threads"]

_PREFIX = re.compile(r"^(?:\s*(?:re|fwd?|aw|wg|sv|antw)\s*(?:\[\d+\])?\s*:)+\s*", re.I)


class _UnionFind:
    """Groups message ids that refer to each other."""

    def __init__(self) -> None:
        self._parent: dict[str, str] = {}

    def find(self, item: str) -> str:
        root = self._parent.setdefault(item, item)
        while root != self._parent[root]:
            root = self._parent[root]
        while item != root:  # path compression
            self._parent[item], item = root, self._parent[item]
        return root

    def union(self, a: str, b: str) -> None:
        root_a, root_b = self.find(a), self.find(b)
        if root_a != root_b:
            self._parent[max(root_a, root_b)] = min(root_a, root_b)


def group_threads(mails: Iterable[Mail]) -> list[list[Mail]]:
    """Mails grouped into threads, each in chronological order."""
    groups = _UnionFind()
    mails = list(mails)
    for mail in mails:
        groups.find(mail.id)
        for parent in mail.parents:
            groups.union(mail.id, parent)
    threads: dict[str, list[Mail]] = {}
    for mail in mails:
        threads.setdefault(groups.find(mail.id), []).append(mail)
    return [sorted(thread, key=Mail.sort_key) for thread in threads.values()]


def _root(thread: Sequence[Mail]) -> str:
    """The thread's id, chosen so that overlapping exports agree (see the module doc)."""
    for mail in thread:
        if mail.references and mail.references[0] != mail.id:
            return mail.references[0]
    for mail in thread:
        if not mail.parents:
            return mail.id
    return thread[0].parents[0] if thread[0].parents else thread[0].id


def build_conversation(thread: Sequence[Mail], options: ImportOptions, source: str) -> Conversation:
    """The conversation of one thread (its mails in chronological order).

    Args:
        thread: the thread's mails, earliest first.
        options: support addresses, which say who is an agent.
        source: the importer's name.
    """
    if options.support_addresses:
        agents = {m.address for m in thread if options.is_support_address(m.address)}
    else:
        agents = {m.address for m in thread} - {thread[0].address}
    messages = tuple(
        Message(
            id=mail.id,
            role=Role.AGENT if mail.address in agents else Role.CUSTOMER,
            text=mail.text,
            author=mail.name or mail.address or None,
            at=mail.at,
            meta=mail.meta,
        )
        for mail in thread
    )
    meta: dict[str, Any] = {}
    subject = next((m.subject for m in thread if m.subject), "")
    if subject:
        meta["subject"] = _PREFIX.sub("", subject).strip() or subject
    return Conversation(
        id=f"{source}-{_root(thread)}",
        channel=Channel.EMAIL,
        messages=messages,
        customer=_customer(thread, agents, options),
        public=False,
        source=source,
        meta=meta,
    )


def _customer(thread: Sequence[Mail], agents: set[str], options: ImportOptions) -> Customer:
    for mail in thread:
        if mail.address not in agents:
            return Customer(name=mail.name, email=mail.address or None)
    for name, address in thread[0].recipients:
        if not options.is_support_address(address):
            return Customer(name=name or None, email=address)
    return Customer()
