"""``servicecoach eval``: measure servicecoach against human labels (your own QA reviews)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from servicecoach.analysis.pipeline import Pipeline
from servicecoach.cli.options import FastOption, JsonOption, QuietOption
from servicecoach.cli.output import console, err_console, file_progress, print_json, print_problems
from servicecoach.errors import ImportFailed
from servicecoach.evaluation.evaluate import EvalReport
from servicecoach.evaluation.labels import load_labels
from servicecoach.evaluation.metrics import BinaryCounts
from servicecoach.ingest.base import ImportOptions
from servicecoach.rubric import load_rubric
from servicecoach.services.evaluation import evaluate_plan
from servicecoach.services.plan import plan_import

__all__ = ["eval_command"]


def eval_command(
    paths: Annotated[
        list[Path], typer.Argument(help="Conversation files or folders (any format).")
    ],
    labels: Annotated[
        Path,
        typer.Option("--labels", "-l", help="Human labels, JSON Lines (see docs/eval.md)."),
    ],
    format: Annotated[
        str | None, typer.Option("--format", "-f", help="Read every file as this format.")
    ] = None,
    rubric: Annotated[
        Path | None, typer.Option("--rubric", help="Team rubric (TOML) to score with.")
    ] = None,
    skip_invalid: Annotated[
        bool,
        typer.Option(
            "--skip-invalid", help="Measure on the valid records and labels; report the rest."
        ),
    ] = False,
    fast: FastOption = False,
    quiet: QuietOption = False,
    json_output: JsonOption = False,
) -> None:
    """Measure servicecoach against human labels: how far can you trust it on your data?

    Analyses the labelled conversations and prints, per signal, precision, recall and F1
    against the labelled messages; agreement on customer emotion and sentiment; and,
    per skill (and quality, satisfaction), Spearman's rank correlation between
    servicecoach's score and yours — AI-vs-human agreement per skill.
    """
    team = load_rubric(rubric)
    pipeline = Pipeline.from_rubric(team, fast=fast)
    try:
        label_set = load_labels(labels, skip_invalid=skip_invalid)
    except ImportFailed as exc:
        _report_failure(exc, json_output)
        raise
    plan = plan_import(paths, format)
    options = ImportOptions(support_addresses=tuple(team.email.support_addresses))
    show = not quiet and not json_output
    with file_progress("evaluating", plan.total_bytes, show=show, bytes_column=False) as update:
        try:
            report, problems = evaluate_plan(
                plan, label_set, pipeline, options, skip_invalid=skip_invalid, progress=update
            )
        except ImportFailed as exc:
            if json_output:
                print_json(
                    {
                        "ok": False,
                        "error": str(exc),
                        "problems": [p.to_dict() for p in exc.problems],
                    }
                )
            else:
                print_problems(exc.problems, exc.problem_count)
            raise
    if json_output:
        print_json({"ok": True, **report.to_dict(), "analyzers": pipeline.versions})
        return
    if problems:
        print_problems(problems, len(problems))
    _print(report)


def _report_failure(exc: ImportFailed, json_output: bool) -> None:
    if json_output:
        problems = [p.to_dict() for p in exc.problems]
        print_json({"ok": False, "error": str(exc), "problems": problems})
    else:
        print_problems(exc.problems, exc.problem_count)


def _f(value: float | None) -> str:
    return "–" if value is None else f"{value:.2f}"


def _counts_table(title: str, rows: dict[str, BinaryCounts], first: str) -> Table:
    table = Table(title=title, title_justify="left")
    table.add_column(first)
    for name in ("support", "fired", "precision", "recall", "F1", "n"):
        table.add_column(name, justify="right")
    for key, counts in rows.items():
        if not counts.total:
            continue
        table.add_row(
            key, str(counts.support), str(counts.predicted), _f(counts.precision),
            _f(counts.recall), _f(counts.f1), str(counts.total),
        )  # fmt: skip
    return table


def _print(report: EvalReport) -> None:
    data = report.to_dict()
    console.print(f"[bold]{report.conversations}[/bold] labelled conversations analysed")
    if report.signals:
        console.print(_counts_table("Signals", dict(sorted(report.signals.items())), "signal"))
    for name, rows in (("emotion", report.emotions), ("sentiment", report.sentiment)):
        if rows:
            summary = data["emotions" if name == "emotion" else "sentiment"]
            console.print(_counts_table(f"Customer {name}", rows, name))
            console.print(
                f"{name}: macro-F1 {_f(summary['macro_f1'])}, accuracy {_f(summary['accuracy'])}"
            )
    if report.resolved is not None:
        console.print(_counts_table("Resolution", {"resolved": report.resolved}, ""))
    if report.scores:
        scores = Table(title="Scores: rank correlation with yours", title_justify="left")
        for column in ("score", "Spearman rho", "p-value", "pairs", "not scored"):
            scores.add_column(column, justify="left" if column == "score" else "right")
        for key, corr in report.scores.items():
            p_value = "–" if corr.p_value is None else f"{corr.p_value:.2g}"
            scores.add_row(key, _f(corr.rho), p_value, str(corr.n), str(corr.missing))
        console.print(scores)
    if report.not_scored:
        err_console.print(
            f"note: {report.not_scored} labelled conversations were not scored (language)"
        )
    if report.unmatched:
        shown = ", ".join(report.unmatched[:5])
        more = f" and {len(report.unmatched) - 5} more" if len(report.unmatched) > 5 else ""
        err_console.print(
            f"[yellow]warning:[/yellow] {len(report.unmatched)} labels name conversations or "
            f"messages not in the input: {shown}{more}"
        )
