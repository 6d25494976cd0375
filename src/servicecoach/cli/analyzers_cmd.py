"""``servicecoach analyzers list``: the analysers loaded, what each scores, and from where."""

from __future__ import annotations

import typer
from rich.table import Table

from servicecoach.cli.options import JsonOption
from servicecoach.cli.output import console, print_json

__all__ = ["analyzers_app"]

analyzers_app = typer.Typer(
    help="The analysers servicecoach scores with: built-in and from installed plugins.",
    no_args_is_help=True,
)


@analyzers_app.command("list")
def _list_command(json_output: JsonOption = False) -> None:
    """List the analysers loaded: the skill each scores, its version, and its plugin.

    A skill a plugin adds (beyond the twelve built-in ones) is marked "(new)".

    Installed plugins load unless SERVICECOACH_PLUGINS names the ones to load
    (comma-separated; 'none' for the built-ins only).
    """
    from servicecoach.analysis.registry import registrations
    from servicecoach.analysis.skills import SKILLS, skills_of
    from servicecoach.plugins import plugin_manager, plugin_origins

    manager = plugin_manager()
    registered = registrations(manager)  # the hooks run once
    found = {name: analyzer for name, (analyzer, _) in registered.items()}
    plugins = {name: plugin for name, (_, plugin) in registered.items()}
    origins = plugin_origins(manager)
    labels = {skill.name: skill.label for skill in skills_of(found.values())}
    rows = [
        {
            "name": analyzer.name,
            "skill": analyzer.skill,
            "skill_label": labels.get(analyzer.skill, analyzer.skill),
            "new_skill": analyzer.skill not in SKILLS,
            "version": analyzer.version,
            "live": analyzer.live,
            "plugin": plugins.get(name, ""),
            "from": origins.get(plugins.get(name, ""), ""),
        }
        for name, analyzer in found.items()
    ]
    if json_output:
        print_json(rows)
        return
    table = Table(header_style="bold", box=None)
    for column in ("analyser", "skill", "version", "live assist", "from"):
        table.add_column(column, no_wrap=True)
    for row in rows:
        origin = str(row["from"])
        if origin != "built-in":  # the distribution, and the plugin's entry-point name
            origin = f"{origin} ({row['plugin']})"
        table.add_row(
            str(row["name"]),
            f"{row['skill']} (new)" if row["new_skill"] else str(row["skill"]),
            f"v{row['version']}",
            "yes" if row["live"] else "no",
            origin,
        )
    console.print(table)
