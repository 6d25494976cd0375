"""Measure what ``servicecoach tune`` learns beyond thresholds on AnnoMI: team heads and a
custom criterion.

Why: issue 14 asks that the learning loop be measured. ``evaluation/tune_annomi.py``
measures it on AnnoMI's expert labels as a stand-in for a team's signal reviews; this
script runs the same :func:`servicecoach.review.tune.tune` with a rubric that also has a
custom criterion, ``reflects`` ("Reflects back what the client said", its examples written
for servicecoach, below), whose reviews are AnnoMI's reflection labels: a team that
defined "reflects" by a few examples and then reviewed a few hundred replies. The tune
fits the learned signals' thresholds, a team head per labelled learned signal and refits
the criterion from the reviewed replies, on the fitting transcripts; it prints the
held-aside figures before and after per signal, what was kept and what was withdrawn.

Run (docs/review.md, "The learning loop, measured")::

    python evaluation/build_sets.py --only annomi      # -> /tmp/servicecoach-eval/annomi/
    python evaluation/tune_annomi_learned.py [--seed 0] [--holdout 0.3]
    python evaluation/tune_annomi_learned.py --seed 0 --no-criterion \
        --threshold listening.paraphrase=0.35 --threshold listening.question=0.9 \
        --threshold problem_solving.solution=0.65      # heads alone, from tuned thresholds
"""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, datetime
from pathlib import Path

from servicecoach.analysis.pipeline import Pipeline  # noqa: F401  (before the rubric)
from servicecoach.evaluation.labels import LabelSet, MessageLabel, load_labels
from servicecoach.review.tune import Item, TuneRefused, TuneResult, tune
from servicecoach.rubric import Criterion, Rubric

sys.path.insert(0, str(Path(__file__).resolve().parent))
from tune_annomi import DEFAULT_SET, _print, _read, transcripts

__all__ = ["REFLECTS", "main", "with_criterion_labels"]

REFLECTS = Criterion(
    label="Reflects back what the client said",
    meets=[
        "So you feel stuck between wanting to stop and being afraid of what happens if you do.",
        "It sounds like the last few weeks have worn you down.",
        "You're worried that your family will see this as another failure.",
        "So drinking helps you unwind after work, and you don't want to lose that.",
        "You've tried cutting back before and it didn't last.",
        "Part of you wants things to change, and part of you isn't sure it's worth it.",
        "You're frustrated that nobody seems to listen to you.",
        "It sounds like your health is starting to matter more to you.",
        "So walking every morning is something you already manage.",
        "You feel that the doctor was judging you.",
        "You're not ready to quit, but you'd like to smoke less.",
        "So money has been tight and that adds to the stress.",
    ],
    misses=[
        "How many cigarettes do you smoke on a normal day?",
        "What would you like to talk about today?",
        "I'd suggest keeping a diary of when you drink.",
        "There are support groups that meet on Tuesday evenings.",
        "Can you tell me more about that?",
        "Smoking raises the risk of heart disease considerably.",
        "Thank you for coming in today.",
        "Let's set up another appointment for next week.",
        "On a scale of one to ten, how important is this to you?",
        "Have you thought about talking to your partner about it?",
        "That's great that you came back.",
        "We could look at a few options together if you like.",
    ],
)
"""A team's own criterion, written for servicecoach (no AnnoMI sentence in it)."""


def with_criterion_labels(labels: LabelSet) -> LabelSet:
    """``labels`` with each reflection label copied to ``criteria.reflects``."""
    out = LabelSet()
    for found in labels.messages.values():
        for label in found:
            signals = dict(label.signals)
            if "listening.paraphrase" in signals:
                signals["criteria.reflects"] = signals["listening.paraphrase"]
            out.add(MessageLabel(label.conversation, label.message, signals, line=label.line))
    for scores in labels.conversations.values():
        for score in scores:
            out.add(score)
    return out


def _learned(result: TuneResult) -> None:
    for change in result.withdrawn:
        print(f"  withdrawn (did worse held aside): {change.key}: {change.after}")
    for signal, head in sorted(result.tuned.signals.team_heads.items()):
        print(
            f"team head {signal}: {head.examples} reviewed sentences, threshold "
            f"{head.threshold:.2f}, weight of the shipped head's log-odds {head.shipped:.2f}"
        )


def main(argv: list[str] | None = None) -> int:
    """Tune thresholds, heads and a criterion on AnnoMI; print the held-aside figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--set", type=Path, default=DEFAULT_SET, help="build_sets.py output")
    parser.add_argument("--holdout", type=float, default=0.3, help="share of transcripts")
    parser.add_argument("--seed", type=int, default=0, help="seed of the transcript split")
    parser.add_argument("--no-criterion", action="store_true", help="start without 'reflects'")
    parser.add_argument(
        "--threshold",
        action="append",
        default=[],
        metavar="SIGNAL=VALUE",
        help="start from this learned threshold (repeatable)",
    )
    args = parser.parse_args(argv)
    if not (args.set / "labels.jsonl").exists():
        sys.exit(f"{args.set}: no labels.jsonl; run evaluation/build_sets.py --only annomi")
    conversations = _read(args.set)
    labels = load_labels(args.set / "labels.jsonl")
    if not args.no_criterion:
        labels = with_criterion_labels(labels)
    groups = transcripts(conversations)
    items: list[Item] = [(c.id, c, None) for c in conversations if c.id in labels.messages]
    thresholds = {k: float(v) for k, _, v in (t.partition("=") for t in args.threshold)}
    print(
        f"{datetime.now(UTC):%Y-%m-%d}: AnnoMI stand-in, {len(items)} labelled replies in "
        f"{len(set(groups.values()))} transcripts, holdout {args.holdout}, seed {args.seed}, "
        + (
            "no criterion"
            if args.no_criterion
            else "criterion 'reflects' reviewed by the reflection labels"
        )
        + (f", starting thresholds {thresholds}" if thresholds else "")
    )
    base = Rubric.model_validate(
        {
            "criteria": {} if args.no_criterion else {"reflects": REFLECTS},
            "signals": {"thresholds": thresholds},
        }
    )
    try:
        result = tune(
            items, labels, base, holdout=args.holdout, seed=args.seed, fast=False, groups=groups
        )
    except TuneRefused as exc:
        _print(exc.result, kept=False)
        _learned(exc.result)
        print(f"why: {exc}")
        return 3
    _print(result, kept=True)
    _learned(result)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
