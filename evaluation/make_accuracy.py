"""Write docs/accuracy.md: ``servicecoach eval`` on every evaluation set, before and after.

Reads the sets that ``evaluation/build_sets.py`` wrote (default ``/tmp/servicecoach-eval``)
and runs the installed command on each one twice::

    servicecoach eval SET/conversations.jsonl --labels SET/labels.jsonl --json --fast  # before
    servicecoach eval SET/conversations.jsonl --labels SET/labels.jsonl --json         # after

``--fast`` is servicecoach without the embedding model and the trained heads - the rule
signals servicecoach had before learned judgement was added - and the plain command is
servicecoach with them. The report holds aggregate figures only (never a row of a data
set), the published figures where the protocol matches, the trained heads' own held-out
metrics (from ``src/servicecoach/models/heads/*.json``), the analyser versions, the
machine and the seconds per set.

Usage: python evaluation/build_sets.py && python evaluation/make_accuracy.py
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shlex
import subprocess
import sys
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

__all__ = ["Run", "SetResult", "confusion", "main", "render"]

REPO = Path(__file__).resolve().parent.parent
DEFAULT_SETS = Path("/tmp/servicecoach-eval")
DEFAULT_OUT = REPO / "docs" / "accuracy.md"
DEFAULT_HEADS = REPO / "src" / "servicecoach" / "models" / "heads"
COMMAND = "python evaluation/build_sets.py && python evaluation/make_accuracy.py"
Record = dict[str, Any]

PUBLISHED: dict[str, str] = {
    "empathetic_intents": "No published figure uses this protocol (the EmpatheticIntents "
    "classifiers are trained on the lexically extended sets and report intent accuracy).",
    "annomi": "No figure in the data README uses this protocol.",
    "goemotions": "The data README's figures are BERT-base macro-F1 on the test split: 0.46 "
    "over the 28 labels, 0.64 on the Ekman groups, 0.69 on the sentiment groups. **Not the "
    "same protocol**: those are multi-label predictions over all test comments (sentiment "
    "with four groups, *ambiguous* included); here one label per single-label comment, "
    "mapped to servicecoach's ten emotions, and three sentiment groups. The nearest is the "
    "sentiment figure (0.69), which this table's sentiment macro-F1 can be read against "
    "with that caveat.",
    "tweeteval_sentiment": "The data README gives no TweetEval sentiment figure (its "
    "TweetEval figures are for emotion and offensive).",
    "tweeteval_emotion": "Published (data README): four-class emotion macro-F1, RoBERTa-base "
    "76.1, FastText 65.2. **Not the same protocol**: here the emotion is read as a two-way "
    "sentiment (servicecoach has no optimism and no 4-class emotion output), so the figures "
    "are not comparable.",
    "airline_sentiment": "No figure in the data README.",
    "politeness_wikipedia": "Published (data README; same data, classes and quartile split, "
    "binary accuracy): linguistic-feature SVM **83.8%** trained in domain, **75.4%** trained "
    "on Stack Exchange (cross-domain), human agreement 86.7. Protocol differences: the SVM "
    "sees only the request while here it is an agent reply inside a conversation, and "
    "servicecoach's signals flag impolite wording toward a customer rather than rate "
    "politeness; compare the *accuracy* column.",
    "politeness_stack_exchange": "Published (data README; same data, classes and quartile "
    "split, binary accuracy): linguistic-feature SVM **78.2%** trained in domain, **67.5%** "
    "trained on Wikipedia (cross-domain), human agreement 80.9. Same protocol differences as "
    "for Wikipedia; compare the *accuracy* column.",
    "stc3_dch1": "No figure in the data README (the STC-3 task scored predicted rating "
    "distributions, not rank correlation with the mean).",
    "uss_mwoz": "Published (data README): 5-level satisfaction, unweighted average recall "
    "0.256-0.293 (best, by corpus), LR/SVM about 0.21. **Not the same protocol**: those "
    "classify each turn's rating, here the dialogue's overall rating is ranked.",
}
for _corpus in ("uss_sgd", "uss_redial", "uss_ccpe"):
    PUBLISHED[_corpus] = PUBLISHED["uss_mwoz"]

_EVALUATE_ONLY = (
    "Held out: the data README marks this set *evaluate*, so no model servicecoach ships is "
    "trained on it."
)
_POLITENESS = (
    "**Not held out for the politeness head**: it is trained on all top- and bottom-quartile "
    "requests of both domains (see [the trained models](#the-trained-models)), so a signal "
    "that reads it would be measured here on its training data; the head's cross-validated "
    "accuracies there are its held-out figures."
)
HELD_OUT: dict[str, str] = {
    "empathetic_intents": _EVALUATE_ONLY,
    "annomi": "Held out: the counselling head and the learned paraphrase and question "
    "thresholds were fit on the other transcripts only.",
    "goemotions": "Held out: the emotion head is trained on the train split (its "
    "regularisation chosen on dev); this is the test split.",
    "tweeteval_sentiment": _EVALUATE_ONLY,
    "tweeteval_emotion": _EVALUATE_ONLY,
    "airline_sentiment": _EVALUATE_ONLY,
    "politeness_wikipedia": _POLITENESS,
    "politeness_stack_exchange": _POLITENESS,
    "stc3_dch1": _EVALUATE_ONLY,
    **dict.fromkeys(("uss_mwoz", "uss_sgd", "uss_redial", "uss_ccpe"), _EVALUATE_ONLY),
}
"""Whether the set is unseen by the trained models (shown with each set)."""


# --------------------------------------------------------------------------- running eval


@dataclass(slots=True)
class Run:
    """One ``servicecoach eval --json`` run: its output and wall-clock seconds."""

    report: Record
    seconds: float


@dataclass(slots=True)
class SetResult:
    """One evaluation set: what build_sets.py recorded and the two runs."""

    name: str
    meta: Record
    before: Run | None
    after: Run


def eval_supports_fast(command: Sequence[str]) -> bool:
    """Whether the installed ``servicecoach eval`` has ``--fast``."""
    shown = subprocess.run(
        [*command, "eval", "--help"],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "COLUMNS": "200"},
    )
    return "--fast" in shown.stdout


def run_eval(command: Sequence[str], folder: Path, *, fast: bool) -> Run:
    """Run ``servicecoach eval`` on one set and parse its JSON."""
    argv = [
        *command,
        "eval",
        str(folder / "conversations.jsonl"),
        "--labels",
        str(folder / "labels.jsonl"),
        "--json",
        "--quiet",
        *(["--fast"] if fast else []),
    ]
    began = time.perf_counter()
    done = subprocess.run(argv, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - began
    if done.returncode != 0:
        raise SystemExit(
            f"{shlex.join(argv)} failed (exit {done.returncode}):\n{done.stderr}{done.stdout}"
        )
    report = json.loads(done.stdout)
    if not report.get("ok"):
        raise SystemExit(f"{shlex.join(argv)} reported an error: {report}")
    return Run(report, seconds)


# --------------------------------------------------------------------------- figures


def confusion(counts: Mapping[str, Any]) -> tuple[int, int, int, int] | None:
    """The exact (tp, fp, fn, tn) behind eval's rounded precision, recall and F1.

    ``--json`` reports support, predicted, n and three rates rounded to 3 places; the
    true-positive count is the one that reproduces all three.
    """
    support, predicted, n = counts["support"], counts["predicted"], counts["n"]
    for tp in range(min(support, predicted) + 1):
        precision = round(tp / predicted, 3) if predicted else None
        recall = round(tp / support, 3) if support else None
        both = support + predicted
        f1 = round(2 * tp / both, 3) if both else None
        if (precision, recall, f1) == (counts["precision"], counts["recall"], counts["f1"]):
            fp, fn = predicted - tp, support - tp
            return tp, fp, fn, n - tp - fp - fn
    return None


def accuracy(counts: Mapping[str, Any]) -> float | None:
    """Share of items judged like the labels, for a yes/no signal."""
    cells, n = confusion(counts), int(counts["n"])
    if cells is None or not n:
        return None
    return (cells[0] + cells[3]) / n


def f2(value: float | None) -> str:
    return "–" if value is None else f"{value:.2f}"


def pct(value: float | None) -> str:
    return "–" if value is None else f"{100 * value:.1f}%"


def rho_text(corr: Mapping[str, Any] | None) -> str:
    if not corr or corr.get("rho") is None:
        return "–"
    p_value = corr.get("p_value")
    shown = "" if p_value is None else (" (p<0.001)" if p_value < 0.001 else f" (p={p_value:.2g})")
    return f"{corr['rho']:.2f}{shown}"


def table(headers: Sequence[str], rows: Iterable[Sequence[object]]) -> list[str]:
    """A Markdown table; columns after the first right-aligned."""
    align = ["---"] + ["---:"] * (len(headers) - 1)
    lines = ["| " + " | ".join(headers) + " |", "|" + "|".join(align) + "|"]
    lines += ["| " + " | ".join(str(cell) for cell in row) + " |" for row in rows]
    return lines


def _part(run: Run | None, *keys: str) -> Any:
    value: Any = run.report if run else None
    for key in keys:
        value = value.get(key) if isinstance(value, dict) else None
    return value


# --------------------------------------------------------------------------- per set


def signal_rows(result: SetResult) -> list[list[object]]:
    rows: list[list[object]] = []
    for key, after in result.after.report.get("signals", {}).items():
        before = _part(result.before, "signals", key)
        shown = " or ".join(f"`{part}`" for part in key.split("|"))
        rows.append(
            [
                shown,
                after["support"],
                after["n"],
                *(f2(before[k]) if before else "–" for k in ("precision", "recall", "f1")),
                *(f2(after[k]) for k in ("precision", "recall", "f1")),
                pct(accuracy(before)) if before else "–",
                pct(accuracy(after)),
            ]
        )
    return rows


SIGNAL_HEADERS = (
    "signal (fired = label true)",
    "support",
    "n",
    "P before",
    "R before",
    "F1 before",
    "P after",
    "R after",
    "F1 after",
    "accuracy before",
    "accuracy after",
)


def label_rows(result: SetResult, part: str) -> list[list[object]]:
    after = result.after.report.get(part)
    if not after:
        return []
    before = _part(result.before, part)
    rows: list[list[object]] = []
    for label, counts in after["labels"].items():
        old = (before or {}).get("labels", {}).get(label)
        if not counts["support"]:  # no gold item: F1 undefined, left out of macro-F1
            old, counts = ({**c, "f1": None, "recall": None} if c else c for c in (old, counts))
        rows.append(
            [
                label,
                counts["support"],
                f2(old["f1"]) if old else "–",
                f2(counts["f1"]),
                f2(old["precision"]) if old else "–",
                f2(counts["precision"]),
                f2(old["recall"]) if old else "–",
                f2(counts["recall"]),
            ]
        )
    n = sum(c["support"] for c in after["labels"].values())
    for name, key in (("**macro-F1**", "macro_f1"), ("**accuracy**", "accuracy")):
        rows.append([name, n, f2((before or {}).get(key)), f2(after[key]), "", "", "", ""])
    return rows


LABEL_HEADERS = (
    "",
    "support",
    "F1 before",
    "F1 after",
    "P before",
    "P after",
    "R before",
    "R after",
)


def score_rows(result: SetResult) -> list[list[object]]:
    rows: list[list[object]] = []
    for key, after in result.after.report.get("scores", {}).items():
        before = _part(result.before, "scores", key)
        rows.append(
            [
                f"`{key}`",
                rho_text(before),
                (before or {}).get("n", "–"),
                (before or {}).get("missing", "–"),
                rho_text(after),
                after["n"],
                after["missing"],
            ]
        )
    return rows


SCORE_HEADERS = (
    "score",
    "Spearman rho before",
    "pairs before",
    "not scored before",
    "Spearman rho after",
    "pairs after",
    "not scored after",
)


def headline(result: SetResult) -> list[list[object]]:
    """One row per measured figure: set, measure, n, before, after."""
    title = result.meta.get("short") or result.meta["title"].split(" — ")[0]
    rows: list[list[object]] = []
    for key, after in result.after.report.get("signals", {}).items():
        before = _part(result.before, "signals", key)
        measure = "F1 " + " or ".join(f"`{p}`" for p in key.split("|"))
        if key.startswith("patience.impolite"):
            measure = "accuracy, impolite wording (any of 5 signals)"
            rows.append([title, measure, after["n"], pct(accuracy(before) if before else None),
                         pct(accuracy(after))])  # fmt: skip
            continue
        rows.append([title, measure, after["n"], f2(before and before["f1"]), f2(after["f1"])])
    for part, name in (("emotions", "emotion"), ("sentiment", "sentiment")):
        after = result.after.report.get(part)
        if after:
            n = sum(c["support"] for c in after["labels"].values())
            before = _part(result.before, part) or {}
            rows.append(
                [title, f"{name} macro-F1", n, f2(before.get("macro_f1")), f2(after["macro_f1"])]
            )
    for key, after in result.after.report.get("scores", {}).items():
        before = _part(result.before, "scores", key)
        rows.append(
            [
                title,
                f"Spearman rho, `{key}`",
                after["n"],
                f2(before and before["rho"]),
                f2(after["rho"]),
            ]
        )
    return rows


def _figures(run: Run) -> Record:
    """The measured figures of a run, without its analyser versions."""
    return {k: v for k, v in run.report.items() if k not in ("ok", "analyzers")}


def section(result: SetResult) -> list[str]:
    meta = result.meta
    counts = meta["counts"]
    lines = [
        f"## {meta['title']}",
        "",
        f"{meta['protocol']} Evaluated: {meta['sampled']} ("
        + ", ".join(f"`../shared/data/{s}`" for s in meta["source"].split(", "))
        + (f"; {'; '.join(meta['notes'])}" if meta["notes"] else "")
        + ").",
    ]
    signals = signal_rows(result)
    if signals:
        lines += ["", *table(SIGNAL_HEADERS, signals)]
    for part, name in (("emotions", "Customer emotion"), ("sentiment", "Customer sentiment")):
        rows = label_rows(result, part)
        if rows:
            lines += ["", f"{name}:", "", *table((name.split()[1], *LABEL_HEADERS[1:]), rows)]
    scores = score_rows(result)
    if scores:
        lines += ["", *table(SCORE_HEADERS, scores)]
    not_scored = result.after.report.get("not_scored", 0)
    unmatched = result.after.report.get("unmatched", 0)
    lines += ["", PUBLISHED.get(result.name, "No figure in the data README.")]
    if result.before and _figures(result.before) == _figures(result.after):
        lines += [
            "",
            "Before and after are identical: no learned judgement feeds what this set measures.",
        ]
    if result.name in HELD_OUT:
        lines += ["", HELD_OUT[result.name]]
    lines.append("")
    before = f"{result.before.seconds:.1f} s before (`--fast`), " if result.before else ""
    lines.append(
        f"*{counts['conversations']:,} conversations, {counts['messages']:,} messages, "
        f"{counts['labels']:,} labels; servicecoach eval took {before}"
        f"{result.after.seconds:.1f} s after"
        + (f"; {not_scored:,} conversations not scored (language)" if not_scored else "")
        + (f"; {unmatched:,} labels unmatched" if unmatched else "")
        + ".*"
    )
    return lines


# --------------------------------------------------------------------------- models


def models_section(heads: Path) -> list[str]:
    """The trained heads' own held-out metrics, from their metadata files."""
    lines = ["## The trained models", ""]
    files = sorted(heads.glob("*.json")) if heads.is_dir() else []
    if not files:
        return [*lines, f"No trained head metadata found under `{_shown(heads)}`."]
    lines.append(
        "What each trained head recorded about itself when it was trained (its metadata "
        f"under `{_shown(heads)}`, written by the training script): data set, licence, "
        "training, and the metrics on data the head was not trained on, with the published "
        "figures it records. These measure a head alone on its own data set; the sections "
        "above measure servicecoach's signals, which combine the heads with the rules."
    )
    for path in files:
        data = json.loads(path.read_text(encoding="utf-8"))
        if isinstance(data, dict):
            lines += ["", *head_section(path.stem, data)]
    return lines


