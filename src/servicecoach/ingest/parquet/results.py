"""Analysis results as one Parquet table, for DuckDB, pandas or Spark.

One row per conversation: the numbers an analyst aggregates get their own typed columns
(``quality``, ``satisfaction``, ``resolved``, the start and end emotions, and one column
per skill, named after the skill, with its 0-100 score or null when it does not apply),
and ``result`` keeps the whole FORMAT.md result line as JSON text, evidence included,
so nothing the JSON Lines output says is lost::

    SELECT channel, avg(empathy) FROM 'results.parquet' ...
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from types import ModuleType
from typing import Any

from servicecoach.files import atomic_path
from servicecoach.ingest.parquet.arrow import require_pyarrow
from servicecoach.model.native import FORMAT_VERSION
from servicecoach.model.skills import SKILLS

__all__ = ["RESULTS_KEY", "jsonl_to_parquet", "result_row", "results_schema", "write_results"]

RESULTS_KEY = b"servicecoach.results"
"""File metadata key marking a results table (its value is the result format version)."""
_ROWS = 2_000


def results_schema(pa: ModuleType, skills: Sequence[str] = SKILLS) -> Any:
    """The Arrow schema of the results table: a score column for each of ``skills``
    (the built-ins by default; callers pass the registered ones, plugin skills included)."""
    return pa.schema(
        [
            ("conversation", pa.string()),
            ("language", pa.string()),
            ("quality", pa.int16()),
            ("satisfaction", pa.int16()),
            ("resolved", pa.bool_()),
            ("emotion_start", pa.string()),
            ("emotion_end", pa.string()),
            *((skill, pa.int16()) for skill in skills),
            ("result", pa.string()),
        ],
        metadata={RESULTS_KEY: str(FORMAT_VERSION).encode()},
    )


def result_row(result: Mapping[str, Any], skills: Sequence[str] = SKILLS) -> dict[str, Any]:
    """The table row of one FORMAT.md result dict, with a score for each of ``skills``."""
    outcome = result.get("outcome") or {}
    scores = result.get("skills") or {}
    return {
        "conversation": result["conversation"],
        "language": result.get("language"),
        "quality": outcome.get("quality"),
        "satisfaction": outcome.get("satisfaction"),
        "resolved": outcome.get("resolved"),
        "emotion_start": outcome.get("emotion_start"),
        "emotion_end": outcome.get("emotion_end"),
        **{skill: (scores.get(skill) or {}).get("score") for skill in skills},
        "result": json.dumps(result, ensure_ascii=False),
    }


def write_results(
    results: Iterable[Mapping[str, Any]], path: Path, skills: Sequence[str] = SKILLS
) -> int:
    """Write FORMAT.md result dicts to ``path`` (replaced only once complete), with a
    score column for each of ``skills``.

    Returns:
        How many results were written.

    Raises:
        ConfigError: pyarrow is missing.
    """
    pa, pq = require_pyarrow()
    schema = results_schema(pa, skills)
    count = 0
    with atomic_path(path) as temporary, pq.ParquetWriter(temporary, schema) as writer:
        rows: list[dict[str, Any]] = []
        for result in results:
            rows.append(result_row(result, skills))
            if len(rows) >= _ROWS:
                writer.write_batch(pa.RecordBatch.from_pylist(rows, schema=schema))
                count += len(rows)
                rows.clear()
        if rows or not count:
            writer.write_batch(pa.RecordBatch.from_pylist(rows, schema=schema))
            count += len(rows)
    return count


def jsonl_to_parquet(source: Path, path: Path, skills: Sequence[str] = SKILLS) -> int:
    """Convert a FORMAT.md results file (JSON Lines) to a results table at ``path``.

    Returns:
        How many results were written.
    """
    with source.open(encoding="utf-8") as handle:
        results = (json.loads(line) for line in handle if line.strip())
        return write_results(results, path, skills)
