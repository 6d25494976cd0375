"""The conversation list: one row per conversation with every metric and skill score.

Pages use :func:`list_conversations` (sorted, filtered, one page with the total);
exports use :func:`iter_conversation_rows`, which streams every row of the selection
in batches (keyset on the conversation id), and ``conversation_csv.write_csv``.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Connection, Select, func, select

from servicecoach.errors import ConfigError
from servicecoach.store.filters import Filters, Scope, metrics_conditions, resolve_run
from servicecoach.store.schema import conversation_metrics, conversations, customers
from servicecoach.store.scores import SkillSequence, score_map, with_skills
from servicecoach.store.skill_sort import skill_page

__all__ = [
    "MAX_PAGE",
    "SORTS",
    "ConversationPage",
    "ConversationRow",
    "iter_conversation_rows",
    "list_conversations",
    "select_rows",
    "to_row",
]

_M = conversation_metrics.c
MAX_PAGE = 500
"""The largest page :func:`list_conversations` returns."""

_COLUMN_SORTS = (
    "started_at",
    "agent",
    "channel",
    "messages",
    "first_response_s",
    "median_response_s",
    "satisfaction",
    "quality",
)
SORTS: Sequence[str] = SkillSequence(*_COLUMN_SORTS)
"""What the list can be sorted by: a column, or a registered skill's name (its score)."""


@dataclass(frozen=True, slots=True)
class ConversationRow:
    """One conversation with its metrics in one run (docs/dashboard.md defines them).

    Attributes:
        conversation_id: the conversation's primary key.
        source: its importer.
        external_id: its id in the source.
        customer_id: the customer record it was imported with.
        customer_name: that customer's name, when known.
        channel: where it happened.
        public: visible to the public (social).
        agent: the agent who wrote most replies.
        team: that agent's team.
        started_at: its first message's time.
        messages: messages the customer saw.
        customer_messages: messages from the customer.
        first_response_s: the wait for the first reply, in seconds.
        median_response_s: the median wait for a reply.
        first_response_within_target: the first reply came within the channel's target.
        emotion_start: the customer's emotion in their first message.
        emotion_end: in their last message.
        resolved: the problem was solved (``None``: unknown).
        satisfaction: estimated satisfaction, 0-100.
        quality: overall quality of the agent side, 0-100.
        retold: the customer had to retell their story.
        scores: each skill's score (``None``: not applicable), the registered skills
            first (``None`` where not scored), then any other skill the result carries.
    """

    conversation_id: int
    source: str
    external_id: str
    customer_id: int | None
    customer_name: str | None
    channel: str
    public: bool
    agent: str | None
    team: str | None
    started_at: datetime | None
    messages: int
    customer_messages: int
    first_response_s: float | None
    median_response_s: float | None
    first_response_within_target: bool | None
    emotion_start: str | None
    emotion_end: str | None
    resolved: bool | None
    satisfaction: int | None
    quality: int | None
    retold: bool
    scores: dict[str, int | None]

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict (times in ISO 8601 UTC), in the export's column order."""
        out: dict[str, Any] = {
            "conversation_id": self.conversation_id,
            "source": self.source,
            "external_id": self.external_id,
            "customer_id": self.customer_id,
            "customer_name": self.customer_name,
            "channel": self.channel,
            "public": self.public,
            "agent": self.agent,
            "team": self.team,
            "started_at": self.started_at.isoformat() if self.started_at else None,
            "messages": self.messages,
            "customer_messages": self.customer_messages,
            "first_response_s": self.first_response_s,
            "median_response_s": self.median_response_s,
            "first_response_within_target": self.first_response_within_target,
            "emotion_start": self.emotion_start,
            "emotion_end": self.emotion_end,
            "resolved": self.resolved,
            "satisfaction": self.satisfaction,
            "quality": self.quality,
            "retold": self.retold,
        }
        out.update(self.scores)
        return out


@dataclass(frozen=True, slots=True)
class ConversationPage:
    """One page of the list and the size of the whole selection."""

    run: int
    rows: tuple[ConversationRow, ...]
    total: int
    limit: int
    offset: int

    @property
    def has_next(self) -> bool:
        """Whether rows follow this page."""
        return self.offset + len(self.rows) < self.total


_METRIC_COLUMNS = (
    "conversation_id", "customer_id", "channel", "public", "agent", "team", "started_at",
    "messages", "customer_messages", "first_response_s", "median_response_s",
    "first_response_within_target", "emotion_start", "emotion_end", "resolved",
    "satisfaction", "quality", "retold",
)  # fmt: skip


