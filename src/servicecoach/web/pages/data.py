"""How a page reads the store: one connection per request, with the metrics of the run
it shows filled in first (once per run and process, ``store.metrics.ensure_metrics``).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Connection

from servicecoach.errors import NotFoundError
from servicecoach.server.state import ServiceState
from servicecoach.store.analyses import latest_run
from servicecoach.web.ensured import ensure_metrics_once

__all__ = ["reading"]


@contextmanager
def reading(state: ServiceState, run: int | None = None) -> Iterator[Connection]:
    """A read connection, after the metrics of ``run`` (default: the latest) are ensured."""
    if run is None:
        with state.store.connect() as connection:
            try:
                run = latest_run(connection).id
            except NotFoundError:
                run = None
    if run is not None:
        ensure_metrics_once(state, run)
    with state.store.connect() as connection:
        yield connection
