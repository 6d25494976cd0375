"""Email: ``.eml`` files and ``.mbox`` mailboxes, threaded across every file of an import.

All email files of an import are read together, so a thread whose first messages are in
a mailbox export and whose replies are single ``.eml`` files becomes one conversation.

Decisions a user should know:

- Threads are rebuilt from ``Message-ID``, ``In-Reply-To`` and ``References`` only
  (messages that share a subject but no ids stay apart). Ids a message refers to but
  that are not in the import still join the messages that refer to them.
- The thread id is ``email-<root>``, where the root is ``References[0]`` of the earliest
  message that has a ``References`` header; else the ``Message-ID`` of the earliest
  message without parents; else ``In-Reply-To`` of the earliest message. An overlapping
  export that adds or lacks messages keeps the same id, as long as replies keep the
  thread's first id in ``References`` (as RFC 5322 asks).
- A message id seen twice keeps its last copy. A message without ``Message-ID`` gets the
  stable id ``nomid-<hash of from, date, subject and body>``.
- Roles: a sender matching ``ImportOptions.support_addresses`` (addresses or domains) is
  an agent, everyone else the customer. With no support addresses, the sender of the
  earliest message of a thread is the customer and every other sender an agent (wrong
  for threads your team started: pass support addresses for those).
- The customer is the first non-agent sender (email and display name); for a thread
  written only by agents, the first recipient who is not a support address.
- Text: ``text/plain`` is preferred, else ``text/html`` is converted; quoted replies and
  signatures are trimmed. A charset that is unknown or does not match the bytes falls
  back to UTF-8, then Windows-1252 (``meta["decoded_as"]`` says which was used).
- Dates: a missing ``Date`` leaves ``at`` unset; a ``Date`` that is not an RFC 5322
  date (``yesterday``) is reported as a problem naming the file, the message and its
  ``Message-ID``, and that message is skipped (a wrong time would mislead the
  time-based skills). A date without a zone (``-0000``) is read as UTC and marked
  ``meta["date_assumed_utc"]``. Messages are ordered by time, untimed ones last.
- A file or mailbox message with none of the ``From``, ``To``, ``Subject``, ``Date`` or
  ``Message-ID`` headers, or an empty ``.eml`` file, is reported as a problem (not an
  email) and skipped, so one stray file does not stop the rest of the import. An empty
  ``.mbox`` is an empty mailbox: nothing is reported.
- ``meta["subject"]`` holds the thread's subject without ``Re:``/``Fwd:`` prefixes.
"""

from __future__ import annotations

import hashlib
import mailbox
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email import policy
from email.errors import MessageError
from email.header import decode_header, make_header
from email.message import EmailMessage
from email.message import Message as MimeMessage
from email.parser import BytesParser
from email.utils import getaddresses, parsedate_to_datetime
from pathlib import Path
from typing import Any, ClassVar

from servicecoach.errors import Problem
from servicecoach.ingest.base import Importer, ImportOptions, Item, Source
from servicecoach.model.conversation import Channel, Conversation, Customer, Message, Role
from servicecoach.model.text import html_to_text, normalize_text, trim_email_reply

__all__ = ["EmailImporter"]

_MBOX_START = re.compile(rb"From \S+.*\r?\n[!-9;-~]+:")
_HEADER_LINE = re.compile(rb"[!-9;-~]+:")
_KEY_HEADERS = {
    b"message-id",
    b"from",
    b"to",
    b"date",
    b"subject",
    b"received",
    b"mime-version",
    b"return-path",
}
_NEEDED = ("from", "to", "subject", "date", "message-id")
_MSG_ID = re.compile(r"<([^<>]+)>")
_FOLD = re.compile(r"\r?\n(?=[ \t])")
_PREFIX = re.compile(r"^(?:\s*(?:re|fwd?|aw|wg|sv|antw)\s*(?:\[\d+\])?\s*:)+\s*", re.I)
_EARLIEST = datetime.min.replace(tzinfo=UTC)
_PARSE_ERRORS = (MessageError, LookupError, ValueError, TypeError, IndexError, AttributeError)
_NOT_EMAIL_FIX = "pass only .eml files and mbox mailboxes, or choose another --format"
_DATE_FIX = "expected an RFC 5322 date such as Tue, 01 May 2024 09:12:00 +0000"


