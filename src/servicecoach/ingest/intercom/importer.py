"""The Intercom importer: detects Intercom conversation JSON and reads each conversation."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any, ClassVar

from servicecoach.errors import InvalidFileError
from servicecoach.ingest.base import Importer, ImportOptions, Item, Source
from servicecoach.ingest.intercom.conversations import SHAPES_FIX, read_conversation
from servicecoach.ingest.jsonload import load_json_document

__all__ = ["IntercomImporter"]

_PARTS = re.compile(rb'"conversation_parts"\s*:')
_PART_TYPE = re.compile(rb'"part_type"\s*:')
_LIST = re.compile(rb'"type"\s*:\s*"conversation\.list"')
_CONVERSATION = re.compile(rb'"type"\s*:\s*"conversation"')
_DELIVERED = re.compile(rb'"delivered_as"\s*:')


def _conversations(data: object) -> list[Any] | None:
    """The conversations of a document, or ``None`` when it is not an Intercom shape."""
    if isinstance(data, list):
        return data
    if not isinstance(data, dict):
        return None
    if isinstance(data.get("conversations"), list):
        return list(data["conversations"])
    if "conversation_parts" in data or data.get("type") == "conversation":
        return [data]
    return None


class IntercomImporter(Importer):
    """Intercom conversations (REST API JSON)."""

    name: ClassVar[str] = "intercom"
    title: ClassVar[str] = "Intercom conversations (API JSON)"
    extensions: ClassVar[tuple[str, ...]] = (".json",)

    def detect(self, path: Path, head: bytes) -> int:
        """Recognise ``conversation_parts`` with ``part_type``, or a ``conversation.list``."""
        start = head.lstrip(b"\xef\xbb\xbf \t\r\n")[:1]
        if start not in (b"[", b"{"):
            return 0
        if _PARTS.search(head) and _PART_TYPE.search(head):
            return 95
        if _LIST.search(head) or (_CONVERSATION.search(head) and _DELIVERED.search(head)):
            return 90
        return 0

    def read(self, sources: Sequence[Source], options: ImportOptions) -> Iterator[Item]:
        """Yield one conversation per Intercom conversation of each file.

        Raises:
            InvalidFileError: the file is not UTF-8 JSON in one of the accepted shapes.
        """
        for source in sources:
            data = load_json_document(source, SHAPES_FIX)
            conversations = _conversations(data)
            if conversations is None:
                raise InvalidFileError(
                    source.problem("", "not an Intercom conversations document", SHAPES_FIX)
                )
            for index, conversation in enumerate(conversations, start=1):
                yield from read_conversation(
                    source, f"conversation {index}", conversation, self.name
                )
