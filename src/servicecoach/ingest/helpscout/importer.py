"""The Help Scout importer: detects Help Scout conversation JSON and reads each conversation."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import ClassVar

from servicecoach.errors import InvalidFileError
from servicecoach.ingest.base import Importer, ImportOptions, Item, Source
from servicecoach.ingest.conversationfiles import stream_conversations
from servicecoach.ingest.helpscout.conversations import SHAPES_FIX, read_conversation

__all__ = ["HelpScoutImporter"]

_EMBEDDED = re.compile(rb'"_embedded"\s*:')
_THREADS = re.compile(rb'"threads"\s*:\s*\[')
_HELPSCOUT_KEYS = re.compile(rb'"(?:mailboxId|primaryCustomer|createdBy)"\s*:')
_LISTS = ("conversations",)


def _is_conversation(value: Mapping[str, object]) -> bool:
    return "id" in value and (isinstance(value.get("_embedded"), dict) or "mailboxId" in value)


def _whole(source: Source, members: dict[str, object]) -> Iterator[tuple[str, object]]:
    """The conversations of an API page (``{"_embedded": {"conversations": [...]}}``, at
    most 50 conversations, built whole), or the one conversation a file holds.

    Raises:
        InvalidFileError: the document is neither.
    """
    embedded = members.get("_embedded")
    page = embedded.get("conversations") if isinstance(embedded, dict) else None
    if isinstance(page, list):
        for index, conversation in enumerate(page, start=1):
            yield f"conversation {index}", conversation
    elif _is_conversation(members):
        yield "conversation 1", members
    else:
        raise InvalidFileError(
            source.problem("", "not a Help Scout conversations document", SHAPES_FIX)
        )


class HelpScoutImporter(Importer):
    """Help Scout conversations with threads (Mailbox API 2.0 JSON)."""

    name: ClassVar[str] = "helpscout"
    title: ClassVar[str] = "Help Scout conversations with threads (Mailbox API JSON)"
    extensions: ClassVar[tuple[str, ...]] = (".json",)

    def detect(self, path: Path, head: bytes) -> int:
        """Recognise ``_embedded`` with Help Scout's ``mailboxId`` / ``createdBy`` keys."""
        start = head.lstrip(b"\xef\xbb\xbf \t\r\n")[:1]
        if start not in (b"[", b"{"):
            return 0
        if not (_EMBEDDED.search(head) and _HELPSCOUT_KEYS.search(head)):
            return 0
        return 95 if _THREADS.search(head) else 85

    def read(self, sources: Sequence[Source], options: ImportOptions) -> Iterator[Item]:
        """Yield one conversation per Help Scout conversation of each file.

        Raises:
            InvalidFileError: the file is not UTF-8 JSON in one of the accepted shapes.
        """
        for source in sources:
            for where, conversation in stream_conversations(source, SHAPES_FIX, _LISTS, _whole):
                yield from read_conversation(source, where, conversation, self.name)
