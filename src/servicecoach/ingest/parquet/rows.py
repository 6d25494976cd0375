"""Reading a conversation table row group by row group: one code path, wherever it runs.

The ``parquet`` importer reads every row group of a file; a cluster worker
(``analyze --cluster``) reads only the row ranges of its task. Both go through
:func:`read_rows`, so a bad row is reported with the same file, row number and words,
and an unreadable stretch ends the file at the same row, wherever it was read. Only
the footer (:func:`open_table`, :func:`row_groups`) is needed to plan the work: that is
all a cluster's client reads.
"""

from __future__ import annotations

from collections.abc import Generator, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from servicecoach.errors import ConfigError, InvalidFileError, InvalidRecordError
from servicecoach.ingest.base import Item, Source
from servicecoach.ingest.parquet.arrow import INSTALL, require_pyarrow
from servicecoach.ingest.parquet.columns import DERIVED, REQUIRED, native_dict
from servicecoach.model.native import conversation_from_dict

__all__ = ["BATCH", "RowRange", "open_table", "read_rows", "row_groups"]

BATCH = 1_000
"""Rows turned into Python objects at a time (a row group is read in such batches)."""
_FIX = "write it with `servicecoach export --format parquet`, or see docs/formats.md"


@dataclass(frozen=True, slots=True)
class RowRange:
    """Rows ``start`` to ``stop`` (exclusive) of one row group.

    Attributes:
        group: the row group's index in the file.
        first: the file's row index (0-based) of the row group's first row, so that
            problems are numbered in file order wherever the range is read.
        start: the first row wanted, counted from the row group's start.
        stop: the end of the range, counted likewise.
    """

    group: int
    first: int
    start: int
    stop: int

    @property
    def rows(self) -> int:
        """How many rows the range holds."""
        return self.stop - self.start


def open_table(source: Source) -> tuple[Any, list[str]]:
    """The file (a ``pyarrow.parquet.ParquetFile``; its footer read) and the columns to read.

    Raises:
        InvalidFileError: pyarrow is missing, the file is not Parquet, or it lacks a
            required column (reported for the whole file, as the importer does).
    """
    try:
        pa, pq = require_pyarrow()
    except ConfigError:
        raise InvalidFileError(
            source.problem("", "reading Parquet needs pyarrow, which is not installed", INSTALL)
        ) from None
    try:
        file = pq.ParquetFile(source.path)
        names = list(file.schema_arrow.names)
    except (OSError, ValueError, TypeError, pa.ArrowException) as exc:
        raise InvalidFileError(
            source.problem("", f"not a readable Parquet file ({exc})", _FIX)
        ) from None
    missing = [column for column in REQUIRED if column not in names]
    if missing:
        raise InvalidFileError(
            source.problem(
                "", f"no {', '.join(repr(c) for c in missing)} column in this Parquet file", _FIX
            )
        )
    return file, [name for name in names if name not in DERIVED]


def row_groups(file: Any) -> list[RowRange]:
    """Every row group of ``file`` as a whole range, from the footer alone."""
    metadata = file.metadata
    ranges: list[RowRange] = []
    first = 0
    for group in range(int(metadata.num_row_groups)):
        rows = int(metadata.row_group(group).num_rows)
        ranges.append(RowRange(group, first, 0, rows))
        first += rows
    return ranges


def read_rows(
    source: Source, file: Any, columns: list[str], ranges: Sequence[RowRange]
) -> Generator[Item, None, bool]:
    """The conversation (or the problem) of every row in ``ranges``, in order.

    A batch pyarrow cannot decode ends the file: one problem names its first row and
    the rest of the file is not read, as in a single process.

    Returns:
        ``True`` when an unreadable batch ended the file early.
    """
    pa, _ = require_pyarrow()
    errors = (OSError, ValueError, TypeError, pa.ArrowException)
    total = max(1, int(file.metadata.num_rows))
    for span in ranges:
        position = 0  # rows of the row group passed so far
        batches: Iterator[Any] | None = None
        while position < span.stop:
            try:  # pyarrow decodes as it goes: starting and each step may fail
                if batches is None:
                    batches = iter(
                        file.iter_batches(
                            batch_size=BATCH, row_groups=[span.group], columns=columns
                        )
                    )
                batch = next(batches, None)
                if batch is None:
                    break
                low = max(span.start, position)
                high = min(span.stop, position + batch.num_rows)
                wanted = batch.slice(low - position, high - low) if high > low else None
                records: list[dict[str, Any]] = [] if wanted is None else wanted.to_pylist()
            except errors as exc:
                where = f"row {span.first + position + 1}"
                yield source.problem(where, f"the rest of the file is unreadable ({exc})")
                return True
            position += batch.num_rows
            for offset, record in enumerate(records):
                yield _conversation(source, record, span.first + low + offset + 1)
            source.advance((span.first + position) / total)
    return False


def _conversation(source: Source, record: dict[str, Any], row: int) -> Item:
    try:
        return conversation_from_dict(native_dict(record))
    except InvalidRecordError as exc:
        named = record.get("id")
        where = f"row {row}" + (f" (id {named!r})" if isinstance(named, str) else "")
        return source.problem(where, exc.message, exc.fix, row)
