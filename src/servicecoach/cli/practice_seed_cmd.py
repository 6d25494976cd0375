"""``servicecoach practice seed``: a starter scenario from a real conversation (redacted).

The conversation comes from a file of any supported format (``--conversation ID`` picks
one when the file holds several) or, with ``--db``, from the store. It is analysed to
find its weakest skills, redacted, and written as a scenario TOML file that loads as is;
the author is told what to edit (docs/practice.md, "Seeding a scenario").
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from servicecoach.cli.options import FastOption, JsonOption
from servicecoach.cli.output import counted, err_console, print_json
from servicecoach.errors import ConfigError, InputError, NotFoundError

if TYPE_CHECKING:
    from servicecoach.model.conversation import Conversation
    from servicecoach.practice.seed import ScenarioSeed
    from servicecoach.rubric import Rubric

__all__ = ["seed_command"]

_SCENARIO_ID = re.compile(r"^[a-z0-9][a-z0-9_-]{0,47}$")
_LISTED = 5


def seed_command(
    source: Annotated[
        str,
        typer.Argument(
            metavar="CONVERSATION",
            help="A file of conversations (any supported format), or with --db a stored "
            "conversation (SOURCE:ID or ID).",
        ),
    ],
    out: Annotated[
        Path | None,
        typer.Option(
            "--out",
            "-o",
            metavar="FILE",
            help="Write the scenario here (its name is the scenario's id, e.g. "
            "late-lamp.toml); default: standard output.",
        ),
    ] = None,
    conversation_id: Annotated[
        str | None,
        typer.Option(
            "--conversation", "-c", metavar="ID", help="The conversation's id in a file of several."
        ),
    ] = None,
    format: Annotated[
        str | None, typer.Option("--format", "-f", help="Read the file as this format.")
    ] = None,
    db: Annotated[
        str | None,
        typer.Option("--db", help="Take the conversation CONVERSATION stored in this database."),
    ] = None,
    region: Annotated[
        str,
        typer.Option(
            "--region", metavar="CC", help="Country assumed for phone numbers without '+'."
        ),
    ] = "US",
    rubric: Annotated[
        Path | None,
        typer.Option("--rubric", help="Team rubric (TOML) the conversation is analysed with."),
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="Overwrite --out if it exists.")] = False,
    fast: FastOption = False,
    json_output: JsonOption = False,
) -> None:
    """Start a scenario from a real conversation: its customer, redacted, to rehearse.

    The customer's messages become the steps, the agent's replies the model answers
    (marked TODO: improve them), the conversation's weakest skills the skills it trains.
    Personal data is redacted (docs/redaction.md); the customer's name becomes 'Alex'.
    Branches are left for you to write (a TODO comment shows how).
    """
    from servicecoach.analysis.pipeline import Pipeline  # before the rubric: they import each other
    from servicecoach.practice.seed import seed_scenario
    from servicecoach.rubric import load_rubric

    scenario_id = _scenario_id(out, force)
    if json_output and out is None:
        raise ConfigError("--json prints a summary: give --out for the scenario")
    team = load_rubric(rubric)
    history: tuple[Conversation, ...] | None = None  # files: no history, as `analyze FILE`
    if db is not None:
        if conversation_id is not None or format is not None:
            raise ConfigError("with --db, name the stored conversation as CONVERSATION")
        conversation, history = _stored(db, source)
    else:
        conversation = _from_file(Path(source), conversation_id, format, team)
    result = Pipeline.from_rubric(team, fast=fast).analyze(conversation, history)
    seed = seed_scenario(conversation, result, scenario_id=scenario_id, region=region)
    if out is None:
        typer.echo(seed.text, nl=False)
    else:
        try:
            out.write_text(seed.text, encoding="utf-8")
        except OSError as exc:
            raise ConfigError(f"--out {out}: cannot write ({exc.strerror})") from None
    if json_output:
        print_json({"out": str(out), "scenario": scenario_id, **seed.to_dict()})
        return
    _tell(seed, out)


def _scenario_id(out: Path | None, force: bool) -> str:
    if out is None:
        return "seeded"
    if out.suffix != ".toml":
        raise ConfigError(f"--out {out}: a scenario file ends in .toml")
    scenario_id = out.name.removesuffix(".toml").lower().replace(" ", "-")
    if not _SCENARIO_ID.match(scenario_id):
        raise ConfigError(
            f"--out {out}: the file's name is the scenario's id: lower-case letters, digits, "
            "'-' and '_' (e.g. late-lamp.toml)"
        )
    if not out.parent.is_dir():
        raise ConfigError(f"--out {out}: folder {out.parent} does not exist")
    if out.exists() and not force:
        raise ConfigError(f"--out {out} exists: give --force to overwrite it")
    return scenario_id


def _from_file(path: Path, wanted: str | None, format: str | None, team: Rubric) -> Conversation:
    """The conversation of ``path`` (the one with id ``wanted`` when it holds several)."""
    from servicecoach.errors import Problem
    from servicecoach.ingest.base import ImportOptions
    from servicecoach.services.plan import plan_import
    from servicecoach.services.reading import read_plan

    if path.is_dir():
        raise InputError(f"{path} is a folder: give the file that holds the conversation")
    plan = plan_import([path], format)
    options = ImportOptions(support_addresses=tuple(team.email.support_addresses))
    found: list[Conversation] = []
    problems: list[Problem] = []
    for _, item in read_plan(plan, options):
        if isinstance(item, Problem):
            problems.append(item)
        elif wanted is None or item.id == wanted:
            found.append(item)
            if wanted is not None or len(found) > _LISTED:
                break
    if len(found) == 1:
        return found[0]
    if found:
        ids = ", ".join(c.id for c in found[:_LISTED])
        raise ConfigError(
            f"{path} holds several conversations ({ids}, ...): pick one with --conversation ID"
        )
    if problems:
        raise InputError(str(problems[0]))
    if wanted is not None:
        raise NotFoundError(f"{path} has no conversation {wanted!r}")
    raise InputError(f"{path} holds no conversation")


def _stored(db: str, ref: str) -> tuple[Conversation, tuple[Conversation, ...]]:
    """The stored conversation ``ref`` and its customer's earlier ones (as analysis reads)."""
    from servicecoach.store.analyses import conversation_pk
    from servicecoach.store.database import Store
    from servicecoach.store.reader import earlier_conversations, iter_conversations

    with Store.open(db, create=False) as store, store.connect() as connection:
        pk = conversation_pk(connection, ref)
        stored = next(iter_conversations(connection, ids=[pk]))
        return stored.conversation, earlier_conversations(connection, stored)


