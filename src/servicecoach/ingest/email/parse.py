"""One email's bytes to a :class:`Mail`: ids, sender, date, subject and text.

Headers are read as the message gives them (folded lines joined, raw 8-bit bytes decoded
as UTF-8 or Windows-1252); the text is ``text/plain`` when there is one, else
``text/html`` converted, with a charset that is unknown or does not match the bytes
falling back to UTF-8, then Windows-1252. UTF-8 bytes labelled with a one-byte charset
(ISO-8859-1...) are read as UTF-8, and a ``text/plain`` part that is plainly HTML is
converted. A ``Date`` more than two days after the mail was received is not trusted
(:func:`_trusted_time`). A helpdesk notification keeps only the comment it relays
(:mod:`servicecoach.ingest.email.helpdesk`).
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email import policy
from email.errors import MessageError, StartBoundaryNotFoundDefect
from email.header import decode_header, make_header
from email.message import EmailMessage
from email.message import Message as MimeMessage
from email.parser import BytesParser
from email.utils import getaddresses, parsedate_to_datetime
from typing import Any, cast

from servicecoach.errors import InvalidRecordError
from servicecoach.ingest.email.helpdesk import Relayed, relayed_comment
from servicecoach.model.text import html_to_text, normalize_text, shown, trim_email_reply
from servicecoach.model.timeparse import check_utc_range

__all__ = ["BadHeader", "Mail", "NotEmail", "UnreadableEmail", "parse_email"]

_NEEDED = ("from", "to", "subject", "date", "message-id")
_MSG_ID = re.compile(r"<([^<>]+)>")
_ADDRESS = re.compile(r"[^\s<>@,;\"']+@[^\s<>@,;\"']+")
_FOLD = re.compile(r"\r?\n(?=[ \t])")
_EARLIEST = datetime.min.replace(tzinfo=UTC)
_PARSE_ERRORS = (MessageError, LookupError, ValueError, TypeError, IndexError, AttributeError)
_DATE_FIX = "expected an RFC 5322 date such as Tue, 01 May 2024 09:12:00 +0000"
_FUTURE_SLACK = timedelta(days=2)
"""How far after its receipt (or the import) a ``Date`` may be: clocks and zones err."""
_ONE_BYTE_CHARSET = re.compile(
    r"^(?:us-ascii|ascii|iso[-_]?8859[-_]?\d+|latin[-_]?\d|l\d|(?:windows|cp)[-_]?125\d|"
    r"koi8[-_]?[ru]|mac(?:intosh|roman)?|(?:ibm|cp)\d{3})$",
    re.I,
)
_HTML_TAGS = re.compile(
    r"</?(?:html|head|body|p|div|br|span|table|tr|td|font|b|i|a|ul|ol|li|hr|pre|h\d)\b[^>]*>",
    re.I,
)
_HTML_MIN_TAGS = 3


@dataclass(slots=True)
class Mail:
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
    relayed: Relayed | None = None
    """The comment a helpdesk notification relays (its author is not the sender)."""

    @property
    def parents(self) -> tuple[str, ...]:
        """The ids this mail answers or refers to (not its own)."""
        return tuple(p for p in (*self.references, *self.in_reply_to) if p != self.id)

    def sort_key(self) -> tuple[bool, datetime, int]:
        """Chronological order: by time, untimed mails last, then in the order read."""
        return (self.at is None, self.at or _EARLIEST, self.order)


class NotEmail(Exception):
    """The bytes have none of the headers every email has."""


class BadHeader(Exception):
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


class UnreadableEmail(Exception):
    """The email library cannot read the message (its text says why)."""


def parse_email(data: bytes) -> Mail:
    """Read one email's ids, sender, date, subject and text.

    Raises:
        NotEmail: no usual email header is present.
        BadHeader: the ``Date`` header is present but not a date.
        UnreadableEmail: the email library cannot read it.
    """
    try:
        return _parse(data)
    except (NotEmail, BadHeader):
        raise
    except _PARSE_ERRORS as exc:
        raise UnreadableEmail(str(exc)) from exc


def _parse(data: bytes) -> Mail:
    message = BytesParser(policy=policy.default).parsebytes(data)
    headers: dict[str, list[str]] = {}
    for key, value in message.raw_items():
        headers.setdefault(key.lower(), []).append(_FOLD.sub("", _clean(str(value))).strip())
    if not any(headers.get(key) for key in _NEEDED):
        raise NotEmail("not an email: none of the From, To, Subject, Date, Message-ID headers")

    def first(key: str) -> str:
        return headers.get(key, [""])[0]

    sender = _addresses([first("from")]) if first("from") else []
    name, address = sender[0] if sender else ("", "")
    meta: dict[str, Any] = {}
    if address:
        meta["from"] = address.lower()
    ids = _ids(first("message-id"))
    at = _date(first("date"), meta, ids[0] if ids else None)
    if at is not None:
        at = _trusted_time(at, headers.get("received", []), meta)
    subject = _decode_words(first("subject"))
    content = _readable(message, data)
    body = _body_part(content)
    text = _body(body, meta) if body is not None else ""
    relayed = relayed_comment(text, headers, _decode_words(name)) if text else None
    if relayed is not None:
        text = relayed.text
        meta["relayed_by"] = address.lower()
    attachments = _attachments(content, body)
    if attachments:
        meta["attachments"] = attachments
    if not text:
        meta["no_text"] = "only attachments" if attachments else "no text in the mail"
    mail_id = ids[0] if ids else _synthetic_id(first("from"), first("date"), subject, text)
    recipients = tuple((_decode_words(n), a.lower()) for n, a in _addresses(headers.get("to", [])))
    return Mail(
        id=mail_id,
        references=_ids(" ".join(headers.get("references", []))),
        in_reply_to=_ids(first("in-reply-to")),
        address=address.lower(),
        name=relayed.author if relayed else _decode_words(name) or None,
        recipients=recipients,
        at=at,
        subject=subject,
        text=trim_email_reply(text) if text else "",
        meta=meta,
        relayed=relayed,
    )


def _addresses(values: list[str]) -> list[tuple[str, str]]:
    """The (name, address) pairs of address headers; bare addresses separated by spaces
    (``a@x.example b@x.example``), which the standard reader garbles, are found too."""
    found = [(name, address) for name, address in getaddresses(values) if address]
    if all(_ADDRESS.fullmatch(address) for _, address in found):
        return found
    return [("", address) for value in values for address in _ADDRESS.findall(value)]


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
    """Decode with the declared charset, else UTF-8, else Windows-1252 (lossy).

    Bytes labelled with a one-byte charset (ISO-8859-1, Windows-1252...) that are valid
    UTF-8 with non-ASCII characters are UTF-8: read as the label says they would give
    mojibake ("cafÃ©"), and text really in such a charset is (almost) never valid UTF-8.
    """
    if charset and _ONE_BYTE_CHARSET.match(charset.strip()) and not data.isascii():
        try:
            return data.decode("utf-8"), "utf-8"
        except UnicodeDecodeError:
            pass
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
        BadHeader: the header is present but not a date, or out of range in UTC.
    """
    if not value:
        return None
    try:
        parsed = parsedate_to_datetime(value)
    except (ValueError, TypeError, IndexError, OverflowError):
        raise BadHeader(f"'Date' is not a date: {shown(value)}", _DATE_FIX, message_id) from None
    if parsed.utcoffset() is None:
        meta["date_assumed_utc"] = True
        parsed = parsed.replace(tzinfo=UTC)
    try:
        return check_utc_range(parsed, value, field="Date")
    except InvalidRecordError as exc:
        raise BadHeader(exc.message, exc.fix, message_id) from None


