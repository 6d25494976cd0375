"""Contact reasons in the store: contact-reason embeddings, the latest grouping, and the
ranking the page reads.

``reason_embeddings`` keeps each conversation's contact-reason text and its embedding
(float16), so a build only embeds new conversations. ``contact_reasons`` and
``reason_assignments`` hold the latest grouping, replaced whole by each build. The page
reads :func:`ranked_reasons`, which counts the assigned conversations of the viewer's
selection and scope in the period and the period before it.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from enum import StrEnum
from typing import Any

import numpy as np
import numpy.typing as npt
from sqlalchemy import Connection, Integer, and_, case, cast, delete, func, select

from servicecoach.analysis.contact_reasons import Clustering
from servicecoach.analysis.emotion import NEGATIVE
from servicecoach.store.filters import Filters, Scope, metrics_conditions, resolve_run
from servicecoach.store.schema import (
    contact_reasons,
    conversation_metrics,
    conversations,
    reason_assignments,
    reason_embeddings,
)

__all__ = [
    "DEFAULT_WINDOW_DAYS",
    "ContactReason",
    "RankedReasons",
    "ReasonExample",
    "ReasonSort",
    "load_embeddings",
    "missing_embeddings",
    "ranked_reasons",
    "replace_reasons",
    "save_embeddings",
]

DEFAULT_WINDOW_DAYS = 28
"""Without a period, contact reasons compare the last 28 days with the 28 before."""

_M = conversation_metrics.c
_A = reason_assignments.c


class ReasonSort(StrEnum):
    """How contact reasons are ranked."""

    VOLUME = "volume"
    """Most conversations in the period first."""
    GROWTH = "growth"
    """Largest increase over the previous period first (in conversations)."""
    NEGATIVE = "negative"
    """Most conversations that started with a negative emotion first."""


@dataclass(frozen=True, slots=True)
class ReasonExample:
    """A customer's words for a contact reason (the texts nearest its centre)."""

    conversation_id: int
    source: str
    external_id: str
    started_at: datetime | None
    text: str


@dataclass(frozen=True, slots=True)
class ContactReason:
    """One recurring contact reason in the selection.

    Attributes:
        id: its id in the latest build.
        label: its top words, ``"parcel, delivery, arrived"``.
        words: the same as a tuple.
        size: conversations in it across the whole store (at the build).
        volume: conversations in the period (selection and scope).
        previous: conversations in the previous period of the same length.
        negative: conversations in the period whose customer started upset.
        examples: the customers' words nearest its centre, in the period.
    """

    id: int
    label: str
    words: tuple[str, ...]
    size: int
    volume: int
    previous: int
    negative: int
    examples: tuple[ReasonExample, ...]

    @property
    def growth(self) -> float | None:
        """Change over the previous period (0.5 is +50 %); ``None`` when it had none."""
        return (self.volume - self.previous) / self.previous if self.previous else None

    @property
    def negative_share(self) -> float | None:
        """Share of the period's conversations whose customer started upset."""
        return self.negative / self.volume if self.volume else None


@dataclass(frozen=True, slots=True)
class RankedReasons:
    """Everything on the wider-issues page.

    Attributes:
        run: the analysis run whose metrics (agent, team, emotion) are used.
        start: the first day of the period.
        end: its last day.
        previous_start: the first day of the period compared with.
        built_at: when the grouping was built (``None``: never; run
            ``servicecoach reasons build``).
        reasons: the contact reasons, ranked.
        unassigned: conversations in the period in no group (too rare to be an issue,
            or not embedded yet).
    """

    run: int
    start: date | None
    end: date | None
    previous_start: date | None
    built_at: datetime | None
    reasons: tuple[ContactReason, ...]
    unassigned: int


def missing_embeddings(connection: Connection, model: str) -> list[int]:
    """Conversations without a contact-reason embedding from ``model``, by id."""
    r = reason_embeddings.c
    query = (
        select(conversations.c.id)
        .outerjoin(
            reason_embeddings,
            and_(r.conversation_id == conversations.c.id, r.model == model),
        )
        .where(r.conversation_id.is_(None))
        .order_by(conversations.c.id)
    )
    return list(connection.execute(query).scalars())


