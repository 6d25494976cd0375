"""The Freshdesk importer: tickets and their conversations, joined by ticket id."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import ClassVar

from servicecoach.errors import InvalidFileError, Problem
from servicecoach.ingest.base import HEAD_BYTES, Importer, ImportOptions, Item, Source
from servicecoach.ingest.freshdesk.tickets import Reply, TicketReader
from servicecoach.ingest.jsonload import stream_json
from servicecoach.ingest.jsonvalues import ident, obj

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
        replies: dict[str, list[Reply]] = {}
        tickets: list[Source] = []
        for source in sources:
            try:
                if _is_conversations(source):
                    yield from self._read_conversations(source, replies)
                else:
                    tickets.append(source)
            except InvalidFileError as exc:
                yield exc.problem
            except OSError as exc:
                yield source.problem("", f"cannot read the file ({exc.strerror})")
        seen: set[str] = set()
        for source in tickets:
            try:
                yield from self._read_tickets(source, replies, seen)
            except InvalidFileError as exc:
                yield exc.problem
        for ticket_id, left in replies.items():
            if ticket_id not in seen:
                yield left[0].source.problem(
                    f"ticket {ticket_id}",
                    f"{len(left)} conversation{'s' if len(left) != 1 else ''} of ticket "
                    f"{ticket_id} without the ticket, which holds the customer's first "
                    "message (its description) and who the customer is",
                    "import the ticket (GET /tickets/ID) with its conversations",
                )

    def _read_conversations(
        self, source: Source, replies: dict[str, list[Reply]]
    ) -> Iterator[Problem]:
        for record, index in _records(source, "conversations"):
            where = f"conversation {index}"
            ticket_id = ident(obj(record).get("ticket_id"))
            if ticket_id is None:
                yield source.problem(
                    where,
                    "the conversation has no ticket_id",
                    "export conversations as the API gives them (each names its ticket)",
                )
                continue
            where = f"ticket {ticket_id}, {where}"
            replies.setdefault(ticket_id, []).append(Reply(record, source, where))

    def _read_tickets(
        self, source: Source, replies: dict[str, list[Reply]], seen: set[str]
    ) -> Iterator[Item]:
        for ticket, index in _records(source, "tickets"):
            ticket_id = ident(obj(ticket).get("id"))
            joined = replies.get(ticket_id, []) if ticket_id else []
            if ticket_id:
                seen.add(ticket_id)
            yield from TicketReader(source, f"ticket {index}").read(ticket, joined)
