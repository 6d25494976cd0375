"""``servicecoach tune``: fit the team rubric to the team's reviews, held-aside checked."""

from __future__ import annotations

import dataclasses
import tomllib
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.markup import escape
from rich.table import Table

from servicecoach.cli.options import DbOption, FastOption, JsonOption
from servicecoach.cli.output import console, err_console, print_json
from servicecoach.errors import ConfigError

if TYPE_CHECKING:
    from servicecoach.evaluation.metrics import BinaryCounts
    from servicecoach.review.reviewed import ReviewedSentence
    from servicecoach.review.tune import Item, TuneResult
    from servicecoach.rubric import Rubric

__all__ = ["tune_command"]


def tune_command(
    out: Annotated[
        Path, typer.Option("--out", "-o", help="Where to write the tuned rubric (a new file).")
    ],
    rubric: Annotated[
        Path | None,
        typer.Option("--rubric", help="The team's rubric now (default: the default rubric)."),
    ] = None,
    team: Annotated[
        str | None, typer.Option("--team", help="Only the reviews of this team's conversations.")
    ] = None,
    holdout: Annotated[
        float, typer.Option("--holdout", help="Share of reviewed conversations held aside.")
    ] = 0.3,
    seed: Annotated[int, typer.Option("--seed", help="Seed of the held-aside split.")] = 0,
    fast: FastOption = False,
    db: DbOption = None,
    json_output: JsonOption = False,
) -> None:
    """Fit the rubric's response-time targets, experimental-signal choices, learned signal
    thresholds, team heads and custom criteria to the team's reviews; keep the result only
    if it agrees better with reviews held aside.

    The reviewed conversations are split (--holdout, --seed); the search runs on one
    part, and the tuned rubric is written to --out only when held-aside agreement rises:
    mean Spearman rho per skill or mean F0.5 per reviewed signal up, neither down.
    Thresholds, team heads (written beside --out as OUT.heads.json) and criteria are
    fitted only with the learned models (not with --fast). Otherwise nothing is written
    and the command exits 3 with the figures. Switch with SERVICECOACH_RUBRIC=FILE (or --rubric FILE);
    roll back by pointing at the earlier file again (docs/review.md).
    """
    from servicecoach.analysis.pipeline import Pipeline  # noqa: F401  (before the rubric)
    from servicecoach.review.rubric_version import rubric_version
    from servicecoach.review.tune import TuneRefused, tune
    from servicecoach.rubric import load_rubric

    if rubric is not None and out.resolve() == rubric.resolve():
        raise ConfigError(
            "write the tuned rubric to a new file (--out), so that the team can roll back"
        )
    base = load_rubric(rubric)
    items, labels, reviews, reviewed = _reviewed(db, team)
    try:
        result = tune(items, labels, base, holdout=holdout, seed=seed, fast=fast, reviewed=reviewed)
    except TuneRefused as exc:
        _report(exc.result, None, rubric_version(base), reviews, json_output, ok=False)
        raise
    _write(out, rubric, result.tuned, result, reviews)
    _report(result, out, rubric_version(result.tuned), reviews, json_output, ok=True)


def _reviewed(
    db: str | None, team: str | None
) -> tuple[list[Item], Any, int, list[ReviewedSentence]]:
    """The reviewed conversations (with history), their labels and their reviewed
    sentences, keyed by store key."""
    from servicecoach.review.labels import label_set
    from servicecoach.review.reviewed import from_reviews
    from servicecoach.store.database import Store
    from servicecoach.store.filters import Scope
    from servicecoach.store.reader import earlier_conversations, iter_conversations
    from servicecoach.store.reviews import iter_reviews

    scope = Scope.team(team) if team else Scope.everything()
    with Store.open(db, create=False) as store, store.connect() as connection:
        reviews = [
            dataclasses.replace(r, conversation=str(r.conversation_id))
            for r in iter_reviews(connection, scope)
        ]
        if not reviews:
            raise ConfigError(
                "no reviews to tune on" + (f" for team {team!r}" if team else "")
                + ": review conversations in the web app first (docs/review.md)"
            )  # fmt: skip
        pks = sorted({r.conversation_id for r in reviews})
        items: list[Item] = [
            (str(s.pk), s.conversation, earlier_conversations(connection, s))
            for s in iter_conversations(connection, ids=pks)
        ]
    keys = {r.conversation_id: str(r.conversation_id) for r in reviews}
    return items, label_set(reviews), len(reviews), from_reviews(reviews, keys)


