"""Run the real ``servicecoach`` entry point in-process and capture what it prints."""

from __future__ import annotations

import sys
from dataclasses import dataclass

import pytest

from servicecoach.cli.app import main

__all__ = ["Result", "run_cli"]


@dataclass(frozen=True)
class Result:
    """Exit code and output of one command."""

    code: int
    out: str
    err: str


def run_cli(capsys: pytest.CaptureFixture[str], *args: str) -> Result:
    """Run ``servicecoach ARGS...`` and return its exit code, stdout and stderr."""
    capsys.readouterr()
    old = sys.argv
    sys.argv = ["servicecoach", *args]
    try:
        main()
        code = 0
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    finally:
        sys.argv = old
    captured = capsys.readouterr()
    return Result(code, captured.out, captured.err)
