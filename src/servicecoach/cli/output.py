"""Console output shared by the commands: rich on a terminal, plain when piped, JSON on request."""

from __future__ import annotations

import json
import sys
from typing import Any

from rich.console import Console
from rich.markup import escape

from servicecoach.errors import Problem

__all__ = ["console", "err_console", "print_json", "print_problems"]

console = Console(highlight=False)
err_console = Console(stderr=True, highlight=False, soft_wrap=True)


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
