"""``servicecoach eval``: measure servicecoach against human labels (your own QA reviews)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich import box
from rich.table import Table

from servicecoach.cli.options import FastOption, JsonOption, QuietOption
from servicecoach.cli.output import (
    console,
    counted,
    err_console,
    file_progress,
    print_json,
    print_problems,
)
from servicecoach.errors import ImportFailed
from servicecoach.model.conversation import Conversation

if TYPE_CHECKING:
    from servicecoach.evaluation.baselines import LabelledTexts
    from servicecoach.evaluation.evaluate import EvalReport
    from servicecoach.evaluation.labels import LabelSet
    from servicecoach.evaluation.metrics import BinaryCounts
    from servicecoach.ingest.base import ImportOptions
    from servicecoach.services.plan import ImportPlan

__all__ = ["eval_command", "experimental_signals"]


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
    servicecoach's score and yours — AI-vs-human agreement per skill. Beside each figure
    is what a trivial rule (a keyword list, "?", a length rule; docs/eval.md) gets on the
    same items, and the lift over it; experimental signals are marked.
    """
    from servicecoach.analysis.pipeline import Pipeline  # before the rubric: they import each other
    from servicecoach.evaluation.labels import load_labels
    from servicecoach.ingest.base import ImportOptions
    from servicecoach.rubric import load_rubric
    from servicecoach.services.evaluation import evaluate_plan
    from servicecoach.services.plan import plan_import

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
    report.add_baselines(_texts(plan, label_set, options))
    report.mark_experimental(experimental_signals())
    if json_output:
        print_json({"ok": True, **report.to_dict(), "analyzers": pipeline.versions})
        return
    if problems:
        print_problems(problems, len(problems))
    _print(report, fast=fast)


def _texts(plan: ImportPlan, labels: LabelSet, options: ImportOptions) -> LabelledTexts:
    """The labelled messages' texts, for the baselines: the same input read once more.

    Reading is cheap beside analysis; invalid records are problems, never conversations,
    so the baselines see exactly the conversations that were analysed.
    """
    from servicecoach.evaluation.baselines import labelled_texts
    from servicecoach.services.reading import read_plan

    def conversations() -> Iterator[Conversation]:
        wanted = labels.conversation_ids
        for _, item in read_plan(plan, options):
            if isinstance(item, Conversation) and item.id in wanted:
                yield item

    return labelled_texts(conversations(), labels)


def experimental_signals() -> dict[str, str]:
    """:func:`servicecoach.analysis.signals.experimental_signals`, imported on first use."""
    from servicecoach.analysis import signals

    return signals.experimental_signals()


def _report_failure(exc: ImportFailed, json_output: bool) -> None:
    if json_output:
        problems = [p.to_dict() for p in exc.problems]
        print_json({"ok": False, "error": str(exc), "problems": problems})
    else:
        print_problems(exc.problems, exc.problem_count)


def _f(value: float | None) -> str:
    return "–" if value is None else f"{value:.2f}"


def _lift(value: float | None) -> str:
    return "–" if value is None else f"{value:+.2f}"


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


def _not_judged_why(fast: bool) -> str:
    """Why a criterion's labels were left out (docs/criteria.md): in ``--fast`` mode a
    criterion without phrases has no judge; otherwise its conversations were not scored
    (a language servicecoach does not score) or had no agent reply."""
    if fast:
        return "needs the sentence model (run without --fast) or phrases"
    return "its conversations were not scored or had no agent reply"


def _signals_table(signals: dict[str, Any], not_judged: dict[str, int], why: str) -> Table:
    table = Table(
        title="Signals",
        title_justify="left",
        box=box.SIMPLE_HEAD,
        pad_edge=False,
        collapse_padding=True,
    )
    table.add_column("signal", overflow="fold", min_width=14)
    for name in ("support", "fired", "P", "R", "F1", "base P", "base F1", "lift", "n"):
        table.add_column(name, justify="right")
    for key, row in signals.items():
        baseline = row.get("baseline") or {}
        shown = key.replace("|", " | ") + (" (experimental)" if row["experimental"] else "")
        if not row["n"] and not_judged.get(key):
            skipped = counted(not_judged[key], "label")
            table.add_row(f"{shown}: not judged ({skipped}): {why}", *["–"] * 8, "0")
            continue
        table.add_row(
            shown, str(row["support"]), str(row["predicted"]), _f(row["precision"]),
            _f(row["recall"]), _f(row["f1"]), _f(baseline.get("precision")),
            _f(baseline.get("f1")), _lift(row.get("lift")), str(row["n"]),
        )  # fmt: skip
    return table


