"""How a page reads the store: one connection per request, and nothing written.

Every run's metrics are in place before a page reads them: the writer fills them as it
scores, and the service fills an older run's once when it starts
(``store.metrics.ensure_all_metrics``), so that a GET never writes.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Connection

from servicecoach.server.state import ServiceState

__all__ = ["reading"]


@contextmanager
def reading(state: ServiceState) -> Iterator[Connection]:
    """A read connection to the service's store, for one request."""
    with state.store.connect() as connection:
        yield connection
