"""Options several commands share."""

from __future__ import annotations

from typing import Annotated

import typer

__all__ = ["DbOption", "FastOption", "JsonOption", "QuietOption"]

DbOption = Annotated[
    str | None,
    typer.Option(
        "--db",
        help="Database: a SQLite file path or a postgresql:// URL "
        "(default: $SERVICECOACH_DB, else ./servicecoach.db).",
        show_default=False,
    ),
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print machine-readable JSON.")]
QuietOption = Annotated[
    bool, typer.Option("--quiet", "-q", help="Print nothing but errors; no progress bar.")
]
FastOption = Annotated[
    bool,
    typer.Option(
        "--fast",
        help="Rules only, without the sentence-embedding model: several times faster on "
        "very large batches, less accurate (docs/accuracy.md).",
    ),
]