def _write(out: Path, source: Path | None, tuned: Rubric, result: TuneResult, reviews: int) -> None:
    """Write ``tuned`` as ``source``'s tables with the tuned keys, and check it reads back."""
    from servicecoach.review.rubric_toml import dumps
    from servicecoach.review.rubric_version import rubric_version
    from servicecoach.rubric import load_rubric

    data: dict[str, Any] = {}
    if source is not None:
        data = tomllib.loads(source.read_text(encoding="utf-8"))
    responsiveness = data.setdefault("responsiveness", {})
    responsiveness["targets_minutes"] = {
        channel.value: minutes for channel, minutes in tuned.responsiveness.targets_minutes.items()
    }
    if tuned.signals.score_experimental or "signals" in data:
        data.setdefault("signals", {})["score_experimental"] = list(
            tuned.signals.score_experimental
        )
    signals = data.get("signals", {})
    if tuned.signals.thresholds or "thresholds" in signals:
        data.setdefault("signals", {})["thresholds"] = dict(tuned.signals.thresholds)
    tuned = _write_heads(out, data, tuned, reviews)
    for name, criterion in tuned.criteria.items():
        if criterion.examples is not None:
            continue  # not refitted: its table and examples file stay as they are
        table = data.setdefault("criteria", {}).setdefault(name, {})
        table.pop("examples", None)  # a refitted criterion's examples are all inline
        table["meets"], table["misses"] = list(criterion.meets), list(criterion.misses)
    header = [
        f"# Tuned by `servicecoach tune` on {datetime.now(UTC):%Y-%m-%d} from {reviews} reviews",
        f"# ({result.fit} conversations fitted, {result.held} held aside); held-aside mean",
        f"# Spearman rho {_shown(result.held_before)} -> {_shown(result.held_after)}, mean F0.5",
        f"# {_shown(result.held_f05_before)} -> {_shown(result.held_f05_after)}.",
        f"# Started from: {source if source is not None else 'the default rubric'}.",
        f"# Version: {rubric_version(tuned)}. Roll back by using the earlier rubric again.",
    ]
    try:
        out.write_text("\n".join(header) + "\n\n" + dumps(data), encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"cannot write {out}: {exc.strerror}") from None
    try:
        written = load_rubric(out)
    except ConfigError as exc:
        out.unlink(missing_ok=True)
        if tuned.signals.heads is not None:
            (out.parent / tuned.signals.heads).unlink(missing_ok=True)
        raise ConfigError(
            f"the tuned rubric does not read back ({exc}): write it beside the rubric it "
            "started from (example files are named relative to it)"
        ) from None
    if written.model_dump() != tuned.model_dump():
        out.unlink(missing_ok=True)
        raise ConfigError("the tuned rubric did not read back as tuned: nothing was written")


def _write_heads(out: Path, data: dict[str, Any], tuned: Rubric, reviews: int) -> Rubric:
    """Write the team heads beside ``out`` and name the file in ``data``; ``tuned`` with
    that name (it is part of what reads back)."""
    from servicecoach.analysis.learned import default_judge
    from servicecoach.review.team_head import heads_file

    signals = data.setdefault("signals", {})
    signals.pop("team_heads", None)
    if not tuned.signals.team_heads:
        signals.pop("heads", None)
        if not signals:
            del data["signals"]
        return tuned.model_copy(
            update={"signals": tuned.signals.model_copy(update={"heads": None})}
        )
    path = out.with_name(f"{out.stem}.heads.json")
    text = heads_file(tuned.signals.team_heads, default_judge().embedder.model_name, reviews)
    try:
        path.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"cannot write {path}: {exc.strerror}") from None
    signals["heads"] = path.name
    return tuned.model_copy(
        update={"signals": tuned.signals.model_copy(update={"heads": path.name})}
    )