def save_embeddings(
    connection: Connection,
    model: str,
    rows: Sequence[tuple[int, str, npt.NDArray[np.floating] | None]],
) -> None:
    """Store (or replace) the contact-reason text and embedding of conversations.

    A conversation whose customer wrote nothing is stored with no vector, so that it is
    not read again by the next build.
    """
    if not rows:
        return
    ids = [pk for pk, _, _ in rows]
    connection.execute(
        delete(reason_embeddings).where(reason_embeddings.c.conversation_id.in_(ids))
    )
    connection.execute(
        reason_embeddings.insert(),
        [
            {
                "conversation_id": pk,
                "model": model,
                "text": text,
                "vector": b"" if vector is None else np.asarray(vector, np.float16).tobytes(),
            }
            for pk, text, vector in rows
        ],
    )


def load_embeddings(
    connection: Connection, model: str
) -> tuple[list[int], list[str], npt.NDArray[np.float32]]:
    """Every stored embedding of ``model``: conversation ids, texts and an ``(n, d)`` array."""
    r = reason_embeddings.c
    ids: list[int] = []
    texts: list[str] = []
    chunks: list[bytes] = []
    for pk, text, vector in connection.execute(
        select(r.conversation_id, r.text, r.vector)
        .where(r.model == model, func.length(r.vector) > 0)
        .order_by(r.conversation_id)
    ):
        ids.append(pk)
        texts.append(text)
        chunks.append(bytes(vector))
    if not chunks:
        return ids, texts, np.empty((0, 0), dtype=np.float32)
    width = len(chunks[0]) // 2
    matrix = np.frombuffer(b"".join(chunks), dtype=np.float16).reshape(len(chunks), width)
    return ids, texts, matrix.astype(np.float32)


_ROWS_PER_INSERT = 5000


def replace_reasons(
    connection: Connection, ids: Sequence[int], clustering: Clustering, model: str
) -> int:
    """Replace the stored grouping with ``clustering`` of the conversations ``ids``.

    Returns:
        The number of contact reasons stored.
    """
    connection.execute(delete(reason_assignments))
    connection.execute(delete(contact_reasons))
    built = datetime.now(UTC)
    rows: list[dict[str, Any]] = []  # written every 5,000: millions are never held at once
    for group in clustering.groups:
        reason = connection.execute(
            contact_reasons.insert().values(
                label=group.label[:300] or "(no words)",
                words=list(group.words),
                size=group.size,
                model=model,
                built_at=built,
            )
        ).inserted_primary_key[0]  # type: ignore[index]
        rows.extend(
            {
                "conversation_id": ids[i],
                "reason_id": reason,
                "distance": float(clustering.distances[i]),
            }
            for i in group.members
        )
        while len(rows) >= _ROWS_PER_INSERT:
            connection.execute(reason_assignments.insert(), rows[:_ROWS_PER_INSERT])
            del rows[:_ROWS_PER_INSERT]
    if rows:
        connection.execute(reason_assignments.insert(), rows)
    return len(clustering.groups)


def _window(
    connection: Connection, run: int, filters: Filters, scope: Scope
) -> tuple[date, date] | None:
    if filters.start is not None and filters.end is not None:
        return filters.start, filters.end
    end = filters.end
    if end is None:
        last = connection.execute(
            select(func.max(_M.started_day)).where(
                *metrics_conditions(run, filters, scope, period=False)
            )
        ).scalar_one_or_none()
        if last is None:
            return None
        end = last
    start = filters.start or end - timedelta(days=DEFAULT_WINDOW_DAYS - 1)
    return start, end


