"""Customer emotion read alone (before) and in its context (after), on sets it was not fitted on.

The context reading (``servicecoach.analysis.emotion_context`` and
``emotion_context_reading``) was written and its thresholds chosen on the written examples of
``scripts/data/emotion_context.jsonl`` only. This script measures, with the shipped model
and heads, the reading with the context switched off (*before*: each customer message
read alone, as servicecoach did until 2026-12-05) and on (*after*):

- **USS per turn**: every user turn of the USS corpora carries several 1-5 satisfaction
  ratings. The reading's valence (the outcome's base satisfaction of the label, moved
  towards neutral by its confidence, as ``outcome.satisfaction`` counts it) should rank
  with their mean: Spearman rho, and the AUC of telling a turn rated below 3 on average
  from the others by low valence.
- **USS per dialogue**: Spearman rho of ``outcome.satisfaction`` with the dialogue-level
  (OVERALL) rating, as ``servicecoach eval`` scores it (evaluation/build_sets.py's sets).
- **STC-3**: Spearman rho of ``outcome.satisfaction`` with the raters' mean S.
- **GoEmotions test**: emotion macro-F1 (single comments: nothing to read in context, so
  it must not move).

USS dialogues fall in two halves by a hash of corpus and dialogue number (``half A``,
``half B``). One number was tuned on USS: ``REPEAT_AT``, the cosine from which a message
repeats an earlier one, within the range the written examples left equally good
(0.45-0.75), chosen on half A's per-turn figures; half B and STC-3 are held out from it.

The dialogue figures are ``outcome.satisfaction`` as shipped: half how the conversation
ended, half the mean reading of every customer message (``outcome.JOURNEY_SHARE``), so
the context reading moves them through every message, not only the last. With ``--fast``
the pipeline runs on the rules alone (no model), as ``servicecoach analyze --fast`` does.

Usage:
    python evaluation/emotion_context_eval.py [--data ../shared/data] [--fast]
        [--uss-dialogues 250] [--limit 1700] [--only uss stc3 goemotions]
"""

from __future__ import annotations

import argparse
import hashlib
import importlib.util
import json
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field
from pathlib import Path
from statistics import mean
from typing import Any
from unittest.mock import patch

from scipy.stats import spearmanr
from sklearn.metrics import roc_auc_score

from servicecoach.analysis import emotion
from servicecoach.analysis.emotion import Emotion
from servicecoach.analysis.learned import LearnedView
from servicecoach.analysis.outcome import mood
from servicecoach.analysis.pipeline import Pipeline
from servicecoach.analysis.result import ConversationResult
from servicecoach.evaluation.evaluate import evaluate
from servicecoach.evaluation.labels import load_labels
from servicecoach.model.conversation import Conversation, Role
from servicecoach.model.native import conversation_from_dict
from servicecoach.rubric import load_rubric

__all__ = ["main", "valence"]

REPO = Path(__file__).resolve().parent.parent


def valence(found: Emotion) -> float:
    """A message's satisfaction as the outcome reads each one (0-100, 55 neutral)."""
    return mood(found)


