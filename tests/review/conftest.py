"""Review fixtures: the dashboard store (tests/store/dashboard_data.py) on every backend,
with its metrics filled in, and the served dashboard app of tests/web."""

from __future__ import annotations

import pytest

from servicecoach.store.database import Store
from servicecoach.store.metrics import ensure_metrics
from tests.store.dashboard_data import Built, build_dashboard_store
from tests.web.conftest import dashboard_app

__all__ = ["dashboard_app"]


@pytest.fixture
def built(store: Store) -> Built:
    """The five dashboard conversations in ``store``, analysed, with metrics (teams: sam
    and ana north, lee south)."""
    made = build_dashboard_store(store)
    with store.begin() as connection:
        ensure_metrics(connection, made.run)
    return made