def _examples(
    connection: Connection, reason: int, conditions: list[Any], limit: int
) -> tuple[ReasonExample, ...]:
    """The ``limit`` conversations of ``reason`` nearest its centre that match ``conditions``.

    Written as EXISTS so that the database walks the reason's index in distance order
    and stops at ``limit`` instead of sorting every conversation of the period.
    """
    matching = (
        select(_M.conversation_id)
        .where(_M.conversation_id == _A.conversation_id, *conditions)
        .exists()
    )
    picked = list(
        connection.execute(
            select(_A.conversation_id)
            .where(_A.reason_id == reason, matching)
            .order_by(_A.distance, _A.conversation_id)
            .limit(limit)
        ).scalars()
    )
    if not picked:
        return ()
    rows = {
        row[0]: row
        for row in connection.execute(
            select(
                conversations.c.id,
                conversations.c.source,
                conversations.c.external_id,
                conversations.c.started_at,
                reason_embeddings.c.text,
            )
            .join(reason_embeddings, reason_embeddings.c.conversation_id == conversations.c.id)
            .where(conversations.c.id.in_(picked))
        )
    }
    return tuple(ReasonExample(*rows[pk]) for pk in picked)


def ranked_reasons(
    connection: Connection,
    filters: Filters,
    scope: Scope,
    *,
    sort: ReasonSort = ReasonSort.VOLUME,
    limit: int = 20,
    examples: int = 3,
) -> RankedReasons:
    """The recurring contact reasons of ``filters`` within ``scope``, ranked.

    The period is the filters' (default: the last :data:`DEFAULT_WINDOW_DAYS` days up to
    the newest conversation in the selection); growth compares it with the period of
    the same length just before it.

    Args:
        connection: the database.
        filters: run (latest by default), channel, team, agent and period.
        scope: what the viewer may see (examples included).
        sort: how to rank.
        limit: at most this many reasons.
        examples: example texts per reason.

    Raises:
        NotFoundError: nothing has been analysed yet, or no such run.
    """
    run = resolve_run(connection, filters)
    built_at = connection.execute(select(func.max(contact_reasons.c.built_at))).scalar()
    window = _window(connection, run, filters, scope)
    if window is None:
        return RankedReasons(run, None, None, None, built_at, (), 0)
    start, end = window
    previous_start = start - (end - start + timedelta(days=1))
    base = metrics_conditions(run, filters, scope, period=False)
    current = _M.started_day >= start
    negative = and_(current, _M.emotion_start.in_(sorted(NEGATIVE)))
    counts = connection.execute(
        select(
            _A.reason_id,
            func.sum(cast(current, Integer)),
            func.count(),
            func.sum(case((negative, 1), else_=0)),
        )
        .select_from(
            conversation_metrics.join(reason_assignments, _A.conversation_id == _M.conversation_id)
        )
        .where(*base, _M.started_day >= previous_start, _M.started_day <= end)
        .group_by(_A.reason_id)
    ).all()
    in_period = connection.execute(
        select(func.count())
        .select_from(conversation_metrics)
        .where(*base, _M.started_day >= start, _M.started_day <= end)
    ).scalar_one()
    stats = {
        reason: (int(cur or 0), int(both) - int(cur or 0), int(neg or 0))
        for reason, cur, both, neg in counts
    }
    found = []
    for row in connection.execute(select(contact_reasons)):
        volume, previous, upset = stats.get(row.id, (0, 0, 0))
        if volume or previous:
            found.append(
                ContactReason(
                    row.id, row.label, tuple(row.words), row.size, volume, previous, upset, ()
                )
            )
    keys = {
        ReasonSort.VOLUME: lambda r: (-r.volume, -r.negative, r.id),
        ReasonSort.GROWTH: lambda r: (-(r.volume - r.previous), -r.volume, r.id),
        ReasonSort.NEGATIVE: lambda r: (-r.negative, -r.volume, r.id),
    }
    ranked = sorted(found, key=keys[ReasonSort(sort)])[:limit]
    period = [*base, _M.started_day >= start, _M.started_day <= end]
    reasons = tuple(
        dataclasses.replace(r, examples=_examples(connection, r.id, period, examples))
        if r.volume
        else r
        for r in ranked
    )
    assigned = sum(r.volume for r in found)
    return RankedReasons(
        run, start, end, previous_start, built_at, reasons, int(in_period) - assigned
    )
