"""``servicecoach export``: stored conversations out, as native JSON Lines or Parquet."""

from __future__ import annotations

import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Annotated, TextIO

import typer

from servicecoach.cli.options import DbOption, QuietOption
from servicecoach.cli.output import counted, err_console
from servicecoach.errors import ConfigError
from servicecoach.files import atomic_text
from servicecoach.model.conversation import Conversation

__all__ = ["export_command", "write_jsonl"]


def export_command(
    format: Annotated[
        str,
        typer.Option(
            "--format",
            "-f",
            help="Output format: jsonl (FORMAT.md) or parquet (a folder partitioned by date).",
        ),
    ] = "jsonl",
    out: Annotated[
        Path | None,
        typer.Option(
            "--out", "-o", help="Write to this file (a new folder for parquet) instead of stdout."
        ),
    ] = None,
    customer: Annotated[
        str | None,
        typer.Option(
            "--customer", help="Only this customer's timeline (id, email, phone, handle)."
        ),
    ] = None,
    source: Annotated[
        str | None, typer.Option("--source", help="Only conversations from this importer.")
    ] = None,
    db: DbOption = None,
    quiet: QuietOption = False,
) -> None:
    """Export stored conversations as native JSON Lines or Parquet (re-importable, exact)."""
    if format not in ("jsonl", "parquet"):
        raise ConfigError(f"unknown export format {format!r}; use jsonl or parquet")
    if format == "parquet" and out is None:
        raise ConfigError("--format parquet writes a folder: give it with --out")
    if out is not None and not out.parent.is_dir():
        raise ConfigError(f"--out {out}: folder {out.parent} does not exist")
    from servicecoach.store import customers as store_customers
    from servicecoach.store.database import Store
    from servicecoach.store.reader import iter_conversations

    with Store.open(db, create=False) as store, store.connect() as connection:
        ids = None
        if customer is not None:
            root = store_customers.find_customer(connection, customer)
            ids = store_customers.members(connection, root)
        conversations = (
            s.conversation for s in iter_conversations(connection, customer_ids=ids, source=source)
        )
        if out is None:
            count = write_jsonl(conversations, sys.stdout)
        elif format == "parquet":
            from servicecoach.ingest.parquet.writer import write_conversations

            count = write_conversations(conversations, out)
        else:
            count = _write_file(out, conversations)
    if not quiet and out is not None:
        err_console.print(f"[green]✓[/green] {counted(count, 'conversation')} written to {out}")


def write_jsonl(conversations: Iterable[Conversation], out: TextIO) -> int:
    """:func:`servicecoach.ingest.jsonl.write_jsonl`, imported on first use."""
    from servicecoach.ingest import jsonl

    return jsonl.write_jsonl(conversations, out)


def _write_file(out: Path, conversations: Iterable[Conversation]) -> int:
    """Write to a temporary file beside ``out`` and rename it: never a half-written export."""
    with atomic_text(out) as handle:
        return write_jsonl(conversations, handle)
