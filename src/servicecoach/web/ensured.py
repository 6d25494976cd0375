"""The metrics of a run, filled in once per run and process before pages or the API read it."""

from __future__ import annotations

from servicecoach.server.state import ServiceState
from servicecoach.store.metrics import ensure_metrics

__all__ = ["ensure_metrics_once"]

_ENSURED = "web.ensured_runs"


def ensure_metrics_once(state: ServiceState, run: int) -> None:
    """Run ``store.metrics.ensure_metrics`` for ``run`` in a write transaction, once."""
    done: set[int] = state.extras.setdefault(_ENSURED, set())
    if run in done:
        return
    with state.store.begin() as connection:
        ensure_metrics(connection, run)
    done.add(run)
