"""Reading JSON safely: every way ``json.loads`` can fail becomes a reported problem.

The JSON importers (native JSON Lines, Zendesk, Chatwoot, the JSON call transcripts)
read their files through these helpers, so that they all report bad JSON the same way
and none of them lets a raw error escape:

- a syntax error is reported with its line and column (``line 5, column 12``);
- nesting deeper than Python's parser can follow (``[[[[...``) raises
  :class:`RecursionError` inside :func:`json.loads`; it is reported as JSON nested too
  deeply;
- an integer with more digits than Python converts (4300 by default) raises a plain
  :class:`ValueError`; it is reported as a number too long to read;
- a lone surrogate (``"\\ud800"``, valid JSON that no UTF-8 database or output can
  hold) becomes U+FFFD in every string and key of the value, so that ids, problem
  reports and ``meta`` never carry one (the model does the same for text from any
  other source).

:func:`loads_or_none` is for ``detect()`` methods, which must never raise.

Large exports are read with :func:`stream_json` (records one at a time, memory flat
whatever the file size) and :func:`json_members` (the small top-level members of a
page, such as side-loaded ``users`` or ``links``, without building the big arrays).
Both use ijson's C parser on the bytes; they report problems like the functions above,
with one difference: a JSON integer outside the 64-bit range is refused as a number too
large to read (the C parser's limit), where :func:`json.loads` would accept it.
"""

from __future__ import annotations

import io
import json
import re
import sys
from collections.abc import Collection, Iterator
from dataclasses import dataclass
from typing import Any, BinaryIO

import ijson  # type: ignore[import-untyped]

from servicecoach.errors import InvalidFileError, Problem
from servicecoach.ingest.base import Source
from servicecoach.model.text import replace_lone_surrogates_deep

__all__ = [
    "JsonItem",
    "head_keys",
    "json_members",
    "load_json_document",
    "loads_or_none",
    "parse_json_document",
    "parse_json_line",
    "stream_json",
]

# An escape of a high surrogate (uD800-uDBFF) not followed by one of a low surrogate
# (uDC00-uDFFF), or a low one not after a high one: the only way text decoded strictly
# from UTF-8 gives a lone surrogate. A false match (an escaped backslash before "uD800")
# only costs a walk over the value.
_LONE_ESCAPE = re.compile(
    r"\\u[dD][89abAB][0-9a-fA-F]{2}(?!\\u[dD][c-fC-F])"
    r"|(?<!\\u[dD][89abAB][0-9a-fA-F]{2})\\u[dD][c-fC-F][0-9a-fA-F]{2}"
)


def _loads(text: str) -> object:
    """``json.loads``, with lone surrogates replaced by U+FFFD."""
    value: object = json.loads(text)
    # A substring test first: the pattern over a whole document cost more than parsing it.
    maybe = "\\ud" in text or "\\uD" in text
    if maybe and _LONE_ESCAPE.search(text) is not None:
        value = replace_lone_surrogates_deep(value)
    return value


def loads_or_none(text: str | bytes) -> object:
    """The JSON value of ``text``, or ``None`` when it cannot be read for any reason.

    Meant for format detection, where a failure only means "not this format"; a JSON
    ``null`` also gives ``None``.
    """
    try:
        return json.loads(text)
    except (ValueError, RecursionError):  # JSONDecodeError and UnicodeDecodeError too
        return None


def load_json_document(source: Source, fix: str) -> object:
    """The file's one JSON document (a BOM is skipped).

    Args:
        source: the file.
        fix: how to fix a file that cannot be read, e.g. ``"expected {'tickets': [...]}"``.

    Raises:
        InvalidFileError: the file is not UTF-8, or not one readable JSON document.
    """
    return parse_json_document(source, source.read_text(), fix)


def parse_json_document(source: Source, text: str, fix: str) -> object:
    """The JSON document ``text``, read from ``source``.

    Args:
        source: the file the text comes from, for the problem report.
        text: the whole document.
        fix: how to fix a document that cannot be read.

    Raises:
        InvalidFileError: the text is not one readable JSON document.
    """
    try:
        return _loads(text)
    except (ValueError, RecursionError) as exc:
        raise InvalidFileError(_problem(source, exc, fix, None)) from None