def _trusted_time(at: datetime, received: list[str], meta: dict[str, Any]) -> datetime | None:
    """``at`` (the ``Date``), unless it is more than two days after the mail was received.

    A sender's clock can be wrong by years (``3609``); the receiving server's is not.
    The reference is the newest ``Received`` header (the last hop, added by your own
    mail server), else the time of the import. An untrusted ``Date`` is replaced by that
    ``Received`` time (``meta["time_from"] = "received"``), or, without one, the time is
    left unknown; either way ``meta["date_untrusted"]`` keeps the ``Date`` as written.
    """
    receipt = _received_time(received[0]) if received else None
    limit = (receipt or datetime.now(UTC)) + _FUTURE_SLACK
    if at <= limit:
        return at
    meta["date_untrusted"] = at.isoformat()
    if receipt is None:
        return None
    meta["time_from"] = "received"
    return receipt


def _received_time(header: str) -> datetime | None:
    """The time at the end of a ``Received`` header (after its last ``;``)."""
    _, semicolon, when = header.rpartition(";")
    if not semicolon:
        return None
    try:
        parsed = parsedate_to_datetime(when.strip())
        checked = check_utc_range(parsed, when, field="Received")
    except (ValueError, TypeError, IndexError, OverflowError, InvalidRecordError):
        return None
    return checked if checked.utcoffset() is not None else checked.replace(tzinfo=UTC)


