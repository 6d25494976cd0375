"""Timestamps: parse what sources write, always return timezone-aware datetimes.

Every parsed time can be converted to UTC: a time whose zone moves it out of the years
1-9999 (``9999-12-31T23:59:59-14:00``) is refused here, as a problem with the record,
instead of failing later when it is stored or compared.
"""

from __future__ import annotations

from datetime import UTC, datetime

from servicecoach.errors import InvalidRecordError
from servicecoach.model.text import shown

__all__ = ["check_utc_range", "format_iso", "parse_epoch", "parse_iso", "parse_timestamp"]

_ISO_FIX = "expected ISO 8601 with a zone, e.g. 2024-05-01T10:00:00Z"
_RANGE_FIX = "in UTC the time must fall in the years 1 to 9999"
_EXTRA_FORMATS = (
    "%a %b %d %H:%M:%S %z %Y",  # Twitter: Tue Oct 31 22:10:47 +0000 2017
    "%Y-%m-%d %H:%M:%S %z",  # Zendesk CSV / many exports: 2024-05-01 09:12:00 +0000
    "%Y/%m/%d %H:%M:%S %z",  # Zendesk JSON (older API): 2024/05/01 09:12:00 +0000
)


def _name(field: str) -> str:
    """``'at'`` for a bare field name; a longer description is used as it is."""
    return f"'{field}'" if field.isidentifier() else field


def check_utc_range(parsed: datetime, value: object, *, field: str = "at") -> datetime:
    """``parsed`` when it has a UTC equivalent (years 1-9999 in UTC).

    Args:
        parsed: a timezone-aware time.
        value: what the source wrote, for the message.
        field: the field name, used in the message.

    Raises:
        InvalidRecordError: its zone offset moves it before year 1 or after year 9999.
    """
    try:
        parsed.astimezone(UTC)
    except OverflowError:
        raise InvalidRecordError(
            f"{_name(field)} is out of range: {shown(value)}", _RANGE_FIX
        ) from None
    return parsed


def parse_iso(value: str, *, field: str = "at", assume_utc: bool = False) -> datetime:
    """Parse an ISO 8601 timestamp that carries a zone.

    Args:
        value: the text, e.g. ``"2024-05-01T09:12:00Z"``.
        field: the field name, used in the error message.
        assume_utc: treat a timestamp without a zone as UTC instead of rejecting it.

    Raises:
        InvalidRecordError: the text is not ISO 8601, has no zone and ``assume_utc`` is
            false, or is out of range in UTC.
    """
    try:
        parsed = datetime.fromisoformat(value.strip())
    except (ValueError, AttributeError):
        raise InvalidRecordError(
            f"{_name(field)} is not a date: {shown(value)}", _ISO_FIX
        ) from None
    if parsed.utcoffset() is None:
        if not assume_utc:
            raise InvalidRecordError(
                f"{_name(field)} has no time zone: {shown(value)}",
                "add a zone such as Z or +02:00",
            )
        parsed = parsed.replace(tzinfo=UTC)
    return check_utc_range(parsed, value, field=field)


def parse_timestamp(value: str, *, field: str = "at", assume_utc: bool = True) -> datetime:
    """Parse ISO 8601 or one of the formats helpdesks and Twitter export.

    Raises:
        InvalidRecordError: no known format matches, or the time is out of range in UTC.
    """
    text = value.strip()
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        pass
    else:
        if parsed.utcoffset() is None and assume_utc:
            parsed = parsed.replace(tzinfo=UTC)
        if parsed.utcoffset() is not None:
            return check_utc_range(parsed, value, field=field)
    for fmt in _EXTRA_FORMATS:
        try:
            parsed = datetime.strptime(text, fmt)
        except ValueError:
            continue
        return check_utc_range(parsed, value, field=field)
    raise InvalidRecordError(f"{_name(field)} is not a date: {shown(value)}", _ISO_FIX)


def parse_epoch(value: object, *, field: str = "created_at") -> datetime:
    """Parse seconds (or milliseconds) since 1970 as a UTC datetime.

    Raises:
        InvalidRecordError: the value is not a number in a plausible range.
    """
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise InvalidRecordError(
            f"{_name(field)} is not a Unix time: {shown(value)}", "expected seconds"
        )
    try:
        seconds = float(value)
    except (ValueError, OverflowError):  # not a number; an integer too large for a float
        raise InvalidRecordError(
            f"{_name(field)} is not a Unix time: {shown(value)}", "expected seconds since 1970"
        ) from None
    if seconds > 1e11:  # milliseconds
        seconds /= 1000
    if not 0 <= seconds < 1e11:
        raise InvalidRecordError(
            f"{_name(field)} is out of range: {shown(value)}", "expected seconds"
        )
    return datetime.fromtimestamp(seconds, tz=UTC)


def format_iso(value: datetime) -> str:
    """Write a datetime as ISO 8601, using ``Z`` for UTC (the native format's style)."""
    text = value.isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text
