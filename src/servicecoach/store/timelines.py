"""A customer's timeline for the web app: every conversation across channels and merged
identities, each with its metrics and repeat-story flags, within the viewer's scope.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, select

from servicecoach.analysis.signals import RETELL
from servicecoach.errors import NotFoundError
from servicecoach.store.analyses import latest_run
from servicecoach.store.conversation_list import ConversationRow, select_rows, to_row
from servicecoach.store.customers import (
    CustomerSummary,
    MergeRecord,
    customer_summary,
    merge_history,
    root_of,
)
from servicecoach.store.filters import Scope, ScopeKind
from servicecoach.store.reader import StoredConversation, timeline
from servicecoach.store.schema import analysis_results, conversation_metrics, customers

__all__ = ["CustomerTimeline", "RetellQuote", "TimelineEntry", "customer_timeline"]


@dataclass(frozen=True, slots=True)
class RetellQuote:
    """Where a customer had to tell their story again (``continuity.retell``)."""

    message: str
    start: int
    end: int
    quote: str


@dataclass(frozen=True, slots=True)
class TimelineEntry:
    """One conversation of the timeline.

    Attributes:
        stored: the conversation with its messages.
        metrics: its metrics in the run (``None`` when the run did not analyse it).
        retold: the customer had to retell their story in it.
        retells: the words where they did.
        channel_switch: the customer's previous conversation was on another channel.
    """

    stored: StoredConversation
    metrics: ConversationRow | None
    retold: bool
    retells: tuple[RetellQuote, ...]
    channel_switch: bool


@dataclass(frozen=True, slots=True)
class CustomerTimeline:
    """Everything on a customer's timeline page.

    Attributes:
        run: the analysis run the metrics come from (``None``: nothing analysed yet).
        customer: the customer (the root of merged records), identities and totals.
        merges: merges touching the customer, newest first.
        entries: the conversations the viewer may see, oldest first.
        hidden: conversations of the customer outside the viewer's scope.
    """

    run: int | None
    customer: CustomerSummary
    merges: tuple[MergeRecord, ...]
    entries: tuple[TimelineEntry, ...]
    hidden: int

    @property
    def retold(self) -> int:
        """Conversations in which the customer had to retell their story."""
        return sum(e.retold for e in self.entries)


def _retells(result: Mapping[str, Any]) -> tuple[RetellQuote, ...]:
    return tuple(
        RetellQuote(e["message"], e["start"], e["end"], e["quote"])
        for skill in result["skills"].values()
        for e in skill["evidence"]
        if e["signal"] == RETELL
    )


def customer_timeline(
    connection: Connection, customer_id: int, scope: Scope, *, run: int | None = None
) -> CustomerTimeline:
    """The timeline of the customer ``customer_id`` (or of the customer it was merged into).

    Without a run (nothing analysed yet) only an unrestricted scope sees conversations.
    A restricted scope sees the conversations whose agent it covers in the run.

    Args:
        connection: the database.
        customer_id: any customer record of the person.
        scope: what the viewer may see.
        run: the run for metrics and flags (default: the latest, if any).

    Raises:
        NotFoundError: no such customer, or none of their conversations is in ``scope``.
    """
    known = connection.execute(
        select(customers.c.id).where(customers.c.id == customer_id)
    ).scalar_one_or_none()
    if known is None:
        raise NotFoundError(f"no customer {customer_id} (`servicecoach customers list` shows them)")
    root = root_of(connection, customer_id)
    if run is None:
        try:
            run = latest_run(connection).id
        except NotFoundError:
            run = None
    stored = timeline(connection, root)
    pks = [s.pk for s in stored]
    rows: dict[int, ConversationRow] = {}
    results: dict[int, Mapping[str, Any]] = {}
    if run is not None and pks:
        rows = {
            r.conversation_id: r
            for r in map(
                to_row,
                connection.execute(
                    select_rows(
                        [
                            conversation_metrics.c.run_id == run,
                            conversation_metrics.c.conversation_id.in_(pks),
                        ]
                    )
                ),
            )
        }
        flagged = [pk for pk, r in rows.items() if r.retold]
        if flagged:
            results = dict(
                connection.execute(
                    select(analysis_results.c.conversation_id, analysis_results.c.result).where(
                        analysis_results.c.run_id == run,
                        analysis_results.c.conversation_id.in_(flagged),
                    )
                ).all()
            )
    entries: list[TimelineEntry] = []
    previous: str | None = None
    for item in stored:
        metrics = rows.get(item.pk)
        channel = item.conversation.channel.value
        switch = previous is not None and previous != channel
        previous = channel
        visible = scope.kind is ScopeKind.ALL or (
            metrics is not None and scope.allows(metrics.agent, metrics.team)
        )
        if not visible:
            continue
        retells = _retells(results[item.pk]) if item.pk in results else ()
        entries.append(
            TimelineEntry(item, metrics, bool(metrics and metrics.retold), retells, switch)
        )
    if not entries and scope.kind is not ScopeKind.ALL:
        raise NotFoundError(f"no customer {customer_id} in your view")
    return CustomerTimeline(
        run=run,
        customer=customer_summary(connection, root),
        merges=tuple(merge_history(connection, root)),
        entries=tuple(entries),
        hidden=len(stored) - len(entries),
    )