_HIDDEN = {"per_class", "published", "published_percent", "protocol", "split"}


def head_section(name: str, data: Mapping[str, Any]) -> list[str]:
    """One trained head: where it comes from and its held-out metrics."""
    meta = data.get("metadata", data)
    if not isinstance(meta, Mapping):
        return []
    task = meta.get("task")
    lines = [f"### `{data.get('name', name)}`" + (f" — {task}" if task else ""), ""]
    facts = [
        ("data set", meta.get("dataset")),
        ("source", meta.get("source")),
        ("licence", meta.get("licence")),
        ("trained with", _training(meta.get("training"))),
        ("embedding model", meta.get("embedding_model")),
        ("libraries", _pairs(meta.get("libraries"))),
        (
            "trained by",
            f"`{meta['command']}` on {meta.get('date', '?')}" if meta.get("command") else None,
        ),
    ]
    lines += [f"- {label}: {value}" for label, value in facts if value]
    metrics = meta.get("metrics")
    if not isinstance(metrics, Mapping):
        return lines
    about = "; ".join(str(metrics[k]) for k in ("split", "protocol") if metrics.get(k))
    if about:
        lines += ["", f"Held out: {about}."]
    shown = {k: v for k, v in metrics.items() if k not in _HIDDEN}
    rows = list(_flatten(shown))
    published = metrics.get("published_percent")
    if isinstance(published, Mapping) and rows:
        mine = dict(_flatten(shown))
        rows = [(k, v) for k, v in rows if not any(k.endswith(f"/ {p}") for p in published)]
        paired = [
            (key, next((v for k, v in mine.items() if k.endswith(f"/ {key}")), "–"), f"{value}")
            for key, value in published.items()
        ]
        lines += ["", *table(("measure (%)", "this head", "published"), paired)]
    if rows:
        lines += ["", *table(("held-out metric", "value"), rows)]
    per_class = metrics.get("per_class")
    if isinstance(per_class, Mapping) and per_class:
        lines += [
            "",
            *table(
                ("label", "precision", "recall", "F1", "support"),
                (
                    [label, *(_num(c.get(k)) for k in ("precision", "recall", "f1", "support"))]
                    for label, c in per_class.items()
                    if isinstance(c, Mapping)
                ),
            ),
        ]
    other = metrics.get("published")
    if isinstance(other, Mapping) and other:
        lines += ["", "Published: " + "; ".join(f"{k} {v}" for k, v in _flatten(other)) + "."]
    return lines


