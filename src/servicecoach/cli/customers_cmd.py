"""``servicecoach customers``: one timeline per customer across channels."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Annotated

import typer
from rich.markup import escape
from rich.padding import Padding
from rich.table import Table

from servicecoach.cli.options import DbOption, JsonOption
from servicecoach.cli.output import ROLE_STYLE, console, counted, print_json
from servicecoach.model.conversation import Conversation, Message
from servicecoach.model.native import conversation_to_dict

if TYPE_CHECKING:
    from servicecoach.store import customers as store_customers

__all__ = ["customers_app"]

customers_app = typer.Typer(
    help="List customers, show one customer's timeline across channels, merge and unmerge.",
    no_args_is_help=True,
)

_SHOWN_FIRST = ("email", "phone", "handle:")
"""Identity kinds a person recognises, listed before the ids that systems gave them."""


def _summary_dict(summary: store_customers.CustomerSummary) -> dict[str, object]:
    return {
        "id": summary.id,
        "name": summary.name,
        "merged_customers": [m for m in summary.members if m != summary.id],
        "identities": [{"kind": k, "value": v} for k, v in summary.identities],
        "conversations": summary.conversations,
        "messages": summary.messages,
        "channels": list(summary.channels),
        "first_contact": summary.first_contact.isoformat() if summary.first_contact else None,
        "last_contact": summary.last_contact.isoformat() if summary.last_contact else None,
    }


@customers_app.command("list")
def _list_command(
    search: Annotated[
        str | None,
        typer.Option(
            "--search", "-s", metavar="TEXT", help="Only names or identities containing this."
        ),
    ] = None,
    limit: Annotated[int, typer.Option(help="How many to show.", min=1)] = 50,
    offset: Annotated[int, typer.Option(help="How many to skip (paging).", min=0)] = 0,
    db: DbOption = None,
    json_output: JsonOption = False,
) -> None:
    """List customers, those with the most conversations first."""
    from servicecoach.store import customers as store_customers
    from servicecoach.store.database import Store

    with Store.open(db, create=False) as store, store.connect() as connection:
        found = store_customers.list_customers(
            connection, limit=limit, offset=offset, search=search
        )
    if json_output:
        print_json([_summary_dict(s) for s in found])
        return
    table = Table(header_style="bold", box=None)
    for column in ("id", "name", "identities", "channels", "conversations", "last contact"):
        table.add_column(column)
    for s in found:
        values = _identity_values(s.identities)
        table.add_row(
            str(s.id),
            escape(s.name or "(no name)"),
            escape(", ".join(values[:3])) + (" …" if len(values) > 3 else ""),
            ", ".join(s.channels),
            str(s.conversations),
            s.last_contact.strftime("%Y-%m-%d") if s.last_contact else "",
        )
    console.print(table)


def _identity_values(identities: tuple[tuple[str, str], ...]) -> list[str]:
    """Each identity's value once (a Twitter handle is also the id the export gave the
    customer), emails, phones and handles before the ids of helpdesks and other systems."""
    ordered = sorted(identities, key=lambda kv: not kv[0].startswith(_SHOWN_FIRST))
    return list(dict.fromkeys(value for _, value in ordered))


def _when(message: Message, day: date | None) -> str:
    if message.at is not None:
        if day is not None and message.at.date() != day:
            return message.at.strftime("%m-%d %H:%M")
        return message.at.strftime("%H:%M")
    if message.start_s is not None:
        minutes, seconds = divmod(int(message.start_s), 60)
        return f"{minutes:d}:{seconds:02d}"
    return ""


def _messages_table(conversation: Conversation, full: bool) -> Table:
    table = Table.grid(padding=(0, 1))
    table.add_column(style="dim", no_wrap=True)
    table.add_column(no_wrap=True)
    table.add_column(overflow="fold")
    started = conversation.started_at
    day = started.date() if started else None
    for message in conversation.messages:
        text = message.text if full or len(message.text) <= 240 else message.text[:237] + "…"
        style = ROLE_STYLE.get(message.role.value, "")
        who = f"[{style}]{message.role.value}[/{style}]"
        if message.author:
            who += f" {escape(message.author)}"
        if message.internal:
            who += " [dim](internal)[/dim]"
        table.add_row(_when(message, day), who, escape(text))
    return table


@customers_app.command("show")
def _show_command(
    customer: Annotated[str, typer.Argument(help="Customer id, email, phone or handle.")],
    full: Annotated[bool, typer.Option("--full", help="Show whole messages.")] = False,
    db: DbOption = None,
    json_output: JsonOption = False,
) -> None:
    """Show a customer's identities and their timeline across every channel."""
    from servicecoach.store import customers as store_customers
    from servicecoach.store.database import Store
    from servicecoach.store.reader import timeline

    with Store.open(db, create=False) as store, store.connect() as connection:
        root = store_customers.find_customer(connection, customer)
        summary = store_customers.customer_summary(connection, root)
        items = timeline(connection, root)
    if json_output:
        print_json(
            {
                **_summary_dict(summary),
                "timeline": [conversation_to_dict(i.conversation) for i in items],
            }
        )
        return
    console.print(f"[bold]Customer {summary.id}[/bold] {escape(summary.name or '')}")
    for kind, value in summary.identities:
        console.print(f"  {kind}: {escape(value)}")
    merged = [m for m in summary.members if m != summary.id]
    if merged:
        console.print(f"  merged customers: {', '.join(map(str, merged))}")
    console.print(
        f"  {counted(summary.conversations, 'conversation')}, "
        f"{counted(summary.messages, 'message')}"
        f" on {', '.join(summary.channels) or 'no channel'}\n"
    )
    for item in items:
        conversation = item.conversation
        started = conversation.started_at
        when = started.strftime("%Y-%m-%d %H:%M %Z") if started else "time unknown"
        visibility = " public" if conversation.public else ""
        subject = conversation.meta.get("subject")
        title = f" — {escape(str(subject))}" if subject else ""
        console.print(
            f"[bold]{when}[/bold]  {conversation.channel.value}{visibility}  "
            f"[dim]{escape(conversation.source)}:{escape(conversation.id)}[/dim]{title}"
        )
        console.print(Padding(_messages_table(conversation, full), (0, 0, 1, 2)))


