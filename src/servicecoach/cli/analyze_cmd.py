"""``servicecoach analyze``: score files of any supported format, write FORMAT.md results."""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from servicecoach.cli.options import FastOption, JsonOption, QuietOption
from servicecoach.cli.output import (
    counted,
    err_console,
    file_progress,
    print_json,
    print_problems,
    print_warnings,
)
from servicecoach.errors import ConfigError, ImportFailed

if TYPE_CHECKING:
    from distributed import Client

    from servicecoach.analysis.pipeline import Pipeline
    from servicecoach.rubric import Rubric
    from servicecoach.services.analysis import Runner
    from servicecoach.services.cluster_task import PipelineSettings
    from servicecoach.services.plan import ImportPlan

__all__ = ["analyze_command"]


def analyze_command(
    paths: Annotated[
        list[Path] | None,
        typer.Argument(help="Files or folders to analyse (or none, with --db)."),
    ] = None,
    out: Annotated[
        Path | None,
        typer.Option(
            "--out",
            "-o",
            help="Write results here instead of stdout: JSON Lines (FORMAT.md), or a "
            "Parquet table when the name ends in .parquet.",
        ),
    ] = None,
    format: Annotated[
        str | None, typer.Option("--format", "-f", help="Read every file as this format.")
    ] = None,
    skip_invalid: Annotated[
        bool,
        typer.Option(
            "--skip-invalid", help="Analyse the valid records and report the invalid ones."
        ),
    ] = False,
    support_address: Annotated[
        list[str] | None,
        typer.Option("--support-address", help="Email address or domain of your support team."),
    ] = None,
    rubric: Annotated[
        Path | None,
        typer.Option("--rubric", help="Team rubric (TOML): weights, targets, business hours."),
    ] = None,
    db: Annotated[
        str | None,
        typer.Option(
            "--db",
            help="Analyse the conversations stored in this database instead of files; "
            "results are saved there as a new run.",
        ),
    ] = None,
    cluster: Annotated[
        str | None,
        typer.Option(
            "--cluster",
            metavar="ADDRESS",
            help="Analyse on a Dask cluster: local:N (N worker processes here) or a "
            "scheduler's tcp://HOST:8786 (docs/scale.md). Same results as without.",
        ),
    ] = None,
    resume: Annotated[
        int | None,
        typer.Option(
            "--resume",
            metavar="RUN",
            help="With --db and --cluster: complete the unfinished run RUN instead of "
            "starting a new one (results it has are kept, never written twice).",
        ),
    ] = None,
    workers: Annotated[
        int,
        typer.Option(
            "--workers",
            "-w",
            min=1,
            metavar="N",
            help="Analyse files on N processes of this machine (one per core is fastest "
            "on large files; --fast gains most). Same results as one.",
        ),
    ] = 1,
    fast: FastOption = False,
    quiet: QuietOption = False,
    json_output: JsonOption = False,
) -> None:
    """Analyse conversations in files (no database needed): one result line per conversation.

    Every skill of the rubric is scored 0-100, or marked not applicable, with the exact
    words as evidence. Invalid input stops the analysis before any result is written to
    --out (exit code 3) unless --skip-invalid is given. With --db, the stored
    conversations are analysed instead and saved as a new run (earlier runs are kept).
    With --workers, files are analysed on several processes of this machine; with
    --cluster, the work is spread over a Dask cluster's workers.
    """
    if workers == 1 and cluster is None:  # this process reads languages: start loading
        from servicecoach.analysis.language import preload  # (a spare core, while we import)

        preload()
    from servicecoach.analysis.pipeline import Pipeline  # before the rubric: they import each other
    from servicecoach.ingest.base import ImportOptions
    from servicecoach.rubric import load_rubric
    from servicecoach.services.analysis import analyze_plan
    from servicecoach.services.plan import plan_import

    if resume is not None and (db is None or cluster is None):
        raise ConfigError("--resume RUN completes a cluster run: give it with --db and --cluster")
    if workers > 1 and cluster is not None:
        raise ConfigError("--workers runs here; --cluster runs on Dask: give one of them")
    if workers > 1 and db is not None:
        raise ConfigError(
            f"--workers analyses files; to analyse the store on {workers} processes "
            f"(each customer's history kept together) use --cluster local:{workers}"
        )
    team = load_rubric(rubric)
    # Workers load the models; here the pipeline only names the analysers.
    pipeline = Pipeline.from_rubric(team, fast=fast or cluster is not None or workers > 1)
    settings = _settings(team, fast)
    if out is not None and not out.parent.is_dir():
        raise ConfigError(f"--out {out}: folder {out.parent} does not exist")
    if db is not None:
        if paths:
            raise ConfigError("give files to analyse, or --db to analyse the store, not both")
        with _cluster(cluster, quiet or json_output) as client:
            if client is None:
                run, count = _analyze_store(db, pipeline, quiet or json_output)
            else:
                run, count = _analyze_store_on(
                    db, client, pipeline, settings, resume, quiet or json_output
                )
        _finish_store_run(db, run, count, out, quiet, json_output)
        return
    if not paths:
        raise ConfigError("give files or folders to analyse, or --db to analyse the store")
    if json_output and out is None:
        raise ConfigError("--json prints a summary: give --out for the results")
    plan = plan_import(paths, format)
    addresses = (*team.email.support_addresses, *(support_address or ()))
    options = ImportOptions(support_addresses=addresses)
    show_progress = not quiet and not json_output and out is not None
    parquet = out is not None and out.suffix.lower() == ".parquet"
    target = out.with_name(f".{out.name}.jsonl") if out is not None and parquet else out
    with (
        _cluster(cluster, quiet or json_output) as client,
        _pool(workers, settings) as pool,
        file_progress(
            "analysing", plan.total_bytes, show=show_progress, bytes_column=False
        ) as update,
    ):
        plan, runner = (plan, pool) if client is None else _runner(client, settings, plan)
        try:
            report = analyze_plan(
                plan, pipeline, target, options, skip_invalid=skip_invalid, stdout=sys.stdout,
                progress=update, runner=runner,
            )  # fmt: skip
            if out is not None and target is not None and parquet:
                _to_parquet(target, out)
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
        print_json({"ok": True, **report.to_dict()})
        return
    if report.problems:
        print_problems(report.problems, report.skipped)
    if not quiet:
        print_warnings(report.warnings)
        where = f" to {out}" if out is not None else ""
        failures = f"; {counted(report.failures, 'analyser failure')}" if report.failures else ""
        err_console.print(
            f"[green]✓[/green] {counted(report.conversations, 'conversation')} analysed{where} "
            f"({report.seconds:.1f} s){failures}"
        )


