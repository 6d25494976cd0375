"""Choose the context reading's repetition thresholds on the written in-context examples,
and measure the reading on the examples held out.

``scripts/data/emotion_context.jsonl`` holds customer messages written for servicecoach,
each with the conversation before it (the agent's reply and what the customer said
first) and the emotion and intensity a reviewer would give it there: repetitions,
corrections, rejections, sarcasm and resignation after a refusal, thanks after a fix, a
neutral "that's all", and the hard negatives of each (a new question after an answer, a
"no" that answers a question, praise after a fix).

The examples are split in two halves by a hash of their id. On the *fit* half this
chooses ``REPEAT_AT`` (the cosine, with the model) and ``FAST_REPEAT_AT`` (the word
share, rules only) of ``servicecoach.analysis.emotion_context_reading``: the value that
reads most messages' sentiment group (negative, neutral, positive) right; where a run of
values ties, the middle of the first best run (rounded to 0.05), the farthest from both
ways of going wrong. (The written examples leave a wide run of equally good cosines;
the module ships the value within that run that ranks USS turns best on USS half A, see
``evaluation/emotion_context_eval.py``, so the figures it reports for USS half B and
STC-3 are the held-out ones.) On the *held-out* half it prints the label and group accuracy of the message read
alone (before) and in context (after), per case, with the thresholds the module ships.

Usage: python scripts/fit_emotion_context.py [--data scripts/data/emotion_context.jsonl]
"""

from __future__ import annotations

import argparse
import hashlib
import json
from collections import Counter, defaultdict
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from unittest.mock import patch

from servicecoach.analysis import emotion, emotion_context_reading
from servicecoach.analysis.emotion import NEGATIVE, Emotion, customer_emotions
from servicecoach.analysis.learned import LearnedView, default_judge
from servicecoach.model.conversation import Conversation
from servicecoach.model.native import conversation_from_dict

REPO = Path(__file__).resolve().parent.parent
DEFAULT_DATA = REPO / "scripts" / "data" / "emotion_context.jsonl"
_POSITIVE = frozenset({"satisfaction", "gratitude", "relief"})
GRID = [round(0.3 + 0.05 * i, 2) for i in range(14)]


def group(label: str) -> str:
    """The sentiment group of a label."""
    return "negative" if label in NEGATIVE else "positive" if label in _POSITIVE else "neutral"


def half(example_id: str) -> str:
    """``fit`` or ``held-out``, by a hash of the id."""
    return "fit" if int(hashlib.sha256(example_id.encode()).hexdigest(), 16) % 2 else "held-out"


def load(path: Path) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            turns = [*row["context"], {"role": "customer", "text": row["text"]}]
            row["conversation"] = conversation_from_dict(
                {
                    "format": 1,
                    "id": row["id"],
                    "messages": [
                        {"id": f"m{i}", "role": t["role"], "text": t["text"]}
                        for i, t in enumerate(turns, 1)
                    ],
                }
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise SystemExit(f"line {number} of {path}: {exc}") from exc
        rows.append(row)
    return rows


@contextmanager
def _alone() -> Iterator[None]:
    emotion._LAST.value = None  # the last conversation's emotions, kept by identity
    try:
        with patch.object(emotion, "_in_context", lambda conversation, learned, found: found):
            yield
    finally:
        emotion._LAST.value = None


def read(rows: Sequence[dict[str, Any]], views: Sequence[LearnedView | None]) -> list[Emotion]:
    """The emotion of each example's last message (the one labelled)."""
    found: list[Emotion] = []
    for row, view in zip(rows, views, strict=True):
        conversation: Conversation = row["conversation"]
        emotion._LAST.value = None
        found.append(customer_emotions(conversation, view)[conversation.messages[-1].id])
    return found


def accuracy(rows: Sequence[dict[str, Any]], found: Sequence[Emotion]) -> tuple[float, float]:
    labels = sum(r["label"] == f.label for r, f in zip(rows, found, strict=True))
    groups = sum(group(r["label"]) == group(f.label) for r, f in zip(rows, found, strict=True))
    return labels / len(rows), groups / len(rows)


def choose(rows: Sequence[dict[str, Any]], views: Sequence[LearnedView | None], name: str) -> float:
    """The grid value of ``name`` with the best group accuracy on ``rows`` (the middle of
    the best values when they run on, so that the threshold is not put at the edge)."""
    shipped = getattr(emotion_context_reading, name)
    scores: dict[float, float] = {}
    try:
        for value in GRID:
            setattr(emotion_context_reading, name, value)
            scores[value] = accuracy(rows, read(rows, views))[1]
    finally:
        setattr(emotion_context_reading, name, shipped)
    best = max(scores.values())
    print(f"  {name}: " + ", ".join(f"{v:.2f}→{s:.3f}" for v, s in scores.items()))
    plateau = [v for v, s in scores.items() if s == best]
    print(f"  best group accuracy {best:.3f} from {plateau[0]:.2f} to {plateau[-1]:.2f}")
    return round((plateau[0] + plateau[-1]) / 2 / 0.05) * 0.05


def report(rows: Sequence[dict[str, Any]], views: Sequence[LearnedView | None]) -> None:
    with _alone():
        before = read(rows, views)
    after = read(rows, views)
    b, a = accuracy(rows, before), accuracy(rows, after)
    print(f"  held-out ({len(rows)}): label accuracy {b[0]:.3f} -> {a[0]:.3f}, "
          f"group accuracy {b[1]:.3f} -> {a[1]:.3f}")  # fmt: skip
    cases: dict[str, list[int]] = defaultdict(list)
    for i, row in enumerate(rows):
        cases[row["case"]].append(i)
    for case, indices in sorted(cases.items()):
        part = [rows[i] for i in indices]
        cb = accuracy(part, [before[i] for i in indices])
        ca = accuracy(part, [after[i] for i in indices])
        print(f"    {case:20} {len(part):3}  group {cb[1]:.2f} -> {ca[1]:.2f}  "
              f"label {cb[0]:.2f} -> {ca[0]:.2f}")  # fmt: skip


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    args = parser.parse_args(argv)
    rows = load(args.data)
    split = Counter(half(r["id"]) for r in rows)
    print(f"{len(rows)} examples: {split['fit']} fit, {split['held-out']} held out")
    fit = [r for r in rows if half(r["id"]) == "fit"]
    held = [r for r in rows if half(r["id"]) == "held-out"]
    judge = default_judge()
    for mode in ("model", "rules only"):
        if mode == "model":
            fit_views: list[LearnedView | None] = list(
                judge.views([r["conversation"] for r in fit])
            )
            held_views: list[LearnedView | None] = list(
                judge.views([r["conversation"] for r in held])
            )
            name = "REPEAT_AT"
        else:
            fit_views, held_views, name = [None] * len(fit), [None] * len(held), "FAST_REPEAT_AT"
        print(f"{mode}:")
        best = choose(fit, fit_views, name)
        print(f"  chosen on the fit half: {name} = {best:.2f} "
              f"(shipped: {getattr(emotion_context_reading, name):.2f})")  # fmt: skip
        report(held, held_views)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
