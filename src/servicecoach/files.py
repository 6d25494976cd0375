"""Writing an output file whole or not at all, without harming what the path names.

Results, exports and Parquet files are written to a temporary file beside the output
and renamed over it when complete, so a reader never sees half a file and a failed run
leaves the old one. A path that exists and is not a regular file - ``/dev/null``, a
named pipe, ``/dev/stdout`` - is written in place instead: renaming over it would
replace the device or pipe with an ordinary file (as root, ``--out /dev/null`` would
break ``/dev/null`` for the whole machine).
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TextIO

__all__ = ["atomic_path", "atomic_text"]


@contextmanager
def atomic_path(out: Path) -> Iterator[Path]:
    """A path to write in place of ``out``: renamed over ``out`` when the block ends
    without an error, removed when it raises. ``out`` itself when it is not a regular
    file (a device or a pipe), which is written directly."""
    if out.exists() and not out.is_file():
        yield out
        return
    name: Path | None = None
    try:  # named before it is made: a Ctrl-C the moment it exists must not leave it behind
        while True:  # (tempfile.mkstemp names it only once made, after its os.open returns)
            name = out.parent / f".{out.name}.{secrets.token_hex(8)}.tmp"
            try:
                os.close(os.open(name, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
                break
            except FileExistsError:
                continue
        yield name
        name.replace(out)
    except BaseException:
        if name is not None:
            name.unlink(missing_ok=True)
        raise


@contextmanager
def atomic_text(out: Path) -> Iterator[TextIO]:
    """A UTF-8 text handle (``\\n`` line ends) that writes ``out`` whole or not at all
    (:func:`atomic_path`)."""
    with atomic_path(out) as path, path.open("w", encoding="utf-8", newline="\n") as handle:
        yield handle
