"""evaluation/make_accuracy.py: the report, its baseline / before / rules-only / after columns
and the trust gate, from made-up ``servicecoach eval --json`` outputs."""

from __future__ import annotations

import json
import tomllib
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from tests.evaluation.test_build_sets import _fake_data, _heads, _script, build_sets

make_accuracy = _script("make_accuracy")

TODAY = date(2026, 11, 22)


def _counts(tp: int, fp: int, fn: int, tn: int) -> dict[str, Any]:
    support, predicted = tp + fn, tp + fp
    return {
        "support": support,
        "predicted": predicted,
        "n": tp + fp + fn + tn,
        "precision": round(tp / predicted, 3) if predicted else None,
        "recall": round(tp / support, 3) if support else None,
        "f1": round(2 * tp / (support + predicted), 3) if support + predicted else None,
    }


@pytest.mark.parametrize("cells", [(3, 1, 2, 10), (0, 0, 5, 5), (0, 4, 0, 6), (811, 3, 838, 1640)])
def test_recovers_the_exact_confusion_counts(cells: tuple[int, ...]) -> None:
    assert make_accuracy.confusion(_counts(*cells)) == cells


def _signal(cells: tuple[int, int, int, int], baseline: tuple[int, ...] | None) -> dict[str, Any]:
    row = {**_counts(*cells), "experimental": False}
    if baseline is not None:
        row["baseline"] = {"rule": "contains '?'", **_counts(*baseline)}
    else:
        row["baseline"] = None
    return row


def _report(
    signals: dict[str, dict[str, Any]], rho: float, *, baselines: bool = True
) -> dict[str, Any]:
    """An eval --json output; ``baselines=False`` is the shape of versions before them."""
    sentiment: dict[str, Any] = {
        "labels": {"negative": _counts(2, 1, 1, 6), "neutral": _counts(0, 1, 0, 9)},
        "macro_f1": 0.667,
        "accuracy": 0.667,
    }
    score: dict[str, Any] = {"rho": rho, "p_value": 0.0004, "n": 10, "missing": 1}
    if baselines:
        sentiment["baselines"] = {
            "keywords": {"rule": "keywords", "macro_f1": 0.5, "accuracy": 0.6},
            "majority": {"rule": "always", "label": "neutral", "macro_f1": 0.2, "accuracy": 0.7},
        }
        sentiment["lift"] = 0.167
        score["baseline"] = {"rule": "keyword count", "rho": 0.3, "p_value": 0.2, "n": 10}
        score["lift"] = round(rho - 0.3, 3)
    else:
        signals = {
            k: {f: v for f, v in row.items() if f not in ("baseline", "experimental")}
            for k, row in signals.items()
        }
    return {
        "ok": True,
        "conversations": 10,
        "signals": signals,
        "sentiment": sentiment,
        "scores": {"satisfaction": score},
        "unmatched": 0,
        "not_scored": 0,
        "analyzers": {"active_listening": "listening.v1"},
    }


META = {
    "name": "toy",
    "title": "Toy set — a made-up set",
    "source": "toy/test.tsv",
    "protocol": "Made-up labels.",
    "sampled": "all 10",
    "notes": [],
    "counts": {"conversations": 10, "messages": 20, "labels": 11},
}
MANIFEST = {"seed": 1, "limit": 10, "uss_dialogues": 5, "skipped": {}, "not_evaluated": {}}


def _result(name: str = "toy", after_cells: tuple[int, int, int, int] = (4, 1, 0, 5)) -> Any:
    question = {"listening.question": _signal(after_cells, (3, 3, 1, 3))}
    before = make_accuracy.Run(
        _report({"listening.question": _signal((2, 0, 2, 6), None)}, 0.2, baselines=False), 20.0
    )
    fast = make_accuracy.Run(_report({"listening.question": _signal((1, 0, 3, 6), None)}, 0.1), 1.5)
    after = make_accuracy.Run(_report(question, 0.62), 9.0)
    return make_accuracy.SetResult(name, {**META, "name": name}, before, fast, after)


def test_renders_baseline_before_rules_only_after_and_lift_without_data_rows() -> None:
    text = make_accuracy.render(
        [_result()], MANIFEST, Path("/nonexistent"), TODAY, 10.5, True, "v0.0 (abc123)"
    )
    assert "2026-11-22" in text
    assert "python evaluation/build_sets.py && python evaluation/make_accuracy.py" in text
    assert "| set | measure | n | baseline | before | rules only | after | lift |" in text
    # F1: baseline 0.60, before (older version) 0.67, rules only 0.40, after 0.89
    assert "| Toy set | F1 `listening.question` | 10 | 0.60 | 0.67 | 0.40 | 0.89 | +0.29 |" in text
    assert (
        "| Toy set | sentiment macro-F1 | 3 | 0.50 (keywords) | 0.67 | 0.67 | 0.67 | +0.17 |"
        in text
    )
    assert (
        "| Toy set | Spearman rho, `satisfaction` | 10 | 0.30 | 0.20 | 0.10 | 0.62 | +0.32 |"
        in text
    )
    assert "older version (v0.0 (abc123))" in text
    assert "- `listening.question`: contains '?'." in text
    assert "| **macro-F1** | 0.50 | 0.20 | 0.67 | 0.67 | 0.67 | +0.17 |" in text
    assert "baseline: majority (neutral)" in text
    assert "20.0 s before, 1.5 s rules only (`--fast`), 9.0 s after" in text
    assert "| neutral | 0 | – | – | – |" in text  # no gold items: no F1


def test_without_an_older_version_the_before_columns_are_empty() -> None:
    result = _result()
    result.before = None
    text = make_accuracy.render([result], MANIFEST, Path("/nonexistent"), TODAY, 1.0, True)
    assert "no older version was given" in text
    assert "| Toy set | F1 `listening.question` | 10 | 0.60 | – | 0.40 | 0.89 | +0.29 |" in text


