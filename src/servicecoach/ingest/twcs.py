"""The "Customer Support on Twitter" (TWCS) CSV: brand and customer tweets, one per row.

Columns: ``tweet_id, author_id, inbound, created_at, text, response_tweet_id,
in_response_to_tweet_id``, found by name, so a pandas re-export with an extra unnamed
index column (and reply ids written as floats, ``3.0``) reads the same.

Decisions a user should know:

- **Threads** are the connected components of the reply links (``in_response_to_tweet_id``
  and every id in ``response_tweet_id``, which may be a comma-separated list), also
  through tweets that are missing from the file. One thread is one conversation.
- **Conversation id** is ``twcs-<root tweet id>``; the root is the earliest tweet
  (``created_at``, then tweet id) whose parent is not in the file.
- **Roles**: inbound tweets are customer messages (author = the author id); the others
  are agent messages whose author is the brand handle. The customer is the author of
  the root when it is inbound, else of the first inbound tweet, with the handle
  ``{"twitter": author_id}``. ``meta["brand"]`` is the first brand that replied
  (``meta["brands"]`` lists them all when several did). Every message's
  ``meta["in_reply_to"]`` keeps the tweet it answers.
- **Text**: HTML entities (``&amp;``) are unescaped, then the text is normalised; a bare
  carriage return inside an unquoted field (the public corpus has one) is kept as a
  line break instead of splitting the row.
- **Bad rows** (no or non-numeric tweet id, bad date, unknown ``inbound`` value, wrong
  number of columns) are reported with their line number and skipped. When a tweet id
  appears more than once (overlapping exports concatenated), the last row wins; the
  header lines of concatenated exports are skipped.
- **Memory**: the files are read twice. The first pass checks every row and links the
  tweets into threads keeping only integers per tweet; the second yields each thread
  as soon as its last tweet has been read, so only unfinished threads are held in
  memory (the full 2.8M-tweet corpus is grouped by thread). Each pass reports half of
  the progress through :meth:`Source.advance`.
"""

from __future__ import annotations

import csv
import io
import re
import sys
from array import array
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import ClassVar, NamedTuple, TextIO

from servicecoach.errors import InvalidFileError, InvalidRecordError, Problem
from servicecoach.ingest.base import Importer, ImportOptions, Item, Source
from servicecoach.model.conversation import Channel, Conversation, Customer, Message, Role
from servicecoach.model.text import normalize_text, unescape_entities
from servicecoach.model.timeparse import parse_timestamp

__all__ = ["TwcsImporter"]

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


class _Columns(NamedTuple):
    """Where each column is in a row, and how many columns a row has."""

    tweet_id: int
    author: int
    inbound: int
    created_at: int
    text: int
    replies: int
    parent: int
    width: int


class _Tweet(NamedTuple):
    """One valid row, compact: only what a conversation needs."""

    id: int
    author: str
    inbound: bool
    at: datetime
    text: str
    parent: int | None
    replies: tuple[int, ...]


def _columns(header: Sequence[str]) -> _Columns | None:
    names = [name.strip().lower() for name in header]
    if not set(_COLUMNS) <= set(names):
        return None
    if any(name not in _COLUMNS and name not in _INDEX_NAMES for name in names):
        return None
    at = names.index
    return _Columns(
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
            f"{column!r} is not a tweet id: {value!r}", "tweet ids are whole numbers"
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


def _parse_row(row: Sequence[str], columns: _Columns) -> _Tweet:
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
            f"'inbound' is not True or False: {row[columns.inbound]!r}",
            "use True for customer tweets and False for brand tweets",
        )
    parent_text = row[columns.parent]
    parent = _tweet_id(parent_text, "in_response_to_tweet_id") if parent_text.strip() else None
    replies = tuple(
        _tweet_id(part, "response_tweet_id")
        for part in row[columns.replies].split(",")
        if part.strip()
    )
    return _Tweet(
        id=tweet_id,
        author=sys.intern(author),
        inbound=inbound,
        at=_created_at(row[columns.created_at]),
        text=row[columns.text].replace(_CR, "\r"),
        parent=parent,
        replies=replies,
    )


def _physical_lines(handle: TextIO, raw: io.BufferedReader, progress: _Progress) -> Iterator[str]:
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
    if pieces:
        yield _mask_cr("".join(pieces))


def _mask_cr(line: str) -> str:
    body, newline = (line[:-2], "\r\n") if line.endswith("\r\n") else (line.rstrip("\n"), "\n")
    if "\r" in body:
        body = body.replace("\r", _CR)
    return body + newline


class _Progress:
    """Reports one pass over one file as a slice of the source's progress."""

    def __init__(self, source: Source, start: float, end: float) -> None:
        self._source = source
        self._start = start
        self._span = end - start

    def at(self, offset: int) -> None:
        fraction = offset / self._source.size if self._source.size else 1.0
        self._source.advance(self._start + self._span * fraction)


def _scan(source: Source, progress: _Progress) -> Iterator[_Tweet | Problem]:
    """Every valid row of one file as a :class:`_Tweet`, and a Problem per bad row."""
    try:
        with source.path.open("rb") as raw:
            handle = io.TextIOWrapper(raw, encoding="utf-8-sig", newline="")
            yield from _scan_lines(source, _physical_lines(handle, raw, progress))
            progress.at(source.size)
    except UnicodeDecodeError as exc:
        raise source.not_utf8(exc) from None


