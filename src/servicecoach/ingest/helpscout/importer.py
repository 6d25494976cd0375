"""The Help Scout importer: detects Help Scout conversation JSON and reads each conversation."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any, ClassVar

from servicecoach.errors import InvalidFileError
from servicecoach.ingest.base import Importer, ImportOptions, Item, Source
from servicecoach.ingest.helpscout.conversations import SHAPES_FIX, read_conversation
from servicecoach.ingest.jsonload import load_json_document

__all__ = ["HelpScoutImporter"]

_EMBEDDED = re.compile(rb'"_embedded"\s*:')
_THREADS = re.compile(rb'"threads"\s*:\s*\[')
_HELPSCOUT_KEYS = re.compile(rb'"(?:mailboxId|primaryCustomer|createdBy)"\s*:')


def _conversations(data: object) -> list[Any] | None:
    """The conversations of a document, or ``None`` when it is not a Help Scout shape."""
    if isinstance(data, list):
        return data
    if not isinstance(data, dict):
        return None
    embedded = data.get("_embedded")
    if isinstance(embedded, dict) and isinstance(embedded.get("conversations"), list):
        return list(embedded["conversations"])
    if isinstance(data.get("conversations"), list):
        return list(data["conversations"])
    if "id" in data and (isinstance(embedded, dict) or "mailboxId" in data):
        return [data]
    return None


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
            data = load_json_document(source, SHAPES_FIX)
            conversations = _conversations(data)
            if conversations is None:
                raise InvalidFileError(
                    source.problem("", "not a Help Scout conversations document", SHAPES_FIX)
                )
            for index, conversation in enumerate(conversations, start=1):
                yield from read_conversation(
                    source, f"conversation {index}", conversation, self.name
                )