@dataclass(slots=True)
class _Mail:
    """One parsed email, before it is placed in a thread."""

    id: str
    references: tuple[str, ...]
    in_reply_to: tuple[str, ...]
    address: str
    name: str | None
    recipients: tuple[tuple[str, str], ...]
    at: datetime | None
    subject: str
    text: str
    order: int = 0
    meta: dict[str, Any] = field(default_factory=dict)

    @property
    def parents(self) -> tuple[str, ...]:
        return tuple(p for p in (*self.references, *self.in_reply_to) if p != self.id)

    def sort_key(self) -> tuple[bool, datetime, int]:
        return (self.at is None, self.at or _EARLIEST, self.order)


class EmailImporter(Importer):
    """Email threads from ``.eml`` files and ``.mbox`` mailboxes."""

    name: ClassVar[str] = "email"
    title: ClassVar[str] = "Email (.eml files and .mbox mailboxes), threaded across files"
    extensions: ClassVar[tuple[str, ...]] = (".eml", ".mbox")
    reads_together: ClassVar[bool] = True
    message_ids_are_global: ClassVar[bool] = True
    """Message ids are ``Message-ID`` headers (or a hash of the message without one)."""

    def detect(self, path: Path, head: bytes) -> int:
        """Recognise an mbox ``From`` line or a block of email headers."""
        suffix = path.suffix.lower()
        if _MBOX_START.match(head.lstrip(b"\r\n")):
            return 100 if suffix == ".mbox" else 90
        if _looks_like_headers(head):
            return 100 if suffix in self.extensions else 70
        return 20 if suffix in self.extensions else 0

    def read(self, sources: Sequence[Source], options: ImportOptions) -> Iterator[Item]:
        """Yield one conversation per thread found across all of ``sources``."""
        mails: dict[str, _Mail] = {}
        order = 0
        for source in sources:
            for item in _read_source(source):
                if isinstance(item, Problem):
                    yield item
                    continue
                order += 1
                item.order = order
                mails.pop(item.id, None)  # the last copy wins
                mails[item.id] = item
        threads = sorted(_threads(mails.values()), key=lambda t: t[0].sort_key())
        for thread in threads:
            yield _conversation(thread, options, self.name)


def _looks_like_headers(head: bytes) -> bool:
    """True when ``head`` starts with a header block naming at least two usual headers."""
    block = re.split(rb"\r?\n\r?\n", head.lstrip(b"\xef\xbb\xbf"), maxsplit=1)[0]
    lines = block.splitlines()
    if len(block) == len(head) and len(lines) > 1:
        lines = lines[:-1]  # the last line may be cut off
    if not lines or not _HEADER_LINE.match(lines[0]):
        return False
    names = set()
    for line in lines:
        if line[:1] in (b" ", b"\t"):
            continue
        if not _HEADER_LINE.match(line):
            return False
        names.add(line.split(b":", 1)[0].strip().lower())
    return len(names & _KEY_HEADERS) >= 2


def _read_source(source: Source) -> Iterator[_Mail | Problem]:
    with source.path.open("rb") as handle:
        start = handle.read(1024).lstrip(b"\r\n")
    if start.startswith(b"From "):
        yield from _read_mbox(source)
        return
    with source.open_binary() as handle:
        data = handle.read()
    if not data.strip():
        if source.path.suffix.lower() != ".mbox":  # an empty mailbox is a valid mailbox
            yield source.problem("", "the file is empty", _NOT_EMAIL_FIX)
        return
    try:
        yield _parse(data)
    except _NotEmail as exc:
        yield source.problem("", str(exc), _NOT_EMAIL_FIX)
    except _BadHeader as exc:
        where = f"Message-ID <{exc.message_id}>" if exc.message_id else ""
        yield source.problem(where, exc.message, exc.fix)
    except _PARSE_ERRORS as exc:
        yield source.problem("", f"the email cannot be read ({exc})", "re-export the message")


def _read_mbox(source: Source) -> Iterator[_Mail | Problem]:
    box = mailbox.mbox(source.path, create=False)
    try:
        keys = box.keys()
        for index, key in enumerate(keys, start=1):
            where = f"message {index}"
            try:
                yield _parse(box.get_bytes(key))
            except _NotEmail as exc:
                yield source.problem(where, str(exc), "check the mailbox export")
            except _BadHeader as exc:
                if exc.message_id:
                    where = f"{where} (Message-ID <{exc.message_id}>)"
                yield source.problem(where, exc.message, exc.fix)
            except _PARSE_ERRORS as exc:
                yield source.problem(
                    where, f"the message cannot be read ({exc})", "check the mailbox export"
                )
            source.advance(index / len(keys))
    finally:
        box.close()
    source.advance(1.0)


