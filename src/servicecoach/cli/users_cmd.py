"""``servicecoach users``: the people who log in to the web app, and their roles."""

from __future__ import annotations

import sys
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from servicecoach.cli.options import DbOption, JsonOption
from servicecoach.cli.output import console, err_console, print_json
from servicecoach.errors import ConfigError

__all__ = ["users_app"]

users_app = typer.Typer(
    help="Web app users: create (admin, lead or agent), list, disable, enable, set-password.",
    no_args_is_help=True,
)

PasswordStdinOption = Annotated[
    bool,
    typer.Option(
        "--password-stdin",
        help="Read the password from the first line of standard input instead of asking.",
    ),
]


def _read_password(from_stdin: bool) -> str:
    if from_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
        if not password:
            raise ConfigError("no password on standard input (send one line with the password)")
        return password
    first = typer.prompt("Password", hide_input=True)
    second = typer.prompt("Repeat the password", hide_input=True)
    if first != second:
        raise ConfigError("the two passwords differ: run the command again")
    return str(first)


@users_app.command("create")
def _create_command(
    username: Annotated[str, typer.Argument(help="The login name, e.g. maren.olsen.")],
    role: Annotated[
        str,
        typer.Option(
            "--role",
            help="admin (sees everything), lead (sees --team) or agent (sees own "
            "conversations, --agent).",
        ),
    ],
    team: Annotated[
        str | None, typer.Option("--team", help="The team a lead sees (required for leads).")
    ] = None,
    agent: Annotated[
        str | None,
        typer.Option(
            "--agent",
            help="The agent id conversations name this agent by (required for agents; "
            "servicecoach agents list shows them).",
        ),
    ] = None,
    display_name: Annotated[
        str | None, typer.Option("--display-name", help="The name shown on pages.")
    ] = None,
    password_stdin: PasswordStdinOption = False,
    db: DbOption = None,
    json_output: JsonOption = False,
) -> None:
    """Create a user; the password is asked twice (or read with --password-stdin).

    Passwords have at least 10 characters and are stored only as Argon2id hashes.
    """
    password = _read_password(password_stdin)
    from servicecoach.store import users as store_users
    from servicecoach.store.database import Store

    with Store.open(db) as store, store.begin() as connection:
        user = store_users.create_user(
            connection,
            username,
            password,
            role,
            display_name=display_name,
            team=team,
            agent=agent,
        )
    if json_output:
        print_json(user.to_dict())
        return
    err_console.print(
        f"[green]✓[/green] user {escape(user.username)!r} created ({user.role}"
        + (f", team {escape(user.team)}" if user.team else "")
        + (f", agent {escape(user.agent)}" if user.agent else "")
        + "): log in at the address servicecoach serve prints"
    )


@users_app.command("list")
def _list_command(db: DbOption = None, json_output: JsonOption = False) -> None:
    """List users (username, name, role, team, agent, status); never their passwords."""
    from servicecoach.store import users as store_users
    from servicecoach.store.database import Store

    with Store.open(db, create=False) as store, store.connect() as connection:
        found = store_users.list_users(connection)
    if json_output:
        print_json([user.to_dict() for user in found])
        return
    if not found:
        err_console.print(
            "no users yet: create one with servicecoach users create NAME --role admin"
        )
        return
    table = Table(header_style="bold", box=None)
    for column in ("username", "name", "role", "team", "agent", "created", "status"):
        table.add_column(column)
    for user in found:
        table.add_row(
            escape(user.username),
            escape(user.name),
            user.role,
            escape(user.team or "-"),
            escape(user.agent or "-"),
            f"{user.created_at:%Y-%m-%d}",
            "disabled" if user.disabled else "active",
        )
    console.print(table)


@users_app.command("disable")
def _disable_command(
    username: Annotated[str, typer.Argument(help="The user to stop.")],
    db: DbOption = None,
) -> None:
    """Stop a user from logging in; their open sessions end at their next request."""
    from servicecoach.store import users as store_users
    from servicecoach.store.database import Store

    with Store.open(db, create=False) as store, store.begin() as connection:
        user = store_users.disable_user(connection, username)
    err_console.print(f"[green]✓[/green] user {escape(user.username)!r} is disabled")


@users_app.command("enable")
def _enable_command(
    username: Annotated[str, typer.Argument(help="The user to let back in.")],
    db: DbOption = None,
) -> None:
    """Let a disabled user log in again."""
    from servicecoach.store import users as store_users
    from servicecoach.store.database import Store

    with Store.open(db, create=False) as store, store.begin() as connection:
        user = store_users.enable_user(connection, username)
    err_console.print(f"[green]✓[/green] user {escape(user.username)!r} is enabled")


@users_app.command("set-password")
def _set_password_command(
    username: Annotated[str, typer.Argument(help="Whose password to replace.")],
    password_stdin: PasswordStdinOption = False,
    db: DbOption = None,
) -> None:
    """Replace a user's password (asked twice); their other sessions end."""
    from servicecoach.store import users as store_users
    from servicecoach.store.database import Store

    with Store.open(db, create=False) as store:
        with store.connect() as connection:
            store_users.get_user(connection, username)  # fail before asking
        password = _read_password(password_stdin)
        with store.begin() as connection:
            user = store_users.set_password(connection, username, password)
    err_console.print(f"[green]✓[/green] the password of {escape(user.username)!r} is changed")
