"""The Chatwoot importer: detects Chatwoot JSON and merges every file's conversations."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import ClassVar

from servicecoach.errors import InvalidFileError
from servicecoach.ingest.base import Importer, ImportOptions, Item, Source
from servicecoach.ingest.chatwoot.conversations import finish_draft
from servicecoach.ingest.chatwoot.drafts import Draft, read_source

__all__ = ["ChatwootImporter"]

_TYPE_HINT = re.compile(
    rb'"message_type"\s*:\s*(?:[0-3]\b|"(?:incoming|outgoing|activity|template)")'
)
_EVENT_HINT = re.compile(rb'"event"\s*:\s*"(?:message|conversation)_[a-z_]+"')


class ChatwootImporter(Importer):
    """Chatwoot conversations and messages (API JSON)."""

    name: ClassVar[str] = "chatwoot"
    title: ClassVar[str] = "Chatwoot conversations and messages (API JSON, webhook events)"
    extensions: ClassVar[tuple[str, ...]] = (".json",)
    reads_together: ClassVar[bool] = True
    message_ids_are_global: ClassVar[bool] = True
    """Message ids are Chatwoot's message ids, unique across the whole installation."""

    def detect(self, path: Path, head: bytes) -> int:
        """Recognise Chatwoot JSON by its ``message_type``, ``Channel::`` names or events."""
        start = head.lstrip(b"\xef\xbb\xbf \t\r\n")[:1]
        if start not in (b"[", b"{"):
            return 0
        typed = bool(_TYPE_HINT.search(head))
        if (
            _EVENT_HINT.search(head)
            and b'"conversation' in head
            and (typed or b"Channel::" in head)
        ):
            return 90
        if b'"Channel::' in head and (typed or b'"inbox_id"' in head):
            return 95
        if typed and (b'"conversation_id"' in head or b'"inbox_id"' in head):
            return 85
        return 0

    def read(self, sources: Sequence[Source], options: ImportOptions) -> Iterator[Item]:
        """Yield one conversation per Chatwoot conversation id across ``sources``.

        Raises:
            InvalidFileError: a file is not UTF-8 JSON in one of the accepted shapes.
        """
        drafts: dict[str, Draft] = {}
        unreadable: InvalidFileError | None = None
        for source in sources:
            try:
                yield from read_source(source, drafts)
            except InvalidFileError as exc:
                if unreadable is not None:
                    yield exc.problem
                unreadable = unreadable or exc
        for draft in drafts.values():
            yield finish_draft(draft, self.name)
        if unreadable is not None:
            raise unreadable
