"""``servicecoach check``: coach a draft reply before it is sent (live assist on the command line)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.markup import escape
from rich.text import Text

from servicecoach.cli.options import JsonOption
from servicecoach.cli.output import console, print_json
from servicecoach.errors import ConfigError, InputError, NotFoundError, Problem
from servicecoach.model.conversation import Conversation

if TYPE_CHECKING:
    from servicecoach.assist import DraftCheck

__all__ = ["check_command"]

_STYLE = {"error": "bold red underline", "warning": "yellow underline", "info": "cyan underline"}
_MARK = {
    "error": "[bold red]✗ error[/]",
    "warning": "[yellow]! warning[/]",
    "info": "[cyan]i info[/]",
}


def check_command(
    conversation: Annotated[
        Path,
        typer.Option(
            "--conversation",
            "-c",
            metavar="FILE",
            help="The conversation so far: native JSON Lines or any importable format.",
        ),
    ],
    draft: Annotated[
        str | None,
        typer.Option(
            "--draft",
            "-d",
            metavar="FILE",
            help="File with the draft reply; '-' or omitted: standard input.",
        ),
    ] = None,
    conversation_id: Annotated[
        str | None,
        typer.Option("--id", metavar="ID", help="Which conversation, when the file holds several."),
    ] = None,
    format: Annotated[
        str | None,
        typer.Option("--format", "-f", help="Read the conversation file as this format."),
    ] = None,
    rubric: Annotated[
        Path | None,
        typer.Option(
            "--rubric",
            help="Team rubric (TOML): forbidden phrases, targets, weights, its lexicons and [assist] wording.",
        ),
    ] = None,
    fast: Annotated[
        bool, typer.Option("--fast", help="Rules only: do not load the learned models.")
    ] = False,
    json_output: JsonOption = False,
) -> None:
    """Check a draft reply against the conversation before it is sent.

    Prints what to change (severity, reason and a ready rewrite) with the problem words
    highlighted in the draft, then what the draft does well. Exit code 0 whether or
    not there are suggestions; --json prints the FORMAT.md draft-suggestions JSON. A
    draft over 20,000 characters, or a conversation over 200 messages or 50,000
    characters, is refused (exit code 3).
    """
    from servicecoach.assist import DraftChecker  # before the rubric: it imports the analysis
    from servicecoach.rubric import load_rubric

    team = load_rubric(rubric)
    text = _read_draft(draft)
    found = _conversation(conversation, conversation_id, format, team.email.support_addresses)
    result = DraftChecker(team, fast=fast).check(found, text)
    if json_output:
        print_json(result.to_dict())
        return
    _print(result, found)


def _read_draft(draft: str | None) -> str:
    """The draft from a file, or from standard input for ``-`` or no option.

    Reads one character more than a draft may have, never a whole large file.

    Raises:
        DraftTooLarge: the draft is over ``MAX_DRAFT_CHARS``.
        InputError: the file cannot be read, or the draft is empty.
    """
    from servicecoach.assist.limits import MAX_DRAFT_CHARS, DraftTooLarge, replace_surrogates

    if draft is None or draft == "-":
        if draft is None and sys.stdin.isatty():
            raise ConfigError("give the draft with --draft FILE, or pipe it on standard input")
        text = sys.stdin.read(MAX_DRAFT_CHARS + 1)
        where = "standard input"
    else:
        path = Path(draft)
        try:
            with path.open(encoding="utf-8") as file:
                text = file.read(MAX_DRAFT_CHARS + 1)
        except FileNotFoundError:
            raise InputError(f"draft file {path} does not exist") from None
        except IsADirectoryError:
            raise InputError(f"draft {path} is a folder; give the file with the draft") from None
        except UnicodeDecodeError:
            raise InputError(f"draft file {path} is not UTF-8 text; save it as UTF-8") from None
        where = str(path)
    if len(text) > MAX_DRAFT_CHARS:
        raise DraftTooLarge(
            "draft",
            len(text),
            MAX_DRAFT_CHARS,
            f"the draft ({where}) has more than {MAX_DRAFT_CHARS:,} characters; live assist "
            "checks drafts up to that: check the reply you are about to send, not a whole "
            "document",
        )
    text = replace_surrogates(text)  # standard input may carry undecodable bytes as surrogates
    if not text.strip():
        raise InputError(f"the draft ({where}) is empty: write the reply you want checked")
    return text


def _conversation(
    path: Path, wanted: str | None, format: str | None, addresses: list[str]
) -> Conversation:
    """The one conversation of ``path`` (or the one with id ``wanted``).

    Raises:
        InputError: the file cannot be read, has invalid records or no conversation.
        ConfigError: the file holds several conversations and no ``--id``.
        NotFoundError: no conversation has id ``wanted``.
    """
    from servicecoach.ingest.base import ImportOptions
    from servicecoach.services.plan import plan_import
    from servicecoach.services.reading import read_plan

    if path.is_dir():
        raise InputError(f"{path} is a folder; give the file that holds the conversation")
    plan = plan_import([path], format)
    conversations: list[Conversation] = []
    problems: list[Problem] = list(plan.undetected)
    for _, item in read_plan(plan, ImportOptions(support_addresses=tuple(addresses))):
        if isinstance(item, Problem):
            problems.append(item)
        else:
            conversations.append(item)
    if problems:
        more = f" (and {len(problems) - 1} more problems)" if len(problems) > 1 else ""
        raise InputError(f"{problems[0]}{more}")
    if not conversations:
        raise InputError(f"{path} holds no conversation")
    if wanted is not None:
        match = [c for c in conversations if c.id == wanted]
        if not match:
            ids = ", ".join(c.id for c in conversations[:5])
            raise NotFoundError(f"{path} has no conversation {wanted!r} (it has: {ids}, ...)")
        return match[0]
    if len(conversations) > 1:
        ids = ", ".join(c.id for c in conversations[:5])
        raise ConfigError(
            f"{path} holds {len(conversations)} conversations; choose one with --id (e.g. {ids})"
        )
    return conversations[0]


def _print(result: DraftCheck, conversation: Conversation) -> None:
    """The draft with the problem words highlighted, each suggestion, then what is good."""
    if result.not_scored is not None:
        console.print(f"[yellow]Not checked:[/] {escape(result.not_scored)}")
        return
    draft = Text(result.draft.strip("\n"))
    offset = len(result.draft) - len(result.draft.lstrip("\n"))
    rank = {"info": 0, "warning": 1, "error": 2}  # the most serious style is applied last
    for suggestion in sorted(result.suggestions, key=lambda s: rank[s.severity]):
        if suggestion.end > suggestion.start:
            draft.stylize(
                _STYLE[suggestion.severity], suggestion.start - offset, suggestion.end - offset
            )
    channel = conversation.channel.value + (", public" if conversation.public else "")
    console.print(
        f"[bold]Draft[/] [dim]({escape(channel)} conversation {escape(conversation.id)})[/]"
    )
    console.print(draft)
    console.print()
    if not result.suggestions:
        console.print("[green]No suggestions: the draft looks good.[/]")
    for suggestion in result.suggestions:
        words = result.draft[suggestion.start : suggestion.end].strip()
        where = f' [dim]"{escape(_short(words))}"[/]' if words else " [dim](add to the end)[/]"
        console.print(f"{_MARK[suggestion.severity]} [bold]{suggestion.kind}[/]{where}")
        console.print(f"  {escape(suggestion.reason)}")
        if suggestion.rewrite:
            console.print(f"  [green]→[/] {escape(suggestion.rewrite.strip())}")
    if result.good:
        console.print()
        console.print("[bold]Good[/]")
        for praise in result.good:
            words = _short(result.draft[praise.start : praise.end].strip())
            console.print(f'[green]✓[/] {escape(praise.reason)} [dim]"{escape(words)}"[/]')


def _short(text: str, limit: int = 70) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
