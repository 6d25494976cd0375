"""The Gorgias importer: tickets and their messages, joined by ticket id."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import ClassVar

from servicecoach.errors import InvalidFileError
from servicecoach.ingest.base import HEAD_BYTES, Importer, ImportOptions, Item, Source
from servicecoach.ingest.gorgias.tickets import TicketReader
from servicecoach.ingest.jsonload import stream_json
from servicecoach.ingest.ticketparts import TicketFiles, read_tickets_and_parts

__all__ = ["GorgiasImporter"]

_PAGE_KEYS = frozenset({"meta", "object", "uri"})
_FIX = "export it again from the Gorgias API, or fix the JSON at that place"


def _is_messages(source: Source) -> bool:
    """True for a file of messages (each naming its ticket), not of tickets."""
    with source.path.open("rb") as handle:
        head = handle.read(HEAD_BYTES)
    return b'"ticket_id"' in head and b'"messages"' not in head and b'"customer"' not in head


def _records(source: Source) -> Iterator[tuple[object, int]]:
    """The records of a list, an API list answer ``{"data": [...]}``, or one object."""
    bare: dict[str, object] = {}
    listed = False
    for item in stream_json(source, _FIX, {"data"}):
        if item.key in (None, "data") and item.index:
            listed = True
            yield item.value, item.index
        elif item.key in (None, "data"):
            raise InvalidFileError(
                source.problem(
                    "", "this is not a list of Gorgias records", 'expected {"data": [...]}'
                )
            )
        else:
            bare[item.key] = item.value
    if bare and not listed and not set(bare) <= _PAGE_KEYS:  # one record, not an empty page
        yield bare, 1


_FILES = TicketFiles(
    part="message",
    is_parts_file=_is_messages,
    part_records=_records,
    ticket_records=_records,
    reader=TicketReader,
    without_ticket="which says who the customer is and on which channel",
    without_ticket_fix="import the ticket (GET /api/tickets/ID) with its messages",
)


class GorgiasImporter(Importer):
    """Gorgias tickets with their messages (REST API JSON)."""

    name: ClassVar[str] = "gorgias"
    title: ClassVar[str] = "Gorgias tickets with their messages (REST API JSON)"
    extensions: ClassVar[tuple[str, ...]] = (".json",)
    reads_together: ClassVar[bool] = True
    message_ids_are_global: ClassVar[bool] = True
    """Message ids are Gorgias message ids, unique across the account."""

    def detect(self, path: Path, head: bytes) -> int:
        if not head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith((b"{", b"[")):
            return 0
        if b'"from_agent"' in head and (
            b'"created_datetime"' in head or b'"stripped_text"' in head or b'"body_text"' in head
        ):
            return 90
        return 0

    def read(self, sources: Sequence[Source], options: ImportOptions) -> Iterator[Item]:
        """Read the files of messages, then the tickets joined to their messages."""
        yield from read_tickets_and_parts(sources, _FILES)