def _build_sets() -> Any:
    """evaluation/build_sets.py as a module (it is a script, not part of the package)."""
    spec = importlib.util.spec_from_file_location(
        "build_sets", REPO / "evaluation" / "build_sets.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["build_sets"] = module
    spec.loader.exec_module(module)
    return module


@contextmanager
def _context_reading(on: bool) -> Iterator[None]:
    """The pipeline with the context reading on (as shipped) or off (each message alone)."""
    alone = patch.object(emotion, "_in_context", lambda conversation, learned, found: found)
    emotion._LAST.value = None  # the last conversation's emotions, kept by identity
    try:
        with alone if not on else nullcontext():
            yield
    finally:
        emotion._LAST.value = None


@dataclass
class Run:
    """Results of one set with the context reading off and on, and the seconds taken."""

    before: list[ConversationResult] = field(default_factory=list)
    after: list[ConversationResult] = field(default_factory=list)
    seconds: dict[str, float] = field(default_factory=dict)


def _analyse(
    pipeline: Pipeline, conversations: Sequence[Conversation], views: Sequence[LearnedView | None]
) -> Run:
    run = Run()
    for on, out in ((False, run.before), (True, run.after)):
        with _context_reading(on):
            start = time.process_time()
            out.extend(
                pipeline.analyze(c, learned=v) for c, v in zip(conversations, views, strict=True)
            )
            run.seconds["after" if on else "before"] = time.process_time() - start
    return run


def _views(pipeline: Pipeline, conversations: Sequence[Conversation]) -> list[LearnedView | None]:
    if pipeline.judge is None:
        return [None] * len(conversations)
    views: list[LearnedView | None] = []
    for start in range(0, len(conversations), 64):
        views.extend(pipeline.judge.views(conversations[start : start + 64]))
    return views


def _conversations(built: Any) -> list[Conversation]:
    return [conversation_from_dict(record) for record in built.conversations]


def _labels(built: Any, folder: Path) -> Any:
    path = folder / f"{built.name}.labels.jsonl"
    path.write_text("".join(json.dumps(line) + "\n" for line in built.labels), encoding="utf-8")
    return load_labels(path)


def _rho(results: list[ConversationResult], labels: Any, key: str) -> tuple[float | None, int]:
    report = evaluate(results, labels).to_dict()
    score = report.get("scores", {}).get(key, {})
    return score.get("rho"), int(score.get("n", 0) or 0)


def _macro(results: list[ConversationResult], labels: Any) -> float | None:
    report = evaluate(results, labels).to_dict()
    value = report.get("emotions", {}).get("macro_f1")
    return None if value is None else float(value)


# --------------------------------------------------------------------------- USS per turn


def uss_turns(path: Path) -> list[tuple[list[tuple[str, str, list[float]]], float]]:
    """Each USS session as build_sets reads it, with the ratings of each user turn kept."""
    return list(_build_sets().uss_rated_dialogues(path))


def _half(corpus: str, number: int) -> str:
    digest = hashlib.sha256(f"{corpus}-{number}".encode()).hexdigest()
    return "A" if int(digest, 16) % 2 == 0 else "B"


@dataclass
class TurnPairs:
    """Per-turn (valence before, valence after, mean rating) of one corpus half."""

    before: list[float] = field(default_factory=list)
    after: list[float] = field(default_factory=list)
    rating: list[float] = field(default_factory=list)
    changed: int = 0

    def figures(self) -> dict[str, Any]:
        low = [r < 3 for r in self.rating]
        out: dict[str, Any] = {"turns": len(self.rating), "low": sum(low), "changed": self.changed}
        for name, values in (("before", self.before), ("after", self.after)):
            rho = spearmanr(values, self.rating).statistic if len(set(values)) > 1 else None
            out[f"rho_{name}"] = rho
            out[f"auc_{name}"] = (
                roc_auc_score(low, [-v for v in values]) if 0 < sum(low) < len(low) else None
            )
        return out


def _fmt(value: float | None) -> str:
    return "n/a" if value is None else f"{value:+.3f}"


def uss(data: Path, pipeline: Pipeline, sets: Any, limits: Any, folder: Path) -> None:
    """USS per turn and per dialogue, each corpus, halves A and B."""
    print("\n## USS (evaluate-only data; REPEAT_AT chosen on half A, half B held out)")
    print("corpus | half | turns (rated <3) | changed | turn rho before -> after | "
          "turn AUC(<3) before -> after | dialogues | dialogue rho before -> after")  # fmt: skip
    for corpus in sets.USS_CORPORA:
        path = data / "uss_satisfaction" / f"{corpus}.txt"
        rated = uss_turns(path)
        numbered = list(enumerate(rated))
        chosen, _ = sets.sample(numbered, limits.uss_dialogues, limits.seed)
        built = sets._uss(data, limits, corpus)
        if len(built.conversations) != len(chosen):
            raise SystemExit(
                f"USS {corpus}: sampled {len(chosen)} here, build_sets {len(built.conversations)}"
            )
        conversations = _conversations(built)
        labels = _labels(built, folder)
        run = _analyse(pipeline, conversations, _views(pipeline, conversations))
        for half in ("A", "B"):
            pairs = TurnPairs()
            keep = [i for i, (number, _) in enumerate(chosen) if _half(corpus, number) == half]
            for i in keep:
                turns = chosen[i][1][0]
                conversation = conversations[i]
                for message, (role, _, ratings) in zip(conversation.messages, turns, strict=True):
                    if role != "customer" or not ratings or message.role is not Role.CUSTOMER:
                        continue
                    old = run.before[i].emotions.get(message.id)
                    new = run.after[i].emotions.get(message.id)
                    if old is None or new is None:
                        continue
                    pairs.before.append(valence(old))
                    pairs.after.append(valence(new))
                    pairs.rating.append(mean(ratings))
                    pairs.changed += old != new
            ids = {conversations[i].id for i in keep}
            before, n = _rho(
                [r for r in run.before if r.conversation in ids], labels, "satisfaction"
            )
            after, _ = _rho([r for r in run.after if r.conversation in ids], labels, "satisfaction")
            f = pairs.figures()
            print(
                f"{corpus} | {half} | {f['turns']} ({f['low']}) | {f['changed']} | "
                f"{_fmt(f['rho_before'])} -> {_fmt(f['rho_after'])} | "
                f"{_fmt(f['auc_before'])} -> {_fmt(f['auc_after'])} | {n} | "
                f"{_fmt(before)} -> {_fmt(after)}"
            )
        all_before, n = _rho(run.before, labels, "satisfaction")
        all_after, _ = _rho(run.after, labels, "satisfaction")
        print(
            f"{corpus} | all | | | | | {n} | {_fmt(all_before)} -> {_fmt(all_after)} "
            f"(CPU s before {run.seconds['before']:.1f}, after {run.seconds['after']:.1f})"
        )


def stc3(data: Path, pipeline: Pipeline, sets: Any, limits: Any, heads: Path, folder: Path) -> None:
    built = sets.stc3(data, limits, heads)
    conversations = _conversations(built)
    labels = _labels(built, folder)
    run = _analyse(pipeline, conversations, _views(pipeline, conversations))
    before, n = _rho(run.before, labels, "satisfaction")
    after, _ = _rho(run.after, labels, "satisfaction")
    quality_before, _ = _rho(run.before, labels, "quality")
    quality_after, _ = _rho(run.after, labels, "quality")
    print(f"\n## STC-3 DCH-1 ({n} dialogues)")
    print(f"satisfaction rho {_fmt(before)} -> {_fmt(after)}; quality rho "
          f"{_fmt(quality_before)} -> {_fmt(quality_after)} "
          f"(analysis CPU s before {run.seconds['before']:.1f}, after {run.seconds['after']:.1f})")  # fmt: skip


def goemotions(
    data: Path, pipeline: Pipeline, sets: Any, limits: Any, heads: Path, folder: Path
) -> None:
    built = sets.goemotions(data, limits, heads)
    conversations = _conversations(built)
    labels = _labels(built, folder)
    run = _analyse(pipeline, conversations, _views(pipeline, conversations))
    before, after = _macro(run.before, labels), _macro(run.after, labels)
    print(f"\n## GoEmotions test ({len(conversations)} comments)")
    print(f"emotion macro-F1 {_fmt(before)} -> {_fmt(after)}")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=REPO.parent / "shared" / "data")
    parser.add_argument("--fast", action="store_true", help="rules only, no model")
    parser.add_argument("--uss-dialogues", type=int, default=250)
    parser.add_argument("--limit", type=int, default=1700)
    parser.add_argument("--only", nargs="+", default=["uss", "stc3", "goemotions"])
    args = parser.parse_args(argv)
    if not args.data.is_dir():
        parser.error(f"--data {args.data}: no such folder (the shared data sets)")
    sets = _build_sets()
    limits = sets.Limits(args.limit, args.uss_dialogues, sets.SEED)
    heads = REPO / "src" / "servicecoach" / "model_files" / "heads"
    pipeline = Pipeline.from_rubric(load_rubric(None), fast=args.fast)
    print(f"# Customer emotion alone (before) and in context (after); "
          f"{'rules only (--fast)' if args.fast else 'model and heads'}; "
          f"{time.strftime('%Y-%m-%d')}")  # fmt: skip
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        if "uss" in args.only:
            uss(args.data, pipeline, sets, limits, folder)
        if "stc3" in args.only:
            stc3(args.data, pipeline, sets, limits, heads, folder)
        if "goemotions" in args.only:
            goemotions(args.data, pipeline, sets, limits, heads, folder)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
