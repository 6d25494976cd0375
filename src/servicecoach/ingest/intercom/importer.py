"""The Intercom importer: detects Intercom conversation JSON and reads each conversation."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import ClassVar

from servicecoach.errors import InvalidFileError
from servicecoach.ingest.base import Importer, ImportOptions, Item, Source
from servicecoach.ingest.conversationfiles import stream_conversations
from servicecoach.ingest.intercom.conversations import SHAPES_FIX, read_conversation

__all__ = ["IntercomImporter"]

_PARTS = re.compile(rb'"conversation_parts"\s*:')
_PART_TYPE = re.compile(rb'"part_type"\s*:')
_LIST = re.compile(rb'"type"\s*:\s*"conversation\.list"')
_CONVERSATION = re.compile(rb'"type"\s*:\s*"conversation"')
_DELIVERED = re.compile(rb'"delivered_as"\s*:')
_LISTS = ("conversations",)


def _is_conversation(value: Mapping[str, object]) -> bool:
    return "conversation_parts" in value or value.get("type") == "conversation"


def _whole(source: Source, members: dict[str, object]) -> Iterator[tuple[str, object]]:
    """The one conversation a file holds; nothing for an empty ``conversation.list`` page.

    Raises:
        InvalidFileError: the document is neither.
    """
    if members.get("type") == "conversation.list":
        return
    if not _is_conversation(members):
        raise InvalidFileError(
            source.problem("", "not an Intercom conversations document", SHAPES_FIX)
        )
    yield "conversation 1", members


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
            for where, conversation in stream_conversations(source, SHAPES_FIX, _LISTS, _whole):
                yield from read_conversation(source, where, conversation, self.name)
