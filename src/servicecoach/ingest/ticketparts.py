"""Tickets whose parts (replies, messages) may come in other files, joined by ticket id.

Freshdesk and Gorgias give a ticket's replies with the ticket, or apart from it (the
API's ``GET /tickets/ID/conversations`` or ``/messages``), each reply naming its
``ticket_id``. :func:`read_tickets_and_parts` reads the files of one import for both:

1. files of parts first (any order), keeping each part for its ticket;
2. then the tickets, each read with the parts kept for it;
3. last, a problem per ticket whose parts came without it: the parts alone do not say
   who the customer is.

What differs between helpdesks (how a file of parts is told from a file of tickets,
how records are listed in a file, how a ticket is read, what the problems say) is given
as a :class:`TicketFiles`. Zendesk's joins (comments, audits, calls) are richer and
have their own module, but keep their parts as :class:`Part` too.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Protocol

from servicecoach.errors import InvalidFileError, Problem
from servicecoach.ingest.base import Item, Source
from servicecoach.ingest.jsonvalues import ident, obj

__all__ = ["Part", "TicketFiles", "TicketReading", "read_tickets_and_parts"]


@dataclass(frozen=True, slots=True)
class Part:
    """A part of a ticket (a reply, message, comment or call) with where it was read.

    Attributes:
        value: the JSON value, not checked yet.
        source: the file it was read from (a part's problem is reported there).
        where: where it is in that file, e.g. ``ticket 7, message 2``.
    """

    value: object
    source: Source
    where: str


class TicketReading(Protocol):
    """Reads one ticket object with the parts that other files gave for it."""

    def read(self, ticket: object, joined: Sequence[Part]) -> Iterator[Item]:
        """Yield the ticket's conversation after a problem per bad part, or its problem."""
        ...


@dataclass(frozen=True, slots=True)
class TicketFiles:
    """What one helpdesk's files of tickets and of parts differ in.

    Attributes:
        part: what a part is called, for problems: ``conversation``, ``message``.
        is_parts_file: true for a file of parts (each naming its ``ticket_id``).
        part_records: the parts of a file of parts, with their 1-based numbers.
        ticket_records: the tickets of a file of tickets, with their 1-based numbers.
        reader: a ticket reader for a file and where the ticket is (``ticket 3``).
        without_ticket: why parts are no use without their ticket, ending the problem
            ``2 messages of ticket 7 without the ticket, ...``.
        without_ticket_fix: how to fix that.
    """

    part: str
    is_parts_file: Callable[[Source], bool]
    part_records: Callable[[Source], Iterable[tuple[object, int]]]
    ticket_records: Callable[[Source], Iterable[tuple[object, int]]]
    reader: Callable[[Source, str], TicketReading]
    without_ticket: str
    without_ticket_fix: str


def read_tickets_and_parts(sources: Sequence[Source], files: TicketFiles) -> Iterator[Item]:
    """Yield the conversation of every ticket in ``sources``, joined to its parts.

    A file that cannot be read is reported, and the other files are read.
    """
    parts: dict[str, list[Part]] = {}
    tickets: list[Source] = []
    for source in sources:
        try:
            if files.is_parts_file(source):
                yield from _read_parts(source, files, parts)
            else:
                tickets.append(source)
        except InvalidFileError as exc:
            yield exc.problem
        except OSError as exc:
            yield source.problem("", f"cannot read the file ({exc.strerror})")
    seen: set[str] = set()
    for source in tickets:
        try:
            for ticket, index in files.ticket_records(source):
                ticket_id = ident(obj(ticket).get("id"))
                if ticket_id:
                    seen.add(ticket_id)
                joined = parts.get(ticket_id, []) if ticket_id else []
                yield from files.reader(source, f"ticket {index}").read(ticket, joined)
        except InvalidFileError as exc:
            yield exc.problem
    for ticket_id, left in parts.items():
        if ticket_id not in seen:
            yield left[0].source.problem(
                f"ticket {ticket_id}",
                f"{len(left)} {files.part}{'s' if len(left) != 1 else ''} of ticket "
                f"{ticket_id} without the ticket, {files.without_ticket}",
                files.without_ticket_fix,
            )


def _read_parts(
    source: Source, files: TicketFiles, parts: dict[str, list[Part]]
) -> Iterator[Problem]:
    """Keep each part of a file of parts for its ticket; a problem per part without one."""
    for record, index in files.part_records(source):
        where = f"{files.part} {index}"
        ticket_id = ident(obj(record).get("ticket_id"))
        if ticket_id is None:
            yield source.problem(
                where,
                f"the {files.part} has no ticket_id",
                f"export {files.part}s as the API gives them (each names its ticket)",
            )
            continue
        parts.setdefault(ticket_id, []).append(Part(record, source, f"ticket {ticket_id}, {where}"))