def _tell(seed: ScenarioSeed, out: Path | None) -> None:
    """What was written and what the author should edit, on standard error."""
    replies = sum(1 for t in seed.turns if t.reply is not None)
    trains = ", ".join(f"{s} ({'n/a' if n is None else n})" for s, n in seed.skills)
    removed = ", ".join(f"{k} {n}" for k, n in seed.redacted.to_dict().items() if n) or "nothing"
    where = f"wrote {out}" if out is not None else "scenario above"
    err_console.print(
        f"[green]✓[/green] {where}: {counted(len(seed.turns), 'step')}, "
        f"{counted(replies, 'reply', 'replies')}; "
        f"trains {trains}; redacted: {removed}."
    )
    if seed.left_out:
        err_console.print(f"[yellow]note:[/] {seed.left_out} later customer turns left out")
    name = out if out is not None else "the file"
    err_console.print(
        "Before your team plays it, edit the lines marked TODO:\n"
        "  1. the title, summary, briefing (the facts and policy) and the persona;\n"
        "  2. every model_answer: each is the agent's real reply - make it the model one;\n"
        "  3. branches, so the customer reacts to what the reply does (an example is there);\n"
        "  4. anything personal the redaction missed (names in free text, order numbers).\n"
        f"Then play it: servicecoach practice {name}"
    )