def parse_json_line(source: Source, text: str, line: int, fix: str) -> object | Problem:
    """The JSON value on one line of a JSON Lines file, or the problem with it.

    Args:
        source: the file, for the problem report.
        text: the line (its line ending may be left on).
        line: the line's 1-based number in the file.
        fix: how to fix a line that cannot be read, e.g. ``"each line must be one JSON
            object"``.

    Returns:
        The value, or a :class:`Problem` at ``line N`` (``line N, column C`` for a
        syntax error). JSON never gives a :class:`Problem`, so ``isinstance`` tells the
        two apart.
    """
    try:
        value = _loads(text.rstrip("\r\n"))  # an error at its end is on it
    except (ValueError, RecursionError) as exc:
        return _problem(source, exc, fix, line)
    return value


def _problem(
    source: Source, exc: ValueError | RecursionError, fix: str, line: int | None
) -> Problem:
    """The problem for text ``json.loads`` rejected; ``line`` is the line the text starts on."""
    if isinstance(exc, json.JSONDecodeError):
        at = exc.lineno if line is None else line + exc.lineno - 1
        return source.problem(
            f"line {at}, column {exc.colno}", f"not valid JSON ({exc.msg})", fix, at
        )
    where = "" if line is None else f"line {line}"
    if isinstance(exc, RecursionError):
        message = "the JSON is nested too deeply to read (lists or objects inside each other)"
    elif "integer string conversion" in str(exc):
        limit = sys.get_int_max_str_digits()
        message = f"the JSON has a number too long to read (more than {limit} digits)"
    else:
        message = f"cannot read the JSON ({exc})"
    return source.problem(where, message, fix, line)


# Streaming ------------------------------------------------------------------------

MAX_DEPTH = 512
"""The deepest nesting :func:`stream_json` builds (Python's own parser stops near 1000)."""

_BOM = b"\xef\xbb\xbf"
_BACKSLASH = 0x5C
_SURROGATE_ESCAPE = re.compile(
    rb"\\u[dD][89abAB][0-9a-fA-F]{2}(?:\\u[dD][c-fC-F][0-9a-fA-F]{2})?"
    rb"|\\u[dD][c-fC-F][0-9a-fA-F]{2}"
)
_HOLD = 12
"""Bytes kept back between reads: a surrogate pair escape is 12 bytes long."""
_REPLACEMENT = b"\\uFFFD"
_PRECISE_BYTES = 16 * 1024 * 1024
"""Files up to this size are read again after a syntax error, for its line and column."""
_STARTS = frozenset({"start_map", "start_array"})
_ENDS = frozenset({"end_map", "end_array"})


@dataclass(frozen=True, slots=True)
class JsonItem:
    """One value of a JSON document read by :func:`stream_json`.

    Attributes:
        value: the value, built in full (a record, or a small top-level member).
        key: the top-level member it belongs to; ``None`` when the document is an
            array (or a lone scalar).
        index: its 1-based position in that array, or 0 for a member's whole value.
    """

    value: object
    key: str | None
    index: int


class _TooDeep(Exception):
    """A value nested deeper than :data:`MAX_DEPTH`."""


