"""Tune the thresholds of the learned signals on labelled data; write analysis/thresholds.json.

Usage: python scripts/tune_thresholds.py [--data ../shared/data]

- ``reflection`` and ``similarity`` (``listening.paraphrase``): AnnoMI therapist
  utterances of the transcripts the counselling head was TRAINED on (its held-out
  transcripts stay untouched for docs/accuracy.md). An utterance is predicted a
  reflection when the rules would need help and one of its sentences reaches both the
  head's reflection probability and the cosine similarity to a sentence of the client's
  last two turns; the pair with the best F1 against the annotators' majority wins.
- ``question`` (``listening.question`` without "?"): the same utterances; among
  sentences without "?", the probability that maximises F1 of utterance-level question
  detection together with the "?" rule.
- The politeness head is measured, not tuned into a signal: how often each threshold
  flags sentences (six words or more) of real brand replies in the Customer Support on
  Twitter sample (cs_real/twcs_head5000, evaluation data, read only to count false
  alarms) against its recall on the bottom quartile of Stanford Politeness requests.
  The figures are recorded under ``measured_not_used``: they are why no analyser uses it.

The data sets are read, never copied; only thresholds and aggregate figures are written.
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
from collections import defaultdict
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

from servicecoach.analysis.thresholds import Thresholds
from servicecoach.nlp.embeddings import get_embedder
from servicecoach.nlp.heads import load_head
from servicecoach.nlp.sentences import sentences
from servicecoach.nlp.words import is_question

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "src" / "servicecoach" / "analysis" / "thresholds.json"
GRID = [round(x, 2) for x in np.arange(0.05, 1.0, 0.05)]
TIE = 0.01
"""F1 differences smaller than this are ties, broken towards a higher similarity."""


def _split(text: str) -> list[str]:
    return [s.text for s in sentences(text) if s.text.strip()] or [text]


def _annomi(data: Path) -> list[tuple[list[str], list[str], bool, bool]]:
    """(client sentences of the last two client turns, therapist sentences, reflection, question)."""
    head = load_head("counselling")
    held_out = set(head.metadata["metrics"]["test_transcript_ids"])
    votes: dict[tuple[int, int], dict[str, list[bool]]] = defaultdict(lambda: defaultdict(list))
    texts: dict[tuple[int, int], tuple[str, str]] = {}
    with (data / "annomi" / "AnnoMI-full.csv").open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            key = (int(row["transcript_id"]), int(row["utterance_id"]))
            if key[0] in held_out:
                continue
            texts[key] = (row["interlocutor"], row["utterance_text"])
            if row["interlocutor"] == "therapist":
                votes[key]["reflection"].append(row["reflection_exists"] == "True")
                votes[key]["question"].append(row["question_exists"] == "True")
    items = []
    recent: dict[int, list[str]] = defaultdict(list)
    for key in sorted(texts):
        speaker, text = texts[key]
        if speaker == "client":
            recent[key[0]] = [*recent[key[0]][-1:], text]
        elif speaker == "therapist" and recent[key[0]]:
            v = votes[key]
            majority = {k: sum(x) * 2 > len(x) for k, x in v.items()}
            client = [s for turn in recent[key[0]] for s in _split(turn)]
            items.append((client, _split(text), majority["reflection"], majority["question"]))
    return items


def _f1(predicted: np.ndarray, actual: np.ndarray) -> tuple[float, float, float]:
    tp = float((predicted & actual).sum())
    p = tp / max(float(predicted.sum()), 1.0)
    r = tp / max(float(actual.sum()), 1.0)
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def tune_listening(data: Path) -> dict[str, dict[str, object]]:
    """Reflection, similarity and question thresholds on AnnoMI training transcripts."""
    items = _annomi(data)
    embedder = get_embedder()
    head = load_head("counselling")
    therapist = [s for _, mine, _, _ in items for s in mine]
    client = [s for theirs, _, _, _ in items for s in theirs]
    mine_vectors = embedder.encode(therapist)
    theirs_vectors = embedder.encode(client)
    probabilities = head.predict(mine_vectors, therapist)
    reflect_col, question_col = head.labels.index("reflection"), head.labels.index("question")
    items_pairs: list[list[tuple[float, float]]] = []
    best_question: list[float] = []
    marked: list[bool] = []
    a = b = 0
    for theirs, mine, _, _ in items:
        rows = range(a, a + len(mine))
        their_rows = range(b, b + len(theirs))
        sims = mine_vectors[list(rows)] @ theirs_vectors[list(their_rows)].T
        pairs = [
            (float(probabilities[r, reflect_col]), float(sims[i].max()))
            for i, r in enumerate(rows)
            if not is_question(therapist[r]) or therapist[r].lower().startswith("so")
        ]
        unmarked = [float(probabilities[r, question_col]) for r in rows if "?" not in therapist[r]]
        best_question.append(max(unmarked, default=0.0))
        marked.append(any(is_question(therapist[r]) for r in rows))
        items_pairs.append(pairs)
        a += len(mine)
        b += len(theirs)
    reflection = np.array([x[2] for x in items])
    question = np.array([x[3] for x in items])
    surface: dict[tuple[float, float], tuple[float, float, float]] = {}
    for t_r in GRID:
        for t_s in [0.0, *GRID]:
            predicted = np.array(
                [any(p >= t_r and s >= t_s for p, s in pairs) for pairs in items_pairs]
            )
            surface[(t_r, t_s)] = _f1(predicted, reflection)
    top = max(f for _, _, f in surface.values())
    # Among pairs within TIE of the best F1, the strictest link to the customer's words.
    t_r, t_s = max((k for k, v in surface.items() if v[2] >= top - TIE), key=lambda k: (k[1], k[0]))
    p, r, f = surface[(t_r, t_s)]
    marked_array = np.array(marked)
    best_q = (0.0, 0.9, (0.0, 0.0, 0.0))
    baseline = _f1(marked_array, question)
    for t_q in GRID:
        predicted = marked_array | (np.array(best_question) >= t_q)
        scores = _f1(predicted, question)
        if scores[2] > best_q[0]:
            best_q = (scores[2], t_q, scores)
    _, t_q, (qp, qr, qf) = best_q
    source = (
        f"AnnoMI therapist utterances of the counselling head's training transcripts "
        f"({len(items):,} utterances; held-out transcripts not used)"
    )
    return {
        "reflection": {
            "value": t_r,
            "data": source,
            "objective": (
                f"max F1 of utterance-level reflection, jointly with similarity; ties "
                f"within {TIE} go to the higher similarity"
            ),
            "reached": {"precision": round(p, 3), "recall": round(r, 3), "f1": round(f, 3)},
        },
        "similarity": {
            "value": t_s,
            "data": source,
            "objective": (
                f"max F1 of utterance-level reflection, jointly with reflection; ties "
                f"within {TIE} go to the higher similarity"
            ),
            "reached": {"precision": round(p, 3), "recall": round(r, 3), "f1": round(f, 3)},
        },
        "question": {
            "value": t_q,
            "data": source,
            "objective": "max F1 of utterance-level question detection with the '?' rule",
            "reached": {"precision": round(qp, 3), "recall": round(qr, 3), "f1": round(qf, 3)},
            "baseline_question_mark_only_f1": round(baseline[2], 3),
        },
    }


def _twcs_agent_sentences(data: Path) -> list[str]:
    found: list[str] = []
    with (data / "cs_real" / "twcs_head5000" / "twcs.csv").open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            if row["inbound"] == "False":
                found.extend(_split(" ".join(w for w in row["text"].split() if w[:1] != "@")))
    return found


def _politeness_quartiles(data: Path) -> tuple[list[str], list[str]]:
    impolite: list[str] = []
    polite: list[str] = []
    folder = data / "stanford_politeness"
    for name in ("wikipedia.annotated.csv", "stack-exchange.annotated.csv"):
        with (folder / name).open(encoding="utf-8") as handle:
            rows = list(csv.DictReader(handle))
        scores = np.array([float(r["Normalized Score"]) for r in rows])
        low, high = np.quantile(scores, [0.25, 0.75])
        impolite += [r["Request"] for r, s in zip(rows, scores, strict=True) if s <= low]
        polite += [r["Request"] for r, s in zip(rows, scores, strict=True) if s >= high]
    return impolite, polite


def measure_politeness(data: Path) -> dict[str, object]:
    """False alarms on brand replies against recall on impolite requests, per threshold."""
    embedder = get_embedder()
    head = load_head("politeness")
    column = head.labels.index("impolite")
    agent = [s for s in _twcs_agent_sentences(data) if len(s.split()) >= 6]
    agent_p = head.predict(embedder.encode(agent), agent)[:, column]
    impolite, polite = _politeness_quartiles(data)
    texts = impolite + polite
    request_p = head.predict(embedder.encode(texts), texts)[:, column]
    low = request_p[: len(impolite)]
    return {
        "head": "politeness",
        "data": (
            f"{len(agent):,} sentences (6+ words) of brand replies in cs_real/twcs_head5000; "
            f"{len(impolite):,} bottom-quartile Stanford Politeness requests (training data "
            "of the head, so recall is optimistic)"
        ),
        "by_threshold": {
            str(t): {
                "brand_reply_flag_rate": round(float((agent_p >= t).mean()), 4),
                "impolite_recall": round(float((low >= t).mean()), 3),
            }
            for t in (0.8, 0.85, 0.9, 0.95, 0.97)
        },
        "decision": (
            "not used: the sentences flagged most confidently in brand replies are "
            "sympathetic ones with a negation, so a signal would mostly raise false alarms"
        ),
    }


def main(argv: Sequence[str] | None = None) -> int:
    """Tune and write the thresholds file."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    args = parser.parse_args(argv)
    if not args.data.is_dir():
        print(f"data folder {args.data} not found", file=sys.stderr)
        return 2
    thresholds = tune_listening(args.data)
    missing = set(Thresholds.__dataclass_fields__) - set(thresholds)
    if missing:
        print(f"not tuned: {', '.join(sorted(missing))}", file=sys.stderr)
        return 1
    document = {
        "written_by": "python scripts/tune_thresholds.py",
        "date": f"{datetime.now(UTC):%Y-%m-%d}",
        "thresholds": thresholds,
        "measured_not_used": measure_politeness(args.data),
    }
    OUT.write_text(json.dumps(document, indent=2) + "\n", encoding="utf-8")
    for name, item in thresholds.items():
        print(f"{name:<12}{item['value']:>6}  {item['reached']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