def _settings(team: Rubric, fast: bool) -> PipelineSettings:
    from servicecoach.services.cluster_task import PipelineSettings

    return PipelineSettings.of(team, fast)


@contextlib.contextmanager
def _cluster(address: str | None, quiet: bool) -> Iterator[Client | None]:
    """The cluster's client (its dashboard's address printed), or ``None`` without one."""
    if address is None:
        yield None
        return
    from servicecoach.services.cluster import dashboard_link, open_cluster, worker_threads

    with open_cluster(address) as client:
        link = dashboard_link(client)
        if not quiet:
            workers = worker_threads(client)
            where = f"; dashboard: {link}" if link else ""
            wait = "" if workers else " (tasks wait until workers join)"
            err_console.print(f"Dask cluster {address}: {counted(workers, 'worker')}{wait}{where}")
        yield client


@contextlib.contextmanager
def _pool(workers: int, settings: PipelineSettings) -> Iterator[Runner | None]:
    """``workers`` started processes' runner, or ``None`` (this process) for one."""
    if workers == 1:
        yield None
        return
    from servicecoach.services.local_pool import LocalPool

    with LocalPool(settings, workers) as pool:
        pool.start()
        yield pool.run


def _runner(
    client: Client, settings: PipelineSettings, plan: ImportPlan
) -> tuple[ImportPlan, Runner | None]:
    """The plan and runner on the cluster (Parquet exports are read on the workers)."""
    from servicecoach.services.distributed import cluster_analysis

    return cluster_analysis(client, settings, plan)


def _to_parquet(results: Path, out: Path) -> None:
    """Turn the JSON Lines results into the Parquet table ``out``; the lines are removed."""
    from servicecoach.analysis.skills import skill_names
    from servicecoach.ingest.parquet.results import jsonl_to_parquet

    try:
        jsonl_to_parquet(results, out, skill_names())
    finally:
        results.unlink(missing_ok=True)


def _analyze_store(db: str, pipeline: Pipeline, quiet: bool) -> tuple[int, int]:
    from servicecoach.services.analysis import analyze_store
    from servicecoach.store.database import Store

    with (
        Store.open(db, create=False) as store,
        file_progress("analysing", 0, show=not quiet, bytes_column=False) as update,
    ):
        return analyze_store(store, pipeline, progress=update)


def _analyze_store_on(
    db: str,
    client: Client,
    pipeline: Pipeline,
    settings: PipelineSettings,
    resume: int | None,
    quiet: bool,
) -> tuple[int, int]:
    from servicecoach.services.distributed import analyze_store_on_cluster
    from servicecoach.store.database import Store

    with (
        Store.open(db, create=False) as store,
        file_progress("analysing", 0, show=not quiet, bytes_column=False) as update,
    ):
        return analyze_store_on_cluster(
            store, client, settings, pipeline.versions,
            {name: cfg for name, cfg in pipeline.config.items() if cfg},
            resume=resume, progress=update,
        )  # fmt: skip


def _finish_store_run(
    db: str, run: int, count: int, out: Path | None, quiet: bool, json_output: bool
) -> None:
    """Write the run's results to ``out`` when given, then say what was done."""
    if out is not None:
        from servicecoach.services.run_results import write_run_results
        from servicecoach.store.database import Store

        with Store.open(db, create=False) as store, store.connect() as connection:
            write_run_results(connection, run, out)
    if json_output:
        print_json({"ok": True, "run": run, "conversations": count})
    elif not quiet:
        where = f", results written to {out}" if out is not None else ""
        err_console.print(
            f"[green]✓[/green] run {run}: {counted(count, 'stored conversation')} analysed{where} "
            f"(see: servicecoach report scorecard --db {db})"
        )
