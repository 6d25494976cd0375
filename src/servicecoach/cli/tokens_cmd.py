"""``servicecoach tokens``: create, list and revoke the HTTP service's API tokens."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from servicecoach.cli.options import DbOption, JsonOption
from servicecoach.cli.output import console, err_console, print_json

__all__ = ["tokens_app"]

tokens_app = typer.Typer(
    help="API tokens for `servicecoach serve`: create (the secret is shown once), list, revoke.",
    no_args_is_help=True,
)


@tokens_app.command("create")
def _create_command(
    name: Annotated[str, typer.Argument(help='What the token is for, e.g. "helpdesk sidebar".')],
    db: DbOption = None,
    json_output: JsonOption = False,
) -> None:
    """Create an API token and print its secret - the only time it is shown.

    The secret alone goes to standard output (so `TOKEN=$(servicecoach tokens create
    bot)` works); only its SHA-256 hash is stored. Send it as
    `Authorization: Bearer <token>`.
    """
    from servicecoach.store import tokens as store_tokens
    from servicecoach.store.database import Store

    with Store.open(db) as store, store.begin() as connection:
        new = store_tokens.create_token(connection, name)
    if json_output:
        print_json({**new.token.to_dict(), "token": new.secret})
    else:
        typer.echo(new.secret)
    err_console.print(
        f"[green]✓[/green] token {new.token.id} ({escape(new.token.prefix)}…) created for "
        f"{escape(new.token.name)!r}.\n"
        "[yellow]Copy it now: it is stored hashed and will not be shown again.[/yellow] "
        "Send it as: Authorization: Bearer <token>"
    )


@tokens_app.command("list")
def _list_command(
    show_all: Annotated[bool, typer.Option("--all", "-a", help="Include revoked tokens.")] = False,
    db: DbOption = None,
    json_output: JsonOption = False,
) -> None:
    """List API tokens (id, name, prefix, created, last used); never their secrets."""
    from servicecoach.store import tokens as store_tokens
    from servicecoach.store.database import Store

    with Store.open(db, create=False) as store, store.connect() as connection:
        found = store_tokens.list_tokens(connection, include_revoked=show_all)
    if json_output:
        print_json([token.to_dict() for token in found])
        return
    if not found:
        err_console.print(
            "no active tokens" + ("" if show_all else " (--all shows revoked ones)")
            + ": create one with servicecoach tokens create NAME"
        )  # fmt: skip
        return
    table = Table(header_style="bold", box=None)
    for column in ("id", "name", "prefix", "created", "last used", "status"):
        table.add_column(column)
    for token in found:
        table.add_row(
            str(token.id),
            escape(token.name),
            escape(token.prefix) + "…",
            f"{token.created_at:%Y-%m-%d %H:%M}",
            f"{token.last_used_at:%Y-%m-%d %H:%M}" if token.last_used_at else "never",
            "active" if token.active else f"revoked {token.revoked_at:%Y-%m-%d}",
        )
    console.print(table)


@tokens_app.command("revoke")
def _revoke_command(
    ref: Annotated[str, typer.Argument(help="The token's id or prefix (from tokens list).")],
    db: DbOption = None,
    json_output: JsonOption = False,
) -> None:
    """Revoke an API token: requests with it are refused from now on (401)."""
    from servicecoach.store import tokens as store_tokens
    from servicecoach.store.database import Store

    with Store.open(db, create=False) as store, store.begin() as connection:
        token = store_tokens.revoke_token(connection, ref)
    if json_output:
        print_json(token.to_dict())
        return
    err_console.print(
        f"[green]✓[/green] token {token.id} ({escape(token.prefix)}…, "
        f"{escape(token.name)!r}) is revoked"
    )
