"""``servicecoach reasons``: build and show the recurring contact reasons."""

from __future__ import annotations

import contextlib
from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING, Annotated

import typer
from rich.markup import escape
from rich.table import Table

from servicecoach.cli.options import DbOption, JsonOption, QuietOption
from servicecoach.cli.output import console, counted, err_console, file_progress, print_json
from servicecoach.errors import ConfigError, NotFoundError

if TYPE_CHECKING:
    from servicecoach.analysis.contact_reasons import Encoder
    from servicecoach.services.contact_reasons import ReasonsBuild
    from servicecoach.store.contact_reasons import RankedReasons
    from servicecoach.store.database import Store

__all__ = ["SortOption", "default_encoder", "reasons_app"]

reasons_app = typer.Typer(
    help="Recurring contact reasons across customers, grouped by meaning.",
    no_args_is_help=True,
)


class SortOption(StrEnum):
    """``--sort``: the values of :class:`~servicecoach.store.contact_reasons.ReasonSort`, which
    is not imported for ``--help`` (NumPy, SQLAlchemy; tests/cli/test_startup.py)."""

    VOLUME = "volume"
    GROWTH = "growth"
    NEGATIVE = "negative"


def default_encoder() -> tuple[Encoder, str]:
    """:func:`servicecoach.services.contact_reasons.default_encoder`, imported on first use."""
    from servicecoach.services import contact_reasons

    return contact_reasons.default_encoder()


def _day(value: str | None, option: str) -> datetime | None:
    if value is None:
        return None
    try:
        return datetime.strptime(value, "%Y-%m-%d")
    except ValueError:
        raise ConfigError(
            f"{option} {value!r} is not a date (use YYYY-MM-DD, e.g. 2024-05-01)"
        ) from None


@reasons_app.command("build")
def _build_command(
    min_size: Annotated[
        int | None,
        typer.Option(
            "--min-size",
            min=2,
            help="Smallest contact reason (default: 3, or 1 in 2,000 conversations).",
        ),
    ] = None,
    threshold: Annotated[
        float,
        typer.Option(
            "--threshold",
            min=0.05,
            max=1.5,
            help="Group texts closer than this cosine distance (lower: more, tighter groups).",
        ),
    ] = 0.6,
    db: DbOption = None,
    cluster: Annotated[
        str | None,
        typer.Option(
            "--cluster",
            metavar="ADDRESS",
            help="Embed and group on a Dask cluster: local:N (N worker processes here) or a "
            "scheduler's tcp://HOST:8786 (docs/scale.md).",
        ),
    ] = None,
    quiet: QuietOption = False,
    json_output: JsonOption = False,
) -> None:
    """Embed the conversations not embedded yet, group all by meaning, store the groups.

    Incremental: only new conversations are embedded (interrupting keeps what was
    done); the grouping is rebuilt over all of them. Run it after each import, or
    nightly. With --cluster the workers embed, and beyond 3,000 conversations each
    summarises a page of them for the grouping (docs/scale.md).
    """
    from servicecoach.services.contact_reasons import build_contact_reasons
    from servicecoach.store.analyses import latest_run
    from servicecoach.store.database import Store
    from servicecoach.store.metrics import ensure_metrics

    show = not quiet and not json_output
    with Store.open(db, create=False) as store:
        with store.begin() as connection, contextlib.suppress(NotFoundError):
            ensure_metrics(connection, latest_run(connection).id)  # runs from before 0005
        if cluster is not None:
            report = _build_on(cluster, store, min_size, threshold, show)
        else:
            encode, model = default_encoder()
            with file_progress("embedding", 0, show=show, bytes_column=False) as update:
                report = build_contact_reasons(
                    store,
                    encode,
                    model,
                    min_size=min_size,
                    distance_threshold=threshold,
                    progress=update,
                )
    if json_output:
        print_json({"ok": True, **report.to_dict()})
    elif not quiet:
        err_console.print(
            f"[green]✓[/green] {counted(report.reasons, 'contact reason')} from "
            f"{counted(report.grouped, 'conversation')} ({report.assigned} in a reason); "
            f"{report.embedded} newly "
            f"embedded with {escape(report.model)} ({report.seconds:.1f} s)"
        )


