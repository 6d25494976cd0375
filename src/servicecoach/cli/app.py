"""The ``servicecoach`` command: wiring of the sub-commands and error handling."""

from __future__ import annotations

import os
import sys

import typer
from rich.markup import escape
from typer.exceptions import TyperException

from servicecoach import __version__
from servicecoach.cli.agents_cmd import agents_app
from servicecoach.cli.analyze_cmd import analyze_command
from servicecoach.cli.analyzers_cmd import analyzers_app
from servicecoach.cli.check_cmd import check_command
from servicecoach.cli.customers_cmd import customers_app
from servicecoach.cli.demo_cmd import demo_command
from servicecoach.cli.eval_cmd import eval_command
from servicecoach.cli.export_cmd import export_command
from servicecoach.cli.formats_cmd import formats_command
from servicecoach.cli.import_cmd import import_command
from servicecoach.cli.metavars import PlainHelpGroup
from servicecoach.cli.output import err_console
from servicecoach.cli.practice_cmd import practice_app
from servicecoach.cli.reasons_cmd import reasons_app
from servicecoach.cli.report_cmd import report_app
from servicecoach.cli.reviews_cmd import reviews_app
from servicecoach.cli.rubric_cmd import rubric_app
from servicecoach.cli.serve_cmd import serve_command
from servicecoach.cli.tokens_cmd import tokens_app
from servicecoach.cli.tune_cmd import tune_command
from servicecoach.cli.users_cmd import users_app
from servicecoach.errors import ServiceCoachError

__all__ = ["app", "main"]

app = typer.Typer(
    name="servicecoach",
    cls=PlainHelpGroup,  # words for values in every --help, not Python types
    help="Measure and coach customer-service conversations across every channel.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
    rich_markup_mode="markdown",
)
app.command("import")(import_command)
app.command("export")(export_command)
app.command("analyze")(analyze_command)
app.command("check")(check_command)
app.command("formats")(formats_command)
app.add_typer(analyzers_app, name="analyzers")
app.command("demo")(demo_command)
app.command("eval")(eval_command)
app.add_typer(practice_app, name="practice")
app.add_typer(customers_app, name="customers")
app.add_typer(report_app, name="report")
app.add_typer(agents_app, name="agents")
app.add_typer(reasons_app, name="reasons")
# The command's name before it was `reasons` (recurring contact reasons): scripts keep working.
app.add_typer(reasons_app, name="insights", hidden=True)
app.command("serve")(serve_command)
app.add_typer(tokens_app, name="tokens")
app.add_typer(users_app, name="users")
app.add_typer(reviews_app, name="reviews")
app.command("tune")(tune_command)
app.add_typer(rubric_app, name="rubric")


def _version(value: bool) -> None:
    if value:
        typer.echo(f"servicecoach {__version__}")
        raise typer.Exit


@app.callback()
def _root(
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="Print the version and exit."
    ),
) -> None:
    """Measure and coach customer-service conversations across every channel.

    Exit codes: 0 success; 1 internal error; 2 bad option or configuration;
    3 invalid input (nothing imported or analysed); 4 not found; 5 database error.
    """


def main() -> None:
    """Entry point: runs the app; user mistakes print a message, not a traceback."""
    try:
        result = app(standalone_mode=False, prog_name="servicecoach")
    except ServiceCoachError as exc:
        err_console.print(f"[red]error:[/red] {escape(str(exc))}")
        sys.exit(exc.exit_code)
    except typer.Abort:
        err_console.print("aborted")
        sys.exit(130)
    except KeyboardInterrupt:
        err_console.print("interrupted: nothing was written by the unfinished command")
        sys.exit(130)
    except TyperException as exc:  # usage errors: bad option, missing argument
        show = getattr(exc, "show", None)
        if show is not None:
            show()
        else:
            err_console.print(f"error: {escape(str(exc))}")
        sys.exit(exc.exit_code)
    except Exception as exc:  # a bug: say so plainly, show the traceback on request
        if os.environ.get("SERVICECOACH_DEBUG"):
            raise
        err_console.print(
            f"[red]internal error:[/red] {escape(type(exc).__name__)}: {escape(str(exc))}\n"
            "This is a bug in servicecoach; rerun with SERVICECOACH_DEBUG=1 for the traceback "
            "and report it."
        )
        sys.exit(1)
    sys.exit(result if isinstance(result, int) else 0)
