"""Measure ``servicecoach tune`` on a public stand-in for a team's reviews: AnnoMI.

Why: issue 14 asks that the learning loop be measured, not asserted. AnnoMI's expert
annotations of therapist utterances (public domain) stand in for a team's signal labels:
reflections for ``listening.paraphrase``, questions for ``listening.question``,
information and advice for ``problem_solving.solution``. ``evaluation/build_sets.py``
turns the 27 transcripts the counselling head never saw into conversations (each labelled
therapist reply after its 3 previous utterances) and labels; this script splits them **by
transcript** (seeded), runs the same :func:`servicecoach.review.tune.tune` that
``servicecoach tune`` runs on stored reviews, and prints agreement before and after on the
held-aside transcripts: P, R, F1 and F0.5 per signal. A refused tune is reported too.

Run (docs/review.md, "The learning loop, measured")::

    python evaluation/build_sets.py --only annomi      # -> /tmp/servicecoach-eval/annomi/
    python evaluation/tune_annomi.py [--holdout 0.3] [--seed 0] [--fast]

The windows come in transcript order and each holds its reply's 3 previous utterances,
which is how the transcripts are told apart: a window with at most one utterance before
its reply (the client's, or the generic opening) starts a transcript (27 on the set).
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import UTC, datetime
from pathlib import Path

from servicecoach.analysis.pipeline import Pipeline  # noqa: F401  (before the rubric)
from servicecoach.evaluation.labels import load_labels
from servicecoach.evaluation.metrics import BinaryCounts
from servicecoach.ingest.base import ImportOptions
from servicecoach.model.conversation import Conversation
from servicecoach.review.tune import Item, TuneRefused, TuneResult, f_half, tune
from servicecoach.rubric import Rubric
from servicecoach.services.plan import plan_import
from servicecoach.services.reading import read_plan

__all__ = ["main", "transcripts"]

DEFAULT_SET = Path("/tmp/servicecoach-eval/annomi")


def transcripts(conversations: list[Conversation]) -> dict[str, str]:
    """Conversation id to a transcript id: a short window starts the next transcript."""
    groups: dict[str, str] = {}
    group = 0
    for conversation in conversations:
        if group == 0 or len(conversation.messages) <= 2:
            group += 1
        groups[conversation.id] = f"transcript-{group}"
    return groups


def _read(folder: Path) -> list[Conversation]:
    plan = plan_import([folder / "conversations.jsonl"], None)
    found = [item for _, item in read_plan(plan, ImportOptions())]
    conversations = [c for c in found if isinstance(c, Conversation)]
    if len(conversations) != len(found):
        sys.exit(f"{folder / 'conversations.jsonl'}: some lines are not conversations")
    return conversations


def _rates(counts: BinaryCounts | None) -> str:
    if counts is None:
        return "—"

    def shown(value: float | None) -> str:
        return "—" if value is None else f"{value:.3f}"

    return (
        f"P {shown(counts.precision)} R {shown(counts.recall)} F1 {shown(counts.f1)} "
        f"F0.5 {shown(f_half(counts))} (n {counts.total}, {counts.support} positive)"
    )


def _print(result: TuneResult, kept: bool) -> None:
    print(f"fitting part: {result.fit} conversations; held aside: {result.held}")
    print(f"rubrics measured: {result.tried}")
    for change in result.changes:
        print(f"  {change.key}: {change.before} -> {change.after} (fitting part)")
    print(f"mean F0.5, fitting part: {result.fit_f05_before} -> {result.fit_f05_after}")
    print(f"mean F0.5, held aside:   {result.held_f05_before} -> {result.held_f05_after}")
    for signal in sorted(set(result.signals_before) | set(result.signals_after)):
        print(f"{signal}")
        print(f"  before: {_rates(result.signals_before.get(signal))}")
        print(f"  after:  {_rates(result.signals_after.get(signal))}")
    print("tune kept (held-aside agreement rose)" if kept else "tune REFUSED (exit 3)")


def main(argv: list[str] | None = None) -> int:
    """Tune on part of AnnoMI's held-out transcripts and print the held-aside figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--set", type=Path, default=DEFAULT_SET, help="build_sets.py output")
    parser.add_argument("--holdout", type=float, default=0.3, help="share of transcripts")
    parser.add_argument("--seed", type=int, default=0, help="seed of the transcript split")
    parser.add_argument("--fast", action="store_true", help="rules only (no thresholds)")
    args = parser.parse_args(argv)
    if not (args.set / "labels.jsonl").exists():
        sys.exit(f"{args.set}: no labels.jsonl; run evaluation/build_sets.py --only annomi")
    conversations = _read(args.set)
    labels = load_labels(args.set / "labels.jsonl")
    groups = transcripts(conversations)
    items: list[Item] = [(c.id, c, None) for c in conversations if c.id in labels.messages]
    print(
        f"{datetime.now(UTC):%Y-%m-%d}: AnnoMI stand-in, {len(items)} labelled replies in "
        f"{len(set(groups.values()))} transcripts, holdout {args.holdout}, seed {args.seed}"
    )
    try:
        result = tune(
            items,
            labels,
            Rubric(),
            holdout=args.holdout,
            seed=args.seed,
            fast=args.fast,
            groups=groups,
        )
    except TuneRefused as exc:
        _print(exc.result, kept=False)
        print(f"why: {exc}")
        return 3
    _print(result, kept=True)
    print("tuned [signals.thresholds]: " + json.dumps(result.tuned.signals.thresholds))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
