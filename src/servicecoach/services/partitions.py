"""Cutting work into partitions for a cluster, each customer's conversations together.

Continuity needs a customer's earlier conversations, so a customer (with every customer
merged into it) is never split across partitions: the worker rebuilds each
conversation's history from its own partition (:func:`~servicecoach.services.cluster_task.histories`)
and never reads the database. Customers are packed into partitions of about ``size``
conversations in the order of their first conversation; one customer with more than
``size`` conversations makes one larger partition.

Parquet exports are planned from their footers alone (:func:`plan_parquet`): a task names
files and row ranges, about ``size`` rows, whole row groups where they are small (several
files' together) and parts of a row group where it is large; the workers read the rows.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from itertools import islice
from pathlib import Path

from sqlalchemy import Connection, select

from servicecoach.errors import InvalidFileError, Problem
from servicecoach.ingest.base import Source
from servicecoach.ingest.parquet.rows import RowRange, open_table, row_groups
from servicecoach.ingest.parquet.slices import FileSlice
from servicecoach.model.conversation import Conversation
from servicecoach.services.cluster_task import ParquetPart, PartItem, Partition
from servicecoach.store.reader import StoredConversation, iter_conversations
from servicecoach.store.schema import conversations, customers

__all__ = [
    "PARTITION_SIZE",
    "ParquetPlan",
    "StorePlan",
    "file_partitions",
    "plan_parquet",
    "plan_store",
]

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


@dataclass(slots=True)
class ParquetPlan:
    """Parquet inputs cut into tasks, from their footers (no row is read).

    Attributes:
        parts: the tasks, in input order.
        rows: every file's row count, by its place among the inputs.
        invalid: the problem of each file that is not a readable conversation table, by
            its place (reported as the importer reports it).
    """

    parts: list[ParquetPart] = field(default_factory=list)
    rows: list[int] = field(default_factory=list)
    invalid: dict[int, Problem] = field(default_factory=dict)


def plan_parquet(paths: Sequence[Path], size: int = PARTITION_SIZE) -> ParquetPlan:
    """Cut the rows of Parquet conversation files into tasks of at most ``size`` rows."""
    plan = ParquetPlan()
    current: list[FileSlice] = []
    room = size

    def close_part() -> None:
        nonlocal current, room
        plan.parts.append(ParquetPart(len(plan.parts), tuple(current)))
        current, room = [], size

    for index, path in enumerate(paths):
        try:
            file, _ = open_table(Source(path))
        except InvalidFileError as exc:
            plan.invalid[index] = exc.problem
            plan.rows.append(0)
            continue
        with file:
            rows = int(file.metadata.num_rows)
            spans = row_groups(file)
        plan.rows.append(rows)
        location = str(path.absolute())
        taken: list[RowRange] = []
        for span in spans:
            start = span.start
            while start < span.stop:
                stop = min(span.stop, start + room)
                taken.append(RowRange(span.group, span.first, start, stop))
                room -= stop - start
                start = stop
                if room == 0:
                    current.append(FileSlice(index, str(path), location, rows, tuple(taken)))
                    taken = []
                    close_part()
        if taken:
            current.append(FileSlice(index, str(path), location, rows, tuple(taken)))
    if current:
        close_part()
    return plan
