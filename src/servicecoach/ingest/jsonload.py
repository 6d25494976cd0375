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
"""

from __future__ import annotations

import json
import re
import sys

from servicecoach.errors import InvalidFileError, Problem
from servicecoach.ingest.base import Source
from servicecoach.model.text import replace_lone_surrogates_deep

__all__ = ["load_json_document", "loads_or_none", "parse_json_document", "parse_json_line"]

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
    if _LONE_ESCAPE.search(text) is not None:
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
