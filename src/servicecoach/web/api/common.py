"""What every ``/v1`` data route shares: filters from the query, a read connection with
the run's metrics in place, and plain JSON from the store's dataclasses."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from datetime import date, datetime
from enum import Enum
from typing import Annotated, Any

from fastapi import Depends, Query
from sqlalchemy import Connection

from servicecoach.server.state import ServiceState
from servicecoach.store.filters import Filters, resolve_run

__all__ = ["FilterParams", "ensure_run", "filters_from_query", "jsonable", "reading"]


def filters_from_query(
    channel: Annotated[str | None, Query(description="One channel: email, chat, ...")] = None,
    team: Annotated[str | None, Query(description="One team's agents.")] = None,
    agent: Annotated[str | None, Query(description="One agent id.")] = None,
    start: Annotated[
        date | None, Query(description="First day of the period (UTC, inclusive).")
    ] = None,
    end: Annotated[date | None, Query(description="Last day of the period (inclusive).")] = None,
    run: Annotated[
        int | None, Query(description="The analysis run (default: the latest).", ge=1)
    ] = None,
) -> Filters:
    """The viewer's filters from the query string (a period ending before it starts is 400)."""
    return Filters(run=run, channel=channel, team=team, agent=agent, start=start, end=end)


FilterParams = Annotated[Filters, Depends(filters_from_query)]
"""A route parameter: the filters of the query string."""


def ensure_run(state: ServiceState, filters: Filters) -> int:
    """The run ``filters`` name (default: the latest finished run). Its metrics are in
    place: the writer fills them as it scores, and the service fills an older run's when
    it starts (``store.metrics.ensure_all_metrics``), so reading never writes.

    Raises:
        NotFoundError: nothing analysed yet, or no such run.
    """
    with state.store.connect() as connection:
        return resolve_run(connection, filters)


@contextmanager
def reading(state: ServiceState, filters: Filters) -> Iterator[tuple[Connection, Filters]]:
    """A read connection and ``filters`` with their run resolved (:func:`ensure_run`).

    Raises:
        NotFoundError: nothing analysed yet, or no such run.
    """
    run = ensure_run(state, filters)
    with state.store.connect() as connection:
        yield connection, dataclasses.replace(filters, run=run)


def jsonable(value: Any) -> Any:
    """``value`` (dataclasses, dates, enums, tuples, mappings) as plain JSON values."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        to_dict = getattr(value, "to_dict", None)
        if callable(to_dict):
            return jsonable(to_dict())
        return {f.name: jsonable(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, Mapping):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [jsonable(v) for v in value]
    return value
