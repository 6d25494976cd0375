"""What an import page shows once its job is done: the conversations it wrote, scored.

The job remembers when it started and finished writing; the conversations whose
``updated_at`` falls between are the ones it wrote (jobs write one at a time). They are
read with their metrics in the run the job's analysis wrote, within the viewer's scope.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from urllib.parse import urlencode

from sqlalchemy import Connection, func, select

from servicecoach.store.conversation_list import ConversationRow, select_rows, to_row
from servicecoach.store.filters import Filters, Scope, metrics_conditions
from servicecoach.store.periods import dense_span
from servicecoach.store.schema import conversation_metrics, conversations
from servicecoach.web.api.import_jobs import ImportJob
from servicecoach.web.pages.languages import not_scored_languages

__all__ = ["SHOWN", "ImportedConversations", "imported_conversations"]

SHOWN = 20
"""Conversations of an import listed on its page (the rest are a link away)."""


@dataclass(frozen=True, slots=True)
class ImportedConversations:
    """The conversations an import wrote, as scored by the run after it.

    Attributes:
        run: the run they were scored in.
        total: how many the viewer may see.
        rows: the first :data:`SHOWN` by start time.
        first_day: the first day of them.
        last_day: the last day of them.
        dense_start: where most of them start (``store.periods.dense_span``: without
            early strays), for the overview's axis.
        unscored: the languages of those of ``rows`` not scored for it, by id.
    """

    run: int
    total: int
    rows: tuple[ConversationRow, ...]
    first_day: date | None
    last_day: date | None
    dense_start: date | None
    unscored: dict[int, str]

    @property
    def period(self) -> str:
        """The query string of all their days (``start=...&end=...``), or ``""``."""
        return _period(self.first_day, self.last_day)

    @property
    def dense_period(self) -> str:
        """The query string of the days where most of them are, or ``""``."""
        return _period(self.dense_start, self.last_day)


def _period(start: date | None, end: date | None) -> str:
    if start is None or end is None:
        return ""
    return urlencode({"start": start.isoformat(), "end": end.isoformat()})


def imported_conversations(
    connection: Connection, job: ImportJob, scope: Scope, *, limit: int = SHOWN
) -> ImportedConversations | None:
    """The conversations ``job`` wrote, scored, within ``scope``; ``None`` before its analysis."""
    if job.analysis is None or job.written_from is None or job.written_to is None:
        return None
    run = int(job.analysis["run"])
    m = conversation_metrics.c
    conditions = [
        *metrics_conditions(run, Filters(), scope),
        conversations.c.updated_at >= job.written_from,
        conversations.c.updated_at <= job.written_to,
    ]
    days = connection.execute(
        select(m.started_day, func.count())
        .select_from(
            conversation_metrics.join(conversations, conversations.c.id == m.conversation_id)
        )
        .where(*conditions)
        .group_by(m.started_day)
    ).all()
    dated = [(day, int(n)) for day, n in days if day is not None]
    span = dense_span(dated)
    rows = tuple(
        to_row(row)
        for row in connection.execute(
            select_rows(conditions)
            .order_by(m.started_at.is_(None), m.started_at, m.conversation_id)
            .limit(limit)
        )
    )
    return ImportedConversations(
        run=run,
        total=sum(int(n) for _, n in days),
        rows=rows,
        first_day=min((d for d, _ in dated), default=None),
        last_day=span[1] if span else None,
        dense_start=span[0] if span else None,
        unscored=not_scored_languages(connection, run, [r.conversation_id for r in rows]),
    )
