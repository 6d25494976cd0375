"""What an importer is: a named plugin that detects its format and yields conversations."""

from __future__ import annotations

import io
from abc import ABC, abstractmethod
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO, ClassVar, TextIO

from servicecoach.errors import InvalidFileError, Problem
from servicecoach.model.conversation import Conversation, Role

__all__ = ["HEAD_BYTES", "ImportOptions", "Importer", "Item", "Source"]

HEAD_BYTES = 64 * 1024
"""How much of a file :meth:`Importer.detect` is shown."""

Item = Conversation | Problem
"""What importers yield: a good conversation, or the problem with one bad record."""


@dataclass(frozen=True, slots=True)
class ImportOptions:
    """Options that change how sources are read.

    Attributes:
        support_addresses: email addresses (``help@acme.com``) or domains (``acme.com``)
            whose messages are agent messages. Without any, the sender of the first
            message in a thread is taken as the customer and every other sender as agent.
        speaker_roles: call-transcript speaker label to role, e.g. ``{"spk_1": Role.AGENT}``.
        first_speaker: the role of the first speaker of a call whose speakers are not
            mapped (the agent on inbound calls, the default).
        default_region: ISO country code used to read phone numbers without a
            country prefix.
    """

    support_addresses: tuple[str, ...] = ()
    speaker_roles: Mapping[str, Role] = field(default_factory=dict)
    first_speaker: Role = Role.AGENT
    default_region: str = "US"

    def is_support_address(self, address: str) -> bool:
        """True when ``address`` is one of the support addresses or in a support domain."""
        address = address.strip().lower()
        domain = address.rpartition("@")[2]
        for entry in self.support_addresses:
            entry = entry.strip().lower()
            if "@" in entry.lstrip("@"):
                if address == entry:
                    return True
            elif domain == entry.lstrip("@") or domain.endswith("." + entry.lstrip("@")):
                return True
        return False


class _CountingReader(io.RawIOBase):
    """A binary stream that counts the bytes read through it (for progress bars)."""

    def __init__(self, raw: BinaryIO, source: Source) -> None:
        self._raw = raw
        self._source = source

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        data = self._raw.read(len(buffer))
        n = len(data)
        buffer[:n] = data
        self._source.bytes_read += n
        return n

    def close(self) -> None:
        self._raw.close()
        super().close()


class Source:
    """One input file, with a byte counter the progress bar reads.

    Importers open files through :meth:`open_binary` or :meth:`open_text` so that
    progress is tracked; importers that must hand a path to a library (``mailbox``)
    call :meth:`advance` instead.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self.size = path.stat().st_size
        self.bytes_read = 0

    def __repr__(self) -> str:
        return f"Source({str(self.path)!r})"

    def open_binary(self) -> BinaryIO:
        """Open the file for reading bytes, counting progress."""
        return io.BufferedReader(_CountingReader(self.path.open("rb"), self))

    def open_text(self) -> TextIO:
        """Open the file as UTF-8 text (a BOM is skipped), newlines left as they are."""
        return io.TextIOWrapper(self.open_binary(), encoding="utf-8-sig", newline="")

    def read_text(self) -> str:
        """The whole file as text.

        Raises:
            InvalidFileError: the file is not UTF-8.
        """
        try:
            with self.open_text() as handle:
                return handle.read()
        except UnicodeDecodeError as exc:
            raise self.not_utf8(exc) from None

    def not_utf8(self, exc: UnicodeDecodeError) -> InvalidFileError:
        """The error for a file that is not valid UTF-8."""
        return InvalidFileError(
            Problem(
                self.path,
                f"byte {exc.start}",
                "the file is not valid UTF-8",
                "re-export it as UTF-8, or convert it with iconv -t UTF-8",
            )
        )

    def advance(self, fraction: float) -> None:
        """Report progress as a fraction of the file, for importers that cannot stream."""
        self.bytes_read = max(self.bytes_read, int(self.size * min(max(fraction, 0.0), 1.0)))

    def problem(
        self, location: str, message: str, fix: str = "", line: int | None = None
    ) -> Problem:
        """A :class:`Problem` in this file."""
        return Problem(self.path, location, message, fix, line)

    def warning(
        self, location: str, message: str, fix: str = "", line: int | None = None
    ) -> Problem:
        """A warning in this file: a record left out on purpose, or worth a look.

        Yielded like a problem, it is reported beside the import and never fails it.
        """
        return Problem(self.path, location, message, fix, line, warning=True)


class Importer(ABC):
    """A reader for one source format, registered through the ``register_importers`` hook.

    Subclasses set the class attributes and implement :meth:`detect` and :meth:`read`.
    ``read`` is given one file at a time, or every file detected as this format in one
    call when :attr:`reads_together` is set, so that threads spanning several files
    (emails, split exports) can be rebuilt.
    """

    name: ClassVar[str]
    """Short id used with ``--format`` and stored as the conversations' source."""
    title: ClassVar[str]
    """One line for ``servicecoach formats``."""
    extensions: ClassVar[tuple[str, ...]] = ()
    """File name endings this importer usually reads (lower case, with the dot)."""
    message_ids_are_global: ClassVar[bool] = False
    """True when a message id identifies one message across the whole source (a tweet id,
    an email Message-ID, a helpdesk comment id), not only within its conversation.

    The store then recognises a thread it already holds under another conversation id
    (an overlapping export whose earliest message differs) and updates it instead of
    creating a duplicate.
    """
    reads_together: ClassVar[bool] = False
    """True when :meth:`read` must see every file at once (threads spanning files).

    Otherwise the import runner calls :meth:`read` once per file, so that an
    unreadable file does not stop the files after it from being read. An importer that
    reads files together must report an unreadable file without losing the others.
    """

    @abstractmethod
    def detect(self, path: Path, head: bytes) -> int:
        """How sure this importer is that it reads ``path``: 0 (no) to 100 (certain).

        Args:
            path: the file.
            head: its first :data:`HEAD_BYTES` bytes.
        """

    @abstractmethod
    def read(self, sources: Sequence[Source], options: ImportOptions) -> Iterator[Item]:
        """Yield the conversations in ``sources``, and a :class:`Problem` per bad record.

        Raises:
            InvalidFileError: a whole file cannot be read.
        """
