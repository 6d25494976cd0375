"""``servicecoach report``: a conversation with its evidence highlighted, and scorecards."""

from __future__ import annotations

from typing import Annotated, Any

import typer
from rich.markup import escape
from rich.table import Table
from rich.text import Text

from servicecoach.analysis.skills import SKILLS
from servicecoach.cli.options import DbOption, JsonOption
from servicecoach.cli.output import COSTS_STYLE, EARNS_STYLE, ROLE_STYLE, console, print_json
from servicecoach.model.conversation import Message
from servicecoach.store.analyses import (
    conversation_pk,
    latest_run,
    repeat_story_rate,
    scorecard,
    stored_result,
)
from servicecoach.store.database import Store
from servicecoach.store.reader import iter_conversations

__all__ = ["report_app"]

report_app = typer.Typer(
    help="Show analysis results: a conversation with evidence, or agent scorecards.",
    no_args_is_help=True,
)

RunOption = Annotated[
    int | None, typer.Option("--run", help="Analysis run to show (default: the latest).")
]
_QUOTE_CHARS = 60
_SHORT = {
    "active_listening": "lstn", "clear_communication": "clar", "empathy": "emp",
    "problem_solving": "solv", "patience": "calm", "responsiveness": "fast",
    "public_to_private": "priv", "apology": "apol", "extra_mile": "xtra",
    "closing": "clos", "persuasion": "pers", "continuity": "hist",
}  # fmt: skip
"""Four-letter column heads so a scorecard fits 80 columns (the legend is printed below)."""


def _score(value: float | None) -> str:
    if value is None:
        return "[dim]-[/dim]"
    colour = "green" if value >= 75 else "yellow" if value >= 50 else "red"
    return f"[{colour}]{value:.0f}[/{colour}]"


@report_app.command("conversation")
def _conversation_command(
    conversation: Annotated[
        str, typer.Argument(help="SOURCE:ID (e.g. zendesk:zendesk-48213) or the id alone.")
    ],
    run: RunOption = None,
    db: DbOption = None,
    json_output: JsonOption = False,
) -> None:
    """Show a conversation with the words that earned or cost each score highlighted."""
    with Store.open(db, create=False) as store, store.connect() as connection:
        pk = conversation_pk(connection, conversation)
        run_id = run if run is not None else latest_run(connection).id
        result = stored_result(connection, pk, run_id)
        stored = next(s for s in iter_conversations(connection, ids=[pk]))
    if json_output:
        print_json(result)
        return
    evidence: dict[str, list[dict[str, Any]]] = {}
    for skill in result["skills"].values():
        for item in skill["evidence"]:
            evidence.setdefault(item["message"], []).append(item)
    chat = stored.conversation
    console.print(
        f"[bold]{escape(chat.source)}:{escape(chat.id)}[/bold]  {chat.channel.value}  "
        f"(run {run_id})\n"
    )
    for message in chat.messages:
        line, notes = _message_lines(message, evidence.get(message.id, []))
        console.print(line, soft_wrap=True)
        for note in notes:
            console.print(note, soft_wrap=True)
    table = Table(title="\nSkills", header_style="bold", box=None, title_justify="left")
    table.add_column("skill")
    table.add_column("score", justify="right")
    for skill in SKILLS:
        table.add_row(skill.replace("_", " "), _score(result["skills"][skill]["score"]))
    console.print(table)
    console.print(_outcome_line(result["outcome"]), soft_wrap=True)


def _message_lines(message: Message, items: list[dict[str, Any]]) -> tuple[Text, list[Text]]:
    """A message with the words that earned (green) or cost (red) a score, and one note per
    piece of evidence that names its signal and quotes the words (piped output has no colour).
    """
    style = ROLE_STYLE.get(message.role.value, "")
    who = f"{message.role.value} {message.author or ''}".rstrip()
    text = Text(message.text)
    # Longer spans first, so a few words that earned a score show inside a sentence that cost one.
    for item in sorted(items, key=lambda e: e["start"] - e["end"]):
        if item["end"] > item["start"]:
            text.stylize(_polarity_style(item["polarity"]), item["start"], item["end"])
    notes = []
    for item in sorted(items, key=lambda e: (e["start"], e["end"])):
        polarity = item["polarity"]
        mark = "+" if polarity > 0 else "-" if polarity < 0 else "·"
        note = Text.assemble("    ", (mark, _polarity_style(polarity)), f" {item['signal']}")
        quote = item.get("quote") or message.text[item["start"] : item["end"]]
        if quote:
            shown = quote if len(quote) <= _QUOTE_CHARS else quote[: _QUOTE_CHARS - 1] + "…"
            note.append(f' "{shown}"', style="italic")
        if item.get("suggestion"):
            note.append(f" → {item['suggestion']}", style="dim")
        notes.append(note)
    return Text.assemble((f"{who}: ", style), text), notes


def _polarity_style(polarity: int) -> str:
    return EARNS_STYLE if polarity > 0 else COSTS_STYLE if polarity < 0 else "bold"


def _outcome_line(outcome: dict[str, Any]) -> str:
    """``outcome: emotion frustration → satisfaction, resolved, satisfaction 86, quality 66``;
    what the analysis could not tell is said so or left out."""
    parts = []
    start, end = outcome.get("emotion_start"), outcome.get("emotion_end")
    if start or end:
        parts.append(f"emotion {start or '?'} → {end or '?'}")
    resolved = outcome.get("resolved")
    parts.append(
        "resolution unknown" if resolved is None else "resolved" if resolved else "not resolved"
    )
    for key in ("satisfaction", "quality"):
        if outcome.get(key) is not None:
            parts.append(f"{key} {outcome[key]}")
    return "outcome: " + ", ".join(parts)


@report_app.command("scorecard")
def _scorecard_command(
    agent: Annotated[
        str | None, typer.Option("--agent", help="One agent (as they sign their replies).")
    ] = None,
    run: RunOption = None,
    db: DbOption = None,
    json_output: JsonOption = False,
) -> None:
    """Mean score per skill for each agent (or one agent), over the conversations they replied in."""
    with Store.open(db, create=False) as store, store.connect() as connection:
        run_id = run if run is not None else latest_run(connection).id
        card = scorecard(connection, run_id, agent)
        retold, returning = repeat_story_rate(connection, run_id)
    if json_output:
        print_json(
            {
                "run": run_id,
                "repeat_story": {"retold": retold, "returning_customers": returning},
                "agents": {
                    name: {
                        s: {"conversations": n, "mean": round(m, 1)} for s, (n, m) in skills.items()
                    }
                    for name, skills in card.items()
                },
            }
        )
        return
    if not card:
        console.print(f"no scores for {agent!r} in run {run_id}" if agent else "no scores yet")
        return
    shown = [s for s in SKILLS if any(s in skills for skills in card.values())]
    table = Table(
        title=f"Scorecard (run {run_id})",
        header_style="bold",
        title_justify="left",
        box=None,
        padding=(0, 0),
    )
    table.add_column("agent", no_wrap=True, max_width=16, overflow="ellipsis")
    for skill in shown:
        table.add_column(_SHORT[skill], justify="right", no_wrap=True, min_width=5)
    for name, skills in card.items():
        table.add_row(
            escape(name), *(_score(skills[s][1]) if s in skills else _score(None) for s in shown)
        )
    console.print(table)
    console.print(
        "[dim]" + ", ".join(f"{_SHORT[s]} = {s.replace('_', ' ')}" for s in shown) + "[/dim]"
    )
    if returning:
        console.print(
            f"repeat-story rate: {retold} of {returning} returning customers "
            f"({retold / returning:.0%}) had to retell their story"
        )
