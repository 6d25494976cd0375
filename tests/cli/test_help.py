"""``--help`` reads like a well-made command line: words for values, never Python types."""

from __future__ import annotations

import re
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import pytest
import typer
from typer.testing import CliRunner

from servicecoach.cli.app import app
from servicecoach.cli.metavars import PlainHelpGroup
from tests.cli.helpers import run_cli

_PYTHON_TYPE = re.compile(r"<(bool|str|int|float|path|file|dir|list|tuple|datetime|uuid)\b", re.I)


def _command_paths() -> list[tuple[str, ...]]:
    root = typer.main.get_command(app)
    found: list[tuple[str, ...]] = [()]

    def walk(command: object, path: tuple[str, ...]) -> None:
        for name, sub in sorted(getattr(command, "commands", {}).items()):
            found.append((*path, name))
            walk(sub, (*path, name))

    walk(root, ())
    return found


@pytest.mark.parametrize("path", _command_paths(), ids=lambda p: " ".join(p) or "servicecoach")
def test_help_shows_no_python_types(path: tuple[str, ...]) -> None:
    result = CliRunner().invoke(app, [*path, "--help"], env={"COLUMNS": "120"})
    assert result.exit_code == 0, result.output
    assert "Usage:" in result.output
    assert not _PYTHON_TYPE.search(result.output), result.output
    assert "list[" not in result.output
    assert "{" not in result.output


@pytest.mark.parametrize(
    ("args", "shown"),
    [
        (["import"], r"Usage: servicecoach import \[OPTIONS\] PATHS\.\.\."),
        (["import"], r"\*\s+PATHS\.\.\.\s+PATH\s+Files or folders"),
        (["import"], r"--db\s+DB\s+Database"),
        (["import"], r"--skip-invalid\s+Import the valid records"),
        (["analyze"], r"Usage: servicecoach analyze \[OPTIONS\] \[PATHS\.\.\.\]"),
        (["agents", "set-team"], r"Usage: servicecoach agents set-team \[OPTIONS\] AGENT \[TEAM\]"),
        (["report", "scorecard"], r"--run\s+N\s+Analysis run"),
        (["report", "scorecard"], r"--agent\s+AGENT\s+One agent"),
        (["reasons", "show"], r"--sort\s+volume\|growth\|negative\s"),
        (["reasons", "show"], r"--limit\s+N \[x>=1\]"),
        (["reasons", "show"], r"--start\s+DATE\s"),
        (["check"], r"--conversation\s+-c\s+FILE\s"),  # its own metavar wins
        (["export"], r"--out\s+-o\s+PATH\s"),
    ],
)
def test_help_shows_words_for_values(
    capsys: pytest.CaptureFixture[str], args: list[str], shown: str
) -> None:
    result = run_cli(capsys, *args, "--help")
    assert result.code == 0
    assert re.search(shown, result.out), result.out


def test_help_names_a_missing_argument_plainly(capsys: pytest.CaptureFixture[str]) -> None:
    result = run_cli(capsys, "import")
    assert result.code == 2
    assert "Missing argument 'PATHS...'" in result.err


class _Colour(StrEnum):
    RED = "red"
    BLUE = "blue"


_tiny = typer.Typer(cls=PlainHelpGroup)


@_tiny.command("go")
def _go(
    names: Annotated[list[str] | None, typer.Argument(help="Names.")] = None,
    target: Annotated[str, typer.Argument(metavar="WHERE", help="Where.")] = "x",
    colour: Annotated[_Colour, typer.Option(help="Colour.")] = _Colour.RED,
    out: Annotated[Path | None, typer.Option(dir_okay=False, help="Out.")] = None,
    home: Annotated[Path | None, typer.Option(file_okay=False, help="Home.")] = None,
    ratio: Annotated[float, typer.Option(help="Ratio.")] = 0.5,
    label: Annotated[str, typer.Option("--label", metavar="L=R", help="Label.")] = "",
    first_speaker: Annotated[str, typer.Option(help="Speaker.")] = "",
    pairs: Annotated[tuple[int, int], typer.Option(help="Pairs.")] = (1, 2),
    dry_run: Annotated[bool, typer.Option(help="Dry.")] = False,
) -> None:
    """Go."""


@_tiny.command("stop")
def _stop() -> None:
    """Stop."""


@pytest.mark.parametrize(
    "shown",
    [
        r"Usage: root go \[OPTIONS\] \[NAMES\.\.\.\] \[WHERE\]",
        r"NAMES\.\.\.\s+Names",
        r"WHERE\s+Where",
        r"--colour\s+red\|blue\s",
        r"--out\s+FILE\s",
        r"--home\s+DIR\s",
        r"--ratio\s+NUMBER\s",
        r"--label\s+L=R\s",
        r"--first-speaker\s+SPEAKER\s",
        r"--pairs\s+N N\s",
        r"--dry-run\s+--no-dry-run\s+Dry",
    ],
)
def test_help_metavars_from_types(shown: str) -> None:
    result = CliRunner().invoke(_tiny, ["go", "--help"], prog_name="root", env={"COLUMNS": "120"})
    assert result.exit_code == 0, result.output
    assert re.search(shown, result.output), result.output
    assert not _PYTHON_TYPE.search(result.output)
