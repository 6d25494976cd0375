"""Real exports from ../shared/data import cleanly and idempotently (skipped without it)."""

from __future__ import annotations

from pathlib import Path

import pytest

from servicecoach.services.imports import plan_import, run_import
from servicecoach.store.database import Store
from servicecoach.store.reader import counts


@pytest.mark.shared_data
def test_real_twcs_head_imports_twice_with_identical_counts(
    shared_data: Path, tmp_path: Path
) -> None:
    path = shared_data / "cs_real" / "twcs_head5000" / "twcs.csv"
    with Store.open(tmp_path / "twcs.db") as store:
        first = run_import(store, plan_import([path]))
        with store.connect() as connection:
            after_first = counts(connection)
        second = run_import(store, plan_import([path]))
        with store.connect() as connection:
            after_second = counts(connection)
    assert first.problems == [] and second.problems == []
    assert plan_import([path]).files == [(path, "twcs")]
    # 1,312 threads; the 111 with several customers are one conversation per customer
    assert (after_first.conversations, after_first.messages) == (1484, 5000)
    assert after_second == after_first
    assert (second.conversations_new, second.conversations_updated) == (0, 1484)
    assert after_first.by_channel == {"social": 1484}
