"""Customer resolution during an import: which stored customer each conversation belongs to.

Each conversation's customer record gives identity keys (``identity/keys.py``). A key
already stored links the conversation to that customer (or to the customer it was
merged into). When one conversation carries keys of two different stored customers,
the newer is merged into the older and the merge is recorded with the shared key as
its reason — unless someone unmerged those two groups before: a hand-made unmerge is
never undone automatically. Customers first seen in this batch are created with one
multi-row insert.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TypeVar

from sqlalchemy import Connection, func, select
from sqlalchemy.dialects import postgresql, sqlite

from servicecoach.identity.keys import IdentityKey, identity_keys
from servicecoach.model.conversation import Conversation
from servicecoach.store.customers import blocked_pairs, members, record_merge
from servicecoach.store.schema import customers, identities

__all__ = ["CustomerResolver", "ResolveStats", "chunks"]

CHUNK = 500
_T = TypeVar("_T")


def chunks(items: Sequence[_T], size: int = CHUNK) -> Iterable[Sequence[_T]]:
    """``items`` in slices of at most ``size`` (for IN lists and multi-row statements)."""
    for start in range(0, len(items), size):
        yield items[start : start + size]


@dataclass(slots=True)
class ResolveStats:
    """What resolution has done so far."""

    customers_new: int = 0
    merges: int = 0


class CustomerResolver:
    """Finds or creates the customer of each conversation, inside the caller's transaction.

    Args:
        connection: a connection inside a transaction.
        region: the country assumed for phone numbers without a country code.
        now: the time recorded on new customers and merges.
    """

    def __init__(self, connection: Connection, *, region: str, now: datetime) -> None:
        self.connection = connection
        self.region = region
        self.now = now
        self.stats = ResolveStats()
        self._parent: dict[int, int | None] = {}
        self._blocked = blocked_pairs(connection)

    # -- the merge forest -------------------------------------------------------------

    def _load_parents(self, ids: Iterable[int]) -> None:
        missing = [i for i in set(ids) if i > 0 and i not in self._parent]
        while missing:
            for chunk in chunks(missing):
                query = select(customers.c.id, customers.c.merged_into).where(
                    customers.c.id.in_(chunk)
                )
                for cid, parent in self.connection.execute(query):
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

    def _is_blocked(self, first: int, second: int) -> bool:
        """True when any customer of one group was unmerged by hand from one of the other."""
        if not self._blocked:
            return False
        one, other = members(self.connection, first), members(self.connection, second)
        return any(frozenset((a, b)) in self._blocked for a in one for b in other)

    # -- resolution -------------------------------------------------------------------

    def _known(self, keys: set[IdentityKey]) -> dict[IdentityKey, int]:
        """The customers already holding any of ``keys``.

        One query per kind, ``kind = ? AND value IN (...)``: SQLite (3.40) scans the whole
        table for a row-value ``(kind, value) IN (VALUES ...)`` instead of using the
        unique index, which made every import batch read every identity - quadratic in
        the number of customers (benchmarks/README.md, scaling).
        """
        by_kind: dict[str, list[str]] = {}
        for kind, value in keys:
            by_kind.setdefault(kind, []).append(value)
        known: dict[IdentityKey, int] = {}
        for kind, values in sorted(by_kind.items()):
            for chunk in chunks(sorted(values)):
                query = select(identities.c.value, identities.c.customer_id).where(
                    identities.c.kind == kind, identities.c.value.in_(chunk)
                )
                for value, customer_id in self.connection.execute(query):
                    known[(kind, value)] = customer_id
        return known

    def resolve(self, batch: Sequence[Conversation], previous: Sequence[int | None]) -> list[int]:
        """The customer id of every conversation of ``batch``.

        Args:
            batch: the conversations.
            previous: the customer each one already has in the store (``None`` if new);
                a stored conversation keeps its customer.
        """
        conv_keys = [identity_keys(c.customer, c.source, self.region) for c in batch]
        known = self._known({k for keys in conv_keys for k in keys})
        self._load_parents([*known.values(), *(p for p in previous if p)])

        temp_names: dict[int, str | None] = {}  # customers new in this batch: negative ids
        links: dict[int, tuple[int, str]] = {}  # new customer -> (group it joins, reason)

        def group(cid: int) -> int:
            while cid < 0 and cid in links:
                cid = links[cid][0]
            return self._root(cid) if cid > 0 else cid

        def new_customer(name: str | None) -> int:
            temp = -(len(temp_names) + 1)
            temp_names[temp] = name
            return temp

        new_identities: dict[IdentityKey, int] = {}
        targets: list[int] = []
        for conversation, keys, prior in zip(batch, conv_keys, previous, strict=True):
            owners = {k: known.get(k, new_identities.get(k)) for k in keys}
            shared = {k: o for k, o in owners.items() if o is not None}
            fresh = [k for k, o in owners.items() if o is None]
            candidates = {group(o) for o in shared.values()}
            name = conversation.customer.name or (keys[0][1] if keys else None)
            if prior is not None:
                chosen, target = group(prior), prior
            elif candidates:
                persisted = [c for c in candidates if c > 0]
                chosen = min(persisted) if persisted else max(candidates)
                # The customer record owning the first shared key, not the group's root:
                # unmerging that record later takes this conversation with it.
                target = next(o for o in shared.values() if group(o) == chosen)
            else:
                chosen = target = new_customer(name)
            for other in sorted(candidates - {chosen}):
                theirs = next(k for k, o in shared.items() if group(o) == other)
                ours = next((k for k, o in shared.items() if group(o) == chosen), None)
                where = f"{conversation.source}:{conversation.id}"
                reason = (
                    f"auto: {ours[0]} {ours[1]} and {theirs[0]} {theirs[1]} in {where}"
                    if ours
                    else f"auto: {theirs[0]} {theirs[1]} in {where}"
                )
                if other < 0:
                    links[other] = (chosen, reason)
                elif not self._is_blocked(chosen, other):
                    survivor, merged = min(chosen, other), max(chosen, other)  # older survives
                    record_merge(self.connection, survivor, merged, reason, self.now)
                    self._parent[merged] = survivor
                    self.stats.merges += 1
                    chosen = survivor
            if prior is None and candidates and fresh:
                # New identifiers join a known customer through a shared one: this record
                # becomes a customer of its own, merged into the group, so that the link
                # is recorded and can be undone with `customers unmerge`.
                key = next(iter(shared))
                target = new_customer(name)
                links[target] = (chosen, f"auto: shared {key[0]} {key[1]}")
            for key in fresh:
                new_identities[key] = target
            targets.append(target)

        real_ids = self._insert_customers(sorted(temp_names, reverse=True), temp_names)

        def final(cid: int) -> int:
            return real_ids[cid] if cid < 0 else cid

        for merged, (survivor, reason) in sorted(links.items(), reverse=True):
            record_merge(self.connection, final(survivor), final(merged), reason, self.now)
            self._parent[final(merged)] = final(survivor)
            self.stats.merges += 1

        if new_identities:
            rows = [
                {"customer_id": final(cid), "kind": kind, "value": value}
                for (kind, value), cid in new_identities.items()
            ]
            insert = (
                postgresql.insert(identities)
                if self.connection.dialect.name == "postgresql"
                else sqlite.insert(identities)
            )
            for chunk in chunks(rows):
                self.connection.execute(insert.on_conflict_do_nothing(), list(chunk))
        return [final(c) for c in targets]

    def _insert_customers(self, temps: list[int], names: dict[int, str | None]) -> dict[int, int]:
        if not temps:
            return {}
        rows: list[dict[str, object]] = [
            {"name": (names[t] or "")[:255] or None, "created_at": self.now} for t in temps
        ]
        if self.connection.dialect.name == "sqlite":
            # SQLite runs INSERT ... RETURNING once per row, so ids are given here. SQLite
            # has one writer at a time and an import holds the write lock from its start
            # (Store.begin(exclusive=True)), so no other process inserts after the read;
            # a writer without the lock would fail on the primary key, not reuse an id.
            start = self.connection.execute(select(func.max(customers.c.id))).scalar() or 0
            ids = list(range(start + 1, start + 1 + len(rows)))
            for row, cid in zip(rows, ids, strict=True):
                row["id"] = cid
            for chunk in chunks(rows):
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
