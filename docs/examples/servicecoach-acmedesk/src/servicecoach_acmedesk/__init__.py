"""A servicecoach plugin: Acme Desk CSV exports, one row per message."""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import ClassVar

from servicecoach.errors import InvalidFileError, InvalidRecordError
from servicecoach.ingest import Importer, ImportOptions, Item, Source
from servicecoach.model import Channel, Conversation, Customer, Message, Role
from servicecoach.model.text import normalize_text
from servicecoach.model.timeparse import parse_iso
from servicecoach.plugins import hookimpl

__all__ = ["AcmeDeskImporter", "register_importers"]

HEADER = ["ticket_id", "sent_at", "sender", "sender_type", "message"]
ROLES = {"customer": Role.CUSTOMER, "staff": Role.AGENT}


class AcmeDeskImporter(Importer):
    """Acme Desk's CSV export: ``ticket_id,sent_at,sender,sender_type,message``."""

    name: ClassVar[str] = "acmedesk"
    title: ClassVar[str] = "Acme Desk CSV export (one row per message)"
    extensions: ClassVar[tuple[str, ...]] = (".csv",)

    def detect(self, path: Path, head: bytes) -> int:
        """Certain when the first line is Acme Desk's header, else not ours."""
        first_line = head.decode("utf-8-sig", errors="replace").splitlines()[:1]
        return 95 if first_line == [",".join(HEADER)] else 0

    def read(self, sources: Sequence[Source], options: ImportOptions) -> Iterator[Item]:
        """One conversation per ticket of each file, and a problem per bad row."""
        for source in sources:
            try:
                yield from self._read_file(source)
            except UnicodeDecodeError as exc:
                raise source.not_utf8(exc) from None

    def _read_file(self, source: Source) -> Iterator[Item]:
        tickets: dict[str, list[Message]] = {}
        with source.open_text() as handle:  # counts the bytes read, for the progress bar
            rows = csv.reader(handle)
            if next(rows, None) != HEADER:
                raise InvalidFileError(
                    source.problem(
                        "line 1", "not an Acme Desk export", "the first line must be the header", 1
                    )
                )
            for row in rows:
                line = rows.line_num
                if not row:  # a blank line
                    continue
                try:
                    ticket, message = self._message(row, len(tickets.get(row[0], ())) + 1)
                except InvalidRecordError as exc:
                    yield source.problem(f"line {line}", exc.message, exc.fix, line)
                    continue
                tickets.setdefault(ticket, []).append(message)
        for ticket, messages in tickets.items():
            customer = next((m.author for m in messages if m.role is Role.CUSTOMER), None)
            yield Conversation(
                id=f"{self.name}-{ticket}",
                channel=Channel.EMAIL,
                messages=tuple(messages),
                customer=Customer(email=customer),
                source=self.name,
            )

    def _message(self, row: list[str], number: int) -> tuple[str, Message]:
        """The ticket id and the message of one row.

        Raises:
            InvalidRecordError: the row is malformed (the message says how).
        """
        if len(row) != len(HEADER):
            raise InvalidRecordError(
                f"the row has {len(row)} columns, expected {len(HEADER)}",
                "quote fields that contain commas",
            )
        ticket, sent_at, sender, sender_type, text = row
        role = ROLES.get(sender_type)
        if role is None:
            raise InvalidRecordError(
                f"unknown sender_type {sender_type!r}", "use customer or staff"
            )
        if not text.strip():
            raise InvalidRecordError("the message is empty", "remove the row or add its text")
        message = Message(
            id=str(number),
            role=role,
            text=normalize_text(text),
            author=sender,
            at=parse_iso(sent_at, field="sent_at"),
        )
        return ticket, message


@hookimpl
def register_importers(register: Callable[[Importer], None]) -> None:
    """Register the Acme Desk importer."""
    register(AcmeDeskImporter())
