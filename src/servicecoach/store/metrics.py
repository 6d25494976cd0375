"""Per-conversation metrics: one ``conversation_metrics`` row per conversation and run.

The pages filter, group and sort on these columns instead of parsing result JSON.
``save_results`` writes them with the results; runs stored before migration 0005 are
filled by :func:`backfill_metrics` (called through :func:`ensure_metrics`).

Definitions (docs/dashboard.md):

- **agent**: the author with the most replies the customer saw (agent role, not
  internal); ties go to the one who replied first. Bots are not agents.
- **wait**: starts at the first customer message after a reply (or the first customer
  message), ends at the next agent or bot reply the customer saw. Wall-clock seconds,
  in time order; messages without a time are left out.
- **first_response_s**: the first wait; **median_response_s**: the median of all waits.
- **first_response_within_target**: the responsiveness analyser's verdict on the first
  reply (``responsiveness.first_response`` earned or cost), which applies the run's
  targets per channel and business hours.
- **emotion_start/end, resolved, satisfaction, quality**: the result's outcome.
- **retold**: the customer had to retell their story (``continuity.retell``).
"""

from __future__ import annotations

import statistics
from collections import Counter
from collections.abc import Mapping, Sequence
from datetime import UTC
from typing import Any

from sqlalchemy import Connection, and_, delete, func, select

from servicecoach.analysis.signals import FIRST_RESPONSE, RETELL
from servicecoach.model.conversation import Conversation, Role
from servicecoach.store.agents import MAX_AGENT_ID, remember_agents
from servicecoach.store.daily import has_daily, rebuild_daily
from servicecoach.store.reader import StoredConversation, iter_conversations
from servicecoach.store.schema import (
    analysis_results,
    analysis_runs,
    conversation_metrics,
    skill_scores,
)
from servicecoach.store.scores import score_rows

__all__ = [
    "backfill_metrics",
    "ensure_all_metrics",
    "ensure_metrics",
    "main_agent",
    "metrics_rows",
    "response_waits",
    "retold",
]


def main_agent(conversation: Conversation) -> str | None:
    """The agent who wrote most of the replies the customer saw (first to reply on a tie)."""
    counts: Counter[str] = Counter()
    first: dict[str, int] = {}
    for index, message in enumerate(conversation.messages):
        if message.role is Role.AGENT and not message.internal and message.author:
            author = message.author.strip()[:MAX_AGENT_ID]
            if author:
                counts[author] += 1
                first.setdefault(author, index)
    if not counts:
        return None
    return min(counts, key=lambda a: (-counts[a], first[a]))


def response_waits(conversation: Conversation) -> list[float]:
    """Every customer wait for a reply, in seconds, in time order (see the module)."""
    waits: list[float] = []
    opened = None
    for message in conversation.chronological():
        if message.at is None:
            continue
        if message.role is Role.CUSTOMER:
            if opened is None:
                opened = message.at
        elif message.is_reply and opened is not None:
            waits.append(max(0.0, (message.at - opened).total_seconds()))
            opened = None
    return waits


def retold(result: Mapping[str, Any]) -> bool:
    """Whether the result records ``continuity.retell`` anywhere."""
    return any(
        e["signal"] == RETELL for skill in result["skills"].values() for e in skill["evidence"]
    )


def _first_response_verdict(result: Mapping[str, Any]) -> bool | None:
    skill = result["skills"].get("responsiveness") or {}
    for evidence in skill.get("evidence", ()):
        if evidence["signal"] == FIRST_RESPONSE and evidence["polarity"]:
            return bool(evidence["polarity"] > 0)
    return None


def _row(
    run: int,
    stored: StoredConversation,
    result: Mapping[str, Any],
    agent: str | None,
    team: str | None,
) -> dict[str, Any]:
    conversation = stored.conversation
    started = conversation.started_at
    waits = response_waits(conversation)
    outcome = result.get("outcome") or {}
    return {
        "run_id": run,
        "conversation_id": stored.pk,
        "customer_id": stored.customer_id,
        "channel": conversation.channel.value,
        "public": conversation.public,
        "agent": agent,
        "team": team,
        "started_at": started,
        "started_day": started.astimezone(UTC).date() if started is not None else None,
        "messages": sum(1 for m in conversation.messages if not m.internal),
        "customer_messages": sum(1 for m in conversation.messages if m.role is Role.CUSTOMER),
        "first_response_s": waits[0] if waits else None,
        "median_response_s": statistics.median(waits) if waits else None,
        "first_response_within_target": _first_response_verdict(result),
        "emotion_start": outcome.get("emotion_start"),
        "emotion_end": outcome.get("emotion_end"),
        "resolved": outcome.get("resolved"),
        "satisfaction": outcome.get("satisfaction"),
        "quality": outcome.get("quality"),
        "retold": retold(result),
    }


