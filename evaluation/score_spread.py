"""How far each skill's scores spread across agents: a column that is the same for
everyone tells a lead nothing.

Reads any importable file (default: the public Twitter customer-support sample in
``../shared/data/cs_real/twcs_head5000/twcs.csv``, which is not shipped), analyses every
conversation with the full pipeline (``--fast`` for the rules alone), groups the scores
by agent (the author of the conversation's first reply) and prints, per skill, how many
conversations it applied to and the spread of the agents' mean scores (agents with at
least ``--min-conversations`` scored conversations).

Usage: python evaluation/score_spread.py [FILE] [--fast] [--min-conversations 5] [--json]
Only aggregate figures are printed; no row of the data is.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path

from servicecoach.analysis.pipeline import Pipeline
from servicecoach.analysis.skills import SKILLS
from servicecoach.ingest.base import ImportOptions, Source
from servicecoach.ingest.registry import detect_format, importers
from servicecoach.model.conversation import Conversation
from servicecoach.rubric import Rubric

DEFAULT = Path(__file__).resolve().parents[2] / "shared/data/cs_real/twcs_head5000/twcs.csv"


def _agent(conversation: Conversation) -> str | None:
    return next((m.author for m in conversation.messages if m.is_reply and m.author), None)


def _quantiles(values: list[float]) -> dict[str, float]:
    values = sorted(values)
    cuts = statistics.quantiles(values, n=4) if len(values) >= 2 else [values[0]] * 3
    return {
        "min": round(values[0], 1),
        "p25": round(cuts[0], 1),
        "median": round(cuts[1], 1),
        "p75": round(cuts[2], 1),
        "max": round(values[-1], 1),
        "stdev": round(statistics.pstdev(values), 1),
    }


def spread(path: Path, *, fast: bool, min_conversations: int) -> dict[str, object]:
    """Per skill: conversations scored, and the spread of per-agent mean scores."""
    importer = detect_format(path, importers().values())
    conversations = [
        item
        for item in importer.read([Source(path)], ImportOptions())
        if isinstance(item, Conversation)
    ]
    pipeline = Pipeline.from_rubric(Rubric(), fast=fast)
    by_agent: dict[str, dict[str, list[int]]] = defaultdict(lambda: defaultdict(list))
    applied: dict[str, int] = dict.fromkeys(SKILLS, 0)
    for conversation, result in zip(conversations, pipeline.run(conversations), strict=True):
        agent = _agent(conversation)
        for skill, finding in result.skills.items():
            if finding.score is None:
                continue
            applied[skill] += 1
            if agent is not None:
                by_agent[agent][skill].append(finding.score)
    skills: dict[str, object] = {}
    for skill in SKILLS:
        means = [
            statistics.fmean(scores[skill])
            for scores in by_agent.values()
            if len(scores[skill]) >= min_conversations
        ]
        skills[skill] = {
            "conversations_scored": applied[skill],
            "agents": len(means),
            **(_quantiles(means) if means else {}),
        }
    return {
        "file": path.name,
        "conversations": len(conversations),
        "agents": len(by_agent),
        "fast": fast,
        "min_conversations": min_conversations,
        "skills": skills,
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("file", nargs="?", type=Path, default=DEFAULT)
    parser.add_argument("--fast", action="store_true", help="rules alone, no model")
    parser.add_argument("--min-conversations", type=int, default=5)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    if not args.file.exists():
        print(f"{args.file} does not exist (the public sample is not shipped)", file=sys.stderr)
        return 2
    report = spread(args.file, fast=args.fast, min_conversations=args.min_conversations)
    if args.json:
        print(json.dumps(report, indent=2))
        return 0
    print(
        f"{report['conversations']} conversations, {report['agents']} agents; per-agent mean "
        f"scores of agents with {args.min_conversations}+ scored conversations"
    )
    print(
        f"{'skill':<20} {'scored':>7} {'agents':>6} {'min':>6} {'p25':>6} {'median':>6} "
        f"{'p75':>6} {'max':>6} {'stdev':>6}"
    )
    for skill, row in report["skills"].items():  # type: ignore[attr-defined]
        cells = [row.get(k, "-") for k in ("min", "p25", "median", "p75", "max", "stdev")]
        print(
            f"{skill:<20} {row['conversations_scored']:>7} {row['agents']:>6} "
            + " ".join(f"{c:>6}" for c in cells)
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
