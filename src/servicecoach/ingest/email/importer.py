"""The email importer: detects email files and reads them into threads."""

from __future__ import annotations

import mailbox
import re
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import ClassVar

from servicecoach.errors import Problem
from servicecoach.ingest.base import Importer, ImportOptions, Item, Source
from servicecoach.ingest.email.parse import (
    BadHeader,
    Mail,
    NotEmail,
    UnreadableEmail,
    parse_email,
)
from servicecoach.ingest.email.threads import build_conversation, group_threads

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
_NOT_EMAIL_FIX = "pass only .eml files and mbox mailboxes, or choose another --format"


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
        mails: dict[str, Mail] = {}
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
        threads = sorted(group_threads(mails.values()), key=lambda t: t[0].sort_key())
        for thread in threads:
            yield build_conversation(thread, options, self.name)


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


def _read_source(source: Source) -> Iterator[Mail | Problem]:
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
        yield parse_email(data)
    except NotEmail as exc:
        yield source.problem("", str(exc), _NOT_EMAIL_FIX)
    except BadHeader as exc:
        where = f"Message-ID <{exc.message_id}>" if exc.message_id else ""
        yield source.problem(where, exc.message, exc.fix)
    except UnreadableEmail as exc:
        yield source.problem("", f"the email cannot be read ({exc})", "re-export the message")


def _read_mbox(source: Source) -> Iterator[Mail | Problem]:
    box = mailbox.mbox(source.path, create=False)
    try:
        keys = box.keys()
        for index, key in enumerate(keys, start=1):
            where = f"message {index}"
            try:
                yield parse_email(box.get_bytes(key))
            except NotEmail as exc:
                yield source.problem(where, str(exc), "check the mailbox export")
            except BadHeader as exc:
                if exc.message_id:
                    where = f"{where} (Message-ID <{exc.message_id}>)"
                yield source.problem(where, exc.message, exc.fix)
            except UnreadableEmail as exc:
                yield source.problem(
                    where, f"the message cannot be read ({exc})", "check the mailbox export"
                )
            source.advance(index / len(keys))
    finally:
        box.close()
    source.advance(1.0)