def _signals(by_signal: dict[str, BinaryCounts]) -> dict[str, dict[str, Any]]:
    from servicecoach.review.tune import f_half

    return {
        key: {**counts.to_dict(), "f05": None if (f := f_half(counts)) is None else round(f, 4)}
        for key, counts in by_signal.items()
    }


def _signal_table(result: TuneResult) -> None:
    from servicecoach.review.tune import f_half

    table = Table(title="Agreement with the held-aside signal labels (F0.5)", box=None)
    for column in ("signal", "before", "after"):
        table.add_column(column, justify="left" if column == "signal" else "right")
    for signal in sorted(set(result.signals_before) | set(result.signals_after)):
        before, after = result.signals_before.get(signal), result.signals_after.get(signal)
        table.add_row(
            escape(signal),
            _shown(f_half(before) if before is not None else None),
            _shown(f_half(after) if after is not None else None),
        )
    table.add_row(
        "[bold]mean[/bold]", _shown(result.held_f05_before), _shown(result.held_f05_after)
    )
    console.print(table)


def _shown(value: float | None) -> str:
    return "—" if value is None else f"{value:.3f}"


def _report(
    result: TuneResult,
    out: Path | None,
    version: str,
    reviews: int,
    json_output: bool,
    *,
    ok: bool,
) -> None:
    if json_output:
        print_json(
            {
                "ok": ok,
                "reviews": reviews,
                "changes": [dataclasses.asdict(c) for c in result.changes],
                "withdrawn": [dataclasses.asdict(c) for c in result.withdrawn],
                "fit": {"conversations": result.fit, "before": result.fit_before,
                        "after": result.fit_after},
                "held_aside": {"conversations": result.held, "before": result.held_before,
                               "after": result.held_after, "skills_before": result.skills_before,
                               "skills_after": result.skills_after,
                               "f05_before": result.held_f05_before,
                               "f05_after": result.held_f05_after,
                               "signals_before": _signals(result.signals_before),
                               "signals_after": _signals(result.signals_after)},
                "rubric_version": version,
                "out": str(out) if out is not None else None,
                "tried": result.tried,
            }
        )  # fmt: skip
        return
    table = Table(title="Agreement with the held-aside reviews (Spearman rho)", box=None)
    for column in ("skill", "before", "after"):
        table.add_column(column, justify="left" if column == "skill" else "right")
    for skill in sorted(set(result.skills_before) | set(result.skills_after)):
        table.add_row(
            skill,
            _shown(result.skills_before.get(skill)),
            _shown(result.skills_after.get(skill)),
        )
    table.add_row("[bold]mean[/bold]", _shown(result.held_before), _shown(result.held_after))
    console.print(table)
    if result.signals_before or result.signals_after:
        _signal_table(result)
    console.print(
        f"fitting part ({result.fit} conversations): {_shown(result.fit_before)} → "
        f"{_shown(result.fit_after)}; {result.tried} rubrics measured"
    )
    for change in result.changes:
        console.print(f"  {escape(change.key)}: {escape(str(change.before))} → "
                      f"{escape(str(change.after))}")  # fmt: skip
    for change in result.withdrawn:
        console.print(
            f"  withdrawn, its signal did worse held aside: {escape(change.key)}: "
            f"{escape(str(change.after))}"
        )
    if ok and out is not None:
        err_console.print(
            f"[green]✓[/green] tuned rubric {version} written to {escape(str(out))}; switch "
            f"with SERVICECOACH_RUBRIC={escape(str(out))}, roll back by using the earlier one"
        )
