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
    agents = _agent_addresses(thread, options)
    roles = _roles(thread, agents)
    messages = tuple(
        Message(
            id=mail.id,
            role=role,
            text=mail.text,
            author=mail.name or mail.address or None,
            at=mail.at,
            meta=mail.meta,
        )
        for mail, role in zip(thread, roles, strict=True)
    )
    meta: dict[str, Any] = {}
    subject = next((m.subject for m in thread if m.subject), "")
    if subject:
        meta["subject"] = _PREFIX.sub("", subject).strip() or subject
    return Conversation(
        id=f"{source}-{_root(thread)}",
        channel=Channel.EMAIL,
        messages=messages,
        customer=_customer(thread, roles, agents, options),
        public=False,
        source=source,
        meta=meta,
    )


def _agent_addresses(thread: Sequence[Mail], options: ImportOptions) -> set[str]:
    """The senders whose own mails are agent mails (a helpdesk's relay address too)."""
    relays = {m.address for m in thread if m.relayed is not None}
    if options.support_addresses:
        return {m.address for m in thread if options.is_support_address(m.address)} | relays
    direct = [m for m in thread if m.address not in relays]
    first = {direct[0].address} if direct else set()
    return ({m.address for m in direct} - first) | relays


def _roles(thread: Sequence[Mail], agents: set[str]) -> list[Role]:
    """Each mail's role: by its sender, or for a relayed comment by its author.

    A relayed author is the customer when the thread knows them as one (a customer who
    wrote directly, the requester of the ticket, the recipient of a "your request"
    notification), an agent when known as one (an agent who wrote directly) or shown
    as "Name (Company)" in the comment header, else the customer.
    """
    customers: set[str] = set()
    staff: set[str] = set()
    for mail in thread:
        if mail.relayed is None:
            if mail.name:
                (staff if mail.address in agents else customers).add(mail.name.casefold())
            continue
        if mail.relayed.requester:
            customers.add(mail.relayed.requester.casefold())
        if mail.relayed.to_requester:
            customers.update(name.casefold() for name, _ in mail.recipients if name)
    roles = []
    for mail in thread:
        if mail.relayed is None:
            roles.append(Role.AGENT if mail.address in agents else Role.CUSTOMER)
            continue
        author = mail.relayed.author.casefold()
        if author in customers:
            roles.append(Role.CUSTOMER)
        elif author in staff or mail.relayed.author_marked:
            roles.append(Role.AGENT)
        else:
            roles.append(Role.CUSTOMER)
    return roles


def _customer(
    thread: Sequence[Mail], roles: Sequence[Role], agents: set[str], options: ImportOptions
) -> Customer:
    """The first customer who wrote; for a thread written only by agents, the recipient.

    A customer whose comment a helpdesk relayed has no address of their own in the
    mail, except when the notification went to them ("your request"): then the
    recipient with their name gives it.
    """
    for mail, role in zip(thread, roles, strict=True):
        if role is not Role.CUSTOMER:
            continue
        if mail.relayed is None:
            return Customer(name=mail.name, email=mail.address or None)
        return Customer(name=mail.relayed.author, email=_address_of(mail.relayed.author, thread))
    for name, address in thread[0].recipients:
        if address not in agents and not options.is_support_address(address):
            return Customer(name=name or None, email=address)
    return Customer()


def _address_of(name: str, thread: Sequence[Mail]) -> str | None:
    """The address of ``name`` from a notification sent to them, or ``None``."""
    for mail in thread:
        if mail.relayed is not None and mail.relayed.to_requester:
            for recipient, address in mail.recipients:
                if recipient.casefold() == name.casefold():
                    return address
    return None
