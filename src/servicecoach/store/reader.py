"""Reading conversations back out of the store as model objects."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import Connection, Row, func, select

from servicecoach.model.conversation import Channel, Conversation, Message, Role
from servicecoach.model.native import conversation_from_dict
from servicecoach.model.timeparse import parse_iso
from servicecoach.store.customers import members, root_of
from servicecoach.store.schema import conversations, customers, messages

__all__ = [
    "StoreCounts",
    "StoredConversation",
    "counts",
    "earlier_conversations",
    "iter_conversations",
    "timeline",
]

_PAGE = 500
_LATEST = datetime.max.replace(tzinfo=UTC)


@dataclass(frozen=True, slots=True)
class StoredConversation:
    """A conversation with its store ids."""

    pk: int
    customer_id: int | None
    conversation: Conversation


@dataclass(frozen=True, slots=True)
class StoreCounts:
    """How much the store holds."""

    conversations: int
    messages: int
    customers: int
    by_channel: dict[str, int]
    by_source: dict[str, int]


def _message(row: Row[tuple[object, ...]]) -> Message:
    m = row._mapping
    return Message(
        id=m["external_id"],
        role=Role(m["role"]),
        text=m["text"],
        author=m["author"],
        at=parse_iso(m["at"]) if m["at"] else None,
        end=parse_iso(m["end"]) if m["end"] else None,
        start_s=m["start_s"],
        end_s=m["end_s"],
        internal=bool(m["internal"]),
        meta=m["meta"] or {},
    )


def _load(
    connection: Connection, rows: Sequence[Row[tuple[object, ...]]]
) -> list[StoredConversation]:
    pks = [row.id for row in rows]
    by_conversation: dict[int, list[Message]] = {pk: [] for pk in pks}
    if pks:
        query = (
            select(messages)
            .where(messages.c.conversation_id.in_(pks))
            .order_by(messages.c.conversation_id, messages.c.position, messages.c.id)
        )
        for row in connection.execute(query):
            by_conversation[row.conversation_id].append(_message(row))
    out = []
    for row in rows:
        base = conversation_from_dict(
            {
                "id": row.external_id,
                "channel": row.channel,
                "public": bool(row.public),
                "customer": row.customer_json,
                "messages": [],
                "meta": row.meta or {},
                "source": row.source,
            }
        )
        conversation = Conversation(
            id=base.id,
            channel=Channel(base.channel),
            messages=tuple(by_conversation[row.id]),
            customer=base.customer,
            public=base.public,
            source=base.source,
            meta=base.meta,
        )
        out.append(StoredConversation(row.id, row.customer_id, conversation))
    return out


def iter_conversations(
    connection: Connection,
    *,
    customer_ids: Sequence[int] | None = None,
    source: str | None = None,
    ids: Sequence[int] | None = None,
) -> Iterator[StoredConversation]:
    """Every stored conversation (or those of ``customer_ids``, ``source``, or with the
    primary keys ``ids``), page by page."""
    last = 0
    while True:
        query = select(conversations).where(conversations.c.id > last)
        if customer_ids is not None:
            query = query.where(conversations.c.customer_id.in_(customer_ids))
        if source is not None:
            query = query.where(conversations.c.source == source)
        if ids is not None:
            query = query.where(conversations.c.id.in_(ids))
        rows = connection.execute(query.order_by(conversations.c.id).limit(_PAGE)).all()
        if not rows:
            return
        yield from _load(connection, rows)
        last = rows[-1].id


def timeline(connection: Connection, root: int) -> list[StoredConversation]:
    """Every conversation of a customer (and the customers merged into it), oldest first."""
    found = list(iter_conversations(connection, customer_ids=members(connection, root)))
    found.sort(key=lambda s: (s.conversation.started_at or _LATEST, s.pk))
    return found


def counts(connection: Connection) -> StoreCounts:
    """Totals of conversations, messages and (root) customers, by channel and source."""
    by_channel: dict[str, int] = dict(
        connection.execute(
            select(conversations.c.channel, func.count()).group_by(conversations.c.channel)
        ).all()
    )
    by_source: dict[str, int] = dict(
        connection.execute(
            select(conversations.c.source, func.count()).group_by(conversations.c.source)
        ).all()
    )
    return StoreCounts(
        conversations=sum(by_channel.values()),
        messages=connection.execute(select(func.count()).select_from(messages)).scalar_one(),
        customers=connection.execute(
            select(func.count()).select_from(customers).where(customers.c.merged_into.is_(None))
        ).scalar_one(),
        by_channel=dict(sorted(by_channel.items())),
        by_source=dict(sorted(by_source.items())),
    )


def earlier_conversations(
    connection: Connection, stored: StoredConversation, limit: int = 20
) -> tuple[Conversation, ...]:
    """The customer's conversations before ``stored`` (across merged customers), oldest first."""
    started = stored.conversation.started_at
    if stored.customer_id is None or started is None:
        return ()
    ids = members(connection, root_of(connection, stored.customer_id))
    rows = connection.execute(
        select(conversations)
        .where(
            conversations.c.customer_id.in_(ids),
            conversations.c.started_at < started,
            conversations.c.id != stored.pk,
        )
        .order_by(conversations.c.started_at.desc())
        .limit(limit)
    ).all()
    return tuple(s.conversation for s in reversed(_load(connection, rows)))
