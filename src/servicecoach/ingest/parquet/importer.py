"""The ``parquet`` importer: reads back what ``servicecoach export --format parquet`` wrote.

Give it the export's folder (every ``part-*.parquet`` under the ``date=...`` folders is
read) or single files. Other Parquet files are read too when they have the columns of
the conversation table (docs/formats.md): ``id`` and ``messages`` at least. A bad row is
reported by file and row number (1-based, in file order) and the others are read; a file
that is not Parquet at all, or lacks a required column, is reported as a whole.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any, ClassVar

from servicecoach.errors import ConfigError, InvalidFileError, InvalidRecordError
from servicecoach.ingest.base import Importer, ImportOptions, Item, Source
from servicecoach.ingest.parquet.arrow import INSTALL, require_pyarrow
from servicecoach.ingest.parquet.columns import DERIVED, FORMAT_KEY, REQUIRED, native_dict
from servicecoach.model.native import conversation_from_dict

__all__ = ["ParquetImporter"]

_MAGIC = b"PAR1"
_BATCH = 1_000
_FIX = "write it with `servicecoach export --format parquet`, or see docs/formats.md"


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

    def _read_one(self, source: Source) -> Iterator[Item]:
        try:
            pa, pq = require_pyarrow()
        except ConfigError:
            raise InvalidFileError(
                source.problem("", "reading Parquet needs pyarrow, which is not installed", INSTALL)
            ) from None
        errors = (OSError, ValueError, TypeError, pa.ArrowException)
        try:
            file = pq.ParquetFile(source.path)
            names = list(file.schema_arrow.names)
        except errors as exc:
            raise InvalidFileError(
                source.problem("", f"not a readable Parquet file ({exc})", _FIX)
            ) from None
        missing = [column for column in REQUIRED if column not in names]
        if missing:
            raise InvalidFileError(
                source.problem(
                    "",
                    f"no {', '.join(repr(c) for c in missing)} column in this Parquet file",
                    _FIX,
                )
            )
        total = max(1, int(file.metadata.num_rows))
        row = 0
        batches = file.iter_batches(
            batch_size=_BATCH, columns=[n for n in names if n not in DERIVED]
        )
        while True:
            try:
                batch = next(batches, None)
                records: list[dict[str, Any]] = [] if batch is None else batch.to_pylist()
            except errors as exc:
                yield source.problem(
                    f"row {row + 1}", f"the rest of the file is unreadable ({exc})"
                )
                return
            if batch is None:
                return
            for record in records:
                row += 1
                yield self._conversation(source, record, row)
            source.advance(row / total)

    @staticmethod
    def _conversation(source: Source, record: dict[str, Any], row: int) -> Item:
        try:
            return conversation_from_dict(native_dict(record))
        except InvalidRecordError as exc:
            named = record.get("id")
            where = f"row {row}" + (f" (id {named!r})" if isinstance(named, str) else "")
            return source.problem(where, exc.message, exc.fix, row)