def _print_signal_notes(report: EvalReport, signals: dict[str, Any]) -> None:
    console.print(
        "P precision, R recall; base: the baseline rule on the same messages; lift = F1 - base F1"
    )
    from servicecoach.evaluation.baselines import signal_rule

    rules = {key: rule for key in signals if (rule := signal_rule(key)) is not None}
    if rules:
        console.print("Baselines (docs/eval.md), on the labelled agent messages:")
        for key, rule in rules.items():
            console.print(f"  {key}: {rule}")
    missing = [key for key in signals if key not in rules]
    if missing:
        console.print(f"No baseline: {', '.join(missing)}")
    if report.experimental:
        console.print("Experimental (shown, but changes no score by default):")
        for signal, why in sorted(report.experimental.items()):
            console.print(f"  {signal}: {why}")


def _label_summary(name: str, summary: dict[str, Any]) -> str:
    line = f"{name}: macro-F1 {_f(summary['macro_f1'])}, accuracy {_f(summary['accuracy'])}"
    baselines = summary.get("baselines")
    if not baselines:
        return line
    shown = [
        f"{kind}" + (f" ({b['label']})" if "label" in b else "") + f" {_f(b['macro_f1'])}"
        for kind, b in baselines.items()
    ]
    return f"{line}; baseline macro-F1: {', '.join(shown)}; lift {_lift(summary.get('lift'))}"


def _print_partly_judged(report: EvalReport, signals: dict[str, Any], why: str) -> None:
    """A line per signal measured on some labels but not all: the rest were not judged."""
    for key, count in sorted(report.not_judged.items()):
        if signals.get(key, {}).get("n"):
            console.print(
                f"{key}: {counted(count, 'more label')} not judged ({why}), left out of n"
            )


def _print(report: EvalReport, *, fast: bool = False) -> None:
    data = report.to_dict()
    console.print(
        f"[bold]{report.conversations}[/bold] labelled "
        f"{'conversation' if report.conversations == 1 else 'conversations'} analysed"
    )
    if report.signals:
        why = _not_judged_why(fast)
        console.print(_signals_table(data["signals"], report.not_judged, why))
        _print_partly_judged(report, data["signals"], why)
        _print_signal_notes(report, data["signals"])
    for name, rows in (("emotion", report.emotions), ("sentiment", report.sentiment)):
        if rows:
            summary = data["emotions" if name == "emotion" else "sentiment"]
            console.print(_counts_table(f"Customer {name}", rows, name))
            console.print(_label_summary(name, summary))
    if report.resolved is not None:
        console.print(_counts_table("Resolution", {"resolved": report.resolved}, ""))
    if report.scores:
        scores = Table(title="Scores: rank correlation with yours", title_justify="left")
        for column in (
            "score", "Spearman rho", "p-value", "pairs", "not scored", "baseline rho", "lift",
        ):  # fmt: skip
            scores.add_column(column, justify="left" if column == "score" else "right")
        for key, row in data["scores"].items():
            p_value = "–" if row["p_value"] is None else f"{row['p_value']:.2g}"
            baseline = row.get("baseline") or {}
            scores.add_row(
                key, _f(row["rho"]), p_value, str(row["n"]), str(row["missing"]),
                _f(baseline.get("rho")), _lift(row.get("lift")),
            )  # fmt: skip
        console.print(scores)
        rules = {row["baseline"]["rule"] for row in data["scores"].values() if row.get("baseline")}
        for rule in sorted(rules):
            console.print(f"Score baseline: {rule}")
    if report.not_scored:
        err_console.print(
            f"note: {counted(report.not_scored, 'labelled conversation')} "
            f"{'was' if report.not_scored == 1 else 'were'} not scored (language)"
        )
    if report.unmatched:
        shown = ", ".join(report.unmatched[:5])
        more = f" and {len(report.unmatched) - 5} more" if len(report.unmatched) > 5 else ""
        err_console.print(
            f"[yellow]warning:[/yellow] {counted(len(report.unmatched), 'label')} "
            f"{'names' if len(report.unmatched) == 1 else 'name'} conversations or "
            f"messages not in the input: {shown}{more}"
        )