def _scan_lines(source: Source, lines: Iterator[str]) -> Iterator[_Tweet | Problem]:
    reader = csv.reader(lines)
    columns: _Columns | None = None
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
        header = _columns(row) if columns is None or "tweet_id" in row else None
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


class _Threads:
    """Union-find over tweet ids, kept in arrays of integers (the first pass)."""

    def __init__(self) -> None:
        self._nodes: dict[int, int] = {}
        self._parent = array("q")
        self._last_seq = array("q")
        self._complete_at = array("q")

    def _node(self, tweet_id: int) -> int:
        node = self._nodes.get(tweet_id)
        if node is None:
            node = len(self._parent)
            self._nodes[tweet_id] = node
            self._parent.append(node)
            self._last_seq.append(-1)
        return node

    def find(self, node: int) -> int:
        """The representative of the thread ``node`` is in."""
        parent = self._parent
        while parent[node] != node:
            parent[node] = parent[parent[node]]
            node = parent[node]
        return node

    def add(self, seq: int, tweet: _Tweet) -> None:
        """Record the ``seq``-th valid row and link it to the tweets it names."""
        node = self._node(tweet.id)
        self._last_seq[node] = seq
        linked = (tweet.parent, *tweet.replies) if tweet.parent is not None else tweet.replies
        for other in linked:
            a, b = self.find(node), self.find(self._node(other))
            if a != b:
                self._parent[max(a, b)] = min(a, b)

    def finish(self) -> None:
        """Compute, per thread, the last row that belongs to it."""
        self._complete_at = array("q", [-1]) * len(self._parent)
        for node, seq in enumerate(self._last_seq):
            if seq >= 0:
                root = self.find(node)
                self._complete_at[root] = max(self._complete_at[root], seq)

    def place(self, seq: int, tweet_id: int) -> tuple[int, bool] | None:
        """The thread of row ``seq`` and whether it is the thread's last row.

        ``None`` when a later row has the same tweet id (that row wins).
        """
        node = self._nodes.get(tweet_id)
        if node is None or self._last_seq[node] < seq:
            raise _Changed
        if self._last_seq[node] != seq:
            return None
        root = self.find(node)
        return root, self._complete_at[root] == seq


class _Changed(Exception):
    """The files changed between the two passes."""


def _conversation(tweets: Sequence[_Tweet]) -> Conversation:
    ordered = sorted(tweets, key=lambda t: (t.at, t.id))
    present = {t.id for t in ordered}
    root = next((t for t in ordered if t.parent not in present), ordered[0])
    first_customer = root if root.inbound else next((t for t in ordered if t.inbound), None)
    brands = list(dict.fromkeys(t.author for t in ordered if not t.inbound))
    customer = (
        Customer(id=first_customer.author, handles={"twitter": first_customer.author})
        if first_customer
        else Customer()
    )
    meta: dict[str, object] = {"brand": brands[0]} if brands else {}
    if len(brands) > 1:
        meta["brands"] = brands
    messages = tuple(
        Message(
            id=str(t.id),
            role=Role.CUSTOMER if t.inbound else Role.AGENT,
            text=normalize_text(unescape_entities(t.text)),
            author=t.author,
            at=t.at,
            meta={"in_reply_to": str(t.parent)} if t.parent is not None else {},
        )
        for t in ordered
    )
    return Conversation(
        id=f"twcs-{root.id}",
        channel=Channel.SOCIAL,
        messages=messages,
        customer=customer,
        public=True,
        source=TwcsImporter.name,
        meta=meta,
    )


class TwcsImporter(Importer):
    """The Kaggle "Customer Support on Twitter" CSV (``twcs.csv``)."""

    name: ClassVar[str] = "twcs"
    title: ClassVar[str] = "Customer Support on Twitter CSV (twcs.csv, Kaggle)"
    extensions: ClassVar[tuple[str, ...]] = (".csv",)
    reads_together: ClassVar[bool] = True
    """Threads can span files. A file that cannot be read at all stops the import of the
    files of this format after it (the import is rolled back unless ``--skip-invalid``)."""
    message_ids_are_global: ClassVar[bool] = True
    """Message ids are tweet ids, unique across Twitter."""

    def detect(self, path: Path, head: bytes) -> int:
        text = head.decode("utf-8-sig", errors="replace")
        first = text.lstrip("\r\n").split("\n", 1)[0].rstrip("\r")
        try:
            header = next(csv.reader([first]))
        except (csv.Error, StopIteration):
            return 0
        return 100 if _columns(header) is not None else 0

    def read(self, sources: Sequence[Source], options: ImportOptions) -> Iterator[Item]:
        threads = _Threads()
        seq = 0
        for source in sources:
            for item in _scan(source, _Progress(source, 0.0, 0.5)):
                if isinstance(item, Problem):
                    yield item
                else:
                    threads.add(seq, item)
                    seq += 1
        threads.finish()
        pending: dict[int, list[_Tweet]] = {}
        seq = 0
        for source in sources:
            try:
                for item in _scan(source, _Progress(source, 0.5, 1.0)):
                    if isinstance(item, Problem):
                        continue
                    placed = threads.place(seq, item.id)
                    seq += 1
                    if placed is None:
                        continue
                    root, last = placed
                    pending.setdefault(root, []).append(item)
                    if last:
                        yield _conversation(pending.pop(root))
            except _Changed:
                raise InvalidFileError(
                    source.problem("", "the file changed while it was read", "import it again")
                ) from None
        if pending:
            raise InvalidFileError(
                sources[-1].problem("", "the files changed while they were read", "import again")
            )
