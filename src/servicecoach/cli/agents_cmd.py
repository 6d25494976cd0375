"""``servicecoach agents``: the agents seen in analysed conversations, and their teams."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer
from rich.markup import escape
from rich.table import Table

from servicecoach.cli.options import DbOption, JsonOption
from servicecoach.cli.output import console, err_console, print_json
from servicecoach.errors import ConfigError

if TYPE_CHECKING:
    from servicecoach.store.agents import AgentRecord

__all__ = ["agents_app"]

agents_app = typer.Typer(
    help="List the agents of analysed conversations; put them in teams (for team filters and leads).",
    no_args_is_help=True,
)


def _record_dict(record: AgentRecord) -> dict[str, object]:
    return {"id": record.id, "display_name": record.display_name, "team": record.team}


@agents_app.command("list")
def _list_command(
    team: Annotated[str | None, typer.Option("--team", help="Only this team's agents.")] = None,
    db: DbOption = None,
    json_output: JsonOption = False,
) -> None:
    """List agents with their team and conversations in the latest analysis run."""
    from servicecoach.store.database import Store
    from servicecoach.store.filters import Filters, Scope
    from servicecoach.store.scorecards import list_agents

    with Store.open(db, create=False) as store, store.connect() as connection:
        found = list_agents(connection, Filters(team=team), Scope.everything())
    if json_output:
        print_json(
            [
                {
                    "id": a.id,
                    "display_name": a.display_name,
                    "team": a.team,
                    "conversations": a.conversations,
                    "quality": round(a.quality, 1) if a.quality is not None else None,
                }
                for a in found
            ]
        )
        return
    if not found:
        console.print("no agents yet: run `servicecoach analyze --db ...` first")
        return
    table = Table(header_style="bold", box=None)
    for column in ("agent", "name", "team", "conversations", "quality"):
        table.add_column(
            column, justify="right" if column in ("conversations", "quality") else "left"
        )
    for a in found:
        table.add_row(
            escape(a.id),
            escape(a.display_name or ""),
            escape(a.team or "-"),
            str(a.conversations),
            f"{a.quality:.0f}" if a.quality is not None else "-",
        )
    console.print(table)


@agents_app.command("set-team")
def _set_team_command(
    agent: Annotated[
        str, typer.Argument(help="The agent id, as `servicecoach agents list` shows it.")
    ],
    team: Annotated[str | None, typer.Argument(help="The team name (e.g. north).")] = None,
    clear: Annotated[bool, typer.Option("--clear", help="Take the agent out of any team.")] = False,
    name: Annotated[
        str | None, typer.Option("--name", help="Also set the name shown for the agent.")
    ] = None,
    db: DbOption = None,
    json_output: JsonOption = False,
) -> None:
    """Put an agent in a team (or take them out with --clear); their past conversations follow."""
    if (team is None) == (not clear):
        raise ConfigError("give a TEAM, or --clear to take the agent out of their team")
    from servicecoach.store.agents import set_agent_display_name, set_agent_team
    from servicecoach.store.database import Store

    with Store.open(db, create=False) as store, store.begin() as connection:
        record = set_agent_team(connection, agent, None if clear else team)
        if name is not None:
            record = set_agent_display_name(connection, agent, name)
    if json_output:
        print_json(_record_dict(record))
        return
    where = f"team {escape(record.team)}" if record.team else "no team"
    err_console.print(f"[green]✓[/green] {escape(record.name)} is in {where}")