def metrics_rows(
    connection: Connection,
    run: int,
    items: Sequence[tuple[StoredConversation, Mapping[str, Any]]],
) -> list[dict[str, Any]]:
    """The ``conversation_metrics`` rows of a batch (conversation, FORMAT.md result dict).

    New agents are added to ``agents`` on the way (one query and one insert).
    """
    main = [main_agent(stored.conversation) for stored, _ in items]
    teams = remember_agents(connection, [a for a in main if a is not None])
    return [
        _row(run, stored, result, agent, teams.get(agent) if agent else None)
        for (stored, result), agent in zip(items, main, strict=True)
    ]


def backfill_metrics(connection: Connection, run: int, *, batch_size: int = 500) -> int:
    """Fill ``conversation_metrics`` (and ``skill_scores``) for the results of ``run``
    that have no row yet.

    For runs analysed before migration 0005. Idempotent; one insert per batch.

    Returns:
        The number of rows added.
    """
    m = conversation_metrics.c
    missing = select(analysis_results.c.conversation_id).where(
        analysis_results.c.run_id == run,
        ~select(m.conversation_id)
        .where(and_(m.run_id == run, m.conversation_id == analysis_results.c.conversation_id))
        .exists(),
    )
    pks = sorted(connection.execute(missing).scalars())
    added = 0
    for offset in range(0, len(pks), batch_size):
        chunk = pks[offset : offset + batch_size]
        results = dict(
            connection.execute(
                select(analysis_results.c.conversation_id, analysis_results.c.result).where(
                    analysis_results.c.run_id == run, analysis_results.c.conversation_id.in_(chunk)
                )
            ).all()
        )
        items = [(s, results[s.pk]) for s in iter_conversations(connection, ids=chunk)]
        rows = metrics_rows(connection, run, items)
        if rows:
            connection.execute(conversation_metrics.insert(), rows)
            connection.execute(
                delete(skill_scores).where(
                    skill_scores.c.run_id == run, skill_scores.c.conversation_id.in_(chunk)
                )
            )
            scores = [r for s, result in items for r in score_rows(run, s.pk, result)]
            if scores:
                connection.execute(skill_scores.insert(), scores)
        added += len(rows)
    return added


def ensure_metrics(connection: Connection, run: int) -> int:
    """Backfill ``run`` when it has results without metrics, and its daily sums when a
    finished run has none (three cheap queries when there is nothing to do).

    Call it once per run before reading the dashboard (inside a write transaction).

    Returns:
        The number of metrics rows added (0 when the run was complete).
    """
    results = connection.execute(
        select(func.count()).select_from(analysis_results).where(analysis_results.c.run_id == run)
    ).scalar_one()
    have = connection.execute(
        select(func.count())
        .select_from(conversation_metrics)
        .where(conversation_metrics.c.run_id == run)
    ).scalar_one()
    added = backfill_metrics(connection, run) if have < results else 0
    finished = connection.execute(
        select(analysis_runs.c.finished_at).where(analysis_runs.c.id == run)
    ).scalar_one_or_none()
    if finished is not None and (added or not has_daily(connection, run)):
        rebuild_daily(connection, run)
    return added


def ensure_all_metrics(connection: Connection) -> int:
    """:func:`ensure_metrics` for every run, oldest first: what a service does once when it
    starts, so that no page or API read has to write (inside a write transaction).

    Returns:
        The number of metrics rows added over all runs (0 on a store written by this
        version, where every run's metrics and daily sums are written as it is analysed).
    """
    runs = connection.execute(select(analysis_runs.c.id).order_by(analysis_runs.c.id)).scalars()
    return sum(ensure_metrics(connection, run) for run in list(runs))
