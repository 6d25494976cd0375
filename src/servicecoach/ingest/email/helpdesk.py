"""Notification mails from a helpdesk (Zendesk-style) that relay one comment of a ticket.

A helpdesk mails each new comment of a ticket from its support address, on behalf of
whoever wrote it ("Dana Reyes (Northwind Support) <support@northwind.example>"), with
a "reply above this line" marker, the new comment first, the ticket's earlier comments
under separator lines, and a footer. Read as an ordinary mail, all of it would be one
agent message. :func:`relayed_comment` finds such a mail and keeps only the new
comment, its author (named in the body) and who asked (the requester); the thread
decides the author's role (:mod:`servicecoach.ingest.email.threads`).

A mail is taken as a helpdesk notification when its text starts with a "reply above
this line" marker (``##- Please type your reply above this line -##``), or it carries
``X-Zendesk-*`` headers, or it has the helpdesk's footer or CC line, or its sender's
display name is "Name (Something)" and the text starts with a comment by that Name.
Text above the marker makes it a reply written by a person, not a notification (the
reply trimmer then cuts at the marker).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

__all__ = ["Relayed", "relayed_comment"]

_MARKER = re.compile(r"^#{1,3}\s*-.{0,80}-\s*#{1,3}$")
_COMMENT_RULE = re.compile(r"^(?:-{10,}|_{10,}|={10,})$")
_FOOTER = re.compile(
    r"^(?:this (?:e-?mail|message) is a service from\b|delivered by zendesk\b|"
    r"\[[A-Z0-9]{4,}-[A-Z0-9]{4,}\]$)",
    re.I,
)
_CC_LINE = re.compile(r"^you are (?:registered|receiving this) as (?:a )?cc\b", re.I)
_REQUESTER_INTRO = re.compile(
    r"^your request \(?#?\d+\)? has been (?:updated|received|solved|closed)", re.I
)
_INTRO = re.compile(
    r"^(?:your request \(?#?\d+\)?|you are (?:registered|receiving this) as (?:a )?cc\b|"
    r"to add additional comments,|reply to this e-?mail\b|ticket #\d+)",
    re.I,
)
_ATTACHMENTS = re.compile(r"^attachments?(?:\(s\))?:?$", re.I)
_YEAR_OR_TIME = re.compile(r"\b(?:19|20)\d{2}\b|\b\d{1,2}:\d{2}\b")
_MONTH = re.compile(
    r"\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\b|\b\d{1,2}[./-]\d{1,2}\b",
    re.I,
)
_NAME_WITH_COMPANY = re.compile(r"^(?P<name>[^()]+?)\s*\((?P<company>[^()]+)\)\s*$")
_MAX_NAME = 80


@dataclass(frozen=True, slots=True)
class Relayed:
    """One ticket comment relayed by a helpdesk notification mail.

    Attributes:
        author: the name of whoever wrote the comment (from the body, else the
            sender's display name without its "(Company)" part).
        text: the comment alone, without marker, intro, earlier comments and footer.
        requester: the name of whoever asked: the author of the oldest comment quoted
            under the new one, or ``None`` when the mail quotes none or its author is
            shown as an agent.
        to_requester: the mail says "Your request ... has been updated/received": it
            was sent to the requester, so its recipient is the requester.
        author_marked: the comment's header shows the author as "Name (Company)", as
            helpdesks show their agents.
    """

    author: str
    text: str
    requester: str | None
    to_requester: bool
    author_marked: bool = False


def relayed_comment(
    text: str, headers: Mapping[str, Sequence[str]], sender_name: str | None
) -> Relayed | None:
    """The relayed comment when ``text`` is a helpdesk notification, else ``None``.

    Args:
        text: the mail's text (plain, or converted HTML), not yet trimmed.
        headers: the mail's headers by lower-case name.
        sender_name: the sender's display name.
    """
    lines = [line.strip() for line in text.split("\n")]
    marker = next((i for i, line in enumerate(lines) if _MARKER.match(line)), None)
    if marker is not None and any(line for line in lines[:marker]):
        return None  # someone wrote above the marker: a reply, not a notification
    start = marker + 1 if marker is not None else 0
    body = lines[start:]
    on_behalf = _on_behalf_name(sender_name)
    blocks = _comment_blocks(body)
    if not blocks:
        return None
    first_author, first_text, marked = _author_and_text(blocks[0])
    zendesk_headers = any(name.startswith("x-zendesk-") for name in headers)
    footer = any(_FOOTER.match(line) or _CC_LINE.match(line) for line in body)
    named_by_sender = (
        on_behalf is not None
        and first_author is not None
        and first_author.casefold() == on_behalf.casefold()
    )
    if marker is None and not zendesk_headers and not footer and not named_by_sender:
        return None
    author = first_author or on_behalf or (sender_name or "").strip()
    if not author or not first_text:
        return None
    if first_author is None:
        marked = False
    requester = None
    if len(blocks) > 1:
        oldest, _, oldest_marked = _author_and_text(blocks[-1])
        requester = None if oldest_marked else oldest
    return Relayed(
        author=author,
        text="\n".join(first_text),
        requester=requester,
        to_requester=any(_REQUESTER_INTRO.match(line) for line in body),
        author_marked=marked,
    )


def _on_behalf_name(sender_name: str | None) -> str | None:
    """The name in "Dana Reyes (Northwind Support)"; ``None`` without the brackets."""
    found = _NAME_WITH_COMPANY.match((sender_name or "").strip())
    return found.group("name").strip() if found else None


def _comment_blocks(lines: list[str]) -> list[list[str]]:
    """The comments of a notification, newest first, without intro lines and footer.

    Comments are split at separator lines, and at each comment header after a blank
    line (an HTML notification converted to text has no separator lines left).
    """
    lines = [line for line in lines if not _INTRO.match(line)]
    blocks: list[list[str]] = [[]]
    for index, line in enumerate(lines):
        if _COMMENT_RULE.match(line):
            blocks.append([])
        elif _FOOTER.match(line):
            break
        else:
            if any(blocks[-1]) and not lines[index - 1] and _comment_header(lines, index):
                blocks.append([])
            blocks[-1].append(line)
    return [block for block in blocks if any(block)]


def _comment_header(lines: list[str], index: int) -> bool:
    """True when a comment's header (its author and time) starts at ``index``."""
    name, _, when = lines[index].partition(", ")
    if when and _is_date(when) and _is_name(name):
        return True
    following = [line for line in lines[index + 1 : index + 3] if line]
    return _is_name(lines[index]) and bool(following) and _is_date(following[0])


def _author_and_text(block: list[str]) -> tuple[str | None, list[str], bool]:
    """A comment's author, its text (attachments listing dropped), and whether the
    header shows the author as "Name (Company)".

    The header is "Name, <date>" on one line, or a name line with a date line under
    it (blank lines between are allowed).
    """
    filled = [i for i, line in enumerate(block) if line]
    author: str | None = None
    body_from = filled[0]
    first = block[filled[0]]
    name, _, when = first.partition(", ")
    if when and _is_date(when) and _is_name(name):
        author, body_from = name, filled[0] + 1
    elif _comment_header(block, filled[0]):
        author, body_from = first, filled[1] + 1
    text: list[str] = []
    for line in block[body_from:]:
        if _ATTACHMENTS.match(line):
            break
        text.append(line)
    while text and not text[0]:
        text.pop(0)
    while text and not text[-1]:
        text.pop()
    found = _NAME_WITH_COMPANY.match(author) if author is not None else None
    if found:
        return found.group("name").strip(), text, True
    return author, text, False


def _is_name(line: str) -> bool:
    return (
        0 < len(line) <= _MAX_NAME
        and len(line.split()) <= 8
        and not line.endswith((".", "?", "!", ":"))
        and not _YEAR_OR_TIME.search(line)
    )


def _is_date(line: str) -> bool:
    return len(line) <= _MAX_NAME and bool(_YEAR_OR_TIME.search(line) and _MONTH.search(line))
