"""The ``parquet`` importer: reads back what ``servicecoach export --format parquet`` wrote.

Give it the export's folder (every ``part-*.parquet`` under the ``date=...`` folders is
read) or single files. Other Parquet files are read too when they have the columns of
the conversation table (docs/formats.md): ``id`` and ``messages`` at least. A bad row is
reported by file and row number (1-based, in file order) and the others are read; a file
that is not Parquet at all, or lacks a required column, is reported as a whole. The rows
are read row group by row group (:mod:`~servicecoach.ingest.parquet.rows`), as cluster
workers read them.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import ClassVar

from servicecoach.errors import ConfigError
from servicecoach.ingest.base import Importer, ImportOptions, Item, Source
from servicecoach.ingest.parquet.arrow import require_pyarrow
from servicecoach.ingest.parquet.columns import FORMAT_KEY, REQUIRED
from servicecoach.ingest.parquet.rows import open_table, read_rows, row_groups

__all__ = ["ParquetImporter"]

_MAGIC = b"PAR1"


class ParquetImporter(Importer):
    """Conversations in Parquet, one row each (the ``export --format parquet`` layout)."""

    name: ClassVar[str] = "parquet"
    title: ClassVar[str] = "servicecoach conversations in Parquet (export --format parquet)"
    extensions: ClassVar[tuple[str, ...]] = (".parquet",)

    def detect(self, path: Path, head: bytes) -> int:
        if not head.startswith(_MAGIC):
            return 0
        try:
            pa, pq = require_pyarrow()
        except ConfigError:  # reading it says how to install pyarrow
            return 50 if path.suffix.lower() in self.extensions else 20
        try:
            schema = pq.read_schema(path)
        except (OSError, ValueError, TypeError, pa.ArrowException):
            return 10  # Parquet's magic bytes: reading it names the damage
        if FORMAT_KEY in (schema.metadata or {}):
            return 100
        return 60 if all(column in schema.names for column in REQUIRED) else 10

    def read(self, sources: Sequence[Source], options: ImportOptions) -> Iterator[Item]:
        for source in sources:
            yield from self._read_one(source)

    @staticmethod
    def _read_one(source: Source) -> Iterator[Item]:
        file, columns = open_table(source)
        with file:
            yield from read_rows(source, file, columns, row_groups(file))
