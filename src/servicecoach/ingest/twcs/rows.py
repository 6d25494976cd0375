"""TWCS rows: the CSV read line by line, each valid row a :class:`Tweet`.

See :mod:`servicecoach.ingest.twcs` for the rules (columns, bad rows, carriage returns).
"""

from __future__ import annotations

import csv
import io
import re
import sys
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime
from typing import NamedTuple, TextIO

from servicecoach.errors import InvalidFileError, InvalidRecordError, Problem
from servicecoach.ingest.base import Source
from servicecoach.ingest.textfile import decode_problem, open_text
from servicecoach.model.text import shown
from servicecoach.model.timeparse import parse_timestamp

__all__ = ["Columns", "Progress", "Tweet", "find_columns", "scan"]

_COLUMNS = (
    "tweet_id",
    "author_id",
    "inbound",
    "created_at",
    "text",
    "response_tweet_id",
    "in_response_to_tweet_id",
)
_INDEX_NAMES = {"", "unnamed: 0", "index"}
_INBOUND = {"true": True, "false": False, "1": True, "0": False}
_MONTHS = {
    name: number
    for number, name in enumerate(
        ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"),
        start=1,
    )
}
_ID = re.compile(r"\s*([0-9]{1,30})(?:\.0*)?\s*")
_CR = "\uffff"  # stands for a bare carriage return while csv splits the row
_PROGRESS_EVERY = 4096
_HEADER_FIX = "the first line must name the columns: " + ",".join(_COLUMNS)


class Columns(NamedTuple):
    """Where each column is in a row, and how many columns a row has."""

    tweet_id: int
    author: int
    inbound: int
    created_at: int
    text: int
    replies: int
    parent: int
    width: int


class Tweet(NamedTuple):
    """One valid row, compact: only what a conversation needs."""

    id: int
    author: str
    inbound: bool
    at: datetime
    text: str
    parent: int | None
    replies: tuple[int, ...]


def find_columns(header: Sequence[str]) -> Columns | None:
    """Where each TWCS column is in ``header``; ``None`` when it is not a TWCS header."""
    names = [name.strip().lower() for name in header]
    if not set(_COLUMNS) <= set(names):
        return None
    if any(name not in _COLUMNS and name not in _INDEX_NAMES for name in names):
        return None
    at = names.index
    return Columns(
        tweet_id=at("tweet_id"),
        author=at("author_id"),
        inbound=at("inbound"),
        created_at=at("created_at"),
        text=at("text"),
        replies=at("response_tweet_id"),
        parent=at("in_response_to_tweet_id"),
        width=len(names),
    )


def _tweet_id(value: str, column: str) -> int:
    if value.isdigit() and value.isascii() and len(value) <= 30:
        return int(value)
    match = _ID.fullmatch(value)
    if match is None:
        raise InvalidRecordError(
            f"{column!r} is not a tweet id: {shown(value)}", "tweet ids are whole numbers"
        )
    return int(match.group(1))


def _created_at(value: str) -> datetime:
    parts = value.split()
    if len(parts) == 6 and parts[4] == "+0000" and parts[1] in _MONTHS:
        try:
            hour, minute, second = map(int, parts[3].split(":"))
            return datetime(
                int(parts[5]), _MONTHS[parts[1]], int(parts[2]), hour, minute, second, tzinfo=UTC
            )
        except ValueError:
            pass
    return parse_timestamp(value, field="created_at")


def _parse_row(row: Sequence[str], columns: Columns) -> Tweet:
    if len(row) != columns.width:
        raise InvalidRecordError(
            f"the row has {len(row)} columns, expected {columns.width}",
            "quote fields that contain commas, quotes or line breaks",
        )
    if not row[columns.tweet_id].strip():
        raise InvalidRecordError("'tweet_id' is empty", "every row needs its tweet id")
    tweet_id = _tweet_id(row[columns.tweet_id], "tweet_id")
    author = row[columns.author].replace(_CR, "").strip()
    if not author:
        raise InvalidRecordError("'author_id' is empty", "every row needs its author")
    inbound = _INBOUND.get(row[columns.inbound].strip().lower())
    if inbound is None:
        raise InvalidRecordError(
            f"'inbound' is not True or False: {shown(row[columns.inbound])}",
            "use True for customer tweets and False for brand tweets",
        )
    parent_text = row[columns.parent]
    parent = _tweet_id(parent_text, "in_response_to_tweet_id") if parent_text.strip() else None
    replies = _replies(row[columns.replies])  # before the time: a row's first error is reported
    return Tweet(  # positional: a NamedTuple made from keywords costs more, on every row
        tweet_id,
        sys.intern(author),
        inbound,
        _created_at(row[columns.created_at]),
        row[columns.text].replace(_CR, "\r"),
        parent,
        replies,
    )


