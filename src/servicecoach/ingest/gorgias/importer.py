"""The Gorgias importer: tickets and their messages, joined by ticket id."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import ClassVar

from servicecoach.errors import InvalidFileError, Problem
from servicecoach.ingest.base import HEAD_BYTES, Importer, ImportOptions, Item, Source
from servicecoach.ingest.gorgias.tickets import Part, TicketReader
from servicecoach.ingest.jsonload import stream_json
from servicecoach.ingest.jsonvalues import ident, obj

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
        joined: dict[str, list[Part]] = {}
        tickets: list[Source] = []
        for source in sources:
            try:
                if _is_messages(source):
                    yield from self._read_messages(source, joined)
                else:
                    tickets.append(source)
            except InvalidFileError as exc:
                yield exc.problem
            except OSError as exc:
                yield source.problem("", f"cannot read the file ({exc.strerror})")
        seen: set[str] = set()
        for source in tickets:
            try:
                for ticket, index in _records(source):
                    ticket_id = ident(obj(ticket).get("id"))
                    if ticket_id:
                        seen.add(ticket_id)
                    parts = joined.get(ticket_id, []) if ticket_id else []
                    yield from TicketReader(source, f"ticket {index}").read(ticket, parts)
            except InvalidFileError as exc:
                yield exc.problem
        for ticket_id, left in joined.items():
            if ticket_id not in seen:
                yield left[0].source.problem(
                    f"ticket {ticket_id}",
                    f"{len(left)} message{'s' if len(left) != 1 else ''} of ticket {ticket_id} "
                    "without the ticket, which says who the customer is and on which channel",
                    "import the ticket (GET /api/tickets/ID) with its messages",
                )

    def _read_messages(self, source: Source, joined: dict[str, list[Part]]) -> Iterator[Problem]:
        for message, index in _records(source):
            where = f"message {index}"
            ticket_id = ident(obj(message).get("ticket_id"))
            if ticket_id is None:
                yield source.problem(
                    where,
                    "the message has no ticket_id",
                    "export messages as the API gives them (each names its ticket)",
                )
                continue
            joined.setdefault(ticket_id, []).append(
                Part(message, source, f"ticket {ticket_id}, {where}")
            )