class _NotEmail(Exception):
    """The bytes have none of the headers every email has."""


class _BadHeader(Exception):
    """A header the message needs cannot be read; the message is skipped.

    Attributes:
        message: what is wrong.
        fix: how to fix it.
        message_id: the message's ``Message-ID`` (without ``<>``), or ``None``.
    """

    def __init__(self, message: str, fix: str, message_id: str | None) -> None:
        super().__init__(message)
        self.message = message
        self.fix = fix
        self.message_id = message_id


def _parse(data: bytes) -> _Mail:
    """Read one email's ids, sender, date, subject and text.

    Raises:
        _NotEmail: no usual email header is present.
        _BadHeader: the ``Date`` header is present but not a date.
    """
    message = BytesParser(policy=policy.default).parsebytes(data)
    headers: dict[str, list[str]] = {}
    for key, value in message.raw_items():
        headers.setdefault(key.lower(), []).append(_FOLD.sub("", _clean(str(value))).strip())
    if not any(headers.get(key) for key in _NEEDED):
        raise _NotEmail("not an email: none of the From, To, Subject, Date, Message-ID headers")

    def first(key: str) -> str:
        return headers.get(key, [""])[0]

    sender = getaddresses([first("from")]) if first("from") else []
    name, address = sender[0] if sender else ("", "")
    meta: dict[str, Any] = {}
    if address:
        meta["from"] = address.lower()
    ids = _ids(first("message-id"))
    at = _date(first("date"), meta, ids[0] if ids else None)
    subject = _decode_words(first("subject"))
    text = _body(message, meta)
    attachments = _attachments(message)
    if attachments:
        meta["attachments"] = attachments
    mail_id = ids[0] if ids else _synthetic_id(first("from"), first("date"), subject, text)
    recipients = tuple(
        (_decode_words(n), a.lower()) for n, a in getaddresses(headers.get("to", [])) if a
    )
    return _Mail(
        id=mail_id,
        references=_ids(" ".join(headers.get("references", []))),
        in_reply_to=_ids(first("in-reply-to")),
        address=address.lower(),
        name=_decode_words(name) or None,
        recipients=recipients,
        at=at,
        subject=subject,
        text=trim_email_reply(text) if text else "",
        meta=meta,
    )


def _clean(value: str) -> str:
    """Undo the parser's surrogate escapes of raw 8-bit header bytes."""
    if not any("\udc80" <= char <= "\udcff" for char in value):
        return value
    return _decode_bytes(value.encode("utf-8", "surrogateescape"), None)[0]


def _decode_words(value: str) -> str:
    """Decode RFC 2047 encoded words; a bad charset or encoding falls back, never fails."""
    if "=?" not in value:
        return value.strip()
    try:
        return str(make_header(decode_header(value))).strip()
    except _PARSE_ERRORS:
        pass
    try:
        parts = decode_header(value)
    except _PARSE_ERRORS:
        return value.strip()
    return "".join(
        _decode_bytes(chunk, charset)[0] if isinstance(chunk, bytes) else chunk
        for chunk, charset in parts
    ).strip()


def _decode_bytes(data: bytes, charset: str | None) -> tuple[str, str]:
    """Decode with the declared charset, else UTF-8, else Windows-1252 (lossy)."""
    for candidate in (charset, "utf-8"):
        if not candidate:
            continue
        try:
            return data.decode(candidate), candidate
        except (LookupError, UnicodeError):
            continue
    return data.decode("cp1252", errors="replace"), "cp1252"


def _ids(value: str) -> tuple[str, ...]:
    """Message ids in a header, without ``<>``; a bare id without brackets is taken whole."""
    found = [re.sub(r"\s+", "", item) for item in _MSG_ID.findall(value)]
    if not found and "@" in value and len(value.split()) == 1:
        found = [value.strip()]
    return tuple(dict.fromkeys(item for item in found if item))


def _synthetic_id(sender: str, date: str, subject: str, body: str) -> str:
    digest = hashlib.sha256("\x00".join((sender, date, subject, body)).encode("utf-8"))
    return f"nomid-{digest.hexdigest()[:16]}"


