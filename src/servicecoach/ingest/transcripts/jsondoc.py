"""Helpers shared by the JSON transcript importers: loading, sniffing, reading times."""

from __future__ import annotations

import math
import re
from typing import Any

from servicecoach.errors import InvalidFileError, InvalidRecordError
from servicecoach.ingest.base import Source
from servicecoach.ingest.jsonload import load_json_document
from servicecoach.model.text import shown

__all__ = ["OTHER_FORMAT_KEYS", "has_key", "load_object", "looks_like_json_object", "seconds"]

OTHER_FORMAT_KEYS = ("messages", "tickets", "payload", "conversations")
"""Top-level keys of the other JSON formats (native, Zendesk, Chatwoot, ...): never a transcript."""

_BOM = b"\xef\xbb\xbf"
_BACKSLASH = 0x5C
_COLON = re.compile(rb"\s*:")


def looks_like_json_object(head: bytes) -> bool:
    """True when the file starts (after a BOM and blanks) with ``{``."""
    if head.startswith(_BOM):
        head = head[len(_BOM) :]
    return head.lstrip(b" \t\r\n").startswith(b"{")


def has_key(head: bytes, key: str) -> bool:
    """True when ``"key":`` appears in ``head`` as a JSON key (not escaped inside a string).

    A plain substring search, then a look at the bytes around each hit: a regular
    expression starting with a look-behind tried every position of a 64 KiB head
    (half a millisecond a key, seconds for a folder of calls).
    """
    needle = b'"' + key.encode() + b'"'
    at = head.find(needle)
    while at >= 0:
        if (at == 0 or head[at - 1] != _BACKSLASH) and _COLON.match(head, at + len(needle)):
            return True
        at = head.find(needle, at + 1)
    return False


def load_object(source: Source, what: str) -> dict[str, Any]:
    """The file's JSON document, which must be an object.

    Args:
        source: the file.
        what: the format's name for messages, e.g. ``"an AWS Transcribe result"``.

    Raises:
        InvalidFileError: the file is not UTF-8, not JSON, or not a JSON object.
    """
    data = load_json_document(source, f"the file must be {what} as one JSON document")
    if not isinstance(data, dict):
        raise InvalidFileError(
            source.problem(
                "",
                f"the JSON document is a {type(data).__name__}, not an object",
                f"expected {what}",
            )
        )
    return data


def seconds(value: Any, field: str) -> float:
    """A time in seconds from a JSON number or a numeric string (AWS writes ``"1.25"``).

    Raises:
        InvalidRecordError: the value is missing, not a number, negative or not finite.
    """
    if value is None:
        raise InvalidRecordError(f"{field!r} is missing", "every timed entry needs it, in seconds")
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise InvalidRecordError(f"{field!r} is not a number of seconds: {shown(value)}")
    try:
        number = float(value)
    except (ValueError, OverflowError):
        raise InvalidRecordError(
            f"{field!r} is not a number of seconds: {shown(value)}", "e.g. 12.48"
        ) from None
    if not math.isfinite(number) or number < 0:
        raise InvalidRecordError(
            f"{field!r} must be a finite number of seconds, at least 0: {shown(value)}"
        )
    return number
