"""Writing conversations: batched upserts inside the caller's transaction.

Re-importing a conversation (same source and id), or an overlapping export of it,
updates it without losing anything: messages are added or updated and never deleted
(a field the new copy leaves out keeps its stored value), ``meta`` and the customer
record are merged key by key, a known channel is not replaced by ``other``, and the
messages keep the new copy's order, with stored-only messages where they were (see
:func:`merged_order`). For sources whose message ids are unique across the source (tweets, emails,
helpdesk comments), a thread already stored under another conversation id is
recognised by its messages and updated instead of duplicated.
"""

from __future__ import annotations

import dataclasses
from collections import Counter
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, Table, bindparam, select, update
from sqlalchemy.dialects import postgresql, sqlite

from servicecoach.model.conversation import Channel, Conversation
from servicecoach.model.native import conversation_to_dict
from servicecoach.model.timeparse import format_iso
from servicecoach.store.resolver import CustomerResolver, chunks
from servicecoach.store.schema import conversations, messages

__all__ = ["ConversationWriter", "WriteStats", "merged_order"]

_MESSAGE_UPDATE = (
    "position", "role", "author", "at", "at_utc", "end", "start_s", "end_s", "internal", "text", "meta",
)  # fmt: skip
_CONVERSATION_UPDATE = ("channel", "public", "customer_json", "meta", "started_at", "updated_at")
_Key = tuple[str, str]


@dataclass(slots=True)
class WriteStats:
    """What a writer has done so far."""

    conversations_new: int = 0
    conversations_updated: int = 0
    messages_new: int = 0
    messages_updated: int = 0
    customers_new: int = 0
    merges: int = 0


@dataclass(frozen=True, slots=True)
class _Stored:
    pk: int
    customer_id: int | None
    channel: str
    customer_json: dict[str, Any]
    meta: dict[str, Any]
    started_at: datetime | None


@dataclass(frozen=True, slots=True)
class _StoredMessage:
    pk: int
    external_id: str
    position: int
    values: dict[str, Any]


def _insert(connection: Connection, table: Table) -> Any:
    if connection.dialect.name == "postgresql":
        return postgresql.insert(table)
    return sqlite.insert(table)


def _merge_customer(stored: dict[str, Any], new: dict[str, Any]) -> dict[str, Any]:
    merged = {**stored, **new}
    if "handles" in stored or "handles" in new:
        merged["handles"] = {**stored.get("handles", {}), **new.get("handles", {})}
    return merged


def merged_order(stored: Sequence[str], new: Sequence[str]) -> list[str]:
    """The order of the union of a conversation's stored and newly imported message ids.

    A new copy that holds every stored message gives the order (importing an export
    changes nothing). Otherwise the stored order is kept and each message only the new
    copy has goes right after the message it follows there (or first, when it opens
    the new copy): a partial or overlapping export slots into place.
    """
    if set(stored) <= set(new):
        return list(new)
    result = list(stored)
    present = set(result)
    anchor = -1
    for ext in new:
        if ext in present:
            anchor = result.index(ext)
        else:
            anchor += 1
            result.insert(anchor, ext)
            present.add(ext)
    return result


def _keep_known(row: dict[str, Any], stored: dict[str, Any]) -> None:
    """Fill what a new copy of a message leaves out from the stored copy; merge ``meta``."""
    for name in ("author", "at", "at_utc", "end", "start_s", "end_s"):
        if row[name] is None:
            row[name] = stored[name]
    row["meta"] = {**(stored["meta"] or {}), **row["meta"]}