@pytest.mark.parametrize(
    ("f1", "precision", "base_f1", "base_precision", "passed"),
    [
        (0.80, 0.90, 0.70, 0.80, True),
        (0.70, 0.90, 0.70, 0.80, True),  # the same F1, more precise: F0.5 is higher
        (0.75, 0.60, 0.70, 0.64, False),  # a higher F1 by guessing more: F0.5 is lower
        (0.90, 0.70, 0.70, 0.80, False),  # precision more than 0.05 below the baseline's
        (0.90, 0.76, 0.70, 0.80, True),  # within the margin
        (0.90, 0.80, 0.70, 0.86, False),  # just outside it
        (0.30, 0.50, None, None, True),  # the baseline never fired
        (None, None, 0.20, 0.50, False),  # the signal never fired
        (0.00, None, 0.00, None, False),
        (1.00, 1.00, 1.00, 1.00, True),  # a perfect baseline can only be matched
        (0.98, 1.00, 1.00, 1.00, False),
    ],
)
def test_gate_is_precision_first(
    f1: float | None,
    precision: float | None,
    base_f1: float | None,
    base_precision: float | None,
    passed: bool,
) -> None:
    row = make_accuracy.GateRow(
        "listening.question", "toy", "Toy", 10, 100, precision, f1, base_precision, base_f1, "?"
    )
    assert row.passed is passed


def _gate_results() -> list[Any]:
    good = _result("good", (4, 1, 0, 5))  # F1 0.89 against 0.60
    bad = _result("bad", (1, 2, 3, 4))  # F1 0.29 against 0.60, and less precise
    for result, group in ((good, (3, 0, 1, 6)), (bad, (3, 0, 1, 6))):
        signals = result.after.report["signals"]
        signals["closing.warm"] = _signal((3, 0, 1, 6), (2, 0, 2, 6))
        signals["empathy.validation|apology.apology"] = _signal(group, (4, 0, 0, 6))
        signals["clarity.jargon"] = _signal((1, 0, 1, 8), None)
        signals["closing.check"] = _signal((0, 1, 0, 9), (0, 2, 0, 8))  # no positives
    return [good, bad]


def test_gate_rows_name_the_sets_that_test_each_signal() -> None:
    rows = make_accuracy.gate_rows(_gate_results())
    assert list(rows) == [
        "closing.warm", "empathy.validation|apology.apology", "listening.question",
    ]  # fmt: skip
    assert [r.set_name for r in rows["listening.question"]] == ["good", "bad"]
    assert make_accuracy.verdicts(rows) == {
        "closing.warm": True,
        "empathy.validation|apology.apology": False,
        "listening.question": False,
    }
    assert make_accuracy.untested(_gate_results()) == ["clarity.jargon"]


def test_gate_section_gives_a_verdict_per_signal() -> None:
    text = "\n".join(make_accuracy.gate_section(_gate_results()))
    assert (
        "| `closing.warm` | 2 | Toy set +0.10 / +0.19 / +0.00; Toy set +0.10 / +0.19 / +0.00 |"
        in text
    )
    assert "**beats its baseline on all 2**" in text
    assert "**does not** (fails on 1 of 2): experimental" in text
    assert "Groups of alternatives:" in text
    assert "Not gated (measured with positives, but no baseline rule): `clarity.jargon`." in text


def test_experimental_toml_lists_failing_signals_with_figures_and_date() -> None:
    rows = make_accuracy.gate_rows(_gate_results())
    text = make_accuracy.experimental_toml(rows, TODAY, make_accuracy.EXPERIMENTAL_HEADER)
    data = tomllib.loads(text)
    assert list(data) == ["listening.question"]  # groups never mark their signals
    why = data["listening.question"]
    assert "did not beat its baseline (contains '?') on 1 of 2 labelled sets" in why
    assert (
        "Toy set: F0.5 0.31 vs baseline 0.54 (lift -0.22), F1 0.29 vs 0.60, precision 0.33 vs 0.50"
        in why
    )
    assert "2026-11-22" in why
    assert text.startswith("# Signals marked experimental")


def test_identical_runs_are_said_to_be() -> None:
    result = _result()
    result.fast = make_accuracy.Run(json.loads(json.dumps(result.after.report)), 1.0)
    result.fast.report["signals"]["listening.question"].pop("baseline")
    lines = make_accuracy.section(result)
    assert any("Rules only and after are identical" in line for line in lines)
    assert not any("Before and after are identical" in line for line in lines)


@pytest.mark.slow
def test_runs_the_real_eval_command_with_an_older_version(tmp_path: Path) -> None:
    data, sets, doc = _fake_data(tmp_path), tmp_path / "sets", tmp_path / "accuracy.md"
    build_sets.main(["--data", str(data), "--out", str(sets), "--heads", str(_heads(tmp_path))])
    experimental = tmp_path / "experimental.toml"
    code = make_accuracy.main(
        [
            "--sets", str(sets), "--out", str(doc), "--only", "tweeteval_emotion", "casino",
            "--before-command", "servicecoach", "--before-label", "the same version",
            "--experimental", str(experimental),
        ]
    )  # fmt: skip
    assert code == 0
    text = doc.read_text(encoding="utf-8")
    assert "| TweetEval emotion | sentiment macro-F1 | 2 |" in text
    assert "older version (the same version)" in text and "had no `--fast`" not in text
    assert "Before and after are identical" in text
    assert "## Trust gate" in text
    tomllib.loads(experimental.read_text(encoding="utf-8"))
    # the made-up texts never reach the report, only figures about them
    assert "so angry right now" not in text and "that must be tough" not in text
