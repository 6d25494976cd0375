"""``servicecoach rubric check``: is a team's rubric, with every file beside it, usable?"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from servicecoach.cli.options import JsonOption
from servicecoach.cli.output import console, print_json

__all__ = ["rubric_app"]

rubric_app = typer.Typer(
    help="A team's rubric: check it before analysis, live assist or the service use it.",
    no_args_is_help=True,
)


@rubric_app.command("check")
def _check_command(
    rubric: Annotated[
        Path,
        typer.Argument(help="The team rubric (TOML).", exists=True, dir_okay=False, readable=True),
    ],
    json_output: JsonOption = False,
) -> None:
    """Check a rubric and every file it names, as analysis and live assist read them.

    Loads the rubric (its criteria examples, heads, lexicon and assist override files),
    builds the analysis pipeline from it (each [analyzers.NAME] table checked by its
    analyser, each lexicon override merged) and live assist (its [assist] overrides
    merged): every mistake is reported with its file and key, exit code 2. `analyze`
    alone does not read the [assist] files. Criteria are checked as tables here; their
    examples are fitted when the models first judge them.
    """
    from servicecoach.analysis.pipeline import Pipeline  # before the rubric: they import each other
    from servicecoach.assist import DraftChecker
    from servicecoach.review.rubric_version import rubric_version
    from servicecoach.rubric import load_rubric

    team = load_rubric(rubric)
    Pipeline.from_rubric(team, fast=True)
    DraftChecker(team, fast=True)
    weights = dict(sorted(team.weights.items()))
    lists = {
        "analyzers": sorted(team.analyzer_config()),
        "lexicons": sorted(team.lexicons),
        "assist": sorted(team.assist),
        "criteria": sorted(team.criteria),
    }
    summary = {"rubric": str(rubric), "version": rubric_version(team), "weights": weights, **lists}
    if json_output:
        print_json(summary)
        return
    console.print(
        f"[green]✓[/green] {rubric} is a valid rubric ({summary['version']})", soft_wrap=True
    )
    if weights:
        console.print("  skill weights: " + ", ".join(f"{k} {v:g}" for k, v in weights.items()))
    for key, label in (
        ("analyzers", "analyser settings"),
        ("lexicons", "lexicon overrides"),
        ("assist", "live-assist overrides"),
        ("criteria", "criteria"),
    ):
        if lists[key]:
            console.print(f"  {label}: {', '.join(lists[key])}")
