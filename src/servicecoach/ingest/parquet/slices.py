"""Rows of a Parquet file named by place, for a cluster worker to read from the file itself.

``analyze --cluster`` over Parquet exports sends no conversations: the client reads each
file's footer and sends :class:`FileSlice` s (a path and row ranges); a worker opens the
file at the same path (a shared file system) and reads its rows with
:func:`~servicecoach.ingest.parquet.rows.read_rows`, the importer's own code. A worker
that cannot open the file, or sees another file there, says so in
:attr:`SliceRead.failure` rather than raising: the client turns it into one clear error.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from pathlib import Path

from servicecoach.errors import InvalidFileError, Problem
from servicecoach.ingest.base import Item, Source
from servicecoach.ingest.parquet.rows import RowRange, open_table, read_rows

__all__ = ["FileSlice", "SliceRead", "read_slice"]


@dataclass(frozen=True, slots=True)
class FileSlice:
    """Row ranges of one file, in file order.

    Attributes:
        file: the file's place among the analysis's inputs.
        path: the file as the client names it (problems name it so, as without a cluster).
        location: its absolute path, which every worker must see.
        rows: the file's rows as the client read them from its footer.
        ranges: the rows to read.
    """

    file: int
    path: str
    location: str
    rows: int
    ranges: tuple[RowRange, ...]

    @property
    def size(self) -> int:
        """How many rows the slice holds."""
        return sum(span.rows for span in self.ranges)


@dataclass(frozen=True, slots=True)
class SliceRead:
    """What a worker read of a slice.

    Attributes:
        items: a conversation or a problem per row, in order.
        ended: an unreadable batch ended the file (its last item says where).
        failure: why this worker could not read the file at all, or ``None``.
    """

    items: list[Item]
    ended: bool = False
    failure: str | None = None


def read_slice(piece: FileSlice, worker: str) -> SliceRead:
    """Read ``piece`` from the file at its location.

    Args:
        piece: the rows to read.
        worker: the reader's name, for :attr:`SliceRead.failure`.
    """
    try:
        source = Source(Path(piece.location))
        file, columns = open_table(source)
    except OSError as exc:
        return SliceRead([], failure=f"worker {worker} cannot open {piece.location} ({exc})")
    except InvalidFileError as exc:
        why = exc.problem.message
        return SliceRead([], failure=f"worker {worker} cannot read {piece.location} ({why})")
    with file:
        rows = int(file.metadata.num_rows)
        if rows != piece.rows:
            return SliceRead(
                [],
                failure=f"worker {worker} finds {rows} rows in {piece.location}, "
                f"where the client found {piece.rows} (was the file replaced?)",
            )
        named = Path(piece.path)
        items: list[Item] = []
        reading = read_rows(source, file, columns, piece.ranges)
        while True:
            try:
                item = next(reading)
            except StopIteration as stop:
                return SliceRead(items, ended=bool(stop.value))
            # a problem names the file as the client does, not by the worker's path
            items.append(
                dataclasses.replace(item, path=named) if isinstance(item, Problem) else item
            )
