"""Customers in the store: one timeline per person, merges that are recorded and reversible.

A merge never moves a conversation: it points the merged customer at the survivor
(``customers.merged_into``) and records why in ``merges``. A customer's timeline is
every conversation of every customer whose chain of ``merged_into`` ends at it, so an
unmerge restores exactly what was there before.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import Connection, func, select, update

from servicecoach.errors import ConfigError, NotFoundError
from servicecoach.identity.keys import normalize_email, normalize_phone
from servicecoach.store.schema import conversations, customers, identities, merges, messages

__all__ = [
    "CustomerSummary",
    "MergeRecord",
    "blocked_pairs",
    "customer_summary",
    "find_customer",
    "list_customers",
    "members",
    "merge_customers",
    "merge_history",
    "record_merge",
    "root_of",
    "unmerge_customer",
]


@dataclass(frozen=True, slots=True)
class CustomerSummary:
    """A customer with everything linked to it."""

    id: int
    name: str | None
    members: tuple[int, ...]
    identities: tuple[tuple[str, str], ...]
    conversations: int
    messages: int
    channels: tuple[str, ...]
    first_contact: datetime | None
    last_contact: datetime | None


@dataclass(frozen=True, slots=True)
class MergeRecord:
    """One merge, possibly undone."""

    id: int
    survivor_id: int
    merged_id: int
    reason: str
    created_at: datetime
    undone_at: datetime | None


def root_of(connection: Connection, customer_id: int) -> int:
    """The customer that ``customer_id`` has been merged into, following the chain."""
    seen = {customer_id}
    current = customer_id
    while True:
        parent = connection.execute(
            select(customers.c.merged_into).where(customers.c.id == current)
        ).scalar_one_or_none()
        if parent is None or parent in seen:
            return current
        seen.add(parent)
        current = parent


def members(connection: Connection, root: int) -> list[int]:
    """``root`` and every customer merged into it, directly or through others."""
    found = [root]
    frontier = [root]
    while frontier:
        children = connection.execute(
            select(customers.c.id).where(customers.c.merged_into.in_(frontier))
        ).scalars()
        frontier = [c for c in children if c not in found]
        found.extend(frontier)
    return sorted(found)


def find_customer(connection: Connection, ref: str, region: str = "US") -> int:
    """The root customer that ``ref`` names: an id, an email, a phone number or a handle.

    Raises:
        NotFoundError: nothing matches.
        ConfigError: ``ref`` matches several different customers.
    """
    ref = ref.strip()
    if ref.isdigit():
        exists = connection.execute(
            select(customers.c.id).where(customers.c.id == int(ref))
        ).scalar_one_or_none()
        if exists is not None:
            return root_of(connection, exists)
    values = {ref, ref.lower(), ref.lstrip("@").lower()}
    if email := normalize_email(ref):
        values.add(email)
    if phone := normalize_phone(ref, region):
        values.add(phone)
    found = connection.execute(
        select(identities.c.customer_id).where(identities.c.value.in_(values))
    ).scalars()
    roots = sorted({root_of(connection, c) for c in found})
    if not roots:
        raise NotFoundError(
            f"no customer matches {ref!r} (give a customer id, email, phone or handle; "
            "`servicecoach customers list` shows them)"
        )
    if len(roots) > 1:
        raise ConfigError(
            f"{ref!r} matches customers {', '.join(map(str, roots))}; give a customer id"
        )
    return roots[0]


def blocked_pairs(connection: Connection) -> set[frozenset[int]]:
    """Customer pairs that were unmerged by hand and must not be merged automatically."""
    rows = connection.execute(
        select(merges.c.survivor_id, merges.c.merged_id).where(merges.c.undone_at.is_not(None))
    )
    return {frozenset(row) for row in rows}


def record_merge(
    connection: Connection, survivor: int, merged: int, reason: str, now: datetime | None = None
) -> None:
    """Point root customer ``merged`` at root ``survivor`` and record why."""
    now = now or datetime.now(UTC)
    connection.execute(
        update(customers).where(customers.c.id == merged).values(merged_into=survivor)
    )
    connection.execute(
        merges.insert().values(
            survivor_id=survivor, merged_id=merged, reason=reason[:500], created_at=now
        )
    )


def merge_customers(connection: Connection, survivor_ref: str, merged_ref: str) -> tuple[int, int]:
    """Merge the customer named by ``merged_ref`` into the one named by ``survivor_ref``.

    Returns:
        The two root ids ``(survivor, merged)``.

    Raises:
        NotFoundError: a reference matches nobody.
        ConfigError: both references are already the same customer.
    """
    survivor = find_customer(connection, survivor_ref)
    merged = find_customer(connection, merged_ref)
    if survivor == merged:
        raise ConfigError(f"{survivor_ref!r} and {merged_ref!r} are already customer {survivor}")
    record_merge(connection, survivor, merged, "manual")
    return survivor, merged


def unmerge_customer(connection: Connection, survivor_ref: str, merged_ref: str) -> MergeRecord:
    """Undo the merge of ``merged_ref`` (a customer id) out of ``survivor_ref``.

    Raises:
        NotFoundError: no active merge joins the two.
    """
    if not merged_ref.strip().isdigit():
        raise ConfigError("unmerge needs the merged customer's id (see `customers show`)")
    merged = int(merged_ref)
    survivor = find_customer(connection, survivor_ref)
    row = connection.execute(
        select(merges)
        .where(merges.c.merged_id == merged, merges.c.undone_at.is_(None))
        .order_by(merges.c.id.desc())
    ).first()
    parent = connection.execute(
        select(customers.c.merged_into).where(customers.c.id == merged)
    ).scalar_one_or_none()
    if row is None or parent is None or root_of(connection, merged) != survivor:
        raise NotFoundError(
            f"customer {merged} is not merged into customer {survivor} "
            "(`servicecoach customers history` lists merges)"
        )
    now = datetime.now(UTC)
    connection.execute(update(customers).where(customers.c.id == merged).values(merged_into=None))
    connection.execute(update(merges).where(merges.c.id == row.id).values(undone_at=now))
    return MergeRecord(row.id, row.survivor_id, row.merged_id, row.reason, row.created_at, now)


def merge_history(connection: Connection, customer_id: int | None = None) -> list[MergeRecord]:
    """Every merge, newest first; only those touching ``customer_id`` when given."""
    query = select(merges).order_by(merges.c.id.desc())
    if customer_id is not None:
        ids = members(connection, customer_id)
        query = query.where(merges.c.survivor_id.in_(ids) | merges.c.merged_id.in_(ids))
    return [MergeRecord(*row) for row in connection.execute(query)]


def customer_summary(connection: Connection, root: int) -> CustomerSummary:
    """Everything linked to the root customer ``root``."""
    ids = members(connection, root)
    name = connection.execute(select(customers.c.name).where(customers.c.id == root)).scalar()
    idents = tuple(
        (row.kind, row.value)
        for row in connection.execute(
            select(identities.c.kind, identities.c.value)
            .where(identities.c.customer_id.in_(ids))
            .order_by(identities.c.kind, identities.c.value)
        )
    )
    conv = connection.execute(
        select(
            func.count(conversations.c.id),
            func.min(conversations.c.started_at),
            func.max(conversations.c.started_at),
        ).where(conversations.c.customer_id.in_(ids))
    ).one()
    channels = tuple(
        connection.execute(
            select(conversations.c.channel)
            .where(conversations.c.customer_id.in_(ids))
            .distinct()
            .order_by(conversations.c.channel)
        ).scalars()
    )
    message_count = connection.execute(
        select(func.count(messages.c.id))
        .select_from(messages.join(conversations))
        .where(conversations.c.customer_id.in_(ids))
    ).scalar_one()
    first, last = conv[1], conv[2]
    return CustomerSummary(
        id=root,
        name=name,
        members=tuple(ids),
        identities=idents,
        conversations=conv[0],
        messages=message_count,
        channels=channels,
        first_contact=first.replace(tzinfo=UTC) if first and first.tzinfo is None else first,
        last_contact=last.replace(tzinfo=UTC) if last and last.tzinfo is None else last,
    )


def list_customers(
    connection: Connection, *, limit: int = 50, offset: int = 0, search: str | None = None
) -> list[CustomerSummary]:
    """Root customers, most conversations first."""
    count = func.count(conversations.c.id)
    query = (
        select(customers.c.id)
        .where(customers.c.merged_into.is_(None))
        .outerjoin(conversations, conversations.c.customer_id == customers.c.id)
        .group_by(customers.c.id)
        .order_by(count.desc(), customers.c.id)
        .limit(limit)
        .offset(offset)
    )
    if search:
        pattern = f"%{search.lower()}%"
        matching = select(identities.c.customer_id).where(
            func.lower(identities.c.value).like(pattern)
        )
        query = query.where(
            func.lower(customers.c.name).like(pattern) | customers.c.id.in_(matching)
        )
    return [customer_summary(connection, root) for root in connection.execute(query).scalars()]
