"""Console output shared by the commands: rich on a terminal, plain when piped, JSON on request."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.progress import (
    BarColumn,
    DownloadColumn,
    Progress,
    TaskProgressColumn,
    TextColumn,
    TimeRemainingColumn,
)

from servicecoach.errors import Problem

__all__ = [
    "COSTS_STYLE",
    "EARNS_STYLE",
    "ROLE_STYLE",
    "console",
    "counted",
    "err_console",
    "file_progress",
    "print_json",
    "print_problems",
    "print_warnings",
]

console = Console(highlight=False)
err_console = Console(stderr=True, highlight=False, soft_wrap=True)

ROLE_STYLE = {"customer": "cyan", "agent": "blue", "bot": "magenta", "system": "dim"}
"""The colour of each role's name before a message (never green or red: see below)."""
EARNS_STYLE = "bold green"
"""Words that earned a score."""
COSTS_STYLE = "bold red"
"""Words that cost a score."""


def counted(n: int, noun: str, plural: str | None = None) -> str:
    """``n`` and the noun in the right number: ``1 conversation``, ``2 conversations``.

    ``plural`` is for nouns that do not just take an ``s`` (``1 reply``, ``2 replies``).
    """
    return f"{n} {noun if n == 1 else plural or noun + 's'}"


def print_json(data: Any) -> None:
    """Write ``data`` as JSON to standard output (for scripts: ``--json``)."""
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2, default=str))
    sys.stdout.write("\n")


def print_problems(problems: list[Problem], total: int, *, limit: int = 20) -> None:
    """List problems on standard error, at most ``limit`` of them."""
    for problem in problems[:limit]:
        err_console.print(f"[red]✗[/red] {escape(str(problem))}")
    if total > limit:
        err_console.print(f"  … and {total - limit} more (use --json to see up to 500)")


@contextmanager
def file_progress(
    label: str, total_bytes: int, *, show: bool, bytes_column: bool = True
) -> Iterator[Callable[[int, int, int], None]]:
    """A progress bar on standard error over the bytes of the input files.

    Yields the callback the services call with ``(done, total, conversations)``. Only
    shown when ``show`` is true and standard error is a terminal; removed when done.
    """
    columns = [TextColumn(f"[bold]{label}"), BarColumn(), TaskProgressColumn()]
    if bytes_column:
        columns.append(DownloadColumn())
    columns += [
        TextColumn("{task.fields[conversations]} conversations"),
        TimeRemainingColumn(),
    ]
    with Progress(
        *columns,
        console=err_console,
        disable=not (show and err_console.is_terminal),
        transient=True,
    ) as progress:
        task = progress.add_task(label, total=total_bytes or 1, conversations=0)

        def update(done: int, total: int, count: int) -> None:
            progress.update(task, completed=done, total=total or 1, conversations=count)

        yield update


def print_warnings(warnings: Sequence[Problem], *, limit: int = 20) -> None:
    """Print the first ``limit`` warnings of an import or analysis to stderr."""
    for warning in warnings[:limit]:
        err_console.print(f"[yellow]warning:[/yellow] {escape(str(warning))}")
    if len(warnings) > limit:
        err_console.print(f"  … and {len(warnings) - limit} more warnings (use --json to see them)")