class ConversationWriter:
    """Writes batches of conversations through ``connection`` (the caller owns the transaction).

    Args:
        connection: a connection inside a transaction.
        region: the country assumed for phone numbers without a country code.
        threaded_sources: sources whose message ids are unique across the source.
    """

    def __init__(
        self, connection: Connection, *, region: str = "US", threaded_sources: Collection[str] = ()
    ) -> None:
        self.connection = connection
        self.threaded_sources = frozenset(threaded_sources)
        self._now = datetime.now(UTC)
        self.resolver = CustomerResolver(connection, region=region, now=self._now)
        self._stats = WriteStats()

    @property
    def stats(self) -> WriteStats:
        """Counts so far, customers and merges included."""
        return dataclasses.replace(
            self._stats,
            customers_new=self.resolver.stats.customers_new,
            merges=self.resolver.stats.merges,
        )

    def write(self, batch: Sequence[Conversation]) -> None:
        """Upsert a batch of conversations, their messages, customers and identities."""
        batch = self._adopt_stored_threads(batch)
        pending: list[Conversation] = []
        keys_seen: set[_Key] = set()
        for conversation in batch:
            key = (conversation.source, conversation.id)
            if key in keys_seen:  # the same conversation twice in a batch: write in order
                self._write(pending)
                pending, keys_seen = [], set()
            keys_seen.add(key)
            pending.append(conversation)
        if pending:
            self._write(pending)

    # -- reading what is stored ---------------------------------------------------------

    def _adopt_stored_threads(self, batch: Sequence[Conversation]) -> list[Conversation]:
        """Give a thread the id it is stored under when its messages are already stored."""
        wanted: dict[str, set[str]] = {}
        for conversation in batch:
            if conversation.source in self.threaded_sources:
                wanted.setdefault(conversation.source, set()).update(
                    m.id for m in conversation.messages
                )
        if not wanted:
            return list(batch)
        holder: dict[_Key, str] = {}
        for source, ids in wanted.items():
            for chunk in chunks(sorted(ids)):
                # Two indexed look-ups; a join lets SQLite scan every message of the source.
                found = self.connection.execute(
                    select(messages.c.conversation_id, messages.c.external_id).where(
                        messages.c.external_id.in_(chunk)
                    )
                ).all()
                if not found:
                    continue
                names = dict(
                    self.connection.execute(
                        select(conversations.c.id, conversations.c.external_id).where(
                            conversations.c.id.in_({pk for pk, _ in found}),
                            conversations.c.source == source,
                        )
                    ).all()
                )
                for pk, message_id in found:
                    if pk in names:
                        holder[(source, message_id)] = names[pk]
        adopted = []
        for conversation in batch:
            votes = Counter(
                holder[(conversation.source, m.id)]
                for m in conversation.messages
                if (conversation.source, m.id) in holder
            )
            if votes and conversation.id not in votes:
                best = sorted(votes.items(), key=lambda item: (-item[1], item[0]))[0][0]
                conversation = dataclasses.replace(conversation, id=best)
            adopted.append(conversation)
        return adopted

    def _stored(self, batch: Sequence[Conversation]) -> dict[_Key, _Stored]:
        found: dict[_Key, _Stored] = {}
        by_source: dict[str, list[str]] = {}
        for conversation in batch:
            by_source.setdefault(conversation.source, []).append(conversation.id)
        c = conversations.c
        for source, ids in by_source.items():
            for chunk in chunks(ids):
                query = select(
                    c.id, c.external_id, c.customer_id, c.channel, c.customer_json, c.meta,
                    c.started_at,
                ).where(c.source == source, c.external_id.in_(chunk))  # fmt: skip
                for row in self.connection.execute(query):
                    found[(source, row.external_id)] = _Stored(
                        row.id, row.customer_id, row.channel, row.customer_json or {},
                        row.meta or {}, row.started_at,
                    )  # fmt: skip
        return found

    def _stored_messages(self, pks: Sequence[int]) -> dict[int, list[_StoredMessage]]:
        found: dict[int, list[_StoredMessage]] = {pk: [] for pk in pks}
        m = messages.c
        for chunk in chunks(pks):
            query = select(
                m.id, m.conversation_id, m.external_id, m.position,
                m.author, m.at, m.at_utc, m.end, m.start_s, m.end_s, m.meta,
            ).where(m.conversation_id.in_(chunk))  # fmt: skip
            for row in self.connection.execute(query):
                values = {
                    name: getattr(row, name)
                    for name in ("author", "at", "at_utc", "end", "start_s", "end_s", "meta")
                }
                found[row.conversation_id].append(
                    _StoredMessage(row.id, row.external_id, row.position, values)
                )
        return found

    # -- writing ------------------------------------------------------------------------

    def _conversation_row(
        self, conversation: Conversation, customer_id: int, stored: _Stored | None
    ) -> dict[str, Any]:
        customer_json = conversation_to_dict(conversation)["customer"]
        meta = dict(conversation.meta)
        channel = conversation.channel.value
        started = conversation.started_at
        if stored is not None:
            customer_json = _merge_customer(stored.customer_json, customer_json)
            meta = {**stored.meta, **meta}
            if channel == Channel.OTHER.value:
                channel = stored.channel
            if stored.started_at is not None:
                started = min(started, stored.started_at) if started else stored.started_at
        return {
            "source": conversation.source,
            "external_id": conversation.id,
            "channel": channel,
            "public": conversation.public,
            "customer_id": customer_id,
            "customer_json": customer_json,
            "meta": meta,
            "started_at": started,
            "imported_at": self._now,
            "updated_at": self._now,
        }

    def _write(self, batch: Sequence[Conversation]) -> None:
        stored = self._stored(batch)
        keys = [(c.source, c.id) for c in batch]
        previous = [stored[k].customer_id if k in stored else None for k in keys]
        customer_ids = self.resolver.resolve(batch, previous)
        rows = [
            self._conversation_row(c, cid, stored.get(k))
            for c, cid, k in zip(batch, customer_ids, keys, strict=True)
        ]
        updated = sum(1 for k in keys if k in stored)
        self._stats.conversations_updated += updated
        self._stats.conversations_new += len(keys) - updated
        statement = _insert(self.connection, conversations)
        statement = statement.on_conflict_do_update(
            index_elements=["source", "external_id"],
            set_={name: statement.excluded[name] for name in _CONVERSATION_UPDATE},
        )
        for chunk in chunks(rows):
            self.connection.execute(statement, list(chunk))
        pks = {k: s.pk for k, s in stored.items()}
        missing = [c for c in batch if (c.source, c.id) not in pks]
        if missing:
            pks.update({k: s.pk for k, s in self._stored(missing).items()})
        self._write_messages(batch, pks, self._stored_messages([s.pk for s in stored.values()]))

    def _write_messages(
        self,
        batch: Sequence[Conversation],
        pks: dict[_Key, int],
        stored: dict[int, list[_StoredMessage]],
    ) -> None:
        rows: list[dict[str, Any]] = []
        moved: list[dict[str, Any]] = []
        for conversation in batch:
            pk = pks[(conversation.source, conversation.id)]
            before = {m.external_id: m for m in stored.get(pk, [])}
            incoming = [m.id for m in conversation.messages]
            known = before.keys() & set(incoming)
            self._stats.messages_updated += len(known)
            self._stats.messages_new += len(incoming) - len(known)
            stored_order = [
                m.external_id for m in sorted(before.values(), key=lambda m: m.position)
            ]
            order = merged_order(stored_order, incoming) if before else incoming
            positions = {ext: i for i, ext in enumerate(order)}
            moved += [
                {"pk": m.pk, "new_position": positions[m.external_id]}
                for m in before.values()
                if m.external_id not in known and positions[m.external_id] != m.position
            ]
            for message in conversation.messages:
                row = {
                    "conversation_id": pk,
                    "external_id": message.id,
                    "position": positions[message.id],
                    "role": message.role.value,
                    "author": message.author,
                    "at": format_iso(message.at) if message.at else None,
                    "at_utc": message.at,
                    "end": format_iso(message.end) if message.end else None,
                    "start_s": message.start_s,
                    "end_s": message.end_s,
                    "internal": message.internal,
                    "text": message.text,
                    "meta": dict(message.meta),
                }
                if message.id in before:
                    _keep_known(row, before[message.id].values)
                rows.append(row)
        if rows:
            statement = _insert(self.connection, messages)
            statement = statement.on_conflict_do_update(
                index_elements=["conversation_id", "external_id"],
                set_={name: statement.excluded[name] for name in _MESSAGE_UPDATE},
            )
            for chunk in chunks(rows, 2000):
                self.connection.execute(statement, list(chunk))
        if moved:
            statement = (
                update(messages)
                .where(messages.c.id == bindparam("pk"))
                .values(position=bindparam("new_position"))
            )
            for chunk in chunks(moved, 2000):
                self.connection.execute(statement, list(chunk))