def _readable(message: EmailMessage, data: bytes) -> EmailMessage:
    """``message``, or read again by the lenient legacy parser when its multipart
    boundary could not be read (unquoted, with ``=``: ``boundary=----=_Part_1``)."""
    if any(isinstance(d, StartBoundaryNotFoundDefect) for d in message.defects):
        lenient = BytesParser(_class=EmailMessage, policy=policy.compat32).parsebytes(data)
        return cast(EmailMessage, lenient)
    return message


def _body_part(message: EmailMessage) -> MimeMessage | None:
    """The part holding the text: plain preferred, else HTML, else any text part."""
    part: MimeMessage | None = message.get_body(preferencelist=("plain", "html"))
    if part is None:
        part = next((p for p in message.walk() if p.get_content_maintype() == "text"), None)
    return part


def _body(part: MimeMessage, meta: dict[str, Any]) -> str:
    """The text of the body part: HTML converted; not yet trimmed."""
    payload = part.get_payload(decode=True)
    if not isinstance(payload, bytes):
        return ""
    charset = part.get_content_charset()
    text, used = _decode_bytes(payload, charset)
    if charset and used != charset:
        meta["decoded_as"] = used
    if part.get_content_subtype() == "html":
        return html_to_text(text)
    if _plainly_html(text):
        meta["html_in_plain"] = True
        return html_to_text(text)
    return normalize_text(text)


def _plainly_html(text: str) -> bool:
    """True for a ``text/plain`` part that is really HTML: it starts with a tag and has
    several."""
    return text.lstrip().startswith("<") and len(_HTML_TAGS.findall(text)) >= _HTML_MIN_TAGS


def _attachments(message: EmailMessage, body: MimeMessage | None) -> list[str]:
    """The names (else types) of the parts that are not the text: files, images, mails.

    A text part without a file name is an alternative of the body (its HTML version),
    not an attachment. An attached mail counts once, not by its own parts.
    """
    names: list[str] = []
    pending: list[MimeMessage] = [message]
    while pending:  # a loop: parts can be nested very deeply
        part = pending.pop()
        if part.get_content_maintype() == "multipart":  # an empty one holds nothing
            payload = part.get_payload()
            if isinstance(payload, list):
                pending.extend(p for p in reversed(payload) if isinstance(p, MimeMessage))
            continue
        if part is body:
            continue
        filename = part.get_filename()
        if (
            filename
            or part.get_content_maintype() != "text"
            or (part.get_content_disposition() == "attachment")
        ):
            names.append(_decode_words(str(filename or part.get_content_type())))
    return names