@customers_app.command("merge")
def _merge_command(
    survivor: Annotated[
        str, typer.Argument(help="The customer to keep (id, email, phone, handle).")
    ],
    other: Annotated[str, typer.Argument(help="The customer merged into it.")],
    db: DbOption = None,
    json_output: JsonOption = False,
) -> None:
    """Merge customer OTHER into SURVIVOR: one timeline; recorded and reversible."""
    from servicecoach.store import customers as store_customers
    from servicecoach.store.database import Store

    with Store.open(db, create=False) as store, store.begin() as connection:
        kept, merged = store_customers.merge_customers(connection, survivor, other)
    if json_output:
        print_json({"survivor": kept, "merged": merged})
    else:
        console.print(
            f"[green]✓[/green] customer {merged} merged into {kept} "
            f"(undo: servicecoach customers unmerge {kept} {merged})"
        )


@customers_app.command("unmerge")
def _unmerge_command(
    survivor: Annotated[str, typer.Argument(help="The customer it was merged into.")],
    merged: Annotated[str, typer.Argument(help="The id of the merged customer to split off.")],
    db: DbOption = None,
    json_output: JsonOption = False,
) -> None:
    """Undo a merge: MERGED gets its own timeline back, and is not merged again automatically."""
    from servicecoach.store import customers as store_customers
    from servicecoach.store.database import Store

    with Store.open(db, create=False) as store, store.begin() as connection:
        record = store_customers.unmerge_customer(connection, survivor, merged)
    if json_output:
        print_json({"survivor": record.survivor_id, "unmerged": record.merged_id})
    else:
        console.print(
            f"[green]✓[/green] customer {record.merged_id} split off from {record.survivor_id}"
        )


@customers_app.command("history")
def _history_command(
    customer: Annotated[
        str | None, typer.Argument(help="Only merges touching this customer.")
    ] = None,
    db: DbOption = None,
    json_output: JsonOption = False,
) -> None:
    """List merges (automatic and manual), newest first, with undone ones marked."""
    from servicecoach.store import customers as store_customers
    from servicecoach.store.database import Store

    with Store.open(db, create=False) as store, store.connect() as connection:
        root = store_customers.find_customer(connection, customer) if customer else None
        records = store_customers.merge_history(connection, root)
    if json_output:
        print_json(
            [
                {
                    "id": r.id,
                    "survivor": r.survivor_id,
                    "merged": r.merged_id,
                    "reason": r.reason,
                    "at": r.created_at.isoformat(),
                    "undone_at": r.undone_at.isoformat() if r.undone_at else None,
                }
                for r in records
            ]
        )
        return
    table = Table(header_style="bold", box=None)
    for column in ("merge", "kept", "merged", "reason", "when", "undone"):
        table.add_column(column)
    for r in records:
        table.add_row(
            str(r.id),
            str(r.survivor_id),
            str(r.merged_id),
            escape(r.reason),
            r.created_at.strftime("%Y-%m-%d %H:%M"),
            r.undone_at.strftime("%Y-%m-%d %H:%M") if r.undone_at else "",
        )
    console.print(table if records else "no merges yet")