def _date(value: str, meta: dict[str, Any], message_id: str | None) -> datetime | None:
    """The ``Date`` header's time; ``None`` without one.

    Raises:
        _BadHeader: the header is present but not a date.
    """
    if not value:
        return None
    try:
        parsed = parsedate_to_datetime(value)
    except (ValueError, TypeError, IndexError, OverflowError):
        raise _BadHeader(f"'Date' is not a date: {value!r}", _DATE_FIX, message_id) from None
    if parsed.utcoffset() is None:
        meta["date_assumed_utc"] = True
        parsed = parsed.replace(tzinfo=UTC)
    return parsed


def _body(message: EmailMessage, meta: dict[str, Any]) -> str:
    """The message's text: plain preferred, else HTML converted; not yet trimmed."""
    part: MimeMessage | None = message.get_body(preferencelist=("plain", "html"))
    if part is None:
        part = next(
            (p for p in message.walk() if p.get_content_maintype() == "text"),
            None,
        )
    if part is None:
        return ""
    payload = part.get_payload(decode=True)
    if not isinstance(payload, bytes):
        return ""
    charset = part.get_content_charset()
    text, used = _decode_bytes(payload, charset)
    if charset and used != charset:
        meta["decoded_as"] = used
    if part.get_content_subtype() == "html":
        return html_to_text(text)
    return normalize_text(text)


def _attachments(message: EmailMessage) -> list[str]:
    if not message.is_multipart():
        return []
    return [
        _decode_words(str(part.get_filename() or part.get_content_type()))
        for part in message.iter_attachments()
    ]


class _UnionFind:
    """Groups message ids that refer to each other."""

    def __init__(self) -> None:
        self._parent: dict[str, str] = {}

    def find(self, item: str) -> str:
        root = self._parent.setdefault(item, item)
        while root != self._parent[root]:
            root = self._parent[root]
        while item != root:  # path compression
            self._parent[item], item = root, self._parent[item]
        return root

    def union(self, a: str, b: str) -> None:
        root_a, root_b = self.find(a), self.find(b)
        if root_a != root_b:
            self._parent[max(root_a, root_b)] = min(root_a, root_b)


def _threads(mails: Iterable[_Mail]) -> list[list[_Mail]]:
    """Mails grouped into threads, each in chronological order."""
    groups = _UnionFind()
    mails = list(mails)
    for mail in mails:
        groups.find(mail.id)
        for parent in mail.parents:
            groups.union(mail.id, parent)
    threads: dict[str, list[_Mail]] = {}
    for mail in mails:
        threads.setdefault(groups.find(mail.id), []).append(mail)
    return [sorted(thread, key=_Mail.sort_key) for thread in threads.values()]


def _root(thread: Sequence[_Mail]) -> str:
    """The thread's id, chosen so that overlapping exports agree (see the module doc)."""
    for mail in thread:
        if mail.references and mail.references[0] != mail.id:
            return mail.references[0]
    for mail in thread:
        if not mail.parents:
            return mail.id
    return thread[0].parents[0] if thread[0].parents else thread[0].id


def _conversation(thread: Sequence[_Mail], options: ImportOptions, source: str) -> Conversation:
    if options.support_addresses:
        agents = {m.address for m in thread if options.is_support_address(m.address)}
    else:
        agents = {m.address for m in thread} - {thread[0].address}
    messages = tuple(
        Message(
            id=mail.id,
            role=Role.AGENT if mail.address in agents else Role.CUSTOMER,
            text=mail.text,
            author=mail.name or mail.address or None,
            at=mail.at,
            meta=mail.meta,
        )
        for mail in thread
    )
    meta: dict[str, Any] = {}
    subject = next((m.subject for m in thread if m.subject), "")
    if subject:
        meta["subject"] = _PREFIX.sub("", subject).strip() or subject
    return Conversation(
        id=f"{source}-{_root(thread)}",
        channel=Channel.EMAIL,
        messages=messages,
        customer=_customer(thread, agents, options),
        public=False,
        source=source,
        meta=meta,
    )


def _customer(thread: Sequence[_Mail], agents: set[str], options: ImportOptions) -> Customer:
    for mail in thread:
        if mail.address not in agents:
            return Customer(name=mail.name, email=mail.address or None)
    for name, address in thread[0].recipients:
        if not options.is_support_address(address):
            return Customer(name=name or None, email=address)
    return Customer()
