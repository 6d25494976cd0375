"""What every call-transcript importer shares: one file is one call, named by the file.

A call's conversation id is ``call-<file stem>`` (AWS Transcribe: ``call-<jobName>``
when the job has a name), so the file name is the call's identity: importing a file with
the same name again updates that call instead of adding another. Two files of one import
that would be the same call (``a/recording.vtt`` and ``b/recording.vtt``) cannot both be
kept; the first is imported and the second reported as a problem, so that neither
silently overwrites the other. For that the files of a format are read together; a file
that cannot be read is reported as a problem and the next file is read.
"""

from __future__ import annotations

from abc import abstractmethod
from collections.abc import Iterator, Sequence
from typing import ClassVar

from servicecoach.errors import InvalidFileError, Problem
from servicecoach.ingest.base import Importer, ImportOptions, Item, Source
from servicecoach.model.conversation import Conversation

__all__ = ["CallImporter"]


class CallImporter(Importer):
    """Base class of the transcript importers: reads each file as one call.

    Subclasses implement :meth:`read_call`; :meth:`read` turns an unreadable file into a
    reported problem and keeps the first of two files that are the same call.
    """

    reads_together: ClassVar[bool] = True
    """All files are read at once so that two files that are the same call are noticed."""
    id_source: ClassVar[str] = "file name"
    """What a call's id is made of, named in the problem about two files that are one call."""

    @abstractmethod
    def read_call(self, source: Source, options: ImportOptions) -> Iterator[Item]:
        """Yield the one call in ``source`` (last), after a problem per bad record.

        Raises:
            InvalidFileError: the file cannot be read as a call.
        """

    def read(self, sources: Sequence[Source], options: ImportOptions) -> Iterator[Item]:
        """Yield one call per file, and a problem per bad record or unreadable file."""
        seen: dict[str, Source] = {}
        for source in sources:
            try:
                for item in self.read_call(source, options):
                    if isinstance(item, Conversation):
                        first = seen.setdefault(item.id, source)
                        if first is not source:
                            yield self._duplicate(source, first, item.id)
                            continue
                    yield item
            except InvalidFileError as exc:
                yield exc.problem

    def _duplicate(self, source: Source, first: Source, conversation_id: str) -> Problem:
        return source.problem(
            "",
            f"another file in this import, {first.path}, is also {conversation_id}: "
            f"rename one of them, a call's id is its {self.id_source}",
        )
