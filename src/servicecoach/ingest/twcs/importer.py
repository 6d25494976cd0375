"""The TWCS importer: detects the CSV header and reads threads in two passes."""

from __future__ import annotations

import csv
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import ClassVar

from servicecoach.errors import InvalidFileError, Problem
from servicecoach.ingest.base import Importer, ImportOptions, Item, Source
from servicecoach.ingest.textfile import head_text
from servicecoach.ingest.twcs.rows import Progress, Tweet, find_columns, scan
from servicecoach.ingest.twcs.threads import Changed, Threads, build_conversations

__all__ = ["TwcsImporter"]


class TwcsImporter(Importer):
    """The Kaggle "Customer Support on Twitter" CSV (``twcs.csv``)."""

    name: ClassVar[str] = "twcs"
    title: ClassVar[str] = "Customer Support on Twitter CSV (twcs.csv, Kaggle)"
    extensions: ClassVar[tuple[str, ...]] = (".csv",)
    reads_together: ClassVar[bool] = True
    """Threads can span files. A file that cannot be read at all stops the import of the
    files of this format after it (the import is rolled back unless ``--skip-invalid``)."""
    message_ids_are_global: ClassVar[bool] = True
    """Message ids are tweet ids, unique across Twitter."""

    def detect(self, path: Path, head: bytes) -> int:
        text = head_text(head)
        first = text.lstrip("\r\n").split("\n", 1)[0].rstrip("\r")
        try:
            header = next(csv.reader([first]))
        except (csv.Error, StopIteration):
            return 0
        return 100 if find_columns(header) is not None else 0

    def read(self, sources: Sequence[Source], options: ImportOptions) -> Iterator[Item]:
        threads = Threads()
        seq = 0
        for source in sources:
            for item in scan(source, Progress(source, 0.0, 0.5)):
                if isinstance(item, Problem):
                    yield item
                else:
                    threads.add(seq, item)
                    seq += 1
        threads.finish()
        pending: dict[int, list[Tweet]] = {}
        seq = 0
        for source in sources:
            try:
                for item in scan(source, Progress(source, 0.5, 1.0)):
                    if isinstance(item, Problem):
                        continue
                    placed = threads.place(seq, item.id)
                    seq += 1
                    if placed is None:
                        continue
                    root, last = placed
                    pending.setdefault(root, []).append(item)
                    if last:
                        yield from build_conversations(pending.pop(root), self.name)
            except Changed:
                raise InvalidFileError(
                    source.problem("", "the file changed while it was read", "import it again")
                ) from None
        if pending:
            raise InvalidFileError(
                sources[-1].problem("", "the files changed while they were read", "import again")
            )
