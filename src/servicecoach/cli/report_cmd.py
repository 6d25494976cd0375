"""``servicecoach report``: a conversation with its evidence highlighted (skills and the
rubric's own criteria), and scorecards."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.markup import escape
from rich.table import Table
from rich.text import Text

from servicecoach.cli.options import DbOption, JsonOption
from servicecoach.cli.output import (
    COSTS_STYLE,
    EARNS_STYLE,
    ROLE_STYLE,
    console,
    counted,
    print_json,
)
from servicecoach.errors import NotFoundError
from servicecoach.model.conversation import Message

if TYPE_CHECKING:
    from servicecoach.store.scorecards import AgentSummary

__all__ = ["report_app"]

report_app = typer.Typer(
    help="Show analysis results: a conversation with evidence, or agent scorecards.",
    no_args_is_help=True,
)

RunOption = Annotated[
    int | None, typer.Option("--run", help="Analysis run to show (default: the latest).")
]
_QUOTE_CHARS = 60


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
    from servicecoach.analysis.skills import registered_skills
    from servicecoach.store.analyses import conversation_pk, latest_run, stored_result
    from servicecoach.store.database import Store
    from servicecoach.store.reader import iter_conversations

    with Store.open(db, create=False) as store, store.connect() as connection:
        pk = conversation_pk(connection, conversation)
        run_id = run if run is not None else latest_run(connection).id
        result = stored_result(connection, pk, run_id)
        stored = next(s for s in iter_conversations(connection, ids=[pk]))
    if json_output:
        print_json(result)
        return
    evidence: dict[str, list[dict[str, Any]]] = {}
    criteria: dict[str, Any] = result.get("criteria") or {}
    for found in (*result["skills"].values(), *criteria.values()):
        for item in found.get("evidence") or []:
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
    for skill in registered_skills():
        if skill.name in result["skills"]:
            table.add_row(skill.label, _score(result["skills"][skill.name]["score"]))
    console.print(table)
    if criteria:
        console.print("\n[bold]Criteria[/bold] (the rubric's own checks; they change no score)")
        for name, found in criteria.items():
            console.print(_criterion_line(name, found), soft_wrap=True)
    console.print(_outcome_line(result["outcome"]), soft_wrap=True)


def _criterion_line(name: str, found: dict[str, Any]) -> Text:
    """``  Offers a refund (criteria.offers_remedy): met, by the model, 1 sentence``, or
    ``not applicable: REASON`` when it could not be judged (docs/criteria.md)."""
    polarity = int(found.get("polarity", 1))
    against = " (counts against the agent)" if polarity < 0 else ""
    line = Text(f"  {found.get('label') or name}{against} ", style="bold")
    line.append(f"criteria.{name}: ", style="dim")
    met = found.get("met")
    if met is None or not found.get("applicable", True):
        line.append(f"not applicable: {found.get('reason') or 'not judged'}", style="dim")
        return line
    if met:
        line.append("met", style=_polarity_style(polarity))
    else:
        line.append("not met")
    judged = {"model": "the sentence model", "phrases": "its phrases"}
    judged_by = found.get("judged_by")
    line.append(f", by {judged.get(judged_by, judged_by)}" if judged_by else "")
    count = len(found.get("evidence") or [])
    if count:
        line.append(f", {counted(count, 'sentence')}")
    return line


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
        str | None,
        typer.Option("--agent", help="One agent: their id or display name (any case)."),
    ] = None,
    run: RunOption = None,
    db: DbOption = None,
    json_output: JsonOption = False,
) -> None:
    """Mean score per skill for each agent (or one), with their conversation count.

    The agents and their order are the web app's: each conversation counts for the
    agent who wrote most of its replies, so a brand that only replied inside another
    brand's thread is not listed.
    """
    from servicecoach.analysis.skills import registered_skills
    from servicecoach.store.analyses import repeat_story_rate
    from servicecoach.store.database import Store
    from servicecoach.store.filters import Filters, Scope, resolve_run
    from servicecoach.store.metrics import ensure_metrics
    from servicecoach.store.scorecards import agent_skill_means, list_agents

    filters, everyone = Filters(run=run), Scope.everything()
    with Store.open(db, create=False) as store:
        with store.begin() as connection:  # fills the metrics of runs from before 0005
            run_id = resolve_run(connection, filters)
            ensure_metrics(connection, run_id)
        with store.connect() as connection:
            filters = Filters(run=run_id)
            found = list_agents(connection, filters, everyone)
            means = agent_skill_means(connection, filters, everyone)
            retold, returning = repeat_story_rate(connection, run_id)
    if agent is not None:
        found = [a for a in found if agent.casefold() in (a.id.casefold(), a.name.casefold())]
        if not found:
            raise NotFoundError(
                f"no agent {agent!r} in run {run_id} (`servicecoach agents list` shows them)"
            )
    if json_output:
        print_json(
            {
                "run": run_id,
                "repeat_story": {"retold": retold, "returning_customers": returning},
                "agents": [_agent_dict(a, means.get(a.id, {})) for a in found],
            }
        )
        return
    if not found:
        console.print(f"no agents in run {run_id} yet")
        return
    # Four-letter heads so a scorecard fits 80 columns (the legend is printed below).
    heads = {skill.name: skill.head for skill in registered_skills()}
    labels = {skill.name: skill.label for skill in registered_skills()}
    shown = [s for s in heads if any(s in means.get(a.id, {}) for a in found)]
    table = Table(
        title=f"Scorecard (run {run_id})",
        header_style="bold",
        title_justify="left",
        box=None,
        padding=(0, 0),
    )
    table.add_column("agent", no_wrap=True, max_width=15, overflow="ellipsis")
    table.add_column("conv", justify="right", no_wrap=True, min_width=5)
    for skill in shown:
        table.add_column(heads[skill], justify="right", no_wrap=True, min_width=5)
    for a in found:
        skills = means.get(a.id, {})
        table.add_row(
            escape(a.name),
            str(a.conversations),
            *(_score(skills[s][1]) if s in skills else _score(None) for s in shown),
        )
    console.print(table)
    legend = ["conv = conversations", *(f"{heads[s]} = {labels[s].lower()}" for s in shown)]
    console.print("[dim]" + ", ".join(legend) + "[/dim]")
    if returning:
        console.print(
            f"repeat-story rate: {retold} of {counted(returning, 'returning customer')} "
            f"({retold / returning:.0%}) had to retell their story"
        )


def _agent_dict(agent: AgentSummary, skills: dict[str, tuple[int, float]]) -> dict[str, Any]:
    from servicecoach.analysis.skills import skill_names

    return {
        "id": agent.id,
        "name": agent.name,
        "team": agent.team,
        "conversations": agent.conversations,
        "skills": {
            skill: {"scored": skills[skill][0], "mean": round(skills[skill][1], 1)}
            for skill in skill_names()
            if skill in skills
        },
    }
