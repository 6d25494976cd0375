"""The Zendesk importer: detects its files, reads them in the order joins need, streams tickets."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from enum import Enum
from pathlib import Path
from typing import ClassVar, TextIO

from servicecoach.errors import InvalidFileError, Problem
from servicecoach.ingest.base import HEAD_BYTES, Importer, ImportOptions, Item, Source
from servicecoach.ingest.jsonload import (
    head_keys,
    json_members,
    load_json_document,
    loads_or_none,
    parse_json_line,
    stream_json,
)
from servicecoach.ingest.jsonvalues import ident, obj
from servicecoach.ingest.ticketparts import Part
from servicecoach.ingest.zendesk.joins import (
    PAGE_LINKS,
    Joined,
    comments_ticket,
    read_audits,
    read_comments,
)
from servicecoach.ingest.zendesk.talk import CALL_KEYS, is_call
from servicecoach.ingest.zendesk.tickets import TicketReader, Users, is_ticket

__all__ = ["ZendeskImporter"]

_JSON_FIX = "export the tickets again, or fix the JSON at that place"
_VOICE_COMMENT_KEYS = frozenset({"call_fields", "display_to_agent", "end_user_id"})


class _Kind(Enum):
    """What one file of a Zendesk import holds, in the order the files are read."""

    USERS = 1
    COMMENTS = 2
    AUDITS = 3
    CALLS = 4
    VOICE_COMMENT = 5
    TICKETS = 6


def _kind(source: Source) -> _Kind:
    with source.path.open("rb") as handle:
        head = handle.read(HEAD_BYTES)
    keys = set(head_keys(head))
    if keys & {"tickets", "ticket"}:
        return _Kind.TICKETS
    if keys & {"audits", "audit"}:
        return _Kind.AUDITS
    if keys & {"calls", "call"} or len(keys & CALL_KEYS) >= 2:
        return _Kind.CALLS
    if len(keys & _VOICE_COMMENT_KEYS) >= 2:
        return _Kind.VOICE_COMMENT
    if "comments" in keys and not keys & {"id", "requester_id", "via"}:
        return _Kind.COMMENTS
    if "users" in keys:
        return _Kind.USERS
    return _Kind.TICKETS


class ZendeskImporter(Importer):
    """Zendesk Support tickets with their comments, audits and Talk calls."""

    name: ClassVar[str] = "zendesk"
    title: ClassVar[str] = (
        "Zendesk tickets with comments or audits, and Talk calls (API JSON, arrays, NDJSON)"
    )
    extensions: ClassVar[tuple[str, ...]] = (".json", ".ndjson", ".jsonl")
    reads_together: ClassVar[bool] = True
    message_ids_are_global: ClassVar[bool] = True
    """Message ids are Zendesk comment ids, unique across the whole Zendesk account."""

    def detect(self, path: Path, head: bytes) -> int:
        if not head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith((b"{", b"[")):
            return 0
        if b'"audits"' in head and b'"ticket_id"' in head and b'"events"' in head:
            return 90
        if b'"requester_id"' in head and b'"via"' in head:
            if b".zendesk.com/api/v2/" in head:
                return 100
            return 90 if b'"comments"' in head or b'"tickets"' in head else 70
        if b'"comments"' in head and b'"author_id"' in head and b'"audit_id"' in head:
            return 90
        if sum(b'"%s"' % key.encode() in head for key in CALL_KEYS) >= 2:
            return 80
        if sum(b'"%s"' % key.encode() in head for key in _VOICE_COMMENT_KEYS) >= 2:
            return 60
        if b'"users"' in head and b'"end-user"' in head and b'"tickets"' not in head:
            return 40
        return 0

    def read(self, sources: Sequence[Source], options: ImportOptions) -> Iterator[Item]:
        users = Users()
        joined = Joined()
        kinds: dict[Source, _Kind] = {}
        for source in sources:
            try:
                kinds[source] = _kind(source)
            except OSError as exc:
                yield source.problem("", f"cannot read the file ({exc.strerror})")
        ordered = sorted(kinds, key=lambda s: kinds[s].value)
        for source in ordered:  # users, comments, audits and calls before any ticket
            try:
                yield from self._read_joins(source, kinds[source], users, joined)
            except InvalidFileError as exc:  # report it and go on with the other files
                yield exc.problem
        for source in ordered:
            if kinds[source] in (_Kind.USERS, _Kind.TICKETS):
                try:
                    yield from self._read_tickets(source, users, joined, kinds[source])
                except InvalidFileError as exc:
                    yield exc.problem
        yield from self._leftovers(users, joined)

    def _read_joins(
        self, source: Source, kind: _Kind, users: Users, joined: Joined
    ) -> Iterator[Problem]:
        if kind is _Kind.USERS:
            yield from users.add(source, json_members(source, _JSON_FIX, {"users"}).get("users"))
        elif kind is _Kind.COMMENTS:
            members = json_members(source, _JSON_FIX, PAGE_LINKS)
            ticket_id = comments_ticket(source.path, members)
            items = stream_json(source, _JSON_FIX, {"comments"})
            yield from read_comments(source, items, ticket_id, joined)
        elif kind is _Kind.AUDITS:
            yield from read_audits(source, stream_json(source, _JSON_FIX, {"audits"}), joined)
        elif kind is _Kind.CALLS:
            yield from self._read_calls(source, joined)
        elif kind is _Kind.VOICE_COMMENT:
            raise InvalidFileError(
                source.problem(
                    "",
                    "this is a Zendesk Talk voice comment request: it names no ticket, "
                    "call or time, so there is nothing to import",
                    "export the ticket's comments or audits, where voice comments appear "
                    "with their ticket, and its calls",
                )
            )

    def _read_calls(self, source: Source, joined: Joined) -> Iterator[Problem]:
        calls: list[tuple[object, str]] = []
        bare: dict[str, object] = {}  # a file holding one call object, read member by member
        for item in stream_json(source, _JSON_FIX, {"calls"}):
            if item.key == "call" or (item.key in ("calls", None) and item.index):
                calls.append((item.value, f"call {item.index or 1}"))
            elif item.key is not None and item.key != "calls":
                bare[item.key] = item.value
        if not calls and is_call(bare):
            calls.append((bare, "call 1"))
        for call, where in calls:
            if not is_call(call):
                yield source.problem(where, "this is not a Zendesk Talk call", "remove or fix it")
                continue
            ticket_id = ident(obj(call).get("ticket_id"))
            if ticket_id is None:
                yield source.problem(
                    where,
                    "the call has no ticket_id, so it cannot join a conversation",
                    "only calls that created or joined a ticket can be imported",
                )
                continue
            where = f"{where} (id {ident(obj(call).get('id'))}), ticket {ticket_id}"
            joined.calls.setdefault(ticket_id, []).append(Part(call, source, where))

    def _read_tickets(
        self, source: Source, users: Users, joined: Joined, kind: _Kind
    ) -> Iterator[Item]:
        with source.path.open("rb") as handle:
            head = handle.read(HEAD_BYTES)
        if not head.strip():
            return
        keys = head_keys(head)
        if keys and not {"tickets", "ticket", "users"} & set(keys):  # one ticket, or NDJSON
            yield from self._read_ticket_lines(source, users, joined)
            return
        if keys and kind is _Kind.TICKETS:  # side-loaded users may come after the tickets
            yield from users.add(source, json_members(source, _JSON_FIX, {"users"}).get("users"))
        count = 0
        for item in stream_json(source, _JSON_FIX, {"tickets"}):
            if item.key in ("tickets", None) and item.index:
                count += 1
                reader = TicketReader(source, users, f"ticket {count}", None, joined)
                yield from reader.read(item.value)
            elif item.key == "ticket":
                yield from TicketReader(source, users, "ticket 1", None, joined).read(item.value)
            elif item.key == "tickets":
                raise InvalidFileError(
                    source.problem("", "'tickets' is not a list", "expected {'tickets': [...]}")
                )
            elif item.key is None:
                raise InvalidFileError(
                    source.problem(
                        "", "this is not a Zendesk export", "expected {'tickets': [...]} or [...]"
                    )
                )

    def _read_ticket_lines(self, source: Source, users: Users, joined: Joined) -> Iterator[Item]:
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
                    yield from self._lines(source, users, joined, handle, first)
                    return
        except UnicodeDecodeError as exc:
            raise source.not_utf8(exc) from None
        ticket = load_json_document(source, _JSON_FIX)  # one ticket, on several lines
        if not is_ticket(ticket):
            raise InvalidFileError(
                source.problem(
                    "", "this is not a Zendesk export", "expected {'tickets': [...]} or [...]"
                )
            )
        yield from TicketReader(source, users, "ticket 1", None, joined).read(ticket)

    def _lines(
        self, source: Source, users: Users, joined: Joined, handle: TextIO, first: str
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
                    yield from TicketReader(source, users, where, line_no, joined).read(ticket)
            line = handle.readline()
            line_no += 1

    def _leftovers(self, users: Users, joined: Joined) -> Iterator[Item]:
        """Tickets known only from their audits; comments and calls without their ticket."""
        for ticket_id, (source, facts) in list(joined.audited.items()):
            ticket = {"id": ticket_id, **facts}
            yield from TicketReader(source, users, "audits", None, joined).read(ticket)
        for ticket_id, parts in joined.comments.items():
            yield parts[0].source.problem(
                f"ticket {ticket_id}",
                f"{len(parts)} comment{'s' if len(parts) != 1 else ''} of ticket {ticket_id} "
                "without the ticket: the comments alone do not say who the customer is",
                "import the tickets file (or the ticket's audits) with them",
            )
        for ticket_id, parts in joined.calls.items():
            for part in parts:
                yield part.source.problem(
                    part.where,
                    f"the call belongs to ticket {ticket_id}, which is not in this import",
                    "import the ticket (with its comments or audits) together with its calls",
                )
