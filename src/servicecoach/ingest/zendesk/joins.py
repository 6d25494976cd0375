"""What other files of an import add to a ticket: comments, audits and Talk calls.

The comments endpoint (``{"comments": [...]}``) and ticket audits (``{"audits": [...]}``)
give a ticket's comments apart from the ticket; Zendesk Talk gives its calls. They are
read before the tickets and kept here by ticket id, then joined to each ticket as it is
read. What is left at the end (comments or calls whose ticket was not in the import) is
reported, except audits, which say enough (requester, subject, status, channel) to make
the ticket themselves.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from servicecoach.errors import Problem
from servicecoach.ingest.base import Source
from servicecoach.ingest.jsonload import JsonItem
from servicecoach.ingest.jsonvalues import ident, obj
from servicecoach.ingest.ticketparts import Part

__all__ = ["Joined", "comments_ticket", "read_audits", "read_comments"]

_TICKET_URL = re.compile(r"/tickets/(\d+)/comments\b")
_TICKET_NAME = re.compile(r"(?:^|[^a-z])ticket[-_ ]?(\d+)(?!\d)", re.IGNORECASE)
_COMMENT_EVENTS = frozenset({"Comment", "VoiceComment"})
_AUDIT_FIELDS = frozenset({"requester_id", "subject", "status", "priority", "type", "tags"})
PAGE_LINKS = ("links", "next_page", "previous_page")
"""Members of a comments page whose URLs name its ticket."""


@dataclass(slots=True)
class Joined:
    """Comments, audit facts and calls waiting for their tickets, by ticket id."""

    comments: dict[str, list[Part]] = field(default_factory=dict)
    calls: dict[str, list[Part]] = field(default_factory=dict)
    audited: dict[str, tuple[Source, dict[str, Any]]] = field(default_factory=dict)
    """Ticket fields rebuilt from audit events (and the file of the first audit), for
    tickets known only by their audits."""
    seen: set[str] = field(default_factory=set)
    """Tickets already read from a tickets file."""

    def take(self, ticket_id: str) -> tuple[list[Part], list[Part]]:
        """The comments and calls of ``ticket_id``, removed from what is waiting."""
        self.seen.add(ticket_id)
        self.audited.pop(ticket_id, None)
        return self.comments.pop(ticket_id, []), self.calls.pop(ticket_id, [])


def comments_ticket(path: Path, members: Mapping[str, object]) -> str | None:
    """The ticket a comments page belongs to: from its page URLs, else from its file name.

    The comments endpoint's answer has no ticket id; its ``links`` (or old-style
    ``next_page``/``previous_page``) URLs name it (``/tickets/33/comments.json``), and a
    file saved as ``ticket33_comments.json`` does too.
    """
    urls: list[object] = [members.get("next_page"), members.get("previous_page")]
    urls.extend(obj(members.get("links")).values())
    for url in urls:
        if isinstance(url, str) and (match := _TICKET_URL.search(url)):
            return match.group(1)
    match = _TICKET_NAME.search(path.stem)
    return match.group(1) if match else None


def read_comments(
    source: Source, items: Iterator[JsonItem], ticket_id: str | None, joined: Joined
) -> Iterator[Problem]:
    """Keep a comments page's comments for their ticket; a problem when none is known."""
    orphans = 0
    for item in items:
        if item.key != "comments":
            continue
        if item.index == 0:
            yield source.problem("comments", "'comments' is not a list", "export it as a list")
            continue
        owner = ident(obj(item.value).get("ticket_id")) or ticket_id
        if owner is None:
            orphans += 1
            continue
        where = f"ticket {owner}, comment {item.index}"
        joined.comments.setdefault(owner, []).append(Part(item.value, source, where))
    if orphans:
        yield source.problem(
            "",
            f"{orphans} comment{'s' if orphans != 1 else ''} without a ticket: the comments "
            "endpoint's answer does not say which ticket it belongs to",
            "import the tickets file with it and keep the page's 'links' (or name the file "
            "after its ticket, e.g. ticket33_comments.json), or export the tickets with "
            "their comments or audits",
        )


def read_audits(source: Source, items: Iterator[JsonItem], joined: Joined) -> Iterator[Problem]:
    """Keep the comments of each audit for its ticket, and the ticket facts its events set."""
    for item in items:
        if item.key not in (None, "audits", "audit"):
            continue
        if item.key == "audits" and item.index == 0:
            yield source.problem("audits", "'audits' is not a list", "export it as a list")
            continue
        audit = obj(item.value)
        where = f"audit {item.index or 1}"
        ticket_id = ident(audit.get("ticket_id"))
        events = audit.get("events")
        if ticket_id is None or not isinstance(events, list):
            what = "no ticket_id" if ticket_id is None else "no list of events"
            yield source.problem(
                where, f"the audit has {what}", "export audits as Zendesk gives them"
            )
            continue
        where = f"ticket {ticket_id}, {where}"
        facts = (
            None
            if ticket_id in joined.seen
            else joined.audited.setdefault(ticket_id, (source, {}))[1]
        )
        for number, event in enumerate(events, start=1):
            event = obj(event)
            kind = event.get("type") if isinstance(event.get("type"), str) else None
            if kind in _COMMENT_EVENTS:
                comment = {"created_at": audit.get("created_at"), "via": audit.get("via"), **event}
                part = Part(comment, source, f"{where}, event {number}")
                joined.comments.setdefault(ticket_id, []).append(part)
            elif facts is not None and kind in ("Create", "Change"):
                name = event.get("field_name")
                if isinstance(name, str) and name in _AUDIT_FIELDS:
                    facts[name] = event.get("value")
                if kind == "Create":
                    facts.setdefault("via", audit.get("via"))
                    facts.setdefault("created_at", audit.get("created_at"))
