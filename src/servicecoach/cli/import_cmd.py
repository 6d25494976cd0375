"""``servicecoach import``: files of any supported format into the store.

The command line has no users: it runs with the rights of whoever can open the
database (the file's owner, or the PostgreSQL role of the URL), as an admin, and
writes every conversation (``Scope.everything()``).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table

from servicecoach.cli.options import DbOption, JsonOption, QuietOption
from servicecoach.cli.output import (
    console,
    counted,
    err_console,
    file_progress,
    print_json,
    print_problems,
    print_warnings,
)
from servicecoach.errors import ConfigError, ImportFailed, ServiceCoachError
from servicecoach.model.conversation import Role

if TYPE_CHECKING:
    from servicecoach.services.imports import ImportReport

__all__ = ["import_command", "parse_speaker_roles"]


def parse_speaker_roles(values: list[str]) -> dict[str, Role]:
    """``["spk_0=agent", "Dana=customer"]`` as a mapping.

    Raises:
        ConfigError: an entry is not ``LABEL=ROLE`` with a known role.
    """
    roles: dict[str, Role] = {}
    for value in values:
        label, sep, role = value.rpartition("=")
        if not sep or not label.strip():
            raise ConfigError(f"--speaker {value!r}: expected LABEL=ROLE, e.g. spk_0=agent")
        try:
            roles[label.strip()] = Role(role.strip().lower())
        except ValueError:
            raise ConfigError(
                f"--speaker {value!r}: role must be agent, customer, bot or system"
            ) from None
    return roles


def import_command(
    paths: Annotated[
        list[Path], typer.Argument(help="Files or folders to import (folders are searched).")
    ],
    format: Annotated[
        str | None,
        typer.Option(
            "--format", "-f", help="Read every file as this format (see `servicecoach formats`)."
        ),
    ] = None,
    db: DbOption = None,
    skip_invalid: Annotated[
        bool,
        typer.Option(
            "--skip-invalid", help="Import the valid records and report the invalid ones."
        ),
    ] = False,
    support_address: Annotated[
        list[str] | None,
        typer.Option(
            "--support-address",
            help="Email address or domain of your support team (repeatable); "
            "their emails are agent messages.",
        ),
    ] = None,
    speaker: Annotated[
        list[str] | None,
        typer.Option(
            "--speaker",
            metavar="LABEL=ROLE",
            help="Call transcripts: map a speaker label to a role, LABEL=ROLE (repeatable).",
        ),
    ] = None,
    first_speaker: Annotated[
        str,
        typer.Option(
            "--first-speaker",
            metavar="ROLE",
            help="Call transcripts: role of the first speaker when neither --speaker nor "
            "what was said decides (agent for inbound calls, customer for outbound).",
        ),
    ] = "agent",
    region: Annotated[
        str,
        typer.Option("--region", help="Country assumed for phone numbers without +country code."),
    ] = "US",
    redact: Annotated[
        bool,
        typer.Option(
            "--redact",
            help="Replace email addresses, phone numbers, card numbers and street addresses "
            "in the text, and keep the customer's email and phone only as keyed hashes "
            "(customers still link across channels; docs/redaction.md).",
        ),
    ] = False,
    quiet: QuietOption = False,
    json_output: JsonOption = False,
) -> None:
    """Import conversations: helpdesk exports, social CSVs, mailboxes, call transcripts.

    Formats are detected from each file's content. Re-importing the same or an
    overlapping export updates conversations and never duplicates them. By default the
    import is all-or-nothing: any invalid record rolls it back (exit code 3). While
    another import writes the database, it stops at once (exit code 5).
    """
    try:
        _import(
            paths, format, db, skip_invalid, support_address, speaker, first_speaker, region,
            redact, quiet, json_output,
        )  # fmt: skip
    except ServiceCoachError as exc:
        if json_output and not isinstance(exc, ImportFailed):
            print_json({"ok": False, "error": str(exc), "exit_code": exc.exit_code})
        raise


def _import(
    paths: list[Path],
    format: str | None,
    db: str | None,
    skip_invalid: bool,
    support_address: list[str] | None,
    speaker: list[str] | None,
    first_speaker: str,
    region: str,
    redact: bool,
    quiet: bool,
    json_output: bool,
) -> None:
    import phonenumbers

    from servicecoach.ingest.base import ImportOptions
    from servicecoach.services.imports import plan_import, run_import
    from servicecoach.store.database import Store

    if region.upper() not in phonenumbers.SUPPORTED_REGIONS:
        raise ConfigError(f"--region {region!r} is not a country code; use e.g. US, GB, DE")
    try:
        first_role = Role(first_speaker.lower())
    except ValueError:
        raise ConfigError("--first-speaker must be agent or customer") from None
    options = ImportOptions(
        support_addresses=tuple(support_address or ()),
        speaker_roles=parse_speaker_roles(speaker or []),
        first_speaker=first_role,
        default_region=region.upper(),
    )
    plan = plan_import(paths, format)
    store = Store.open(db)
    show_progress = not quiet and not json_output
    with file_progress("importing", plan.total_bytes, show=show_progress) as update:
        try:
            report = run_import(
                store, plan, options, skip_invalid=skip_invalid, progress=update, redact=redact
            )
        except ImportFailed as exc:
            if json_output:
                print_json(
                    {
                        "ok": False,
                        "error": str(exc),
                        "problem_count": exc.problem_count,
                        "problems": [p.to_dict() for p in exc.problems],
                    }
                )
            else:
                print_problems(exc.problems, exc.problem_count)
            raise
        finally:
            store.close()
    if json_output:
        print_json({"ok": True, **report.to_dict()})
    elif not quiet:
        _print_report(report)
        if report.problems:
            print_problems(report.problems, report.skipped)
        print_warnings(report.warnings)
        if report.conversations_read == 0 and not report.problems:
            err_console.print(
                "[yellow]note:[/yellow] no conversations found in these files "
                "(a users-only or empty export?)"
            )


def _print_report(report: ImportReport) -> None:
    table = Table(show_header=True, header_style="bold", box=None)
    table.add_column("file")
    table.add_column("format")
    for path, fmt in report.files:
        table.add_row(str(path), fmt)
    console.print(table)
    console.print(
        f"[green]✓[/green] {counted(report.conversations_read, 'conversation')} read: "
        f"{report.conversations_new} new, {report.conversations_updated} updated; "
        f"{report.messages_new} new and {report.messages_updated} updated messages; "
        f"{counted(report.customers_new, 'new customer')}"
        + (f"; {counted(report.merges, 'customer')} merged" if report.merges else "")
        + (f"; {counted(report.duplicates, 'duplicate id')} merged" if report.duplicates else "")
        + (
            f"; [yellow]{counted(report.skipped, 'invalid record')} skipped[/yellow]"
            if report.skipped
            else ""
        )
        + f" ({report.seconds:.1f} s)"
    )
    if report.redacted is not None:
        counts = report.redacted
        console.print(
            f"redacted: {counts.email} email addresses, {counts.phone} phone numbers, "
            f"{counts.card} card numbers, {counts.address} street addresses; "
            f"{counts.identifier} identifiers hashed"
        )
