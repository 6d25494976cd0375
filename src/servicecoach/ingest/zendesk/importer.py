"""The Zendesk importer: detects exports and reads documents and NDJSON into tickets."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import ClassVar, TextIO

from servicecoach.errors import InvalidFileError, Problem
from servicecoach.ingest.base import HEAD_BYTES, Importer, ImportOptions, Item, Source
from servicecoach.ingest.jsonload import loads_or_none, parse_json_document, parse_json_line
from servicecoach.ingest.zendesk.tickets import TicketReader, Users, is_ticket

__all__ = ["ZendeskImporter"]

_JSON_FIX = "export the tickets again, or fix the JSON at that place"


def _is_users_file(source: Source) -> bool:
    with source.path.open("rb") as handle:
        head = handle.read(HEAD_BYTES)
    return head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"{") and (
        b'"users"' in head and b'"tickets"' not in head and b'"ticket"' not in head
    )


class ZendeskImporter(Importer):
    """Zendesk Support tickets with their comments (API JSON, arrays or NDJSON)."""

    name: ClassVar[str] = "zendesk"
    title: ClassVar[str] = "Zendesk tickets with comments (API JSON, JSON array, NDJSON export)"
    extensions: ClassVar[tuple[str, ...]] = (".json", ".ndjson", ".jsonl")
    reads_together: ClassVar[bool] = True
    message_ids_are_global: ClassVar[bool] = True
    """Message ids are Zendesk comment ids, unique across the whole Zendesk account."""

    def detect(self, path: Path, head: bytes) -> int:
        if not head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith((b"{", b"[")):
            return 0
        if b'"requester_id"' in head and b'"via"' in head:
            if b".zendesk.com/api/v2/" in head:
                return 100
            return 90 if b'"comments"' in head or b'"tickets"' in head else 70
        if b'"users"' in head and b'"end-user"' in head and b'"tickets"' not in head:
            return 40
        return 0

    def read(self, sources: Sequence[Source], options: ImportOptions) -> Iterator[Item]:
        users = Users()
        users_first = sorted(sources, key=lambda source: not _is_users_file(source))
        for source in users_first:
            try:
                yield from self._read_one(source, users)
            except InvalidFileError as exc:  # report it and go on with the other files
                yield exc.problem

    def _read_one(self, source: Source, users: Users) -> Iterator[Item]:
        try:
            with source.open_text() as handle:
                first = ""
                while not first.strip():
                    line = handle.readline()
                    if not line:
                        return
                    first += line
                record = loads_or_none(first)
                if is_ticket(record):
                    yield from self._read_lines(source, users, handle, first)
                    return
                rest = handle.read()
        except UnicodeDecodeError as exc:
            raise source.not_utf8(exc) from None
        if record is None or rest.strip():  # a document on several lines
            record = parse_json_document(source, first + rest, _JSON_FIX)
        yield from self._read_document(source, users, record)

    def _read_document(self, source: Source, users: Users, data: object) -> Iterator[Item]:
        if isinstance(data, list):
            tickets: object = data
        elif is_ticket(data):
            tickets = [data]
        elif isinstance(data, dict) and ("tickets" in data or "ticket" in data or "users" in data):
            yield from users.add(source, data.get("users"))
            tickets = data["tickets"] if "tickets" in data else [data.get("ticket")]
            if "tickets" not in data and "ticket" not in data:
                tickets = []
        else:
            raise InvalidFileError(
                source.problem(
                    "", "this is not a Zendesk export", "expected {'tickets': [...]} or [...]"
                )
            )
        if not isinstance(tickets, list):
            raise InvalidFileError(
                source.problem("", "'tickets' is not a list", "expected {'tickets': [...]}")
            )
        for index, ticket in enumerate(tickets, start=1):
            yield from TicketReader(source, users, f"ticket {index}", None).read(ticket)

    def _read_lines(
        self, source: Source, users: Users, handle: TextIO, first: str
    ) -> Iterator[Item]:
        line_no = first.count("\n") + (0 if first.endswith("\n") else 1)
        count = 0
        line = first
        while line:
            if line.strip():
                count += 1
                ticket = parse_json_line(source, line, line_no, _JSON_FIX)
                if isinstance(ticket, Problem):
                    yield ticket
                else:
                    where = f"line {line_no}, ticket {count}"
                    yield from TicketReader(source, users, where, line_no).read(ticket)
            line = handle.readline()
            line_no += 1