def _training(training: Any) -> str | None:
    if not isinstance(training, Mapping):
        return None
    parts = [str(training["model"])] if training.get("model") else []
    parts += [
        f"{key} {_num(value)}"
        for key, value in training.items()
        if key != "model" and isinstance(value, int | float | str) and not isinstance(value, bool)
    ]
    return "; ".join(parts) or None


def _pairs(data: Any) -> str | None:
    if not isinstance(data, Mapping):
        return None
    return ", ".join(f"{k} {v}" for k, v in data.items()) or None


def _num(value: Any) -> str:
    if isinstance(value, bool) or value is None:
        return "–"
    if isinstance(value, float):
        return f"{value:.3f}" if abs(value) < 1 else format(round(value, 3), "g")
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def _flatten(data: Mapping[str, Any], prefix: str = "") -> Iterable[tuple[str, str]]:
    for key, value in data.items():
        name = f"{prefix}{key}"
        if isinstance(value, bool) or value is None:
            continue
        if isinstance(value, int | float):
            yield name, _num(value)
        elif isinstance(value, Mapping):
            yield from _flatten(value, f"{name} / ")


def _shown(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(REPO))
    except ValueError:
        return str(path)


# --------------------------------------------------------------------------- report


def render(
    results: Sequence[SetResult],
    manifest: Record,
    heads: Path,
    today: date,
    seconds: float,
    fast_available: bool,
) -> str:
    """The whole of docs/accuracy.md."""
    after_versions = results[0].after.report.get("analyzers", {}) if results else {}
    before_versions = (
        results[0].before.report.get("analyzers", {}) if results and results[0].before else {}
    )
    lines = [
        "# Accuracy of servicecoach's signals and scores, before and after learned judgement",
        "",
        f"Generated on {today.isoformat()} by `{COMMAND}` (see "
        "[evaluation/README.md](../evaluation/README.md)) — do not edit by hand. Every "
        "figure is printed by `servicecoach eval --json` (docs/eval.md) on files that "
        "`build_sets.py` makes from the public data sets under `../shared/data`.",
        "",
        "- **before** = `servicecoach eval --fast`: the rule signals alone, without the "
        "embedding model and the trained heads - the baseline servicecoach had before "
        "learned judgement (the rules as they are in this version; the analyser versions "
        "below say which were revised). **after** = `servicecoach eval`: rules combined with the sentence "
        "embeddings and trained heads. The difference is also what `--fast` costs in "
        "accuracy."
        + (
            ""
            if fast_available
            else " **This run had no `--fast` in `servicecoach eval`, so the before "
            "columns are empty.**"
        ),
        "- Analysers after: "
        + (", ".join(f"`{v}`" for v in after_versions.values()) or "–")
        + "; before (`--fast`): "
        + (", ".join(f"`{v}`" for v in before_versions.values()) or "–")
        + ".",
        f"- Machine: {os.cpu_count()} CPUs ({platform.machine()}, {platform.system()}), Python "
        f"{platform.python_version()}; {seconds:.0f} s for all the runs. Sets are seeded "
        f"samples (seed {manifest['seed']}): at most {manifest['limit']:,} labelled items per "
        f"set (STC-3's rated dialogues included) and {manifest['uss_dialogues']:,} dialogues "
        "per USS corpus.",
        "- Only aggregate figures appear here; no row of any data set is copied (the "
        "generated sets live outside the repository, in `/tmp/servicecoach-eval/` by "
        "default).",
        "- Reading the tables: P/R/F1 are for the labelled class (the signal should fire); "
        "*accuracy* counts both classes. Emotion and sentiment: macro-F1 is the mean F1 over "
        "the labels present; accuracy the share labelled alike. Scores: Spearman's rank "
        "correlation with the human score, with its p-value and the number of pairs; *not "
        "scored* counts conversations where servicecoach's score was not applicable.",
        "",
        "## Summary",
        "",
    ]
    rows = [row for result in results for row in headline(result)]
    lines += table(("set", "measure", "n", "before", "after"), rows)
    skipped = manifest.get("skipped", {})
    not_evaluated = manifest.get("not_evaluated", {})
    if skipped or not_evaluated:
        lines += ["", "Not measured:", ""]
        lines += [f"- `{name}` (skipped this run): {why}." for name, why in skipped.items()]
        lines += [f"- `{name}`: {why}." for name, why in not_evaluated.items()]
    for result in results:
        lines += ["", *section(result)]
    lines += ["", *models_section(heads)]
    return "\n".join(lines) + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--sets", type=Path, default=DEFAULT_SETS, help="build_sets.py's output")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="the Markdown report")
    parser.add_argument("--heads", type=Path, default=DEFAULT_HEADS, help="trained heads folder")
    parser.add_argument(
        "--command",
        default="servicecoach",
        help="how to start servicecoach (default: the installed entry point)",
    )
    parser.add_argument("--only", nargs="*", default=[], help="run only these sets")
    parser.add_argument("--no-write", action="store_true", help="print the report only")
    args = parser.parse_args(argv)
    manifest_path = args.sets / "manifest.json"
    if not manifest_path.is_file():
        parser.error(f"{manifest_path} not found: run python evaluation/build_sets.py first")
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    command = shlex.split(args.command)
    fast = eval_supports_fast(command)
    if not fast:
        print("warning: servicecoach eval has no --fast; 'before' is left empty", file=sys.stderr)
    started = time.perf_counter()
    results: list[SetResult] = []
    for name in manifest["sets"]:
        if args.only and name not in args.only:
            continue
        folder = args.sets / name
        meta = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
        before = run_eval(command, folder, fast=True) if fast else None
        after = run_eval(command, folder, fast=False)
        results.append(SetResult(name, meta, before, after))
        took = f"{before.seconds:.1f} s fast, " if before else ""
        print(f"{name}: {took}{after.seconds:.1f} s full", file=sys.stderr)
    text = render(
        results,
        manifest,
        args.heads,
        date.today(),
        time.perf_counter() - started,
        fast,
    )
    if args.no_write:
        print(text)
    else:
        args.out.write_text(text, encoding="utf-8")
        print(f"written to {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
