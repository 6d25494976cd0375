"""Writing conversations: batched upserts and identity resolution, inside one transaction.

Re-importing a conversation (same source and id) updates it and adds messages it did
not have; messages are never deleted and conversations never duplicated. Each
conversation's customer is resolved by identity keys: a key already known links the
conversation to that customer, and when one conversation carries keys of two known
customers they are merged (recorded in ``merges``, reversible, and never re-done after
an explicit unmerge).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, TypeVar

from sqlalchemy import Connection, Table, func, select, tuple_
from sqlalchemy.dialects import postgresql, sqlite

from servicecoach.identity.keys import IdentityKey, identity_keys
from servicecoach.model.conversation import Conversation
from servicecoach.model.native import conversation_to_dict
from servicecoach.model.timeparse import format_iso
from servicecoach.store.customers import blocked_pairs, record_merge
from servicecoach.store.schema import conversations, customers, identities, messages

__all__ = ["ConversationWriter", "WriteStats"]

_CHUNK = 500
_T = TypeVar("_T")
_MESSAGE_UPDATE = (
    "position", "role", "author", "at", "at_utc", "end", "start_s", "end_s", "internal", "text", "meta",
)  # fmt: skip


@dataclass(slots=True)
class WriteStats:
    """What a writer has done so far."""

    conversations_new: int = 0
    conversations_updated: int = 0
    messages: int = 0
    customers_new: int = 0
    merges: int = 0


def _chunks(items: Sequence[_T], size: int = _CHUNK) -> Iterable[Sequence[_T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _insert(connection: Connection, table: Table) -> Any:
    if connection.dialect.name == "postgresql":
        return postgresql.insert(table)
    return sqlite.insert(table)


@dataclass(slots=True)
class _Existing:
    pk: int
    customer_id: int | None


class ConversationWriter:
    """Writes batches of conversations through ``connection`` (the caller owns the transaction).

    Args:
        connection: a connection inside a transaction.
        region: the country assumed for phone numbers without a country code.
    """

    def __init__(self, connection: Connection, *, region: str = "US") -> None:
        self.connection = connection
        self.region = region
        self.stats = WriteStats()
        self._parent: dict[int, int | None] = {}
        self._blocked = blocked_pairs(connection)
        self._now = datetime.now(UTC)

    # -- customers ------------------------------------------------------------------

    def _load_parents(self, ids: Iterable[int]) -> None:
        missing = [i for i in set(ids) if i > 0 and i not in self._parent]
        while missing:
            for chunk in _chunks(missing):
                for cid, parent in self.connection.execute(
                    select(customers.c.id, customers.c.merged_into).where(customers.c.id.in_(chunk))
                ):
                    self._parent[cid] = parent
            missing = [
                p for p in {self._parent.get(i) for i in missing} if p and p not in self._parent
            ]

    def _root(self, cid: int) -> int:
        seen = {cid}
        while (parent := self._parent.get(cid)) is not None and parent not in seen:
            seen.add(parent)
            cid = parent
        return cid

    # -- batches --------------------------------------------------------------------

    def write(self, batch: Sequence[Conversation]) -> None:
        """Upsert a batch of conversations, their messages, customers and identities."""
        pending: list[Conversation] = []
        keys_seen: set[tuple[str, str]] = set()
        for conversation in batch:
            key = (conversation.source, conversation.id)
            if key in keys_seen:  # the same conversation twice in a batch: write in order
                self._write(pending)
                pending, keys_seen = [], set()
            keys_seen.add(key)
            pending.append(conversation)
        if pending:
            self._write(pending)

    def _existing(self, batch: Sequence[Conversation]) -> dict[tuple[str, str], _Existing]:
        found: dict[tuple[str, str], _Existing] = {}
        by_source: dict[str, list[str]] = {}
        for conversation in batch:
            by_source.setdefault(conversation.source, []).append(conversation.id)
        for source, ids in by_source.items():
            for chunk in _chunks(ids):
                rows = self.connection.execute(
                    select(
                        conversations.c.id, conversations.c.external_id, conversations.c.customer_id
                    ).where(
                        conversations.c.source == source, conversations.c.external_id.in_(chunk)
                    )
                )
                for pk, external_id, customer_id in rows:
                    found[(source, external_id)] = _Existing(pk, customer_id)
        return found

    def _known_identities(self, keys: set[IdentityKey]) -> dict[IdentityKey, int]:
        known: dict[IdentityKey, int] = {}
        ordered = sorted(keys)
        for chunk in _chunks(ordered):
            rows = self.connection.execute(
                select(identities.c.kind, identities.c.value, identities.c.customer_id).where(
                    tuple_(identities.c.kind, identities.c.value).in_(chunk)
                )
            )
            for kind, value, customer_id in rows:
                known[(kind, value)] = customer_id
        return known

    def _write(self, batch: Sequence[Conversation]) -> None:
        existing = self._existing(batch)
        conv_keys = [identity_keys(c.customer, c.source, self.region) for c in batch]
        known = self._known_identities({k for keys in conv_keys for k in keys})
        self._load_parents(
            [*known.values(), *(e.customer_id for e in existing.values() if e.customer_id)]
        )

        # Temporary (negative) ids for customers created in this batch.
        temp_names: dict[int, str | None] = {}
        temp_parent: dict[int, int] = {}

        def resolve(cid: int) -> int:
            while cid < 0 and cid in temp_parent:
                cid = temp_parent[cid]
            return self._root(cid) if cid > 0 else cid

        new_identities: dict[IdentityKey, int] = {}
        conv_customer: list[int] = []
        for conversation, keys in zip(batch, conv_keys, strict=True):
            previous = existing.get((conversation.source, conversation.id))
            candidates = {resolve(known[k]) for k in keys if k in known}
            candidates |= {resolve(new_identities[k]) for k in keys if k in new_identities}
            if previous is not None and previous.customer_id is not None:
                chosen = resolve(previous.customer_id)
            elif candidates:
                persisted = [c for c in candidates if c > 0]
                chosen = min(persisted) if persisted else max(candidates)
            else:
                chosen = -(len(temp_names) + 1)
                temp_names[chosen] = conversation.customer.name or (keys[0][1] if keys else None)
            for other in sorted(candidates - {chosen}):
                if other < 0:
                    temp_parent[other] = chosen
                elif chosen < 0:  # a persisted customer absorbs the new one
                    temp_parent[chosen] = other
                    chosen = other
                elif frozenset((chosen, other)) not in self._blocked:
                    shared = next(
                        (k for k in keys if k in known and resolve(known[k]) == other), None
                    )
                    reason = f"auto: shared {shared[0]} {shared[1]}" if shared else "auto"
                    record_merge(self.connection, chosen, other, reason, self._now)
                    self._parent[other] = chosen
                    self.stats.merges += 1
            for key in keys:
                if key not in known and key not in new_identities:
                    new_identities[key] = chosen
            conv_customer.append(
                previous.customer_id if previous and previous.customer_id else chosen
            )

        real_ids = self._insert_customers(
            [t for t in sorted(temp_names, reverse=True) if t not in temp_parent], temp_names
        )

        def final(cid: int) -> int:
            cid = resolve(cid)
            return real_ids[cid] if cid < 0 else cid

        if new_identities:
            rows = [
                {"customer_id": final(cid), "kind": kind, "value": value}
                for (kind, value), cid in new_identities.items()
            ]
            for chunk in _chunks(rows):
                self.connection.execute(
                    _insert(self.connection, identities).on_conflict_do_nothing(), list(chunk)
                )
        self._upsert_conversations(batch, [final(c) for c in conv_customer], existing)

    def _insert_customers(self, temps: list[int], names: dict[int, str | None]) -> dict[int, int]:
        if not temps:
            return {}
        rows: list[dict[str, object]] = [
            {"name": (names[t] or "")[:255] or None, "created_at": self._now} for t in temps
        ]
        if self.connection.dialect.name == "sqlite":
            # SQLite runs INSERT ... RETURNING once per row, so ids are given here. SQLite
            # has one writer at a time: should another process insert after the read,
            # this transaction fails instead of reusing an id.
            start = self.connection.execute(select(func.max(customers.c.id))).scalar() or 0
            ids = list(range(start + 1, start + 1 + len(rows)))
            for row, cid in zip(rows, ids, strict=True):
                row["id"] = cid
            for chunk in _chunks(rows):
                self.connection.execute(customers.insert(), list(chunk))
        else:
            result = self.connection.execute(
                customers.insert().returning(customers.c.id, sort_by_parameter_order=True), rows
            )
            ids = [row[0] for row in result]
        self.stats.customers_new += len(ids)
        for cid in ids:
            self._parent[cid] = None
        return dict(zip(temps, ids, strict=True))

    def _upsert_conversations(
        self,
        batch: Sequence[Conversation],
        customer_ids: Sequence[int],
        existing: dict[tuple[str, str], _Existing],
    ) -> None:
        rows = []
        for conversation, customer_id in zip(batch, customer_ids, strict=True):
            native = conversation_to_dict(conversation)
            meta = dict(conversation.meta)
            rows.append(
                {
                    "source": conversation.source,
                    "external_id": conversation.id,
                    "channel": conversation.channel.value,
                    "public": conversation.public,
                    "customer_id": customer_id,
                    "customer_json": native["customer"],
                    "meta": meta,
                    "started_at": conversation.started_at,
                    "imported_at": self._now,
                    "updated_at": self._now,
                }
            )
            if (conversation.source, conversation.id) in existing:
                self.stats.conversations_updated += 1
            else:
                self.stats.conversations_new += 1
        statement = _insert(self.connection, conversations)
        statement = statement.on_conflict_do_update(
            index_elements=["source", "external_id"],
            set_={
                name: statement.excluded[name]
                for name in (
                    "channel",
                    "public",
                    "customer_json",
                    "meta",
                    "started_at",
                    "updated_at",
                )
            },
        )
        for chunk in _chunks(rows):
            self.connection.execute(statement, list(chunk))
        pks = self._existing(batch)
        message_rows = []
        for conversation in batch:
            pk = pks[(conversation.source, conversation.id)].pk
            for position, message in enumerate(conversation.messages):
                message_rows.append(
                    {
                        "conversation_id": pk,
                        "external_id": message.id,
                        "position": position,
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
                )
        if not message_rows:
            return
        statement = _insert(self.connection, messages)
        statement = statement.on_conflict_do_update(
            index_elements=["conversation_id", "external_id"],
            set_={name: statement.excluded[name] for name in _MESSAGE_UPDATE},
        )
        for chunk in _chunks(message_rows, 2000):
            self.connection.execute(statement, list(chunk))
        self.stats.messages += len(message_rows)
