"""``servicecoach reviews``: the team's human reviews, exported as ``eval`` labels."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from servicecoach.cli.options import DbOption
from servicecoach.cli.output import counted, err_console
from servicecoach.errors import ConfigError

__all__ = ["reviews_app"]

reviews_app = typer.Typer(
    help="Human reviews made in the web app: export them as labels for `servicecoach eval`.",
    no_args_is_help=True,
)


@reviews_app.command("export")
def _export_command(
    out: Annotated[
        Path,
        typer.Option("--out", "-o", help="The labels file to write (JSON Lines; - for stdout)."),
    ],
    team: Annotated[
        str | None, typer.Option("--team", help="Only the reviews of this team's conversations.")
    ] = None,
    calibration: Annotated[
        bool,
        typer.Option(
            "--include-calibration",
            help="Also each reviewer's blind calibration reviews (by default a session "
            "counts through its agreed answers).",
        ),
    ] = False,
    db: DbOption = None,
) -> None:
    """Write the reviews as a labels file `servicecoach eval --labels` reads (docs/eval.md).

    Each review gives one conversation label (its scores; not-applicable skills are left
    out) and one message label per message it marked (agree and missed: true; wrong:
    false). Ids are the conversations' and messages' own, as `servicecoach export`
    writes them, so `servicecoach export --out c.jsonl` and `servicecoach eval c.jsonl
    --labels labels.jsonl` measure servicecoach against the team's reviews.
    """
    from servicecoach.review.labels import LABEL_KINDS, label_lines
    from servicecoach.review.model import ReviewKind
    from servicecoach.store.database import Store
    from servicecoach.store.filters import Scope
    from servicecoach.store.reviews import iter_reviews

    kinds = LABEL_KINDS | {ReviewKind.CALIBRATION} if calibration else LABEL_KINDS
    scope = Scope.team(team) if team else Scope.everything()
    with Store.open(db, create=False) as store, store.connect() as connection:
        lines = [json.dumps(line, ensure_ascii=False) for line in label_lines(
            iter_reviews(connection, scope, kinds), kinds=kinds
        )]  # fmt: skip
    if not lines:
        raise ConfigError(
            "no reviews to export" + (f" for team {team!r}" if team else "")
            + ": review conversations in the web app first (docs/review.md)"
        )  # fmt: skip
    text = "\n".join(lines) + "\n"
    if str(out) == "-":
        typer.echo(text, nl=False)
    else:
        try:
            out.write_text(text, encoding="utf-8")
        except OSError as exc:
            raise ConfigError(f"cannot write {out}: {exc.strerror}") from None
    err_console.print(f"[green]✓[/green] {counted(len(lines), 'label')} written to {out}")
