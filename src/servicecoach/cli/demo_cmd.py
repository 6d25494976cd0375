"""``servicecoach demo``: the bundled samples, imported and summarised."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.padding import Padding
from rich.table import Table

from servicecoach.cli.output import console, counted
from servicecoach.model.conversation import Role

__all__ = ["demo_command"]


def demo_command(
    db: Annotated[
        Path, typer.Option("--db", metavar="DB", help="SQLite file to import the samples into.")
    ] = Path("servicecoach-demo.db"),
) -> None:
    """Import the bundled sample conversations (every format) and print a summary."""
    from servicecoach.services.demo import run_demo
    from servicecoach.store.database import Store

    with Store.open(db) as store:
        summary = run_demo(store)
    report, totals = summary.report, summary.counts
    formats = sorted({fmt for _, fmt in report.files})
    console.print(
        f"[bold]servicecoach demo[/bold]: {counted(len(report.files), 'sample file')} "
        f"in {counted(len(formats), 'format')} ({', '.join(formats)}) imported into {db}"
    )
    console.print(
        f"  this run: {report.conversations_new} new and {report.conversations_updated} "
        f"updated conversations, {counted(report.messages, 'message')}, "
        f"{counted(report.customers_new, 'new customer')}, "
        f"{counted(report.merges, 'automatic merge')}\n"
    )
    table = Table(title="In the store", header_style="bold", box=None, title_justify="left")
    table.add_column("channel")
    table.add_column("conversations", justify="right")
    for channel, n in totals.by_channel.items():
        table.add_row(channel, str(n))
    table.add_row("[bold]total[/bold]", f"[bold]{totals.conversations}[/bold]")
    console.print(table)
    console.print(
        f"  {counted(totals.messages, 'message')}, {counted(totals.customers, 'customer')}\n"
    )
    if summary.cross_channel:
        people = Table(
            title="Customers recognised across channels",
            header_style="bold",
            box=None,
            title_justify="left",
        )
        for column in ("id", "name", "channels", "conversations", "linked by"):
            people.add_column(column)
        for c in summary.cross_channel:
            people.add_row(
                str(c.id),
                escape(c.name or ""),
                ", ".join(c.channels),
                str(c.conversations),
                escape(", ".join(sorted({k.split(":")[0] for k, _ in c.identities}))),
            )
        console.print(people)
        top = summary.cross_channel[0]
        console.print(f"\n[bold]Timeline of {escape(top.name or str(top.id))}[/bold]")
        lines = Table.grid(padding=(0, 2))
        lines.add_column(no_wrap=True, min_width=10)
        lines.add_column(no_wrap=True, min_width=6)
        lines.add_column(no_wrap=True, min_width=7, justify="right")
        lines.add_column(no_wrap=True, overflow="ellipsis", style="cyan", ratio=1)
        for item in summary.featured:
            conversation = item.conversation
            first = next(
                (m for m in conversation.messages if m.role is Role.CUSTOMER and m.text), None
            )
            started = conversation.started_at
            lines.add_row(
                started.strftime("%Y-%m-%d") if started else "undated",
                conversation.channel.value,
                f"{len(conversation.messages)} msgs",
                escape(" ".join((first.text if first else "").split())),
            )
        console.print(Padding(lines, (0, 0, 0, 2)))
    means = summary.skill_means()
    if means:
        skills = Table(
            title="\nSkills across the samples (0-100)",
            header_style="bold",
            box=None,
            title_justify="left",
        )
        skills.add_column("skill")
        skills.add_column("conversations", justify="right")
        skills.add_column("mean score", justify="right")
        for skill, (n, mean) in means.items():
            skills.add_row(skill.replace("_", " "), str(n), f"{mean:.0f}")
        console.print(skills)
    coaching = summary.coaching()
    if coaching:
        console.print("\n[bold]Coaching examples[/bold]")
        for conversation_id, evidence in coaching:
            console.print(
                f"  [dim]{escape(conversation_id)}[/dim] [red]{escape(evidence.signal)}[/red]: "
                f"“{escape(evidence.quote)}”\n    → {escape(evidence.suggestion or '')}"
            )
    if summary.cross_channel:
        top = summary.cross_channel[0]
        console.print(
            f"\nNext: servicecoach customers show {top.id} --db {db}   "
            f"(or: servicecoach customers list --db {db})"
        )
    console.print(
        f"The web app: servicecoach users create admin --role admin --db {db} && "
        f"servicecoach serve --db {db}   (then open http://127.0.0.1:8000)"
    )
