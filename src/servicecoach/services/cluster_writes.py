"""Workers that write their own results: PostgreSQL as the cluster's shared store.

With SQLite (one machine) the client writes every result. With PostgreSQL each worker
writes the results of its partition itself, in one transaction, so the client only hands
out partitions and the write load is spread over the workers' connections.

Idempotent by run and conversation: the transaction first reads which of the
partition's conversations the run already has and writes only the others, so a task
run again (its worker died after committing, or Dask ran it twice) writes nothing twice.
Two copies of one task committing at the same moment collide on the database's unique
key ``(run_id, conversation_id)``: the loser rolls back and tries again, and then finds
the rows written. The same holds for a new agent two workers add at once.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from servicecoach.services.cluster_task import Partition, PipelineSettings, analyze_partition
from servicecoach.store.analyses import save_results
from servicecoach.store.database import Store
from servicecoach.store.reader import StoredConversation
from servicecoach.store.schema import analysis_results

if TYPE_CHECKING:
    from servicecoach.analysis.result import ConversationResult

__all__ = ["ATTEMPTS", "WriteTarget", "analyze_and_write", "close_stores"]

ATTEMPTS = 5
"""Transactions a worker tries before giving up on a partition (Dask then retries it)."""

_STORES: dict[str, Store] = {}
_LOCK = threading.Lock()


@dataclass(frozen=True, slots=True)
class WriteTarget:
    """Where a worker writes: the store's URL (password included) and the run."""

    url: str
    run: int

    def __repr__(self) -> str:  # never show the password (task reprs reach logs)
        return f"WriteTarget(run={self.run})"


def _store(url: str) -> Store:
    """This process's store for ``url``, opened once (not migrated: the client did)."""
    with _LOCK:
        store = _STORES.get(url)
        if store is None:
            store = Store.open(url, migrate=False, create=False)
            _STORES[url] = store
        return store


def close_stores() -> int:
    """Close this process's stores (their connections); returns how many were open."""
    with _LOCK:
        stores = list(_STORES.values())
        _STORES.clear()
    for store in stores:
        store.close()
    return len(stores)


def analyze_and_write(
    partition: Partition,
    settings: PipelineSettings,
    target: WriteTarget,
    analyse: Callable[
        [Partition, PipelineSettings], list[tuple[int, ConversationResult]]
    ] = analyze_partition,
) -> list[int]:
    """Analyse a partition and write its results; return the keys the run now holds."""
    results: dict[int, ConversationResult] = {}
    for pk, result in analyse(partition, settings):
        results.setdefault(pk, result)
    stored = {
        item.key: StoredConversation(item.key, item.customer_id, item.conversation)
        for item in partition.items
        if item.key in results
    }
    store = _store(target.url)
    c = analysis_results.c
    for attempt in range(1, ATTEMPTS + 1):
        try:
            with store.begin() as connection:
                have = set(
                    connection.execute(
                        select(c.conversation_id).where(
                            c.run_id == target.run, c.conversation_id.in_(list(results))
                        )
                    ).scalars()
                )
                fresh = [(pk, r) for pk, r in results.items() if pk not in have]
                save_results(connection, target.run, fresh, stored)
            break
        except IntegrityError:
            if attempt == ATTEMPTS:
                raise
    return sorted(results)
