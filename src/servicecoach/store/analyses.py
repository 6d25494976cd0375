"""Analysis runs in the store: each analysis adds a run; results are never overwritten."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, select, update

from servicecoach.analysis.result import ConversationResult
from servicecoach.analysis.signals import RETELL
from servicecoach.errors import NotFoundError
from servicecoach.store.customers import root_of
from servicecoach.store.daily import rebuild_daily
from servicecoach.store.metrics import metrics_rows
from servicecoach.store.reader import StoredConversation, iter_conversations
from servicecoach.store.schema import (
    analysis_results,
    analysis_runs,
    conversation_metrics,
    conversations,
    skill_scores,
)
from servicecoach.store.scores import score_rows

__all__ = [
    "RunSummary",
    "conversation_pk",
    "finish_run",
    "latest_run",
    "repeat_story_rate",
    "save_results",
    "start_run",
    "stored_result",
]


@dataclass(frozen=True, slots=True)
class RunSummary:
    """One analysis run."""

    id: int
    started_at: datetime
    conversations: int
    analyzers: dict[str, str]


def start_run(
    connection: Connection, analyzers: Mapping[str, str], config: Mapping[str, Any]
) -> int:
    """Record a new run and return its id."""
    result = connection.execute(
        analysis_runs.insert().values(
            started_at=datetime.now(UTC),
            analyzers=dict(analyzers),
            config=dict(config),
            conversations=0,
        )
    )
    return int(result.inserted_primary_key[0])  # type: ignore[index]


def save_results(
    connection: Connection,
    run: int,
    results: Sequence[tuple[int, ConversationResult]],
    conversations: Mapping[int, StoredConversation] | None = None,
) -> None:
    """Store a batch of results of ``run`` (conversation primary key, result).

    Each conversation also gets its ``conversation_metrics`` row and a ``skill_scores``
    row per skill its result carries (one insert each per batch).
    ``conversations`` are the analysed conversations by primary key, when the caller has
    them; any missing are read from the store (one query per batch).
    """
    if not results:
        return
    dicts = {pk: result.to_dict() for pk, result in results}
    connection.execute(
        analysis_results.insert(),
        [
            {
                "run_id": run,
                "conversation_id": pk,
                "result": dicts[pk],
                "quality": result.outcome.quality,
                "satisfaction": result.outcome.satisfaction,
            }
            for pk, result in results
        ],
    )
    known = dict(conversations or {})
    missing = [pk for pk in dicts if pk not in known]
    if missing:
        known.update((s.pk, s) for s in iter_conversations(connection, ids=missing))
    connection.execute(
        conversation_metrics.insert(),
        metrics_rows(connection, run, [(known[pk], dicts[pk]) for pk in dicts]),
    )
    scores = [row for pk in dicts for row in score_rows(run, pk, dicts[pk])]
    if scores:
        connection.execute(skill_scores.insert(), scores)


def finish_run(connection: Connection, run: int, count: int) -> None:
    """Mark a run finished with the number of conversations it analysed.

    Also sums its metrics per day and agent for the dashboard (``metrics_daily``).
    """
    connection.execute(
        update(analysis_runs)
        .where(analysis_runs.c.id == run)
        .values(finished_at=datetime.now(UTC), conversations=count)
    )
    rebuild_daily(connection, run)


def latest_run(connection: Connection) -> RunSummary:
    """The newest finished run.

    Raises:
        NotFoundError: nothing has been analysed yet.
    """
    row = connection.execute(
        select(analysis_runs)
        .where(analysis_runs.c.finished_at.is_not(None))
        .order_by(analysis_runs.c.id.desc())
        .limit(1)
    ).first()
    if row is None:
        raise NotFoundError("nothing analysed yet: run `servicecoach analyze --db ...` first")
    return RunSummary(row.id, row.started_at, row.conversations, row.analyzers)


def stored_result(connection: Connection, conversation_pk: int, run: int) -> dict[str, Any]:
    """The stored FORMAT.md result of one conversation in one run.

    Raises:
        NotFoundError: the run did not analyse that conversation.
    """
    value = connection.execute(
        select(analysis_results.c.result).where(
            analysis_results.c.run_id == run, analysis_results.c.conversation_id == conversation_pk
        )
    ).scalar_one_or_none()
    if value is None:
        raise NotFoundError(f"run {run} has no result for that conversation (analyse it again)")
    return dict(value)


def conversation_pk(connection: Connection, ref: str) -> int:
    """The primary key of a conversation named ``SOURCE:ID`` or by its id alone.

    Raises:
        NotFoundError: no such conversation, or an id that several sources use.
    """
    source, sep, external = ref.partition(":")
    query = select(conversations.c.id)
    if sep and external:
        query = query.where(
            conversations.c.source == source, conversations.c.external_id == external
        )
    else:
        query = query.where(conversations.c.external_id == ref)
    found = connection.execute(query).scalars().all()
    if len(found) != 1:
        reason = "no conversation" if not found else "several conversations"
        raise NotFoundError(f"{reason} named {ref!r} (use SOURCE:ID, e.g. zendesk:zendesk-48213)")
    return int(found[0])


def repeat_story_rate(connection: Connection, run: int) -> tuple[int, int]:
    """The organisation's repeat-story metric for a run.

    Returns:
        ``(retold, returning)``: of the customers with two or more conversations
        (``returning``), how many had to retell their story at least once
        (``continuity.retell`` in any of their conversations).
    """
    rows = connection.execute(
        select(conversations.c.customer_id, analysis_results.c.result)
        .select_from(analysis_results.join(conversations))
        .where(analysis_results.c.run_id == run, conversations.c.customer_id.is_not(None))
    )
    per_customer: dict[int, list[bool]] = {}
    roots: dict[int, int] = {}
    for customer_id, result in rows:
        root = roots.setdefault(customer_id, root_of(connection, customer_id))
        retold = any(
            e["signal"] == RETELL for skill in result["skills"].values() for e in skill["evidence"]
        )
        per_customer.setdefault(root, []).append(retold)
    returning = [flags for flags in per_customer.values() if len(flags) > 1]
    return sum(any(flags) for flags in returning), len(returning)