def select_rows(conditions: Sequence[ColumnElement[bool]]) -> Select[Any]:
    """A query of :class:`ConversationRow` columns for the metrics rows matching ``conditions``."""
    return (
        select(
            conversations.c.source,
            conversations.c.external_id,
            customers.c.name.label("customer_name"),
            *(_M[name] for name in _METRIC_COLUMNS),
            score_map().label("scores"),
        )
        .select_from(
            conversation_metrics.join(
                conversations, conversations.c.id == _M.conversation_id
            ).outerjoin(customers, customers.c.id == _M.customer_id)
        )
        .where(*conditions)
    )


def to_row(row: Any) -> ConversationRow:
    """A :class:`ConversationRow` from a row of :func:`select_rows`."""
    m = row._mapping
    return ConversationRow(
        source=m["source"],
        external_id=m["external_id"],
        customer_name=m["customer_name"],
        **{name: m[name] for name in _METRIC_COLUMNS},
        scores=with_skills(m["scores"] or {}),
    )


def _order(column: ColumnElement[Any], descending: bool, dialect: str) -> list[Any]:
    """ORDER BY with rows without a value last, ties by id, in a form indexes can serve.

    SQLite sorts NULL first, so a descending sort already puts it last (and can walk an
    index); PostgreSQL is told NULLS LAST.
    """
    key = column.desc() if descending else column.asc()
    tie = _M.conversation_id.desc() if descending else _M.conversation_id.asc()
    if dialect == "postgresql":
        return [key.nulls_last(), tie]
    return [key, tie] if descending else [column.is_(None), key, tie]


def list_conversations(
    connection: Connection,
    filters: Filters,
    scope: Scope,
    *,
    sort: str = "started_at",
    descending: bool = True,
    limit: int = 50,
    offset: int = 0,
) -> ConversationPage:
    """One page of the conversations of ``filters`` within ``scope``.

    Args:
        connection: the database.
        filters: run (latest by default), channel, team, agent and period.
        scope: what the viewer may see.
        sort: one of :data:`SORTS` (a skill name sorts by its score); rows without a
            value come last either way, ties by conversation id.
        descending: largest (newest) first.
        limit: rows per page, 1 to :data:`MAX_PAGE`.
        offset: rows to skip.

    Raises:
        ConfigError: an unknown sort, or a limit or offset out of range.
        NotFoundError: nothing has been analysed yet, or no such run.
    """
    if not 1 <= limit <= MAX_PAGE:
        raise ConfigError(f"a page has 1 to {MAX_PAGE} rows (got {limit})")
    if offset < 0:
        raise ConfigError(f"the offset cannot be negative (got {offset})")
    if sort not in SORTS:
        raise ConfigError(f"cannot sort by {sort!r} (one of {', '.join(SORTS)})")
    run = resolve_run(connection, filters)
    conditions = metrics_conditions(run, filters, scope)
    total = connection.execute(
        select(func.count()).select_from(conversation_metrics).where(*conditions)
    ).scalar_one()
    # The page's ids from the metrics (an index can serve the order) or, sorted by a
    # skill, from its score rows; then their rows.
    if sort in _COLUMN_SORTS:
        order = _order(_M[sort], descending, connection.dialect.name)
        query = select(_M.conversation_id).where(*conditions).order_by(*order)
        ids = list(connection.execute(query.limit(limit).offset(offset)).scalars())
    else:
        ids = skill_page(
            connection, run, conditions, sort, descending=descending, limit=limit, offset=offset
        )
    found = {
        r.conversation_id: r
        for r in map(
            to_row, connection.execute(select_rows([_M.run_id == run, _M.conversation_id.in_(ids)]))
        )
    }
    rows = tuple(found[pk] for pk in ids)
    return ConversationPage(run, rows, int(total), limit, offset)


def iter_conversation_rows(
    connection: Connection, filters: Filters, scope: Scope, *, batch_size: int = 1000
) -> Iterator[ConversationRow]:
    """Every conversation of ``filters`` within ``scope``, by conversation id, in batches.

    Raises:
        NotFoundError: nothing has been analysed yet, or no such run.
    """
    run = resolve_run(connection, filters)
    conditions = metrics_conditions(run, filters, scope)
    last = 0
    while True:
        rows = connection.execute(
            select_rows([*conditions, _M.conversation_id > last])
            .order_by(_M.conversation_id)
            .limit(batch_size)
        ).all()
        if not rows:
            return
        yield from (to_row(r) for r in rows)
        last = rows[-1].conversation_id
