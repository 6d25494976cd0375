"""Run ``servicecoach`` in-process with real UTF-8 pipes, and fingerprint a SQLite store."""

from __future__ import annotations

import contextlib
import hashlib
import io
import sqlite3
import sys
from dataclasses import dataclass
from pathlib import Path

from servicecoach.cli.app import main

__all__ = ["Run", "database_digest", "run_servicecoach"]


@dataclass(frozen=True)
class Run:
    """Exit code and output of one command."""

    code: int
    out: str
    err: str


def _pipe(errors: str) -> io.TextIOWrapper:
    """A stream that encodes like a redirected stdout (strict) or stderr (backslashreplace)."""
    return io.TextIOWrapper(io.BytesIO(), encoding="utf-8", errors=errors, write_through=True)


def _text(stream: io.TextIOWrapper) -> str:
    buffer = stream.buffer
    assert isinstance(buffer, io.BytesIO)
    return buffer.getvalue().decode("utf-8")


def run_servicecoach(*args: str) -> Run:
    """Run ``servicecoach ARGS...`` through its real entry point.

    Standard output encodes strictly, as a pipe or file does: text a real run could not
    print (a lone surrogate) fails here as it would there.
    """
    out, err = _pipe("strict"), _pipe("backslashreplace")
    old = sys.argv
    sys.argv = ["servicecoach", *args]
    code = 0
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            main()
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    finally:
        sys.argv = old
    return Run(code, _text(out), _text(err))


def database_digest(path: Path) -> str:
    """A hash of every row of every table: equal digests mean an unchanged store."""
    digest = hashlib.sha256()
    with contextlib.closing(sqlite3.connect(path)) as connection:
        tables = connection.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"
        ).fetchall()
        for (table,) in tables:
            digest.update(table.encode())
            for row in connection.execute(f'SELECT * FROM "{table}" ORDER BY 1'):
                digest.update(repr(row).encode("utf-8", "backslashreplace"))
    return digest.hexdigest()
