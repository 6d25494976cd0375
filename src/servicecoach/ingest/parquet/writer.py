"""``servicecoach export --format parquet``: a folder of Parquet files, one folder per day.

The layout is Hive's (``date=2024-05-01/part-0.parquet``; conversations without a time in
``date=__HIVE_DEFAULT_PARTITION__``), which DuckDB, pandas, Spark and Polars read as a
``date`` column, so a query for one week opens only that week's files. The export is
written to a hidden folder beside ``--out`` and renamed at the end: a failed export leaves
nothing half-written.
"""

from __future__ import annotations

import importlib
import shutil
import tempfile
from collections.abc import Iterable, Iterator
from itertools import islice
from pathlib import Path
from typing import Any

from servicecoach.errors import ConfigError
from servicecoach.ingest.parquet.arrow import require_pyarrow
from servicecoach.ingest.parquet.columns import conversation_row, conversation_schema
from servicecoach.model.conversation import Conversation

__all__ = ["ROWS_PER_GROUP", "write_conversations"]

ROWS_PER_GROUP = 2_000
"""Conversations per row group: a few MiB, so a reader streams a big day in steps."""


def write_conversations(conversations: Iterable[Conversation], folder: Path) -> int:
    """Write conversations under ``folder``, partitioned by the UTC date they started.

    Returns:
        How many conversations were written.

    Raises:
        ConfigError: ``folder`` exists and is not empty, or pyarrow is missing.
    """
    pa, _ = require_pyarrow()
    ds = importlib.import_module("pyarrow.dataset")  # after require_pyarrow: it names the fix

    if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
        raise ConfigError(
            f"--out {folder}: already exists and is not an empty folder "
            "(a Parquet export is a folder; choose a new one or remove it)"
        )
    schema = conversation_schema(pa, partitioned=True)
    count = [0]

    def batches() -> Iterator[Any]:
        iterator = iter(conversations)
        while chunk := list(islice(iterator, ROWS_PER_GROUP)):
            count[0] += len(chunk)
            yield pa.RecordBatch.from_pylist([conversation_row(c) for c in chunk], schema=schema)

    temporary = Path(tempfile.mkdtemp(dir=folder.parent, prefix=f".{folder.name}.", suffix=".tmp"))
    try:
        ds.write_dataset(
            batches(),
            temporary / "data",
            schema=schema,
            format="parquet",
            partitioning=ds.partitioning(pa.schema([schema.field("date")]), flavor="hive"),
            basename_template="part-{i}.parquet",
            preserve_order=True,
            max_rows_per_group=ROWS_PER_GROUP,
            existing_data_behavior="error",
        )
        written = temporary / "data"
        if not written.exists():  # nothing to export: an empty folder says so
            written.mkdir()
        if folder.exists():
            folder.rmdir()  # empty, checked above
        written.replace(folder)
    finally:
        shutil.rmtree(temporary, ignore_errors=True)
    return count[0]