class _JsonBytes:
    """A binary file as the parser should see it: no BOM, no lone surrogate escapes.

    A lone surrogate escape (``\\ud800`` without its pair) is valid JSON that the C
    parser cannot decode; it becomes ``\\uFFFD`` here, as :func:`parse_json_document`
    makes it U+FFFD. An escape preceded by an odd run of backslashes is text, not an
    escape, and is left alone.
    """

    def __init__(self, raw: BinaryIO) -> None:
        self._raw = raw
        self._carry = b""
        self._started = False
        self._backslashes = 0  # the run of backslashes that ended the bytes returned so far

    def read(self, size: int = -1) -> bytes:
        if size == 0:  # ijson asks for nothing first, to see that it gets bytes
            return b""
        size = 64 * 1024 if size is None or size < 0 else max(size, 4 * _HOLD)
        while True:
            chunk = self._raw.read(size)
            data = bytearray(self._carry + chunk)
            if not self._started and (len(data) >= len(_BOM) or not chunk):
                self._started = True
                if data.startswith(_BOM):
                    del data[: len(_BOM)]
            if not chunk:
                self._carry = b""
                return self._emit(data, self._fix(data, len(data)))
            limit = len(data) - _HOLD
            if limit > 0 and self._started:
                end = self._fix(data, limit)
                self._carry = bytes(data[end:])
                return self._emit(data, end)
            self._carry = bytes(data)

    def _emit(self, data: bytearray, end: int) -> bytes:
        out = bytes(data[:end])
        stripped = out.rstrip(b"\\")
        run = len(out) - len(stripped)
        self._backslashes = self._backslashes + run if not stripped else run
        return out

    def _escaped(self, data: bytearray, position: int) -> bool:
        """True when the backslash at ``position`` is itself escaped (an odd run before it)."""
        run, index = 0, position - 1
        while index >= 0 and data[index] == _BACKSLASH:
            run, index = run + 1, index - 1
        if index < 0:
            run += self._backslashes
        return run % 2 == 1

    def _fix(self, data: bytearray, limit: int) -> int:
        """Rewrite lone surrogate escapes starting before ``limit``; return where to cut."""
        end, position = limit, 0
        while (match := _SURROGATE_ESCAPE.search(data, position)) is not None:
            start = match.start()
            if start >= limit:
                break
            if self._escaped(data, start):
                position = start + 1
                continue
            if match.end() - start == len(_REPLACEMENT):  # alone, not a pair
                data[start : match.end()] = _REPLACEMENT
            end, position = max(end, match.end()), match.end()
        return end


def _events(raw: BinaryIO) -> Iterator[tuple[str, Any]]:
    # use_float: the C parser reads numbers itself (64-bit integers, doubles). Without it,
    # it hands long digit strings to Python's int(), whose failure past 4300 digits the
    # parser does not survive (a crash, not an exception).
    events: Iterator[tuple[str, Any]] = ijson.basic_parse(_JsonBytes(raw), use_float=True)
    return events


def _build(event: str, value: Any, events: Iterator[tuple[str, Any]]) -> object:
    """The value that starts with ``(event, value)``, built from the events that follow."""
    if event not in _STARTS:
        return value
    root: Any = {} if event == "start_map" else []
    stack: list[Any] = [root]
    keys: list[str] = [""]
    for event, value in events:
        if event == "map_key":
            keys[-1] = value
            continue
        if event in _ENDS:
            stack.pop()
            keys.pop()
            if not stack:
                return root
            continue
        item: Any = {} if event == "start_map" else [] if event == "start_array" else value
        top = stack[-1]
        if isinstance(top, list):
            top.append(item)
        else:
            top[keys[-1]] = item
        if event in _STARTS:
            if len(stack) >= MAX_DEPTH:
                raise _TooDeep
            stack.append(item)
            keys.append("")
    raise ijson.IncompleteJSONError("premature EOF")


def _skip(event: str, events: Iterator[tuple[str, Any]]) -> None:
    """Consume the value that starts with ``event`` without building it."""
    if event not in _STARTS:
        return
    depth = 1
    for event, _ in events:
        if event in _STARTS:
            depth += 1
        elif event in _ENDS:
            depth -= 1
            if depth == 0:
                return


