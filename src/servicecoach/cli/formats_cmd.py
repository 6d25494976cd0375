"""``servicecoach formats``: the importers installed, built-in and from plugins."""

from __future__ import annotations

from rich.table import Table

from servicecoach.cli.options import JsonOption
from servicecoach.cli.output import console, print_json

__all__ = ["formats_command"]


def formats_command(json_output: JsonOption = False) -> None:
    """List the formats servicecoach can import (use a name with --format)."""
    from servicecoach.ingest.registry import importers

    found = importers()
    if json_output:
        print_json(
            [
                {"name": i.name, "title": i.title, "extensions": list(i.extensions)}
                for i in found.values()
            ]
        )
        return
    table = Table(header_style="bold", box=None)
    for column in ("format", "what", "files"):
        table.add_column(column)
    for importer in found.values():
        table.add_row(importer.name, importer.title, " ".join(importer.extensions))
    console.print(table)