def _build_on(
    address: str, store: Store, min_size: int | None, threshold: float, show: bool
) -> ReasonsBuild:
    """The build on the cluster ``address`` (its dashboard's address printed)."""
    from servicecoach.services.cluster import dashboard_link, open_cluster, worker_threads
    from servicecoach.services.cluster_contact_reasons import build_reasons_on_cluster

    with open_cluster(address) as client:
        if show:  # as `analyze --cluster` says it
            link, workers = dashboard_link(client), worker_threads(client)
            wait = "" if workers else " (tasks wait until workers join)"
            where = f"; dashboard: {escape(link)}" if link else ""
            err_console.print(f"Dask cluster {address}: {counted(workers, 'worker')}{wait}{where}")
        with file_progress("embedding", 0, show=show, bytes_column=False) as update:
            return build_reasons_on_cluster(
                store, client, min_size=min_size, distance_threshold=threshold, progress=update
            )


def _ranked_dict(issues: RankedReasons) -> dict[str, object]:
    return {
        "run": issues.run,
        "start": issues.start.isoformat() if issues.start else None,
        "end": issues.end.isoformat() if issues.end else None,
        "previous_start": issues.previous_start.isoformat() if issues.previous_start else None,
        "built_at": issues.built_at.isoformat() if issues.built_at else None,
        "unassigned": issues.unassigned,
        "reasons": [
            {
                "id": r.id,
                "label": r.label,
                "words": list(r.words),
                "volume": r.volume,
                "previous": r.previous,
                "growth": r.growth,
                "negative": r.negative,
                "negative_share": r.negative_share,
                "examples": [
                    {"conversation": f"{e.source}:{e.external_id}", "text": e.text}
                    for e in r.examples
                ],
            }
            for r in issues.reasons
        ],
    }


@reasons_app.command("show")
def _show_command(
    sort: Annotated[
        SortOption, typer.Option("--sort", help="Rank by volume, growth or negative emotion.")
    ] = SortOption.VOLUME,
    limit: Annotated[int, typer.Option("--limit", min=1, help="How many reasons.")] = 20,
    channel: Annotated[str | None, typer.Option("--channel", help="Only this channel.")] = None,
    team: Annotated[str | None, typer.Option("--team", help="Only this team's agents.")] = None,
    start: Annotated[
        str | None, typer.Option("--start", metavar="DATE", help="First day, YYYY-MM-DD.")
    ] = None,
    end: Annotated[
        str | None, typer.Option("--end", metavar="DATE", help="Last day, YYYY-MM-DD.")
    ] = None,
    db: DbOption = None,
    json_output: JsonOption = False,
) -> None:
    """Show the recurring contact reasons of a period (default: the last 28 days) ranked."""
    from servicecoach.store.contact_reasons import ReasonSort, ranked_reasons
    from servicecoach.store.database import Store
    from servicecoach.store.filters import Filters, Scope

    first, last = _day(start, "--start"), _day(end, "--end")
    filters = Filters(
        channel=channel,
        team=team,
        start=first.date() if first else None,
        end=last.date() if last else None,
    )
    with Store.open(db, create=False) as store, store.connect() as connection:
        issues = ranked_reasons(
            connection, filters, Scope.everything(), sort=ReasonSort(sort), limit=limit
        )
    if json_output:
        print_json(_ranked_dict(issues))
        return
    if issues.built_at is None:
        console.print("no contact reasons yet: run `servicecoach reasons build` first")
        return
    console.print(f"[bold]Contact reasons[/bold] {issues.start} to {issues.end} (run {issues.run})")
    table = Table(header_style="bold", box=None)
    for column in ("reason", "conversations", "change", "upset", "example"):
        table.add_column(
            column, justify="right" if column in ("conversations", "change", "upset") else "left"
        )
    for r in issues.reasons:
        change = "new" if r.growth is None else f"{r.growth:+.0%}"
        upset = f"{r.negative_share:.0%}" if r.negative_share is not None else "-"
        example = r.examples[0].text[:60] if r.examples else ""
        table.add_row(escape(r.label), str(r.volume), change, upset, escape(example))
    console.print(table)
