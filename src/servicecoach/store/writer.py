"""Writing conversations: batched upserts inside the caller's transaction.

Re-importing a conversation (same source and id), or an overlapping export of it,
updates it without losing anything: messages are added or updated and never deleted
(a field the new copy leaves out keeps its stored value), ``meta`` and the customer
record are merged key by key, a known channel is not replaced by ``other``, and the
messages keep the new copy's order, with stored-only messages where they were (see
:func:`merged_order`). For sources whose message ids are unique across the source (tweets, emails,
helpdesk comments), a thread already stored under another conversation id is
recognised by its messages and updated instead of duplicated.

Duplicates. A conversation written twice by one writer (the same id twice in a file, or
in two files of one import) is merged in order, as if the copies were imported one
after the other: the later copy's fields win, no message is lost. A message id repeated
inside one conversation keeps its last copy, in the place of the first. Each repeat is
counted in :attr:`WriteStats.duplicates` and returned as a :class:`WriteNote`.

Scope. A writer is given the importer's :class:`~servicecoach.store.filters.Scope`
(everything for admins, API tokens and the command line). For a lead's team it writes
only the conversations of that team; the others are refused (a :class:`WriteNote` with
``refused`` set) and nothing of them is written, customers included:

- a stored conversation is updated only when it has agents and every one of them is in
  the lead's team (a conversation without agents, or with an agent of no team, is
  nobody's team: only an admin updates it), unless this writer created it;
- a conversation may name only agents of the lead's team, or agents the store has
  never seen, who join the lead's team (``store/agents.py``);
- any other scope (an agent's, nobody's) writes nothing.
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
from servicecoach.store.agents import (
    agent_teams,
    conversation_agents,
    remember_agents,
    stored_agent_ids,
    stored_conversation_agents,
)
from servicecoach.store.filters import Scope, ScopeKind
from servicecoach.store.resolver import CustomerResolver, chunks
from servicecoach.store.schema import conversations, messages

__all__ = ["ConversationWriter", "WriteNote", "WriteStats", "merged_order"]

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
    duplicates: int = 0


@dataclass(frozen=True, slots=True)
class WriteNote:
    """What a writer says about one conversation of a batch: refused, or a duplicate.

    Attributes:
        index: the conversation's position in the batch given to the writer.
        conversation_id: its id.
        message: what happened, in words (never another team's data).
        fix: what to do about it.
        refused: true when nothing of the conversation was written (outside the scope);
            false for a warning (a duplicate, merged).
    """

    index: int
    conversation_id: str
    message: str
    fix: str = ""
    refused: bool = False


@dataclass(frozen=True, slots=True)
class _Stored:
    pk: int
    customer_id: int | None
    channel: str
    customer_json: dict[str, Any]
    meta: dict[str, Any]
    started_at: datetime | None
    imported_at: datetime
    updated_at: datetime


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


def _last_copies(conversation: Conversation) -> tuple[Conversation, list[str]]:
    """``conversation`` with one copy of each message id (the last, in the first one's
    place), and the ids that were repeated."""
    by_id = {m.id: m for m in conversation.messages}
    if len(by_id) == len(conversation.messages):
        return conversation, []
    counts = Counter(m.id for m in conversation.messages)
    repeated = [i for i, n in counts.items() for _ in range(n - 1)]
    return dataclasses.replace(conversation, messages=tuple(by_id.values())), repeated


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
        scope: what the importer may write (see the module); everything by default.
    """

    def __init__(
        self,
        connection: Connection,
        *,
        region: str = "US",
        threaded_sources: Collection[str] = (),
        scope: Scope | None = None,
    ) -> None:
        self.connection = connection
        self.threaded_sources = frozenset(threaded_sources)
        self.scope = scope or Scope.everything()
        self._now = datetime.now(UTC)
        self.resolver = CustomerResolver(connection, region=region, now=self._now)
        self._stats = WriteStats()
        self._authors: frozenset[str] | None = None

    @property
    def stats(self) -> WriteStats:
        """Counts so far, customers and merges included."""
        return dataclasses.replace(
            self._stats,
            customers_new=self.resolver.stats.customers_new,
            merges=self.resolver.stats.merges,
        )

    def write(self, batch: Sequence[Conversation]) -> list[WriteNote]:
        """Upsert a batch of conversations, their messages, customers and identities.

        Returns:
            A note per conversation refused (outside the scope; not written) and per
            duplicate (written), in batch order.
        """
        given = [c.id for c in batch]
        notes: list[WriteNote] = []
        items: list[tuple[int, Conversation]] = []
        for index, conversation in enumerate(self._adopt_stored_threads(batch)):
            conversation, repeated = _last_copies(conversation)
            for message_id in repeated:
                self._stats.duplicates += 1
                notes.append(
                    WriteNote(
                        index,
                        given[index],
                        f"message id {message_id!r} appears more than once in conversation "
                        f"{given[index]!r}: the last copy is kept",
                        "message ids must be unique within a conversation",
                    )
                )
            items.append((index, conversation))
        pending: list[tuple[int, Conversation]] = []
        keys_seen: set[_Key] = set()
        for index, conversation in items:
            key = (conversation.source, conversation.id)
            if key in keys_seen:  # the same conversation twice in a batch: write in order
                notes += self._write(pending, given)
                pending, keys_seen = [], set()
            keys_seen.add(key)
            pending.append((index, conversation))
        if pending:
            notes += self._write(pending, given)
        return sorted(notes, key=lambda note: note.index)

    def check(self, batch: Sequence[Conversation]) -> list[WriteNote]:
        """The conversations of ``batch`` that :meth:`write` would refuse; writes nothing
        (for an import that has already failed and reads on to report every problem)."""
        if self.scope.kind is ScopeKind.ALL:
            return []
        items = list(enumerate(self._adopt_stored_threads(batch)))
        given = [c.id for c in batch]
        refused, _new = self._refusals(items, self._stored([c for _, c in items]), given)
        return sorted(refused.values(), key=lambda note: note.index)

    # -- scope ----------------------------------------------------------------------------

    def _refusals(
        self,
        items: Sequence[tuple[int, Conversation]],
        stored: dict[_Key, _Stored],
        given: Sequence[str],
    ) -> tuple[dict[int, WriteNote], set[str]]:
        """The refused conversations of ``items`` by index, and the agents new to the
        store that the accepted ones name (they join the lead's team). ``given`` holds
        each conversation's id as the input gave it (before a stored thread adopted it):
        notes name that one, never the id of a conversation the importer may not see."""
        scope = self.scope
        if scope.kind is ScopeKind.ALL:
            return {}, set()
        if scope.kind is not ScopeKind.TEAM or scope.value is None:
            why = (
                "your account has no team, so it may not import"
                if scope.kind is ScopeKind.NONE
                else "only leads and admins import conversations"
            )
            fix = "ask an admin to set your team, or to import the file"
            return {i: WriteNote(i, given[i], why, fix, refused=True) for i, _ in items}, set()
        team = scope.value
        updating = {
            key: s.pk
            for key, s in stored.items()
            if s.imported_at != self._now  # created by this writer: the lead's own
        }
        stored_agents = stored_conversation_agents(self.connection, sorted(updating.values()))
        incoming = {i: conversation_agents(c) for i, c in items}
        names: set[str] = set().union(*incoming.values(), *stored_agents.values())
        teams = agent_teams(self.connection, names)
        if unknown := names - teams.keys():
            if self._authors is None:  # once per writer: who wrote stored agent messages
                self._authors = stored_agent_ids(self.connection)
            teams.update((a, None) for a in unknown if a in self._authors)
        refused: dict[int, WriteNote] = {}
        new: set[str] = set()
        fix = (
            f"a lead imports the conversations of team {team!r} only: remove it from the "
            "file, or ask an admin to import it"
        )
        for index, conversation in items:
            key = (conversation.source, conversation.id)
            if key in updating:
                agents = stored_agents.get(updating[key], frozenset())
                if not agents or any(teams.get(a) != team for a in agents):
                    what = (
                        "is already stored and belongs"
                        if given[index] == conversation.id
                        else "shares messages with a stored conversation that belongs"
                    )
                    refused[index] = WriteNote(
                        index,
                        given[index],
                        f"conversation {given[index]!r} {what} to another team (or to no "
                        "team): it cannot be updated",
                        fix,
                        refused=True,
                    )
                    continue
            outsiders = sorted(a for a in incoming[index] if a in teams and teams[a] != team)
            if outsiders:
                refused[index] = WriteNote(
                    index,
                    given[index],
                    f"conversation {given[index]!r} names agent {outsiders[0]!r}, who is not "
                    f"in team {team!r}",
                    fix,
                    refused=True,
                )
                continue
            new.update(a for a in incoming[index] if a not in teams)
        return refused, new

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
                    c.started_at, c.imported_at, c.updated_at,
                ).where(c.source == source, c.external_id.in_(chunk))  # fmt: skip
                for row in self.connection.execute(query):
                    found[(source, row.external_id)] = _Stored(
                        row.id, row.customer_id, row.channel, row.customer_json or {},
                        row.meta or {}, row.started_at, row.imported_at, row.updated_at,
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

    def _write(
        self, items: Sequence[tuple[int, Conversation]], given: Sequence[str]
    ) -> list[WriteNote]:
        stored = self._stored([c for _, c in items])
        refused, new_agents = self._refusals(items, stored, given)
        notes = list(refused.values())
        if new_agents and self.scope.kind is ScopeKind.TEAM:
            remember_agents(self.connection, new_agents, team=self.scope.value)
        batch = [c for i, c in items if i not in refused]
        if not batch:
            return notes
        keys = [(c.source, c.id) for c in batch]
        stored = {k: stored[k] for k in keys if k in stored}
        for index, conversation in items:
            found = stored.get((conversation.source, conversation.id))
            if index not in refused and found is not None and found.updated_at == self._now:
                self._stats.duplicates += 1
                notes.append(
                    WriteNote(
                        index,
                        given[index],
                        f"conversation {given[index]!r} appears more than once in this "
                        "import: the copies are merged in order (a later copy's fields win, "
                        "no message is lost)",
                        "give each conversation one line, or ignore this if the files overlap",
                    )
                )
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
        return notes

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
