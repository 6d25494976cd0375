"""The Freshdesk importer: tickets and their conversations, joined by ticket id."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import ClassVar

from servicecoach.errors import InvalidFileError
from servicecoach.ingest.base import HEAD_BYTES, Importer, ImportOptions, Item, Source
from servicecoach.ingest.freshdesk.tickets import TicketReader
from servicecoach.ingest.jsonload import stream_json
from servicecoach.ingest.ticketparts import TicketFiles, read_tickets_and_parts

__all__ = ["FreshdeskImporter"]

_FIX = "export it again from the Freshdesk API (v2), or fix the JSON at that place"
_TICKET_HINTS = (b'"description_text"', b'"fr_due_by"', b'"frDueBy"', b'"responder_id"')


def _is_conversations(source: Source) -> bool:
    with source.path.open("rb") as handle:
        head = handle.read(HEAD_BYTES)
    return b'"requester_id"' not in head and b'"incoming"' in head


def _records(source: Source, key: str) -> Iterator[tuple[object, int]]:
    """The records of a list, a ``{key: [...]}`` page, or one bare record object."""
    bare: dict[str, object] = {}
    for item in stream_json(source, _FIX, {key}):
        if item.key in (None, key) and item.index:
            yield item.value, item.index
        elif item.key in (None, key):
            raise InvalidFileError(
                source.problem(
                    "", f"'{key}' is not a list", f"expected [...] or {{'{key}': [...]}}"
                )
            )
        else:
            bare[item.key] = item.value
    if bare:
        yield bare, 1


_FILES = TicketFiles(
    part="conversation",
    is_parts_file=_is_conversations,
    part_records=lambda source: _records(source, "conversations"),
    ticket_records=lambda source: _records(source, "tickets"),
    reader=TicketReader,
    without_ticket=(
        "which holds the customer's first message (its description) and who the customer is"
    ),
    without_ticket_fix="import the ticket (GET /tickets/ID) with its conversations",
)


class FreshdeskImporter(Importer):
    """Freshdesk tickets and their conversations (API v2 JSON)."""

    name: ClassVar[str] = "freshdesk"
    title: ClassVar[str] = "Freshdesk tickets with their conversations (API v2 JSON)"
    extensions: ClassVar[tuple[str, ...]] = (".json",)
    reads_together: ClassVar[bool] = True
    message_ids_are_global: ClassVar[bool] = True
    """Message ids are Freshdesk conversation ids, unique across the account."""

    def detect(self, path: Path, head: bytes) -> int:
        if not head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith((b"{", b"[")):
            return 0
        if b'"via"' in head:  # Zendesk
            return 0
        if b'"requester_id"' in head and any(hint in head for hint in _TICKET_HINTS):
            return 90
        if b'"incoming"' in head and b'"private"' in head and b'"ticket_id"' in head:
            return 90
        return 0

    def read(self, sources: Sequence[Source], options: ImportOptions) -> Iterator[Item]:
        """Read the files of conversations, then the tickets joined to their conversations."""
        yield from read_tickets_and_parts(sources, _FILES)
