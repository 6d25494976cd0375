"""``servicecoach practice``: rehearse a scenario on the command line, or list the scenarios.

Interactive by default: the customer's message is printed, the reply is read from
standard input (it ends at an empty line; ``/quit`` stops early), then the live
checker's feedback and the customer's next message; the debrief comes at the end.
``--replies FILE`` plays replies from a file instead (separated by lines of ``---``), for
scripts and tests. ``servicecoach practice seed`` (:mod:`~servicecoach.cli.practice_seed_cmd`)
starts a scenario from a real conversation; :data:`practice_app` routes every other
command line to the player, so ``practice SCENARIO`` and ``practice --list`` read as before.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, TextIO

import typer
from rich.markup import escape
from typer._click import Context, HelpFormatter
from typer.core import TyperCommand, TyperGroup

from servicecoach.cli.options import JsonOption
from servicecoach.cli.output import console, err_console, print_json
from servicecoach.cli.practice_seed_cmd import seed_command
from servicecoach.errors import ConfigError, InputError

if TYPE_CHECKING:
    from servicecoach.practice import Debrief, Exchange, PracticeSession, Scenario

__all__ = ["practice_app", "practice_command"]

_SEPARATOR = "---"
_QUIT = "/quit"
_MAX_REPLIES_BYTES = 1024 * 1024


def practice_command(
    scenario: Annotated[
        str | None,
        typer.Argument(
            metavar="SCENARIO", help="A built-in scenario id (see --list) or a .toml file."
        ),
    ] = None,
    list_all: Annotated[
        bool, typer.Option("--list", help="List the scenarios and the skills each trains.")
    ] = False,
    replies: Annotated[
        Path | None,
        typer.Option(
            "--replies",
            metavar="FILE",
            help="Play these replies, separated by lines of '---' ('-': standard input).",
        ),
    ] = None,
    rubric: Annotated[
        Path | None,
        typer.Option("--rubric", help="Team rubric (TOML): forbidden phrases, targets, weights."),
    ] = None,
    fast: Annotated[
        bool, typer.Option("--fast", help="Rules only: do not load the learned models.")
    ] = False,
    json_output: JsonOption = False,
) -> None:
    """Rehearse a difficult customer: feedback on every reply, a debrief at the end.

    The customer's next message depends on what your reply did (an apology, a DM
    invite, a question...). With --json the whole session (every reply's feedback, the
    branch taken, the debrief) is printed as JSON at the end; with --list, the
    scenarios. To start a scenario from a real conversation: servicecoach practice seed
    --help.
    """
    from servicecoach.practice import Coach, PracticeSession, builtin_scenarios, find_scenario
    from servicecoach.rubric import load_rubric

    if list_all:
        _list(builtin_scenarios(), json_output)
        return
    if scenario is None:
        raise ConfigError("give a SCENARIO (see `servicecoach practice --list`) or --list")
    chosen = find_scenario(scenario)
    team = load_rubric(rubric)
    session = PracticeSession(chosen, Coach.build(team, fast=fast))
    say = not json_output
    if say:
        _brief(chosen)
    source = _file_replies(replies) if replies is not None else _typed_replies(sys.stdin)
    while not session.finished:
        _customer(session, say)
        reply = next(source, None)
        if reply is None:
            break
        exchange = session.reply(reply)
        if say:
            _feedback(exchange)
    if session.finished and say:
        _customer_ends(session)
    left = sum(1 for _ in source) if replies is not None else 0
    result = session.debrief()
    if json_output:
        print_json(
            {
                "format": 1,
                "scenario": chosen.id,
                "exchanges": [_exchange_dict(e) for e in session.exchanges],
                "debrief": result.to_dict(),
            }
        )
    else:
        _debrief(result)
    if left:
        err_console.print(f"[yellow]note:[/] {left} replies left unused: the session had ended")


_PLAY = "practice-command"  # the player's name in the group: Typer's name for the function


class _PracticeGroup(TyperGroup):
    """``practice seed ...`` runs the seed command; any other command line plays."""

    def parse_args(self, ctx: Context, args: list[str]) -> list[str]:
        """Route to the player unless the first word names a sub-command."""
        if not args or args[0] not in self.commands:
            args = [_PLAY, *args]
        return super().parse_args(ctx, args)


class _PlayerCommand(TyperCommand):
    """The player, whose usage reads ``servicecoach practice [OPTIONS] [SCENARIO]``."""

    def format_usage(self, ctx: Context, formatter: HelpFormatter) -> None:
        """The usage line under the group's name (the player's own name is hidden)."""
        path = ctx.parent.command_path if ctx.parent is not None else ctx.command_path
        formatter.write_usage(path, " ".join(self.collect_usage_pieces(ctx)))


practice_app = typer.Typer(
    cls=_PracticeGroup,
    help="Rehearse a difficult customer, or seed a scenario from a real conversation.",
    no_args_is_help=False,
)
practice_app.command(cls=_PlayerCommand, hidden=True)(practice_command)
practice_app.command("seed")(seed_command)


def _list(library: dict[str, Scenario], json_output: bool) -> None:
    if json_output:
        print_json(
            [
                {
                    "id": s.id,
                    "title": s.title,
                    "channel": s.channel.value,
                    "skills": list(s.skills),
                    "summary": s.summary,
                }
                for s in library.values()
            ]
        )
        return
    from rich.table import Table

    table = Table("scenario", "channel", "trains", "title", box=None, pad_edge=False)
    for s in library.values():
        table.add_row(s.id, s.channel.value, ", ".join(s.skills), escape(s.title))
    console.print(table)
    console.print(f"\n{len(library)} scenarios. Play one: servicecoach practice SCENARIO")


def _file_replies(path: Path) -> Iterator[str]:
    """The replies of ``path`` (or standard input for ``-``), split at lines of ``---``.

    Raises:
        InputError: the file cannot be read, is too large, or holds no reply.
    """
    if str(path) == "-":
        text = sys.stdin.read(_MAX_REPLIES_BYTES + 1)
    else:
        try:
            with path.open(encoding="utf-8") as file:
                text = file.read(_MAX_REPLIES_BYTES + 1)
        except FileNotFoundError:
            raise InputError(f"replies file {path} does not exist") from None
        except IsADirectoryError:
            raise InputError(f"replies {path} is a folder; give the file of replies") from None
        except UnicodeDecodeError:
            raise InputError(f"replies file {path} is not UTF-8 text; save it as UTF-8") from None
    if len(text) > _MAX_REPLIES_BYTES:
        raise InputError(f"replies file {path} is larger than 1 MiB")
    parts: list[list[str]] = [[]]
    for line in text.splitlines():
        if line.strip() == _SEPARATOR:
            parts.append([])
        else:
            parts[-1].append(line)
    found = [r for r in ("\n".join(p).strip() for p in parts) if r]
    if not found:
        raise InputError(f"replies file {path} holds no reply (separate replies with '---')")
    return iter(found)


def _typed_replies(stream: TextIO) -> Iterator[str]:
    """Replies typed on ``stream``: each ends at an empty line; ``/quit`` or end of input stops."""
    lines: list[str] = []
    while True:
        if stream.isatty() and not lines:
            console.print("[bold]Your reply[/] [dim](end with an empty line; /quit to stop)[/]")
        line = stream.readline()
        if not line:
            if lines:
                yield "\n".join(lines)
            return
        text = line.rstrip("\n")
        if text.strip() == _QUIT:
            return
        if text.strip():
            lines.append(text)
        elif lines:
            yield "\n".join(lines)
            lines = []


def _brief(scenario: Scenario) -> None:
    persona = scenario.persona
    console.rule(f"[bold]{escape(scenario.title)}[/]")
    console.print(f"[dim]{scenario.channel.value} · trains {', '.join(scenario.skills)}[/]")
    console.print(escape(scenario.summary))
    console.print(f"\n[bold]Your role[/] {escape(scenario.briefing)}")
    console.print(
        f"[bold]The customer[/] {escape(persona.name)} ({escape(persona.mood)}): "
        f"{escape(persona.about)}"
    )
    for contact in persona.history:
        console.print(
            f"  [dim]{contact.days_ago} days ago, {contact.channel}:[/] "
            f"{escape(contact.customer)} [dim]→[/] {escape(contact.agent)}"
        )
    console.print()


def _customer(session: PracticeSession, say: bool) -> None:
    step = session.step
    if not say or step is None:
        return
    if step.note:
        console.print(f"[dim italic]{escape(step.note)}[/]")
    name = escape(session.scenario.persona.name)
    console.print(f"[bold magenta]{name}:[/] {escape(step.customer)}\n")


def _customer_ends(session: PracticeSession) -> None:
    last = session.lines[-1]
    step = session.scenario.steps[last.step]
    if step.ends:
        name = escape(session.scenario.persona.name)
        console.print(f"[bold magenta]{name}:[/] {escape(step.customer)}")
        console.print("[dim](the customer has left)[/]\n")


def _feedback(exchange: Exchange) -> None:
    check = exchange.feedback
    if check.not_scored:
        console.print(f"[yellow]Not checked:[/] {escape(check.not_scored)}")
    for praise in check.good:
        console.print(f"[green]✓[/] {escape(praise.reason)}")
    for suggestion in check.suggestions:
        console.print(f"[yellow]→ try:[/] {escape(suggestion.reason)}")
        if suggestion.rewrite:
            console.print(f"    [dim]e.g.[/] {escape(suggestion.rewrite.strip())}")
    if not check.good and not check.suggestions:
        console.print("[dim]No feedback on this reply.[/]")
    console.print()


def _debrief(result: Debrief) -> None:
    console.rule("[bold]Debrief[/]")
    state = "finished" if result.finished else "stopped before the end"
    console.print(f"{escape(result.title)} - {state}; path: {' → '.join(result.path)}")
    mean = result.trained_mean()
    console.print(
        f"Trained skills: [bold]{'—' if mean is None else mean}[/] · customer satisfaction "
        f"{'—' if result.satisfaction is None else result.satisfaction} · quality "
        f"{'—' if result.quality is None else result.quality}\n"
    )
    if result.not_scored:
        console.print(f"[yellow]Not scored:[/] {escape(result.not_scored)}")
    for skill in result.skills:
        score = "n/a" if skill.score is None else str(skill.score)
        mark = "[bold]" if skill.trained else "[dim]"
        console.print(f"{mark}{skill.skill.replace('_', ' ')}: {score}[/]")
        for note in skill.notes[:3]:
            sign = "[green]+[/]" if note.polarity > 0 else "[red]-[/]" if note.polarity < 0 else " "
            who = "your reply" if note.role == "agent" else "customer"
            console.print(f'  {sign} {who} {note.turn}: "{escape(note.quote)}" ({note.signal})')
            if note.suggestion and note.polarity < 0:
                console.print(f"      [dim]{escape(note.suggestion)}[/]")
    for turn in result.turns:
        console.print(f"\n[bold]Turn {turn.turn}[/] [dim]({turn.step})[/]")
        console.print(f"  [bold]You:[/] {escape(turn.reply)}")
        if turn.model_answer:
            console.print(f"  [bold green]Model answer:[/] {escape(turn.model_answer)}")


def _exchange_dict(exchange: Exchange) -> dict[str, object]:
    return {
        "step": exchange.step,
        "customer": exchange.customer,
        "reply": exchange.reply,
        "signals": list(exchange.signals),
        "feedback": exchange.feedback.to_dict(),
        "next": exchange.then,
        "because": exchange.because,
    }
