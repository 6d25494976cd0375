"""A stored run's results out to a file: JSON Lines (FORMAT.md) or a Parquet table.

``servicecoach analyze --db ... --out FILE`` writes the run it just made, so a run on a
cluster can be read by analysts (DuckDB, pandas) without the database. Results come in
the order of the conversations' keys, the order a single-process run analyses them, so
the same store gives the same file with or without a cluster.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, select

from servicecoach.files import atomic_text
from servicecoach.store.schema import analysis_results

__all__ = ["iter_run_results", "write_run_results"]

_PAGE = 500


def iter_run_results(connection: Connection, run: int) -> Iterator[dict[str, Any]]:
    """The FORMAT.md results of ``run``, by conversation key, page by page."""
    c = analysis_results.c
    last = 0
    while True:
        rows = connection.execute(
            select(c.conversation_id, c.result)
            .where(c.run_id == run, c.conversation_id > last)
            .order_by(c.conversation_id)
            .limit(_PAGE)
        ).all()
        if not rows:
            return
        for _, result in rows:
            yield dict(result)
        last = rows[-1][0]


def write_run_results(connection: Connection, run: int, out: Path) -> int:
    """Write ``run``'s results to ``out`` (Parquet when it ends in ``.parquet``).

    The file is written beside ``out`` and renamed when complete. Returns how many
    results were written.
    """
    results = iter_run_results(connection, run)
    if out.suffix.lower() == ".parquet":
        from servicecoach.analysis.skills import skill_names
        from servicecoach.ingest.parquet.results import write_results

        return write_results(results, out, skill_names())
    count = 0
    with atomic_text(out) as handle:
        for result in results:
            handle.write(json.dumps(result, ensure_ascii=False) + "\n")
            count += 1
    return count
