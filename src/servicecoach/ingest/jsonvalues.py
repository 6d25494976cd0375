"""Reading loosely-typed JSON values: what a helpdesk export holds where a field should be.

Exports hold ids as numbers or as text, leave fields out, write ``null`` or ``""`` for
nothing, and a field the API documents as an object can be anything in a hand-edited
file. The JSON importers read every field through these helpers, so that they agree on
what counts as a value:

- :func:`obj` and :func:`ident` never raise: a value of the wrong type reads as nothing
  (an empty object, ``None``); a JSON ``true`` is never an id;
- :func:`text_or_none` strips white space, and blank text is nothing;
- :func:`int_or_none` takes JSON integers only (``true`` is not ``1``);
- :func:`text_time` and :func:`text_or_unix_time` raise
  :class:`~servicecoach.errors.InvalidRecordError` for a time they cannot read, since a
  wrong time would misplace a message; a missing time (``None``) is ``None``. The two
  differ in what they accept: dates written as text only (Zendesk, Freshdesk, Gorgias),
  or text and Unix seconds (Intercom, Help Scout).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from servicecoach.errors import InvalidRecordError
from servicecoach.model.text import shown
from servicecoach.model.timeparse import parse_epoch, parse_iso, parse_timestamp

__all__ = ["ident", "int_or_none", "obj", "text_or_none", "text_or_unix_time", "text_time"]


def obj(value: object) -> Mapping[str, Any]:
    """``value`` when it is a JSON object, else an empty one."""
    return value if isinstance(value, dict) else {}


def ident(value: object) -> str | None:
    """An id as text: integers and non-blank strings (stripped); ``None`` for anything else.

    ``true`` and ``false`` are not ids, though Python counts them as integers.
    """
    if isinstance(value, bool) or not isinstance(value, int | str):
        return None
    return str(value).strip() or None


def text_or_none(value: object) -> str | None:
    """A string, stripped; ``None`` for blank text and for anything that is not a string."""
    return value.strip() or None if isinstance(value, str) else None


def int_or_none(value: object) -> int | None:
    """A JSON integer; ``None`` for anything else (``true`` is not ``1``)."""
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def text_time(value: object, field: str) -> datetime | None:
    """A time written as text: ISO 8601 (UTC when it has no zone) or a helpdesk format.

    Args:
        value: the field's value; ``None`` when the field is absent.
        field: the field's name, for the message.

    Raises:
        InvalidRecordError: the value is not text (a number is refused, not read as Unix
            seconds), or text in no known format.
    """
    if value is None:
        return None
    if not isinstance(value, str):
        raise InvalidRecordError(f"{field} is not a date: {shown(value)}", "use ISO 8601 text")
    return parse_timestamp(value, field=field)


def text_or_unix_time(value: object, field: str) -> datetime | None:
    """A time written as ISO 8601 text (UTC when it has no zone) or as Unix seconds.

    Digits, as a number or as text (``"1714643000"``), are Unix seconds (milliseconds
    when too large for seconds).

    Args:
        value: the field's value; ``None`` when the field is absent.
        field: the field's name, for the message.

    Raises:
        InvalidRecordError: neither.
    """
    if value is None:
        return None
    if isinstance(value, str) and not value.strip().replace(".", "", 1).isdigit():
        return parse_iso(value, field=field, assume_utc=True)
    return parse_epoch(value, field=field)
