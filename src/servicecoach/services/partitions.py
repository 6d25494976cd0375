"""Cutting work into partitions for a cluster, each customer's conversations together.

Continuity needs a customer's earlier conversations, so a customer (with every customer
merged into it) is never split across partitions: the worker rebuilds each
conversation's history from its own partition (:func:`~servicecoach.services.cluster_task.histories`)
and never reads the database. Customers are packed into partitions of about ``size``
conversations in the order of their first conversation; one customer with more than
``size`` conversations makes one larger partition.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from itertools import islice

from sqlalchemy import Connection, select

from servicecoach.model.conversation import Conversation
from servicecoach.services.cluster_task import PartItem, Partition
from servicecoach.store.reader import StoredConversation, iter_conversations
from servicecoach.store.schema import conversations, customers

__all__ = ["PARTITION_SIZE", "StorePlan", "file_partitions", "plan_store"]

PARTITION_SIZE = 256
"""Conversations per task: two of the pipeline's embedding batches, so a task is long
enough (about a second with the models) that scheduling costs little, and short enough
that a lost worker loses little work."""


@dataclass(frozen=True, slots=True)
class _Row:
    pk: int
    customer: int | None
    started: datetime | None


def _roots(connection: Connection) -> dict[int, int]:
    """Every customer's root, as ``store.customers.root_of`` finds it, in one query."""
    parent = dict(connection.execute(select(customers.c.id, customers.c.merged_into)).all())
    roots: dict[int, int] = {}
    for start in parent:
        path: list[int] = []
        current = start
        while True:
            if current in roots:
                root = roots[current]
                break
            path.append(current)
            up = parent.get(current)
            if up is None or up in path:  # a root, or a cycle (root_of stops there too)
                root = current
                break
            current = up
        roots.update((customer, root) for customer in path)
    return roots


@dataclass(frozen=True, slots=True)
class StorePlan:
    """The partitions of a store's conversations, as primary keys (loaded when submitted).

    Attributes:
        groups: primary keys per partition, each customer's together.
        rows: the customer (root) and stored start time of every conversation.
        total: conversations to analyse (those of ``skip`` excluded).
    """

    groups: list[list[int]]
    rows: dict[int, _Row]
    total: int

    def partitions(
        self, connection: Connection, skip: Collection[int] = ()
    ) -> Iterator[tuple[Partition, dict[int, StoredConversation]]]:
        """Each partition, loaded from the store, with its conversations to analyse."""
        for index, pks in enumerate(self.groups):
            loaded = list(iter_conversations(connection, ids=pks))
            connection.rollback()  # end the read transaction between partitions
            items = tuple(
                PartItem(
                    s.pk,
                    s.conversation,
                    self.rows[s.pk].customer,
                    self.rows[s.pk].started,
                    analyse=s.pk not in skip,
                    customer_id=s.customer_id,
                )
                for s in loaded
            )
            stored = {s.pk: s for s in loaded if s.pk not in skip}
            yield Partition(index, items, with_history=True), stored


def plan_store(
    connection: Connection, size: int = PARTITION_SIZE, skip: Collection[int] = ()
) -> StorePlan:
    """Group the stored conversations by customer and pack the groups into partitions.

    One light query reads every conversation's key, customer and start time; the
    conversations themselves are read partition by partition as they are submitted.
    A customer all of whose conversations are in ``skip`` is left out.
    """
    roots = _roots(connection)
    rows: dict[int, _Row] = {}
    groups: dict[object, list[int]] = {}
    query = select(conversations.c.id, conversations.c.customer_id, conversations.c.started_at)
    for pk, customer, started in connection.execute(query.order_by(conversations.c.id)):
        root = None if customer is None else roots.get(customer, customer)
        rows[pk] = _Row(pk, root, started)
        groups.setdefault(("customer", root) if root is not None else ("alone", pk), []).append(pk)
    connection.rollback()
    packed: list[list[int]] = []
    current: list[int] = []
    for members in groups.values():
        if all(pk in skip for pk in members):
            continue
        current.extend(members)
        if len(current) >= size:
            packed.append(current)
            current = []
    if current:
        packed.append(current)
    total = sum(1 for pk in rows if pk not in skip)
    return StorePlan(packed, rows, total)


def file_partitions(
    conversations: Iterable[Conversation], size: int = PARTITION_SIZE
) -> Iterator[Partition]:
    """Conversations read from files, in order, cut into partitions (no history)."""
    iterator = iter(conversations)
    index = 0
    position = 0
    while chunk := list(islice(iterator, size)):
        items = tuple(PartItem(position + i, c) for i, c in enumerate(chunk))
        position += len(chunk)
        yield Partition(index, items)
        index += 1