def _replies(value: str) -> tuple[int, ...]:
    """The ids in a ``response_tweet_id`` cell ("", one id, or ids joined by commas)."""
    if "," in value:
        return tuple(
            _tweet_id(part, "response_tweet_id") for part in value.split(",") if part.strip()
        )
    # most cells: none or one id, read without a generator
    return (_tweet_id(value, "response_tweet_id"),) if value.strip() else ()


def _physical_lines(handle: TextIO, raw: io.BufferedReader, progress: Progress) -> Iterator[str]:
    """Lines ending in ``\\n`` only; a bare ``\\r`` inside a line is masked for csv."""
    pieces: list[str] = []
    for count, piece in enumerate(handle, start=1):
        if count % _PROGRESS_EVERY == 0:
            progress.at(raw.tell())
        if not piece.endswith("\n"):  # ended by a bare \r: the line goes on
            pieces.append(piece)
            continue
        if pieces:
            pieces.append(piece)
            piece = "".join(pieces)
            pieces.clear()
            yield _mask_cr(piece)
        else:
            yield piece  # one piece has no bare \r: _mask_cr would give it back as it is
    if pieces:
        yield _mask_cr("".join(pieces))


def _mask_cr(line: str) -> str:
    body, newline = (line[:-2], "\r\n") if line.endswith("\r\n") else (line.rstrip("\n"), "\n")
    if "\r" in body:
        body = body.replace("\r", _CR)
    return body + newline


class Progress:
    """Reports one pass over one file as a slice of the source's progress."""

    def __init__(self, source: Source, start: float, end: float) -> None:
        self._source = source
        self._start = start
        self._span = end - start

    def at(self, offset: int) -> None:
        """Report that the pass has reached byte ``offset`` of the file."""
        fraction = offset / self._source.size if self._source.size else 1.0
        self._source.advance(self._start + self._span * fraction)


def _encoding(source: Source) -> str:
    """The file's encoding, decided by :mod:`servicecoach.ingest.textfile` from its start.

    Raises:
        InvalidFileError: the file's first bytes are no text.
    """
    with open_text(source) as probe:
        return probe.encoding


def scan(source: Source, progress: Progress) -> Iterator[Tweet | Problem]:
    """Every valid row of one file as a :class:`Tweet`, and a Problem per bad row.

    The file may be in any encoding :mod:`servicecoach.ingest.textfile` recognises
    (UTF-8, a BOM's UTF-16, Windows-1252 re-exports...).
    """
    encoding = _encoding(source)
    try:
        with source.path.open("rb") as raw:
            handle = io.TextIOWrapper(raw, encoding=encoding, newline="")
            yield from _scan_lines(source, _physical_lines(handle, raw, progress))
            progress.at(source.size)
    except UnicodeDecodeError as exc:
        raise decode_problem(source, exc) from None


def _scan_lines(source: Source, lines: Iterator[str]) -> Iterator[Tweet | Problem]:
    reader = csv.reader(lines)
    columns: Columns | None = None
    line_no = 0
    while True:
        start = reader.line_num + 1
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            yield source.problem(
                f"line {start}", f"not valid CSV ({exc})", "check the quoting of this row", start
            )
            continue
        line_no = start
        if not row or (len(row) == 1 and not row[0].strip()):
            continue
        header = find_columns(row) if columns is None or "tweet_id" in row else None
        if header is not None:  # the first line, or the header of a concatenated export
            columns = header
            continue
        if columns is None:
            raise InvalidFileError(
                source.problem(f"line {line_no}", "this is not a TWCS header", _HEADER_FIX, line_no)
            )
        try:
            yield _parse_row(row, columns)
        except InvalidRecordError as exc:
            yield source.problem(f"line {line_no}", exc.message, exc.fix, line_no)