def stream_json(source: Source, fix: str, arrays: Collection[str] = ()) -> Iterator[JsonItem]:
    """The values of a JSON document one at a time, so memory stays flat whatever its size.

    - a top-level array gives each of its elements (``key`` ``None``);
    - a top-level object gives, in document order, each element of every member named in
      ``arrays`` whose value is an array (``{"tickets": [...]}``), and every other
      member's whole value (``index`` 0);
    - any other document gives its one value.

    Args:
        source: the file (its progress is counted).
        fix: how to fix a file that cannot be read.
        arrays: the top-level members to stream element by element.

    Raises:
        InvalidFileError: the file is not UTF-8 or not one readable JSON document
            (raised where the error is met, after the values before it).
    """
    where = ""
    with source.open_binary() as raw:
        events = _events(raw)
        try:
            event, value = next(events, ("", None))
            if event == "start_array":
                for index, (event, value) in enumerate(events, start=1):
                    if event == "end_array":
                        break
                    where = f"item {index}"
                    yield JsonItem(_build(event, value, events), None, index)
                    where = f"after item {index}"
            elif event == "start_map":
                for event, key in events:
                    if event == "end_map":
                        break
                    event, value = next(events, ("", None))
                    if key in arrays and event == "start_array":
                        for index, (event, value) in enumerate(events, start=1):
                            if event == "end_array":
                                break
                            where = f"'{key}' item {index}"
                            yield JsonItem(_build(event, value, events), key, index)
                            where = f"after '{key}' item {index}"
                    else:
                        where = f"'{key}'"
                        yield JsonItem(_build(event, value, events), key, 0)
                        where = f"after '{key}'"
            elif event:
                yield JsonItem(value, None, 0)
            where = ""
            for _ in events:  # the parser refuses anything after the document
                pass
        except UnicodeDecodeError as exc:
            raise source.not_utf8(exc) from None
        except (_TooDeep, ijson.JSONError, ValueError) as exc:
            if isinstance(exc, ijson.JSONError) and source.size <= _PRECISE_BYTES:
                _locate(source, fix)  # a line and column for the usual small file
            raise InvalidFileError(_stream_problem(source, exc, fix, where)) from None


def _locate(source: Source, fix: str) -> None:
    """Raise the problem :func:`parse_json_document` finds in the file, if it finds one."""
    try:
        text = source.path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError):
        return
    parse_json_document(source, text, fix)


def json_members(source: Source, fix: str, keys: Collection[str]) -> dict[str, object]:
    """The top-level members named in ``keys`` of a JSON object document, others skipped.

    Meant for a first look at a large page (side-loaded ``users``, the ``links`` that name
    its ticket) before :func:`stream_json` reads its records; the file's progress is not
    counted. A document that is not an object gives ``{}``.

    Raises:
        InvalidFileError: the file is not UTF-8 or not one readable JSON document.
    """
    found: dict[str, object] = {}
    where = ""
    with source.path.open("rb") as raw:
        events = _events(raw)
        try:
            event, _ = next(events, ("", None))
            if event != "start_map":
                return found
            for event, key in events:
                if event == "end_map":
                    break
                event, value = next(events, ("", None))
                where = f"'{key}'"
                if key in keys:
                    found[key] = _build(event, value, events)
                else:
                    _skip(event, events)
        except UnicodeDecodeError as exc:
            raise source.not_utf8(exc) from None
        except (_TooDeep, ijson.JSONError, ValueError) as exc:
            if isinstance(exc, ijson.JSONError) and source.size <= _PRECISE_BYTES:
                _locate(source, fix)
            raise InvalidFileError(_stream_problem(source, exc, fix, where)) from None
    return found


def head_keys(head: bytes) -> list[str]:
    """The top-level keys of a JSON object seen in the first bytes of a file, in order.

    For ``detect()`` methods: never raises; ``[]`` when the head is not the start of an
    object.
    """
    keys: list[str] = []
    depth = 0
    try:
        for event, value in ijson.basic_parse(_JsonBytes(io.BytesIO(head)), use_float=True):
            if event == "map_key" and depth == 1:
                keys.append(value)
            elif event in _STARTS:
                if depth == 0 and event != "start_map":
                    return []
                depth += 1
            elif event in _ENDS:
                depth -= 1
    except (ijson.JSONError, ValueError):
        pass
    return keys


def _stream_problem(source: Source, exc: Exception, fix: str, where: str) -> Problem:
    if isinstance(exc, _TooDeep):
        message = "the JSON is nested too deeply to read (lists or objects inside each other)"
    else:
        text = str(exc).strip().splitlines()[0] if str(exc).strip() else "cut off"
        if "overflow" in text:
            message = (
                "the JSON has a number too large to read (integers must fit in 64 bits, "
                "other numbers in a double)"
            )
        elif "premature EOF" in text:
            message = "the JSON ends too early: the file is cut off"
        elif "invalid bytes in UTF8" in text:
            message = "the file is not valid UTF-8"
            fix = "re-export it as UTF-8, or convert it with iconv -t UTF-8"
        else:
            message = f"not valid JSON ({text.removeprefix('parse error: ')})"
    return source.problem(where, message, fix)
